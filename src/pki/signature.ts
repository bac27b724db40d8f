/**
 * (*Certificate).CheckSignatureFrom and checkSignature from Go 1.19 crypto/x509 (x509.go):
 * the parent rules first, then the algorithm/key checks with Go's exact error texts, then the
 * cryptographic check itself (done by node:crypto).
 */
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { SIGNATURE_ALGORITHMS } from './oids.js';
import type { CertInfo } from './types.js';

export const CONSTRAINT_VIOLATION =
  'x509: invalid signature: parent certificate cannot sign this kind of certificate';
export const ERR_UNSUPPORTED_ALGORITHM = 'x509: cannot verify signature: algorithm unimplemented';

const GO_KEY_TYPE: Record<string, string> = {
  RSA: '*rsa.PublicKey',
  ECDSA: '*ecdsa.PublicKey',
  Ed25519: 'ed25519.PublicKey',
  DSA: '*dsa.PublicKey',
};

const publicKeys = new WeakMap<CertInfo, KeyObject>();
const x509s = new WeakMap<CertInfo, X509Certificate>();

function publicKeyOf(c: CertInfo): KeyObject {
  let k = publicKeys.get(c);
  if (!k) {
    k = c.spkiDer
      ? createPublicKey({ key: c.spkiDer, format: 'der', type: 'spki' })
      : new X509Certificate(c.der).publicKey;
    publicKeys.set(c, k);
  }
  return k;
}

function x509Of(c: CertInfo): X509Certificate {
  let x = x509s.get(c);
  if (!x) {
    x = new X509Certificate(c.der);
    x509s.set(c, x);
  }
  return x;
}

/** Returns undefined when `parent` signed `child`, else the error text Go returns. */
export function checkSignatureFrom(child: CertInfo, parent: CertInfo): string | undefined {
  // RFC 5280 4.2.1.9, as Go applies it: a v3 parent needs basicConstraints with cA set.
  if (
    (parent.version === 3 && !parent.basicConstraintsValid) ||
    (parent.basicConstraintsValid && !parent.isCA)
  ) {
    return CONSTRAINT_VIOLATION;
  }
  // Go's KeyUsage is 0 when the extension is absent or has no bits: then it is not checked.
  if (parent.keyUsage.length > 0 && !parent.keyUsage.includes('keyCertSign')) return CONSTRAINT_VIOLATION;
  if (!['RSA', 'ECDSA', 'Ed25519', 'DSA'].includes(parent.publicKeyAlgorithm))
    return ERR_UNSUPPORTED_ALGORITHM;

  const algo = SIGNATURE_ALGORITHMS[child.signatureAlgorithmOid ?? ''];
  if (!algo || algo.goName === 'MD2-RSA') return ERR_UNSUPPORTED_ALGORITHM;
  if (algo.goName === 'MD5-RSA') return `x509: cannot verify signature: insecure algorithm ${algo.goName}`;
  if (algo.insecure) {
    // SHA-1: refused since go1.18 unless GODEBUG=x509sha1=1.
    const override =
      algo.goName === 'SHA1-RSA' || algo.goName === 'ECDSA-SHA1'
        ? ' (temporarily override with GODEBUG=x509sha1=1)'
        : '';
    return `x509: cannot verify signature: insecure algorithm ${algo.goName}${override}`;
  }
  const parentKind = parent.publicKeyAlgorithm;
  if (parentKind === 'DSA') return ERR_UNSUPPORTED_ALGORITHM; // no DSA case in checkSignature's key switch
  if (algo.keyKind !== parentKind) {
    return `x509: signature algorithm specifies an ${algo.keyKind} public key, but have public key of type ${GO_KEY_TYPE[parentKind] ?? parentKind}`;
  }
  let ok: boolean;
  try {
    ok = x509Of(child).verify(publicKeyOf(parent));
  } catch {
    ok = false;
  }
  if (ok) return undefined;
  switch (parentKind) {
    case 'RSA':
      return 'crypto/rsa: verification error';
    case 'ECDSA':
      return 'x509: ECDSA verification failure';
    default:
      return 'x509: Ed25519 verification failure';
  }
}
