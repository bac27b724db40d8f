/**
 * After `restore` puts machine-config-server-tls back: before 4.19 the MCS pods keep serving the
 * certificate they loaded at start, so the restored one is served only once they restart. A
 * sound secret (a certificate and the key that matches it) is put into service as the fix did:
 * the pods serving another certificate are deleted and their DaemonSet recreates them. A broken
 * one (absent, or a key that does not match) is not: new pods could not start and no host could
 * fetch at all, so the running pods keep serving and the output says how to restart them.
 */
import { MCO_NAMESPACE, MCS_APP_LABEL, MCS_NAME, MCS_TLS_SECRET } from '../core/names.js';
import { versionAtLeast } from '../openshift/version.js';
import { RESOURCES } from '../sources/resources.js';
import { keyOf, type KubeApi } from './kube-api.js';
import { servedEverywhere, servedState } from './steps/mcs-pods.js';
import { StepFailed } from './types.js';
import { certsIn, keyPairMatches, secretKey, secretText, waitFor } from './util.js';

export interface McsReload {
  message: string;
  /** False when the pods did not come to serve the restored certificate in time. */
  ok: boolean;
}

const MCS_PORT = 22623;
const RESTART = `oc -n ${MCO_NAMESPACE} delete pod -l ${MCS_APP_LABEL}=${MCS_NAME}`;

async function secretProblem(api: KubeApi): Promise<string | undefined> {
  const secret = await api.get(secretKey(MCO_NAMESPACE, MCS_TLS_SECRET));
  if (!secret) return `secret ${MCS_TLS_SECRET} does not exist again`;
  const leaf = certsIn(secretText(secret, 'tls.crt'), 'tls.crt')[0];
  if (!leaf) return `${MCS_TLS_SECRET} holds no parsable certificate again`;
  return keyPairMatches(secretText(secret, 'tls.key'), leaf)
    ? undefined
    : `tls.key in ${MCS_TLS_SECRET} does not match tls.crt again`;
}

async function serverName(api: KubeApi): Promise<string> {
  const infra = await api.get({ ref: RESOURCES.infrastructures, name: 'cluster' });
  const uri = ((infra?.['status'] ?? {}) as { apiServerInternalURI?: string }).apiServerInternalURI;
  try {
    return uri ? new URL(uri).hostname : '';
  } catch {
    return '';
  }
}

export async function reloadRestoredMcs(
  api: KubeApi,
  clusterVersion: string | null,
  opts: { waitMs: number; pollMs: number; out: (line: string) => void },
): Promise<McsReload> {
  if (clusterVersion && versionAtLeast(clusterVersion, '4.19')) {
    return {
      ok: true,
      message: `the MCS (4.19+) reloads the restored ${MCS_TLS_SECRET} by itself once the kubelet updates its volume`,
    };
  }
  const problem = await secretProblem(api);
  if (problem) {
    return {
      ok: true,
      message: `${problem}, as before the fix: the MCS pods were left serving the certificate the fix gave them (new pods could not start). To go all the way back: ${RESTART}`,
    };
  }
  const name = await serverName(api);
  const before = await servedState(api, MCS_PORT, name);
  const stale = before.pods.filter((p) => !before.current.includes(p.metadata.name));
  for (const pod of stale) await api.delete(keyOf(RESOURCES.pods, pod));
  if (stale.length) {
    opts.out(
      `deleted ${stale.length} MCS pod(s) so they load the restored ${MCS_TLS_SECRET} (before 4.19 the MCS reads it only at start): ${stale.map((p) => p.metadata.name).join(', ')}`,
    );
  }
  const wait = { waitTimeoutMs: opts.waitMs, pollMs: opts.pollMs, log: opts.out };
  try {
    const now = await waitFor(wait, 'the MCS pods to serve the restored certificate', () =>
      servedEverywhere(api, MCS_PORT, name),
    );
    return {
      ok: true,
      message: `${now.current.length} of ${now.pods.length} MCS pods serve the restored certificate`,
    };
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    const now = await servedState(api, MCS_PORT, name);
    return {
      ok: false,
      message: `${err.message}: ${now.current.length} of ${now.pods.length} MCS pods serve it (${now.stale.join('; ')}); check them: oc -n ${MCO_NAMESPACE} get pods -l ${MCS_APP_LABEL}=${MCS_NAME}`,
    };
  }
}
