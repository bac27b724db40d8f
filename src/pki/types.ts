/** A parsed X.509 certificate, with what Go's crypto/x509 looks at when it verifies. */
export interface CertInfo {
  /** DER bytes of the whole certificate. */
  der: Buffer;
  pem: string;
  /** Display forms, RFC 4514 style, most significant RDN last as openssl prints (e.g. "CN=root-ca, OU=openshift"). */
  subject: string;
  issuer: string;
  subjectCommonName?: string;
  subjectOrganization: string[];
  /** DER of the subject and issuer Name: Go matches issuers to parents by these exact bytes. */
  rawSubject: Buffer;
  rawIssuer: Buffer;
  /** Serial as lowercase hex without leading zeros, and as decimal (Go prints "serial:<decimal>"). */
  serialHex: string;
  serialDecimal: string;
  notBefore: Date;
  notAfter: Date;
  /**
   * The zone offset (minutes east of UTC) the validity times were written with, when not "Z":
   * Go keeps it and prints it in validity errors ("+01:00").
   */
  notBeforeOffset?: number;
  notAfterOffset?: number;
  dnsNames: string[];
  /** IP SANs in canonical text form (IPv4 dotted, IPv6 compressed). */
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  hasSANExtension: boolean;
  basicConstraintsValid: boolean;
  isCA: boolean;
  /** -1 when no path length constraint is set. */
  maxPathLen: number;
  /** KeyUsage bit names present (e.g. "digitalSignature", "keyCertSign"); empty when the extension is absent. */
  keyUsage: string[];
  hasKeyUsage: boolean;
  /** Extended key usage OIDs (e.g. "1.3.6.1.5.5.7.3.1" for serverAuth). */
  extKeyUsage: string[];
  subjectKeyId?: string;
  authorityKeyId?: string;
  hasNameConstraints: boolean;
  /** OIDs of critical extensions Go does not handle (it refuses such certificates). */
  unhandledCriticalExtensions: string[];
  publicKeyAlgorithm: 'RSA' | 'ECDSA' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';
  /** RSA modulus bits or EC curve name. */
  publicKeyDetail: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, colon hex uppercase: the identity used to compare CAs by key. */
  spkiSha256: string;
  /** SHA-256 of the certificate DER, colon hex uppercase (as `openssl x509 -fingerprint -sha256`). */
  fingerprintSha256: string;
  signatureAlgorithm: string;
  selfSigned: boolean;
  version: number;
  /** Parsed name constraints (present when hasNameConstraints). */
  nameConstraints?: NameConstraintsInfo;
  /** DER of the SubjectPublicKeyInfo. */
  spkiDer?: Buffer;
  /** OID of the certificate's signature algorithm (signatureAlgorithm holds Go's name for it). */
  signatureAlgorithmOid?: string;
  /**
   * Go's SignatureAlgorithm for the AlgorithmIdentifier (getSignatureAlgorithmFromAI: the OID
   * and, for RSA-PSS and Ed25519, the parameters), e.g. "SHA256-RSAPSS"; "" when Go calls it
   * UnknownSignatureAlgorithm (then no parent can verify the certificate).
   */
  goSignatureAlgorithm?: string;
  /** The signature bits. */
  signatureValue?: Buffer;
  /** DER of the tbsCertificate (the signed bytes). */
  tbsDer?: Buffer;
  /** Content of the subjectAltName extension (Go compares it in alreadyInChain and walks it for name constraints). */
  rawSANValue?: Buffer;
}

export interface IPRange {
  ip: Buffer;
  mask: Buffer;
}

/** Name constraints as Go 1.19 reads them (parser.go parseNameConstraintsExtension). */
export interface NameConstraintsInfo {
  critical: boolean;
  permittedDNS: string[];
  excludedDNS: string[];
  permittedIP: IPRange[];
  excludedIP: IPRange[];
  permittedEmail: string[];
  excludedEmail: string[];
  permittedURI: string[];
  excludedURI: string[];
  /** Constraint types Go does not understand (e.g. directoryName): Go marks the extension unhandled. */
  hasUnhandledTypes: boolean;
}

/** Reason codes of a verification. The first group maps 1:1 to `probe` reasons. */
export type VerifyReason =
  | 'ok'
  | 'cert-expired'
  | 'cert-not-yet-valid'
  | 'unknown-authority'
  | 'hostname-mismatch'
  | 'incompatible-usage'
  | 'not-authorized-to-sign'
  | 'too-many-intermediates'
  | 'name-constraints'
  | 'unhandled-critical-extension'
  | 'issuer-name-mismatch';

export interface VerifyInput {
  /** Certificates as the server sent them, leaf first; the rest are used as intermediates. */
  chain: CertInfo[];
  /** Trust anchors (the pointer's CAs, optionally plus system roots). */
  roots: CertInfo[];
  /** The URL host as Go's http client passes it to tls.Config.ServerName (no port, IPv6 without brackets). */
  host: string;
  /** The clock of the verifying machine. */
  at: Date;
}

export interface VerifyResult {
  ok: boolean;
  reason: VerifyReason;
  /** The exact text Go's crypto/x509 returns, e.g. "x509: certificate signed by unknown authority". Absent when ok. */
  error?: string;
  /** The certificate the error is about (index into the input chain, or a root), when there is one. */
  failingCert?: CertInfo;
  /** Every chain Go would accept, leaf first, root last. */
  chains: CertInfo[][];
  /** The root of the first accepted chain. */
  anchor?: CertInfo;
}
