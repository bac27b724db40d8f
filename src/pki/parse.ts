/**
 * Certificate parsing into CertInfo. The structure is read with our own DER walker so we keep
 * the exact bytes Go compares (raw subject/issuer, SPKI, TBS) and read extensions the way Go
 * 1.19's crypto/x509 parser.go does (which extensions count as handled when critical, MaxPathLen
 * -1 when absent, ...). node:crypto X509Certificate supplies the public key and fingerprints.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { childrenOf, DerError, readTlv, tlvBytes, type Tlv } from './der.js';
import { ipToString } from './ip.js';
import { parseName } from './name.js';
import { decodeOid, KEY_USAGE_BITS, OID, SIGNATURE_ALGORITHMS } from './oids.js';
import { splitPem } from './pem.js';
import type { CertInfo, NameConstraintsInfo } from './types.js';

/** Extensions Go 1.19's processExtensions understands under 2.5.29.x; any other critical one is "unhandled". */
const HANDLED_CE = new Set(['14', '15', '17', '19', '30', '31', '32', '35', '37']);

function colonHex(buf: Buffer): string {
  return (buf.toString('hex').toUpperCase().match(/../g) ?? []).join(':');
}

function parseTime(buf: Buffer, tlv: Tlv): Date {
  const s = buf.subarray(tlv.valueStart, tlv.end).toString('latin1');
  // UTCTime YYMMDDHHMMSSZ (Go: YY < 50 means 20YY) or GeneralizedTime YYYYMMDDHHMMSSZ.
  const m =
    tlv.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new DerError(`invalid validity time ${JSON.stringify(s)}`);
  let year = Number(m[1]);
  if (tlv.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function integerBigInt(content: Buffer): bigint {
  if (content.length === 0) return 0n;
  let v = BigInt('0x' + content.toString('hex'));
  if (((content[0] as number) & 0x80) !== 0) v -= 1n << BigInt(content.length * 8);
  return v;
}

interface Extensions {
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  hasSANExtension: boolean;
  basicConstraintsValid: boolean;
  isCA: boolean;
  maxPathLen: number;
  keyUsage: string[];
  hasKeyUsage: boolean;
  extKeyUsage: string[];
  subjectKeyId?: string;
  authorityKeyId?: string;
  hasNameConstraints: boolean;
  nameConstraints?: NameConstraintsInfo;
  rawSANValue?: Buffer;
  unhandledCriticalExtensions: string[];
}

function parseSAN(buf: Buffer, ext: Extensions): boolean {
  const seq = readTlv(buf, 0);
  for (const gn of childrenOf(buf, seq)) {
    const value = buf.subarray(gn.valueStart, gn.end);
    switch (gn.tag) {
      case 0x81:
        ext.emailAddresses.push(value.toString('latin1'));
        break;
      case 0x82:
        ext.dnsNames.push(value.toString('latin1'));
        break;
      case 0x86:
        ext.uris.push(value.toString('latin1'));
        break;
      case 0x87:
        if (value.length !== 4 && value.length !== 16) {
          throw new DerError(`x509: cannot parse IP address of length ${value.length}`);
        }
        ext.ipAddresses.push(ipToString(value));
        break;
      default:
        break;
    }
  }
  return ext.dnsNames.length + ext.emailAddresses.length + ext.ipAddresses.length + ext.uris.length > 0;
}

function parseNameConstraints(buf: Buffer, critical: boolean): NameConstraintsInfo {
  const nc: NameConstraintsInfo = {
    critical,
    permittedDNS: [],
    excludedDNS: [],
    permittedIP: [],
    excludedIP: [],
    permittedEmail: [],
    excludedEmail: [],
    permittedURI: [],
    excludedURI: [],
    hasUnhandledTypes: false,
  };
  const top = readTlv(buf, 0);
  for (const subtrees of childrenOf(buf, top)) {
    const permitted = subtrees.tag === 0xa0;
    for (const subtree of childrenOf(buf, subtrees)) {
      const [base] = childrenOf(buf, subtree);
      if (!base) continue;
      const value = buf.subarray(base.valueStart, base.end);
      switch (base.tag) {
        case 0x82:
          (permitted ? nc.permittedDNS : nc.excludedDNS).push(value.toString('latin1'));
          break;
        case 0x81:
          (permitted ? nc.permittedEmail : nc.excludedEmail).push(value.toString('latin1'));
          break;
        case 0x86:
          (permitted ? nc.permittedURI : nc.excludedURI).push(value.toString('latin1'));
          break;
        case 0x87: {
          if (value.length !== 8 && value.length !== 32) {
            throw new DerError(`x509: IP constraint contained value of length ${value.length}`);
          }
          const half = value.length / 2;
          (permitted ? nc.permittedIP : nc.excludedIP).push({
            ip: Buffer.from(value.subarray(0, half)),
            mask: Buffer.from(value.subarray(half)),
          });
          break;
        }
        default:
          nc.hasUnhandledTypes = true;
      }
    }
  }
  return nc;
}

function parseExtensions(buf: Buffer, extsTlv: Tlv | undefined): Extensions {
  const ext: Extensions = {
    dnsNames: [],
    ipAddresses: [],
    emailAddresses: [],
    uris: [],
    hasSANExtension: false,
    basicConstraintsValid: false,
    isCA: false,
    maxPathLen: -1,
    keyUsage: [],
    hasKeyUsage: false,
    extKeyUsage: [],
    hasNameConstraints: false,
    unhandledCriticalExtensions: [],
  };
  if (!extsTlv) return ext;
  const [seq] = childrenOf(buf, extsTlv);
  if (!seq) return ext;
  for (const e of childrenOf(buf, seq)) {
    const parts = childrenOf(buf, e);
    const oidTlv = parts[0];
    const valueTlv = parts[parts.length - 1];
    if (!oidTlv || !valueTlv || parts.length < 2) throw new DerError('invalid extension');
    const oid = decodeOid(buf.subarray(oidTlv.valueStart, oidTlv.end));
    const critical = parts.length === 3 && parts[1]?.tag === 0x01 && buf[(parts[1] as Tlv).valueStart] !== 0;
    const value = Buffer.from(buf.subarray(valueTlv.valueStart, valueTlv.end));
    let unhandled = false;
    const ce =
      oid.startsWith('2.5.29.') && oid.split('.').length === 4 ? oid.slice('2.5.29.'.length) : undefined;
    if (ce !== undefined && HANDLED_CE.has(ce)) {
      switch (oid) {
        case OID.keyUsage: {
          const bits = readTlv(value, 0);
          const content = value.subarray(bits.valueStart + 1, bits.end);
          ext.hasKeyUsage = true;
          KEY_USAGE_BITS.forEach((name, i) => {
            const byte = content[i >> 3] ?? 0;
            if ((byte & (0x80 >> (i & 7))) !== 0) ext.keyUsage.push(name);
          });
          break;
        }
        case OID.basicConstraints: {
          const bc = readTlv(value, 0);
          ext.basicConstraintsValid = true;
          for (const f of childrenOf(value, bc)) {
            if (f.tag === 0x01) ext.isCA = value[f.valueStart] !== 0;
            if (f.tag === 0x02) ext.maxPathLen = Number(integerBigInt(value.subarray(f.valueStart, f.end)));
          }
          break;
        }
        case OID.subjectAltName:
          ext.hasSANExtension = true;
          ext.rawSANValue ??= value;
          // Go: a SAN extension with no name it understands is "unhandled" when critical.
          unhandled = !parseSAN(value, ext);
          break;
        case OID.nameConstraints:
          ext.hasNameConstraints = true;
          ext.nameConstraints = parseNameConstraints(value, critical);
          unhandled = ext.nameConstraints.hasUnhandledTypes;
          break;
        case OID.extKeyUsage:
          for (const o of childrenOf(value, readTlv(value, 0))) {
            ext.extKeyUsage.push(decodeOid(value.subarray(o.valueStart, o.end)));
          }
          break;
        case OID.subjectKeyId: {
          const os = readTlv(value, 0);
          ext.subjectKeyId = value.subarray(os.valueStart, os.end).toString('hex');
          break;
        }
        case OID.authorityKeyId: {
          const akid = readTlv(value, 0);
          const keyId = childrenOf(value, akid).find((t) => t.tag === 0x80);
          if (keyId) ext.authorityKeyId = value.subarray(keyId.valueStart, keyId.end).toString('hex');
          break;
        }
        default:
          break;
      }
    } else if (oid !== OID.authorityInfoAccess) {
      unhandled = true;
    }
    if (critical && unhandled) ext.unhandledCriticalExtensions.push(oid);
  }
  return ext;
}

function publicKeyInfo(x509: X509Certificate): Pick<CertInfo, 'publicKeyAlgorithm' | 'publicKeyDetail'> {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { publicKeyAlgorithm: 'RSA', publicKeyDetail: `${details.modulusLength ?? '?'} bits` };
    case 'ec': {
      const curves: Record<string, string> = {
        prime256v1: 'P-256',
        secp384r1: 'P-384',
        secp521r1: 'P-521',
        secp224r1: 'P-224',
      };
      const curve = details.namedCurve ?? 'unknown curve';
      return { publicKeyAlgorithm: 'ECDSA', publicKeyDetail: curves[curve] ?? curve };
    }
    case 'ed25519':
      return { publicKeyAlgorithm: 'Ed25519', publicKeyDetail: 'Ed25519' };
    case 'ed448':
      return { publicKeyAlgorithm: 'Ed448', publicKeyDetail: 'Ed448' };
    case 'dsa':
      return { publicKeyAlgorithm: 'DSA', publicKeyDetail: `${details.modulusLength ?? '?'} bits` };
    default:
      return { publicKeyAlgorithm: 'unknown', publicKeyDetail: String(key.asymmetricKeyType) };
  }
}

export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${b64.join('\n')}\n-----END ${label}-----\n`;
}

/** Parses one DER certificate. Throws InputError (never a raw library error) when malformed. */
export function parseCertificate(der: Buffer, source: string): CertInfo {
  try {
    return parseCertificateUnchecked(Buffer.from(der));
  } catch (err) {
    if (err instanceof InputError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new InputError(`cannot parse certificate: ${detail}`, {
      where: source,
      hint: 'the data is not a valid X.509 certificate (truncated or corrupted?); re-export it with `openssl x509 -outform PEM`',
    });
  }
}

function parseCertificateUnchecked(der: Buffer): CertInfo {
  const certTlv = readTlv(der, 0);
  if (certTlv.tag !== 0x30) throw new DerError('not a DER SEQUENCE');
  if (certTlv.end !== der.length)
    throw new DerError(`${der.length - certTlv.end} trailing bytes after the certificate`);
  const [tbs, sigAlg, sigValue] = childrenOf(der, certTlv);
  if (!tbs || !sigAlg || !sigValue)
    throw new DerError('certificate needs tbsCertificate, signatureAlgorithm and signature');
  let fields = childrenOf(der, tbs);
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const [v] = childrenOf(der, fields[0]);
    version = v ? Number(integerBigInt(der.subarray(v.valueStart, v.end))) + 1 : 1;
    fields = fields.slice(1);
  }
  const [serialTlv, , issuerTlv, validityTlv, subjectTlv, spkiTlv, ...rest] = fields;
  if (!serialTlv || !issuerTlv || !validityTlv || !subjectTlv || !spkiTlv)
    throw new DerError('tbsCertificate is missing fields');
  const [nbTlv, naTlv] = childrenOf(der, validityTlv);
  if (!nbTlv || !naTlv) throw new DerError('validity needs notBefore and notAfter');
  const [sigOidTlv] = childrenOf(der, sigAlg);
  const sigOid = sigOidTlv ? decodeOid(der.subarray(sigOidTlv.valueStart, sigOidTlv.end)) : '';

  // node:crypto must also accept it: it is what checks signatures later.
  const x509 = new X509Certificate(der);
  const subject = parseName(der, subjectTlv);
  const issuer = parseName(der, issuerTlv);
  const serial = integerBigInt(der.subarray(serialTlv.valueStart, serialTlv.end));
  const ext = parseExtensions(
    der,
    rest.find((t) => t.tag === 0xa3),
  );
  const rawSubject = Buffer.from(tlvBytes(der, subjectTlv));
  const rawIssuer = Buffer.from(tlvBytes(der, issuerTlv));
  const spki = Buffer.from(tlvBytes(der, spkiTlv));
  let selfSigned = false;
  if (rawSubject.equals(rawIssuer)) {
    try {
      selfSigned = x509.verify(x509.publicKey);
    } catch {
      selfSigned = false;
    }
  }
  const info: CertInfo = {
    der,
    pem: derToPem(der),
    subject: subject.display,
    issuer: issuer.display,
    subjectCommonName: subject.commonName,
    subjectOrganization: subject.organization,
    rawSubject,
    rawIssuer,
    serialHex: (serial < 0n ? '-' : '') + (serial < 0n ? -serial : serial).toString(16),
    serialDecimal: serial.toString(10),
    notBefore: parseTime(der, nbTlv),
    notAfter: parseTime(der, naTlv),
    dnsNames: ext.dnsNames,
    ipAddresses: ext.ipAddresses,
    emailAddresses: ext.emailAddresses,
    uris: ext.uris,
    hasSANExtension: ext.hasSANExtension,
    basicConstraintsValid: ext.basicConstraintsValid,
    isCA: ext.isCA,
    maxPathLen: ext.maxPathLen,
    keyUsage: ext.keyUsage,
    hasKeyUsage: ext.hasKeyUsage,
    extKeyUsage: ext.extKeyUsage,
    subjectKeyId: ext.subjectKeyId,
    authorityKeyId: ext.authorityKeyId,
    hasNameConstraints: ext.hasNameConstraints,
    nameConstraints: ext.nameConstraints,
    unhandledCriticalExtensions: ext.unhandledCriticalExtensions,
    ...publicKeyInfo(x509),
    spkiDer: spki,
    spkiSha256: colonHex(createHash('sha256').update(spki).digest()),
    fingerprintSha256: colonHex(createHash('sha256').update(der).digest()),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[sigOid]?.goName ?? sigOid,
    signatureAlgorithmOid: sigOid,
    tbsDer: Buffer.from(tlvBytes(der, tbs)),
    rawSANValue: ext.rawSANValue,
    selfSigned,
    version,
  };
  return info;
}

/**
 * Parses a PEM bundle (any number of CERTIFICATE blocks; other blocks such as keys are skipped)
 * or a single DER certificate.
 */
export function parseCertificates(input: string | Buffer, source: string): CertInfo[] {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (buf.length === 0 || buf.toString('latin1').trim() === '') {
    throw new InputError('no certificate: the input is empty', {
      where: source,
      hint: "expected a PEM 'BEGIN CERTIFICATE' block or a DER certificate",
    });
  }
  const text = buf.toString('latin1');
  if (!text.includes('-----BEGIN ')) {
    if (buf[0] === 0x30) return [parseCertificate(buf, `${source} (DER)`)];
    const printable = buf.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b <= 0x7e));
    throw new InputError('no certificate found', {
      where: source,
      hint: printable
        ? "expected a PEM 'BEGIN CERTIFICATE' block or DER; got text without any PEM block"
        : "expected a PEM 'BEGIN CERTIFICATE' block or DER; got binary data that is not DER",
    });
  }
  const blocks = splitPem(text, source);
  const certBlocks = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certBlocks.length === 0) {
    const labels = [...new Set(blocks.map((b) => b.label))];
    const isKey = labels.some((l) => /PRIVATE KEY/.test(l));
    throw new InputError('no certificate found', {
      where: source,
      hint: isKey
        ? "expected a PEM 'BEGIN CERTIFICATE' block or DER; got a private key (check you gave the cert file, e.g. tls.crt, not tls.key)"
        : `expected a PEM 'BEGIN CERTIFICATE' block or DER; got only ${labels.map((l) => `'${l}'`).join(', ')} block(s)`,
    });
  }
  return certBlocks.map((b) => parseCertificate(b.der, b.where));
}
