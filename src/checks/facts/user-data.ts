/** The pointer Ignition configs in the user-data secrets of openshift-machine-api. */
import { InputError } from '../../core/errors.js';
import { parsePointer } from '../../ignition/pointer.js';
import type { PointerConfig } from '../../ignition/types.js';
import type { KubeObject, Read } from '../../sources/types.js';
import { MACHINE_API_NAMESPACE } from '../snapshot.js';
import { secretValue } from './secret-data.js';

export interface UserDataSecret {
  namespace: string;
  name: string;
  ref: string;
  /** `-managed` copies are written by the MCO (4.10+) from the unmanaged one. */
  managed: boolean;
  pointer?: PointerConfig;
  /** Why no pointer: redacted by a must-gather, missing key, unparsable. */
  problem?: string;
  redacted: boolean;
}

export function isUserDataSecret(secret: KubeObject): boolean {
  const data = (secret as { data?: Record<string, unknown> }).data;
  return (
    secret.metadata.name.endsWith('-user-data') ||
    secret.metadata.name.endsWith('-user-data-managed') ||
    !!data?.['userData']
  );
}

export function readUserDataSecret(secret: KubeObject): UserDataSecret {
  const namespace = secret.metadata.namespace ?? MACHINE_API_NAMESPACE;
  const name = secret.metadata.name;
  const ref = `secret ${namespace}/${name}`;
  const base = { namespace, name, ref, managed: name.endsWith('-managed'), redacted: false };
  const value = secretValue(secret, 'userData');
  if (value.kind === 'missing') return { ...base, problem: `${ref} has no userData key` };
  if (value.kind === 'redacted') {
    return { ...base, redacted: true, problem: `userData was redacted by must-gather ("${value.note}")` };
  }
  try {
    return { ...base, pointer: parsePointer(value.text, ref) };
  } catch (err) {
    const message = err instanceof InputError || err instanceof Error ? err.message : String(err);
    return { ...base, problem: `userData is not a pointer config Ignition can read: ${message}` };
  }
}

export function userDataFacts(secrets: Read<KubeObject[]>): Map<string, UserDataSecret> {
  const out = new Map<string, UserDataSecret>();
  if (!secrets.ok) return out;
  for (const s of secrets.value) {
    if (s.metadata.namespace !== MACHINE_API_NAMESPACE || !isUserDataSecret(s)) continue;
    out.set(`${s.metadata.namespace}/${s.metadata.name}`, readUserDataSecret(s));
  }
  return out;
}
