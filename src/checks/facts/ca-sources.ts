/** The CAs that can sign the MCS serving certificate: the installer's root-ca and, from 4.19, machine-config-server-ca. */
import { parseCertificates } from '../../pki/parse.js';
import type { CertInfo } from '../../pki/types.js';
import type { KubeObject, Read } from '../../sources/types.js';
import { MCO_NAMESPACE } from '../snapshot.js';
import { configMapValue, findObject, secretValue } from './secret-data.js';

export interface CaSource {
  /** `configmap kube-system/root-ca` and the key. */
  ref: string;
  certs: CertInfo[];
  problem?: string;
}

export const MCS_CA_NAME = 'machine-config-server-ca';

function fromPem(ref: string, pem: string | undefined): CaSource | undefined {
  if (pem === undefined) return undefined;
  try {
    return { ref, certs: parseCertificates(pem, ref) };
  } catch (err) {
    return { ref, certs: [], problem: err instanceof Error ? err.message : String(err) };
  }
}

export function caSourceFacts(
  kubeSystemConfigMaps: Read<KubeObject[]>,
  mcoConfigMaps: Read<KubeObject[]>,
  secrets: Read<KubeObject[]>,
): { sources: CaSource[]; unread: string[] } {
  const sources: CaSource[] = [];
  const unread: string[] = [];
  if (kubeSystemConfigMaps.ok) {
    const cm = findObject(kubeSystemConfigMaps.value, 'kube-system', 'root-ca');
    const s = cm && fromPem('configmap kube-system/root-ca ca.crt', configMapValue(cm, 'ca.crt'));
    if (s) sources.push(s);
  } else unread.push(`configmap kube-system/root-ca: ${kubeSystemConfigMaps.message}`);
  if (mcoConfigMaps.ok) {
    const cm = findObject(mcoConfigMaps.value, MCO_NAMESPACE, MCS_CA_NAME);
    const s =
      cm &&
      fromPem(`configmap ${MCO_NAMESPACE}/${MCS_CA_NAME} ca-bundle.crt`, configMapValue(cm, 'ca-bundle.crt'));
    if (s) sources.push(s);
  } else unread.push(`configmaps in ${MCO_NAMESPACE}: ${mcoConfigMaps.message}`);
  if (secrets.ok) {
    const secret = findObject(secrets.value, MCO_NAMESPACE, MCS_CA_NAME);
    if (secret) {
      const crt = secretValue(secret, 'tls.crt');
      const ref = `secret ${MCO_NAMESPACE}/${MCS_CA_NAME} tls.crt`;
      if (crt.kind === 'value') {
        const s = fromPem(ref, crt.text);
        if (s) sources.push(s);
      } else
        sources.push({
          ref,
          certs: [],
          problem: crt.kind === 'redacted' ? `redacted ("${crt.note}")` : 'no tls.crt',
        });
    }
  }
  return { sources, unread };
}
