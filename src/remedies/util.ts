/** Small pieces every remedy step uses: object references, secret values, waiting for the cluster. */
import { keyMatchesCertificate } from '../pki/keys.js';
import { parseCertificates } from '../pki/parse.js';
import type { CertInfo } from '../pki/types.js';
import { RESOURCES } from '../sources/resources.js';
import type { KubeObject, ResourceRef } from '../sources/types.js';
import type { ObjectKey } from './kube-api.js';
import { StepFailed, type StepContext } from './types.js';

export const MACHINE_CONFIGS: ResourceRef = {
  group: 'machineconfiguration.openshift.io',
  version: 'v1',
  kind: 'MachineConfig',
  plural: 'machineconfigs',
  namespaced: false,
};

export const REFS = { ...RESOURCES, machineConfigs: MACHINE_CONFIGS };

export function secretKey(namespace: string, name: string): ObjectKey {
  return { ref: RESOURCES.secrets, namespace, name };
}

export function configMapKey(namespace: string, name: string): ObjectKey {
  return { ref: RESOURCES.configMaps, namespace, name };
}

export function bmhKey(namespace: string, name: string): ObjectKey {
  return { ref: RESOURCES.bareMetalHosts, namespace, name };
}

/** A secret's value, decoded; undefined when absent. */
export function secretText(secret: KubeObject | undefined, key: string): string | undefined {
  const raw = (secret?.['data'] as Record<string, string> | undefined)?.[key];
  return raw === undefined ? undefined : Buffer.from(raw, 'base64').toString('utf8');
}

export function configMapText(cm: KubeObject | undefined, key: string): string | undefined {
  return (cm?.['data'] as Record<string, string> | undefined)?.[key];
}

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Certificates in a PEM text; [] when there are none or it does not parse. */
export function certsIn(pem: string | undefined, source: string): CertInfo[] {
  if (!pem) return [];
  try {
    return parseCertificates(pem, source);
  } catch {
    return [];
  }
}

/** Whether a PEM private key is the key of the certificate; an absent or unparsable key is not. */
export function keyPairMatches(keyPem: string | undefined, cert: CertInfo): boolean {
  if (!keyPem) return false;
  try {
    return keyMatchesCertificate(keyPem, cert);
  } catch {
    return false;
  }
}

/** Polls `probe` until it returns a value, or fails the step after ctx.waitTimeoutMs. */
export async function waitFor<T>(
  ctx: Pick<StepContext, 'waitTimeoutMs' | 'pollMs' | 'log'>,
  what: string,
  probe: () => Promise<T | undefined>,
  hint?: string,
): Promise<T> {
  const deadline = Date.now() + ctx.waitTimeoutMs;
  let announced = false;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      throw new StepFailed(
        `gave up after ${Math.round(ctx.waitTimeoutMs / 1000)} s waiting for ${what}`,
        hint,
      );
    }
    if (!announced) {
      ctx.log(`waiting for ${what}`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, ctx.pollMs));
  }
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
