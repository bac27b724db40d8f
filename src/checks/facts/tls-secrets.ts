/**
 * The leaf certificate of every TLS secret the snapshot holds (type kubernetes.io/tls, and the
 * MCS serving secret whatever its type), with who rotates it: what the tls-secrets-expiry check
 * reports and the exporter measures.
 */
import type { CertInfo } from '../../pki/types.js';
import { parseCertificates } from '../../pki/parse.js';
import type { Facts } from './index.js';
import { rotationOf, type Rotation } from './cert-rotation.js';
import { secretValue } from './secret-data.js';
import { SERVING_SECRET } from './serving-cert.js';
import { itemsOf } from '../snapshot.js';

export interface TlsSecretLeaf {
  /** `secret NS/NAME`. */
  ref: string;
  namespace: string;
  name: string;
  leaf: CertInfo;
  /** Who renews it; for an unannotated copy of a rotated certificate, its source's rotator. */
  rotation: Rotation;
  /** The secret this one is a copy of, when its rotation comes from there. */
  copyOf?: string;
}

export interface TlsSecretLeaves {
  leaves: TlsSecretLeaf[];
  /** `secret NS/NAME` of each tls.crt that does not parse. */
  unparsable: string[];
}

export function tlsSecretLeaves(facts: Pick<Facts, 'snapshot' | 'now' | 'cluster'>): TlsSecretLeaves {
  const read = facts.snapshot.secrets;
  const ctx = {
    now: facts.now,
    version: facts.cluster.version,
    hasMachineSets: itemsOf(facts.snapshot.machineSets).length > 0,
  };
  const own: TlsSecretLeaf[] = [];
  const unparsable: string[] = [];
  for (const s of read.ok ? read.value : []) {
    if (s['type'] !== 'kubernetes.io/tls' && s.metadata.name !== SERVING_SECRET) continue;
    const namespace = s.metadata.namespace ?? '';
    const ref = `secret ${namespace}/${s.metadata.name}`;
    const crt = secretValue(s, 'tls.crt');
    if (crt.kind !== 'value') continue;
    let leaf;
    try {
      leaf = parseCertificates(crt.bytes, ref)[0];
    } catch {
      unparsable.push(ref);
      continue;
    }
    if (leaf) own.push({ ref, namespace, name: s.metadata.name, leaf, rotation: rotationOf(s, leaf, ctx) });
  }
  // An operator that syncs a rotated secret into another namespace copies the certificate
  // without the annotations (the kube-controller-manager operator's csr-signer): the copy is
  // renewed when its source is.
  const rotatedBy = new Map<string, TlsSecretLeaf>();
  for (const p of own) if (p.rotation.state === 'rotated') rotatedBy.set(p.leaf.fingerprintSha256, p);
  const leaves = own.map((p) => {
    const source = p.rotation.state === 'unmanaged' ? rotatedBy.get(p.leaf.fingerprintSha256) : undefined;
    return source
      ? {
          ...p,
          rotation: { ...source.rotation, by: `${source.rotation.by}, as a copy of ${source.ref}` },
          copyOf: source.ref,
        }
      : p;
  });
  return { leaves, unparsable };
}
