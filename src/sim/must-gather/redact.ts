/**
 * Secrets as `oc adm inspect` writes them: every data value except the public certificates
 * (`tls.crt`, `ca.crt`, `service-ca.crt`) is replaced by "<N> bytes long", and the token value
 * and last-applied annotations are blanked. Confirmed key by key against the real archive.
 */
import type { KubeObject } from '../kube/types.js';

export const PUBLIC_SECRET_KEYS: ReadonlySet<string> = new Set(['tls.crt', 'ca.crt', 'service-ca.crt']);
const BLANKED_ANNOTATIONS = [
  'openshift.io/token-secret.value',
  'kubectl.kubernetes.io/last-applied-configuration',
];

export function redactSecret(secret: KubeObject): KubeObject {
  const out = structuredClone(secret);
  const data = out.data as Record<string, string> | undefined;
  if (data) {
    for (const key of Object.keys(data)) {
      if (PUBLIC_SECRET_KEYS.has(key)) continue;
      const length = Buffer.from(data[key] ?? '', 'base64').length;
      data[key] = Buffer.from(`${length} bytes long`).toString('base64');
    }
  }
  delete out.stringData;
  const annotations = out.metadata.annotations;
  if (annotations) {
    for (const key of BLANKED_ANNOTATIONS) if (key in annotations) annotations[key] = '';
  }
  return out;
}
