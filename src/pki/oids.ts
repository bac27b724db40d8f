/** OIDs we read, and the names Go's crypto/x509 gives signature algorithms (SignatureAlgorithm.String). */

export const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

export const EKU = {
  any: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  /** Microsoft and Netscape Server Gated Crypto: Go treats them as serverAuth. */
  microsoftServerGatedCrypto: '1.3.6.1.4.1.311.10.3.3',
  netscapeServerGatedCrypto: '2.16.840.1.113730.4.1',
} as const;

/** KeyUsage bit order in the BIT STRING (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export type PublicKeyKind = 'RSA' | 'ECDSA' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';

export interface SignatureAlgorithmInfo {
  /** Go's SignatureAlgorithm.String(). */
  goName: string;
  /** Which public key type the algorithm needs (Go's signatureAlgorithmDetails.pubKeyAlgo). */
  keyKind: PublicKeyKind;
  /** Go 1.18+ refuses these for certificate signatures (x509sha1 GODEBUG aside). */
  insecure: boolean;
}

export const SIGNATURE_ALGORITHMS: Record<string, SignatureAlgorithmInfo> = {
  '1.2.840.113549.1.1.2': { goName: 'MD2-RSA', keyKind: 'RSA', insecure: true },
  '1.2.840.113549.1.1.4': { goName: 'MD5-RSA', keyKind: 'RSA', insecure: true },
  '1.2.840.113549.1.1.5': { goName: 'SHA1-RSA', keyKind: 'RSA', insecure: true },
  '1.2.840.113549.1.1.11': { goName: 'SHA256-RSA', keyKind: 'RSA', insecure: false },
  '1.2.840.113549.1.1.12': { goName: 'SHA384-RSA', keyKind: 'RSA', insecure: false },
  '1.2.840.113549.1.1.13': { goName: 'SHA512-RSA', keyKind: 'RSA', insecure: false },
  '1.2.840.113549.1.1.10': { goName: 'RSASSA-PSS', keyKind: 'RSA', insecure: false },
  '1.2.840.10040.4.3': { goName: 'DSA-SHA1', keyKind: 'DSA', insecure: true },
  '2.16.840.1.101.3.4.3.2': { goName: 'DSA-SHA256', keyKind: 'DSA', insecure: false },
  '1.2.840.10045.4.1': { goName: 'ECDSA-SHA1', keyKind: 'ECDSA', insecure: true },
  '1.2.840.10045.4.3.2': { goName: 'ECDSA-SHA256', keyKind: 'ECDSA', insecure: false },
  '1.2.840.10045.4.3.3': { goName: 'ECDSA-SHA384', keyKind: 'ECDSA', insecure: false },
  '1.2.840.10045.4.3.4': { goName: 'ECDSA-SHA512', keyKind: 'ECDSA', insecure: false },
  '1.3.101.112': { goName: 'Ed25519', keyKind: 'Ed25519', insecure: false },
};

/** Decodes the content octets of an OBJECT IDENTIFIER. */
export function decodeOid(bytes: Buffer): string {
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}
