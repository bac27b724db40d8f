/**
 * Signatures as Go 1.19 crypto/x509 checks them (x509.go): getSignatureAlgorithmFromAI decides
 * which SignatureAlgorithm a certificate names (RSA-PSS only in its three standard parameter
 * sets; Ed25519 only without parameters), CheckSignatureFrom applies the parent rules, and
 * checkSignature the hash and key-type rules with Go's exact error texts before the
 * cryptographic check itself (node:crypto, with the same padding and salt Go uses).
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { GoReader } from './cryptobyte.js';
import type { CertInfo } from './types.js';

export const CONSTRAINT_VIOLATION =
  'x509: invalid signature: parent certificate cannot sign this kind of certificate';
export const ERR_UNSUPPORTED_ALGORITHM = 'x509: cannot verify signature: algorithm unimplemented';

type KeyKind = 'RSA' | 'ECDSA' | 'Ed25519' | 'DSA';
type Hash = 'md2' | 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'none';

/** signatureAlgorithmDetails, by Go's name. */
const DETAILS: Record<string, { hash: Hash; key: KeyKind; pss?: boolean }> = {
  'MD2-RSA': { hash: 'md2', key: 'RSA' },
  'MD5-RSA': { hash: 'md5', key: 'RSA' },
  'SHA1-RSA': { hash: 'sha1', key: 'RSA' },
  'SHA256-RSA': { hash: 'sha256', key: 'RSA' },
  'SHA384-RSA': { hash: 'sha384', key: 'RSA' },
  'SHA512-RSA': { hash: 'sha512', key: 'RSA' },
  'SHA256-RSAPSS': { hash: 'sha256', key: 'RSA', pss: true },
  'SHA384-RSAPSS': { hash: 'sha384', key: 'RSA', pss: true },
  'SHA512-RSAPSS': { hash: 'sha512', key: 'RSA', pss: true },
  'DSA-SHA1': { hash: 'sha1', key: 'DSA' },
  'DSA-SHA256': { hash: 'sha256', key: 'DSA' },
  'ECDSA-SHA1': { hash: 'sha1', key: 'ECDSA' },
  'ECDSA-SHA256': { hash: 'sha256', key: 'ECDSA' },
  'ECDSA-SHA384': { hash: 'sha384', key: 'ECDSA' },
  'ECDSA-SHA512': { hash: 'sha512', key: 'ECDSA' },
  Ed25519: { hash: 'none', key: 'Ed25519' },
};

const BY_OID: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'MD2-RSA',
  '1.2.840.113549.1.1.4': 'MD5-RSA',
  '1.2.840.113549.1.1.5': 'SHA1-RSA',
  '1.3.14.3.2.29': 'SHA1-RSA',
  '1.2.840.113549.1.1.11': 'SHA256-RSA',
  '1.2.840.113549.1.1.12': 'SHA384-RSA',
  '1.2.840.113549.1.1.13': 'SHA512-RSA',
  '1.2.840.10040.4.3': 'DSA-SHA1',
  '2.16.840.1.101.3.4.3.2': 'DSA-SHA256',
  '1.2.840.10045.4.1': 'ECDSA-SHA1',
  '1.2.840.10045.4.3.2': 'ECDSA-SHA256',
  '1.2.840.10045.4.3.3': 'ECDSA-SHA384',
  '1.2.840.10045.4.3.4': 'ECDSA-SHA512',
  '1.3.101.112': 'Ed25519',
};

const PSS_OID = '1.2.840.113549.1.1.10';
const MGF1_OID = '1.2.840.113549.1.1.8';
const HASH_OIDS: Record<string, Hash> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const NULL_BYTES = Buffer.from([0x05, 0x00]);

/** An AlgorithmIdentifier as encoding/asn1 reads it into pkix.AlgorithmIdentifier. */
function readAI(r: GoReader): { oid: string; params: Buffer } | undefined {
  const seq = r.read(0x30);
  const oid = seq?.readOid();
  if (!seq || oid === undefined) return undefined;
  const p = seq.empty() ? undefined : seq.readAnyElement();
  return { oid, params: p ? Buffer.from(p.bytes) : Buffer.alloc(0) };
}

/** An [n] EXPLICIT field holding one element: its content reader. */
function explicit(r: GoReader, n: number): GoReader | undefined {
  const c = r.read(0xa0 | n);
  return c && !c.empty() ? c : undefined;
}

/**
 * getSignatureAlgorithmFromAI: Go's name, or undefined for UnknownSignatureAlgorithm. PSS
 * parameters must be the standard ones: MGF1 with the message hash, NULL or absent hash
 * parameters, salt length = hash length, trailer field 1.
 */
export function goSignatureAlgorithm(oid: string, params: Buffer): string | undefined {
  if (oid === '1.3.101.112' && params.length !== 0) return undefined;
  if (oid !== PSS_OID) return BY_OID[oid];
  const top = GoReader.of(params).read(0x30);
  if (!top) return undefined;
  const hashField = explicit(top, 0);
  const hash = hashField && readAI(hashField);
  const mgfField = hash && explicit(top, 1);
  const mgf = mgfField && readAI(mgfField);
  const saltField = mgf && explicit(top, 2);
  const salt = saltField?.readInt();
  if (!hash || !mgf || salt === undefined) return undefined;
  let trailer = 1;
  if (top.peekTag(0xa3)) {
    const t = explicit(top, 3)?.readInt();
    if (t === undefined) return undefined;
    trailer = t;
  }
  const mgfHash = readAI(GoReader.of(mgf.params));
  if (!mgfHash) return undefined;
  const nullOrEmpty = (b: Buffer): boolean => b.length === 0 || b.equals(NULL_BYTES);
  if (
    !nullOrEmpty(hash.params) ||
    mgf.oid !== MGF1_OID ||
    mgfHash.oid !== hash.oid ||
    !nullOrEmpty(mgfHash.params) ||
    trailer !== 1
  ) {
    return undefined;
  }
  const h = HASH_OIDS[hash.oid];
  if (h === 'sha256' && salt === 32) return 'SHA256-RSAPSS';
  if (h === 'sha384' && salt === 48) return 'SHA384-RSAPSS';
  if (h === 'sha512' && salt === 64) return 'SHA512-RSAPSS';
  return undefined;
}

const GO_KEY_TYPE: Record<KeyKind, string> = {
  RSA: '*rsa.PublicKey',
  ECDSA: '*ecdsa.PublicKey',
  Ed25519: 'ed25519.PublicKey',
  DSA: '*dsa.PublicKey',
};

const publicKeys = new WeakMap<CertInfo, KeyObject>();

function publicKeyOf(c: CertInfo): KeyObject {
  let k = publicKeys.get(c);
  if (!k) {
    k = c.spkiDer
      ? createPublicKey({ key: c.spkiDer, format: 'der', type: 'spki' })
      : createPublicKey({ key: c.pem, format: 'pem' });
    publicKeys.set(c, k);
  }
  return k;
}

function algorithmOf(c: CertInfo): string | undefined {
  if (c.goSignatureAlgorithm !== undefined) return c.goSignatureAlgorithm || undefined;
  return c.signatureAlgorithm in DETAILS ? c.signatureAlgorithm : undefined;
}

/**
 * checkSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature, parent.PublicKey,
 * allowSHA1 = false): undefined when the signature verifies, else Go's error text.
 */
export function verifySignature(child: CertInfo, parent: CertInfo): string | undefined {
  const name = algorithmOf(child);
  const details = name ? DETAILS[name] : undefined;
  if (!name || !details || details.hash === 'md2') return ERR_UNSUPPORTED_ALGORITHM;
  if (details.hash === 'none' && details.key !== 'Ed25519') return ERR_UNSUPPORTED_ALGORITHM;
  if (details.hash === 'md5') return `x509: cannot verify signature: insecure algorithm ${name}`;
  if (details.hash === 'sha1') {
    // Refused since go1.18 unless GODEBUG=x509sha1=1.
    const override =
      name === 'SHA1-RSA' || name === 'ECDSA-SHA1' ? ' (temporarily override with GODEBUG=x509sha1=1)' : '';
    return `x509: cannot verify signature: insecure algorithm ${name}${override}`;
  }
  const keyKind = parent.publicKeyAlgorithm;
  if (keyKind !== 'RSA' && keyKind !== 'ECDSA' && keyKind !== 'Ed25519') return ERR_UNSUPPORTED_ALGORITHM;
  if (details.key !== keyKind) {
    return `x509: signature algorithm specifies an ${details.key} public key, but have public key of type ${GO_KEY_TYPE[keyKind]}`;
  }
  const tbs = child.tbsDer;
  const sig = child.signatureValue;
  let ok = false;
  if (tbs && sig) {
    try {
      const key = publicKeyOf(parent);
      if (keyKind === 'RSA') {
        const saltLength = { sha256: 32, sha384: 48, sha512: 64 }[details.hash as 'sha256'];
        ok = details.pss
          ? verify(details.hash, tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig)
          : verify(details.hash, tbs, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
      } else if (keyKind === 'ECDSA') {
        ok = verify(details.hash, tbs, { key, dsaEncoding: 'der' }, sig);
      } else {
        ok = verify(null, tbs, key, sig);
      }
    } catch {
      ok = false;
    }
  }
  if (ok) return undefined;
  switch (keyKind) {
    case 'RSA':
      return 'crypto/rsa: verification error';
    case 'ECDSA':
      return 'x509: ECDSA verification failure';
    default:
      return 'x509: Ed25519 verification failure';
  }
}

/**
 * Verdicts of checkSignatureFrom already reached, per parsed child and parent certificate (null:
 * the signature verifies). The same chain is verified against the same anchors for every host
 * that boots with one pointer (the exporter judges 1000 of them at each collection, now and at
 * each host's clock), and the signature check is the costly step: it runs once per pair. Held
 * only as long as both certificates are.
 */
const checked = new WeakMap<CertInfo, WeakMap<CertInfo, string | null>>();

/** (*Certificate).CheckSignatureFrom: undefined when `parent` signed `child`, else Go's text. */
export function checkSignatureFrom(child: CertInfo, parent: CertInfo): string | undefined {
  let byParent = checked.get(child);
  if (!byParent) checked.set(child, (byParent = new WeakMap()));
  const known = byParent.get(parent);
  if (known !== undefined) return known ?? undefined;
  const verdict = checkSignature(child, parent);
  byParent.set(parent, verdict ?? null);
  return verdict;
}

function checkSignature(child: CertInfo, parent: CertInfo): string | undefined {
  // RFC 5280 4.2.1.9, as Go applies it: a v3 parent needs basicConstraints with cA set.
  if (
    (parent.version === 3 && !parent.basicConstraintsValid) ||
    (parent.basicConstraintsValid && !parent.isCA)
  ) {
    return CONSTRAINT_VIOLATION;
  }
  // Go's KeyUsage is 0 when the extension is absent or has no bits: then it is not checked.
  if (parent.keyUsage.length > 0 && !parent.keyUsage.includes('keyCertSign')) return CONSTRAINT_VIOLATION;
  // PublicKeyAlgorithm Unknown (Ed448, an RSA-PSS key, ...): nothing to check with.
  if (!['RSA', 'ECDSA', 'Ed25519', 'DSA'].includes(parent.publicKeyAlgorithm))
    return ERR_UNSUPPORTED_ALGORITHM;
  return verifySignature(child, parent);
}
