/**
 * Builds real X.509 certificates (tests, demo, simulated cluster) with @peculiar/x509 on Node's
 * WebCrypto. Output is accepted by OpenSSL and Go: DER per RFC 5280, the issuer Name copied byte
 * for byte from the issuer certificate's subject (Go matches parents on those exact bytes).
 *
 * `subject` is written in RFC 4514 display order, most significant RDN LAST, exactly as
 * CertInfo.subject prints it: 'CN=root-ca, OU=openshift' is encoded as OU=openshift then
 * CN=root-ca, so parse(issue({subject: s})).subject === s for simple names.
 */
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { DerTag, encodeTlv } from './der.js';
import { parseIP } from './ip.js';
import { EKU } from './oids.js';
import { derToPem, parseCertificate, parseCertificates } from './parse.js';
import type { CertInfo } from './types.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyAlgorithm = 'rsa2048' | 'rsa4096' | 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519';

export interface IssuedCert {
  certPem: string;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
  cert: CertInfo;
  keys: webcrypto.CryptoKeyPair;
  keyAlgorithm: KeyAlgorithm;
}

export interface NameConstraintsOptions {
  permittedDNS?: string[];
  excludedDNS?: string[];
  /** CIDR, e.g. '10.0.0.0/8' or 'fd00::/8'. */
  permittedIP?: string[];
  excludedIP?: string[];
  /** Default true (RFC 5280 says MUST be critical). */
  critical?: boolean;
}

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** DER of the extension value (the content of extnValue). */
  value: Buffer;
}

export interface IssueOptions {
  subject: string;
  keyAlgorithm?: KeyAlgorithm;
  notBefore: Date;
  notAfter: Date;
  /** Absent = self-signed. */
  issuer?: IssuedCert;
  isCA?: boolean;
  pathLen?: number;
  /** Include the basicConstraints extension; default true. */
  basicConstraints?: boolean;
  /** Default true for CAs, false for leaves (as openssl's v3_ca / usual server profiles). */
  basicConstraintsCritical?: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Names like 'digitalSignature', 'keyEncipherment', 'keyCertSign', 'cRLSign'; [] omits the extension. */
  keyUsage?: string[];
  /** 'serverAuth' | 'clientAuth' | 'any' | other names of ExtendedKeyUsage | raw OID; [] omits the extension. */
  extKeyUsage?: string[];
  serialHex?: string;
  subjectKeyId?: boolean;
  authorityKeyId?: boolean;
  /** Use (and certify) the same key pair as another certificate. */
  reuseKeyOf?: IssuedCert;
  /** Write this issuer Name instead of the issuer's subject (to build name-mismatch cases). */
  issuerNameOverride?: string;
  nameConstraints?: NameConstraintsOptions;
  extraExtensions?: RawExtension[];
}

function keyGenParams(
  alg: KeyAlgorithm,
): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams | webcrypto.Algorithm {
  switch (alg) {
    case 'rsa2048':
    case 'rsa4096':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: alg === 'rsa2048' ? 2048 : 4096,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
    case 'ecdsa-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ecdsa-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

/** The signature algorithm a signer with this key uses (the hash Go's CreateCertificate would pick). */
export function signingAlgorithm(alg: KeyAlgorithm): webcrypto.Algorithm & { hash?: string } {
  switch (alg) {
    case 'rsa2048':
    case 'rsa4096':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    case 'ecdsa-p256':
      return { name: 'ECDSA', hash: 'SHA-256' };
    case 'ecdsa-p384':
      return { name: 'ECDSA', hash: 'SHA-384' };
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

/** Splits an RFC 4514 string on unescaped separators. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** RFC 4514 display string (most significant last) -> DER-ordered @peculiar/x509 Name. */
export function nameFromDisplay(display: string): x509.Name {
  const rdns = splitUnescaped(display, ',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .reverse();
  const json: x509.JsonName = rdns.map((rdn) => {
    const item: Record<string, string[]> = {};
    for (const atv of splitUnescaped(rdn, '+')) {
      const eq = atv.indexOf('=');
      if (eq <= 0)
        throw new Error(`invalid name component ${JSON.stringify(atv)} in ${JSON.stringify(display)}`);
      const type = atv.slice(0, eq).trim();
      const value = atv
        .slice(eq + 1)
        .trim()
        .replace(/\\(.)/g, '$1');
      (item[type] ??= []).push(value);
    }
    return item;
  });
  return new x509.Name(json);
}

const KEY_USAGE_FLAGS: Record<string, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  contentCommitment: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};

function ekuOid(name: string): string {
  if (/^[0-2](\.\d+)+$/.test(name)) return name;
  const known = (EKU as Record<string, string>)[name];
  if (!known) throw new Error(`unknown extended key usage ${JSON.stringify(name)}`);
  return known;
}

function cidrToRange(cidr: string): Buffer {
  const [addr, bitsText] = cidr.split('/');
  const ip = addr === undefined ? undefined : parseIP(addr);
  const bits = Number(bitsText);
  if (!ip || !Number.isInteger(bits) || bits < 0 || bits > ip.length * 8)
    throw new Error(`invalid CIDR ${JSON.stringify(cidr)}`);
  const mask = Buffer.alloc(ip.length);
  for (let i = 0; i < bits; i++) mask[i >> 3] = (mask[i >> 3] as number) | (0x80 >> (i & 7));
  return Buffer.concat([ip, mask]);
}

/** NameConstraints DER: SEQUENCE { [0] permitted, [1] excluded } of GeneralSubtree { base }. */
function nameConstraintsValue(nc: NameConstraintsOptions): Buffer {
  const subtrees = (dns: string[] = [], ips: string[] = []): Buffer =>
    Buffer.concat([
      ...dns.map((d) => encodeTlv(DerTag.sequence, encodeTlv(0x82, Buffer.from(d, 'latin1')))),
      ...ips.map((c) => encodeTlv(DerTag.sequence, encodeTlv(0x87, cidrToRange(c)))),
    ]);
  const parts: Buffer[] = [];
  const permitted = subtrees(nc.permittedDNS, nc.permittedIP);
  const excluded = subtrees(nc.excludedDNS, nc.excludedIP);
  if (permitted.length > 0) parts.push(encodeTlv(0xa0, permitted));
  if (excluded.length > 0) parts.push(encodeTlv(0xa1, excluded));
  return encodeTlv(DerTag.sequence, Buffer.concat(parts));
}

function randomSerialHex(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01; // positive and 16 bytes long
  return Buffer.from(bytes).toString('hex');
}

export async function issueCertificate(opts: IssueOptions): Promise<IssuedCert> {
  const keyAlgorithm = opts.reuseKeyOf?.keyAlgorithm ?? opts.keyAlgorithm ?? 'rsa2048';
  const keys =
    opts.reuseKeyOf?.keys ??
    ((await webcrypto.subtle.generateKey(keyGenParams(keyAlgorithm), true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair);
  const signer = opts.issuer;
  const signerKeys = signer?.keys ?? keys;
  const signerAlgorithm = signer?.keyAlgorithm ?? keyAlgorithm;
  const isCA = opts.isCA ?? false;

  const extensions: x509.Extension[] = [];
  if (opts.basicConstraints ?? true) {
    extensions.push(
      new x509.BasicConstraintsExtension(
        isCA,
        isCA ? opts.pathLen : undefined,
        opts.basicConstraintsCritical ?? isCA,
      ),
    );
  }
  const keyUsage =
    opts.keyUsage ?? (isCA ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment']);
  if (keyUsage.length > 0) {
    let flags = 0;
    for (const u of keyUsage) {
      const f = KEY_USAGE_FLAGS[u];
      if (f === undefined) throw new Error(`unknown key usage ${JSON.stringify(u)}`);
      flags |= f;
    }
    extensions.push(new x509.KeyUsagesExtension(flags, true));
  }
  const eku = opts.extKeyUsage ?? (isCA ? [] : ['serverAuth']);
  if (eku.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(eku.map(ekuOid), false));
  const sans: x509.JsonGeneralName[] = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
  if (opts.subjectKeyId ?? true)
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  if (opts.authorityKeyId ?? true) {
    const akid = signer?.cert.subjectKeyId;
    extensions.push(
      akid
        ? new x509.AuthorityKeyIdentifierExtension(akid, false)
        : await x509.AuthorityKeyIdentifierExtension.create(signerKeys.publicKey),
    );
  }
  if (opts.nameConstraints) {
    extensions.push(
      new x509.Extension(
        '2.5.29.30',
        opts.nameConstraints.critical ?? true,
        nameConstraintsValue(opts.nameConstraints),
      ),
    );
  }
  for (const e of opts.extraExtensions ?? []) extensions.push(new x509.Extension(e.oid, e.critical, e.value));

  const subject = nameFromDisplay(opts.subject);
  const issuerName = opts.issuerNameOverride
    ? nameFromDisplay(opts.issuerNameOverride)
    : signer
      ? new x509.Name(signer.cert.rawSubject)
      : subject;
  const generated = await x509.X509CertificateGenerator.create({
    serialNumber: opts.serialHex ?? randomSerialHex(),
    subject,
    issuer: issuerName,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    publicKey: keys.publicKey,
    signingKey: signerKeys.privateKey,
    signingAlgorithm: signingAlgorithm(signerAlgorithm),
    extensions,
  });
  const der = Buffer.from(generated.rawData);
  const cert = parseCertificate(der, `issued certificate ${opts.subject}`);
  if (signer && !opts.issuerNameOverride && !cert.rawIssuer.equals(signer.cert.rawSubject)) {
    throw new Error('internal: issuer Name was not copied byte for byte');
  }
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certPem: derToPem(der), keyPem: derToPem(pkcs8, 'PRIVATE KEY'), cert, keys, keyAlgorithm };
}

function keyAlgorithmOf(cert: CertInfo): KeyAlgorithm {
  const size = cert.publicKeyDetail;
  switch (cert.publicKeyAlgorithm) {
    case 'RSA':
      return size === '4096' ? 'rsa4096' : 'rsa2048';
    case 'ECDSA':
      return /384/.test(size) ? 'ecdsa-p384' : 'ecdsa-p256';
    case 'Ed25519':
      return 'ed25519';
    default:
      throw new Error(`cannot sign with a ${cert.publicKeyAlgorithm} key`);
  }
}

/**
 * An IssuedCert from PEM (a CA kept in a Secret, say), so it can sign with issueCertificate's
 * `issuer`. The key must be PKCS#8 or the RSA/EC forms Node reads, and must match the cert.
 */
export async function loadIssuedCert(certPem: string, keyPem: string): Promise<IssuedCert> {
  const cert = parseCertificates(certPem, 'issuer certificate')[0];
  if (!cert) throw new Error('no certificate in the issuer PEM');
  const keyAlgorithm = keyAlgorithmOf(cert);
  const pkcs8 = createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' });
  const params = keyGenParams(keyAlgorithm);
  const importParams = 'modulusLength' in params ? { name: params.name, hash: 'SHA-256' } : params;
  const spki = createPublicKey(keyPem).export({ format: 'der', type: 'spki' });
  if (cert.spkiDer && !Buffer.from(spki).equals(cert.spkiDer)) {
    throw new Error('the private key does not match the certificate');
  }
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, importParams, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, importParams, true, ['verify']);
  return { certPem, keyPem, cert, keys: { privateKey, publicKey }, keyAlgorithm };
}
