/**
 * Certificate parsing into CertInfo, step for step as Go 1.19's x509.ParseCertificate
 * (crypto/x509/parser.go) does it, with the same DER strictness (cryptobyte.ts) and Go's error
 * texts: a certificate Go refuses, we refuse with Go's reason, because a worker's Ignition
 * fails on exactly those ("tls: failed to parse certificate from server: x509: ..."). We keep
 * the exact bytes Go compares (raw subject/issuer, SPKI, TBS, the SAN extension) and read
 * extensions as processExtensions does (which ones count as handled when critical, MaxPathLen
 * -1 when absent, SANs and name constraints validated at parse time).
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { GoReader } from './cryptobyte.js';
import { domainToReverseLabels, parseRFC2821Mailbox } from './nameconstraints.js';
import { parseURL } from './gourl.js';
import { goQuoteBytes } from './goquote.js';
import { ipToString, parseIP } from './ip.js';
import { parseGoName } from './name.js';
import { KEY_USAGE_BITS, OID } from './oids.js';
import { splitPem } from './pem.js';
import { goSignatureAlgorithm } from './signature.js';
import type { CertInfo, NameConstraintsInfo } from './types.js';

/** A parse failure with Go's exact text ("x509: ..."). */
export class GoParseError extends Error {
  constructor(public readonly goText: string) {
    super(goText);
    this.name = 'GoParseError';
  }
}

const fail = (text: string): never => {
  throw new GoParseError(text);
};

function colonHex(buf: Buffer): string {
  return (buf.toString('hex').toUpperCase().match(/../g) ?? []).join(':');
}

const NULL_BYTES = Buffer.from([0x05, 0x00]);

/** A time as Go holds it: the instant, and the zone offset (minutes east) it was written with. */
interface GoTime {
  date: Date;
  offset: number;
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * time.Parse with a layout of fixed-width digits and "Z0700", then the round trip cryptobyte
 * insists on (res.Format(layout) must give the input back: no fractions, no "+0000").
 */
function parseGoTime(s: string, yearDigits: 2 | 4, withSeconds: boolean): GoTime | undefined {
  const re = new RegExp(
    `^(\\d{${yearDigits}})(\\d\\d)(\\d\\d)(\\d\\d)(\\d\\d)${withSeconds ? '(\\d\\d)' : '()'}(Z|[+-]\\d\\d\\d\\d)$`,
  );
  const m = re.exec(s);
  if (!m) return undefined;
  let year = Number(m[1]);
  // time.Parse reads "06" as 1969-2068 and cryptobyte moves 2050-2068 back a century.
  if (yearDigits === 2) year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, min] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const sec = withSeconds ? Number(m[6]) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || min > 59 || sec > 59) {
    return undefined;
  }
  let offset = 0;
  const zone = m[7] as string;
  if (zone !== 'Z') {
    const hh = Number(zone.slice(1, 3));
    const mm = Number(zone.slice(3, 5));
    offset = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
    // Format prints "Z" for a zero offset and normalizes minutes: either way not the input.
    if (offset === 0 || mm > 59) return undefined;
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // (Date.UTC would read years 0-99 as 19xx)
  d.setUTCHours(hour, min, sec, 0);
  return { date: new Date(d.getTime() - offset * 60000), offset };
}

function readTime(r: GoReader): GoTime {
  if (r.peekTag(0x17)) {
    const c = r.read(0x17);
    const s = c?.rest().toString('latin1') ?? '';
    let t = c ? parseGoTime(s, 2, true) : undefined;
    if (c && !t) t = parseGoTime(s, 2, false);
    if (!t) return fail('x509: malformed UTCTime');
    return t;
  }
  if (r.peekTag(0x18)) {
    const c = r.read(0x18);
    const t = c ? parseGoTime(c.rest().toString('latin1'), 4, true) : undefined;
    if (!t) return fail('x509: malformed GeneralizedTime');
    return t;
  }
  return fail('x509: unsupported time format');
}

/** isIA5String: every byte ASCII (Go ranges over runes; any byte >= 0x80 fails). */
export function isIA5(b: Buffer | string): boolean {
  const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
  return buf.every((x) => x < 0x80);
}

const ia5Error = (b: Buffer): string => `x509: ${goQuoteBytes(b)} cannot be encoded as an IA5String`;

interface AlgorithmIdentifier {
  oid: string;
  /** FullBytes of the parameters element (empty when absent). */
  params: Buffer;
}

function parseAI(r: GoReader): AlgorithmIdentifier {
  const oid = r.readOid();
  if (oid === undefined) return fail('x509: malformed OID');
  if (r.empty()) return { oid, params: Buffer.alloc(0) };
  const p = r.readAnyElement();
  if (!p) return fail('x509: malformed parameters');
  return { oid, params: Buffer.from(p.bytes) };
}

const CURVES: Record<string, { name: string; size: number }> = {
  '1.3.132.0.33': { name: 'P-224', size: 28 },
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

/** getPublicKeyAlgorithmFromOID and parsePublicKey: Go's errors; unknown algorithms parse with no key. */
function parsePublicKey(
  ai: AlgorithmIdentifier,
  key: Buffer,
  spki: Buffer,
): Pick<CertInfo, 'publicKeyAlgorithm' | 'publicKeyDetail'> {
  switch (ai.oid) {
    case '1.2.840.113549.1.1.1': {
      if (!ai.params.equals(NULL_BYTES)) fail('x509: RSA key missing NULL parameters');
      const r = GoReader.of(key);
      const seq = r.read(0x30);
      if (!seq) return fail('x509: invalid RSA public key');
      const n = seq.readBigInt();
      if (n === undefined) return fail('x509: invalid RSA modulus');
      const e = seq.readInt();
      if (e === undefined) return fail('x509: invalid RSA public exponent');
      if (n <= 0n) fail('x509: RSA modulus is not a positive number');
      if (e <= 0) fail('x509: RSA public exponent is not a positive number');
      return { publicKeyAlgorithm: 'RSA', publicKeyDetail: `${n.toString(2).length} bits` };
    }
    case '1.2.840.10045.2.1': {
      const curveOid = GoReader.of(ai.params).readOid();
      if (curveOid === undefined) return fail('x509: invalid ECDSA parameters');
      const curve = CURVES[curveOid];
      if (!curve) return fail('x509: unsupported elliptic curve');
      let onCurve = key.length === 1 + 2 * curve.size && key[0] === 4;
      if (onCurve) {
        try {
          createPublicKey({ key: spki, format: 'der', type: 'spki' });
        } catch {
          onCurve = false;
        }
      }
      if (!onCurve) fail('x509: failed to unmarshal elliptic curve point');
      return { publicKeyAlgorithm: 'ECDSA', publicKeyDetail: curve.name };
    }
    case '1.3.101.112':
      if (ai.params.length !== 0) fail('x509: Ed25519 key encoded with illegal parameters');
      if (key.length !== 32) fail('x509: wrong Ed25519 public key size');
      return { publicKeyAlgorithm: 'Ed25519', publicKeyDetail: 'Ed25519' };
    case '1.2.840.10040.4.1': {
      const y = GoReader.of(key).readBigInt();
      if (y === undefined) return fail('x509: invalid DSA public key');
      const pr = GoReader.of(ai.params);
      const ps = pr.read(0x30);
      const p = ps?.readBigInt();
      const q = p === undefined ? undefined : ps?.readBigInt();
      const g = q === undefined ? undefined : ps?.readBigInt();
      if (p === undefined || q === undefined || g === undefined) return fail('x509: invalid DSA parameters');
      if (y <= 0n || p <= 0n || q <= 0n || g <= 0n) fail('x509: zero or negative DSA parameter');
      return { publicKeyAlgorithm: 'DSA', publicKeyDetail: `${p.toString(2).length} bits` };
    }
    case '1.3.101.113':
      // Go has no Ed448: the certificate parses, with no public key it can use.
      return { publicKeyAlgorithm: 'Ed448', publicKeyDetail: 'Ed448' };
    default:
      return { publicKeyAlgorithm: 'unknown', publicKeyDetail: ai.oid };
  }
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

/** forEachSAN: calls back with Go's tag (the context tag number; constructed tags never match). */
export function forEachSAN(value: Buffer, callback: (tag: number, data: Buffer) => void): void {
  const seq = GoReader.of(value).read(0x30);
  if (!seq) return fail('x509: invalid subject alternative names');
  while (!seq.empty()) {
    const gn = seq.readAny();
    if (!gn) return fail('x509: invalid subject alternative name');
    callback(gn.tag ^ 0x80, gn.content.rest());
  }
}

/** parseSANExtension; returns whether it found any name (else the extension is "unhandled"). */
function parseSAN(value: Buffer, ext: Extensions): boolean {
  forEachSAN(value, (tag, data) => {
    const s = data.toString('latin1');
    switch (tag) {
      case 1:
        if (!isIA5(data)) fail('x509: SAN rfc822Name is malformed');
        ext.emailAddresses.push(s);
        break;
      case 2:
        if (!isIA5(data)) fail('x509: SAN dNSName is malformed');
        ext.dnsNames.push(s);
        break;
      case 6: {
        if (!isIA5(data)) fail('x509: SAN uniformResourceIdentifier is malformed');
        const u = parseURL(s);
        if ('error' in u) fail(`x509: cannot parse URI ${goQuoteBytes(data)}: ${u.error}`);
        else if (u.host.length > 0 && !domainToReverseLabels(u.host)) {
          fail(`x509: cannot parse URI ${goQuoteBytes(data)}: invalid domain`);
        }
        ext.uris.push(s);
        break;
      }
      case 7:
        if (data.length !== 4 && data.length !== 16)
          fail(`x509: cannot parse IP address of length ${data.length}`);
        ext.ipAddresses.push(ipToString(data));
        break;
      default:
        break;
    }
  });
  return ext.dnsNames.length + ext.emailAddresses.length + ext.ipAddresses.length + ext.uris.length > 0;
}

/** isValidIPMask: ones then zeros. */
function isValidIPMask(mask: Buffer): boolean {
  let seenZero = false;
  for (const b of mask) {
    if (seenZero) {
      if (b !== 0) return false;
      continue;
    }
    if ([0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe].includes(b)) seenZero = true;
    else if (b !== 0xff) return false;
  }
  return true;
}

/** parseNameConstraintsExtension: the constraints, with Go's validation of each value. */
function parseNameConstraints(value: Buffer, critical: boolean): NameConstraintsInfo {
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
  const outer = GoReader.of(value);
  const top = outer.read(0x30);
  const permitted = top?.readOptional(0xa0);
  const excluded = permitted && top?.readOptional(0xa1);
  if (!top || !permitted || !excluded || !outer.empty() || !top.empty()) {
    return fail('x509: invalid NameConstraints extension');
  }
  const permittedEmpty = !permitted.content || permitted.content.empty();
  const excludedEmpty = !excluded.content || excluded.content.empty();
  if ((!permitted.present && !excluded.present) || (permittedEmpty && excludedEmpty)) {
    fail('x509: empty name constraints extension');
  }
  const getValues = (subtrees: GoReader | undefined, isPermitted: boolean): void => {
    if (!subtrees) return;
    while (!subtrees.empty()) {
      const seq = subtrees.read(0x30);
      const base = seq?.readAny();
      if (!base) return fail('x509: invalid NameConstraints extension');
      const data = base.content.rest();
      const s = data.toString('latin1');
      switch (base.tag) {
        case 0x82: {
          if (!isIA5(data)) fail(`x509: invalid constraint value: ${ia5Error(data)}`);
          const trimmed = s.startsWith('.') ? s.slice(1) : s;
          if (!domainToReverseLabels(trimmed))
            fail(`x509: failed to parse dnsName constraint ${goQuoteBytes(data)}`);
          (isPermitted ? nc.permittedDNS : nc.excludedDNS).push(s);
          break;
        }
        case 0x87: {
          if (data.length !== 8 && data.length !== 32) {
            fail(`x509: IP constraint contained value of length ${data.length}`);
          }
          const half = data.length / 2;
          const mask = Buffer.from(data.subarray(half));
          if (!isValidIPMask(mask))
            fail(`x509: IP constraint contained invalid mask ${mask.toString('hex')}`);
          (isPermitted ? nc.permittedIP : nc.excludedIP).push({
            ip: Buffer.from(data.subarray(0, half)),
            mask,
          });
          break;
        }
        case 0x81: {
          if (!isIA5(data)) fail(`x509: invalid constraint value: ${ia5Error(data)}`);
          if (s.includes('@')) {
            if (!parseRFC2821Mailbox(s))
              fail(`x509: failed to parse rfc822Name constraint ${goQuoteBytes(data)}`);
          } else if (!domainToReverseLabels(s.startsWith('.') ? s.slice(1) : s)) {
            fail(`x509: failed to parse rfc822Name constraint ${goQuoteBytes(data)}`);
          }
          (isPermitted ? nc.permittedEmail : nc.excludedEmail).push(s);
          break;
        }
        case 0x86: {
          if (!isIA5(data)) fail(`x509: invalid constraint value: ${ia5Error(data)}`);
          if (parseIP(s))
            fail(`x509: failed to parse URI constraint ${goQuoteBytes(data)}: cannot be IP address`);
          if (!domainToReverseLabels(s.startsWith('.') ? s.slice(1) : s)) {
            fail(`x509: failed to parse URI constraint ${goQuoteBytes(data)}`);
          }
          (isPermitted ? nc.permittedURI : nc.excludedURI).push(s);
          break;
        }
        default:
          nc.hasUnhandledTypes = true;
      }
    }
  };
  getValues(permitted.content, true);
  getValues(excluded.content, false);
  return nc;
}

interface RawExtension {
  oid: string;
  critical: boolean;
  value: Buffer;
}

/** processExtensions. */
function processExtensions(exts: RawExtension[]): Extensions {
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
  for (const e of exts) {
    let unhandled = false;
    const parts = e.oid.split('.');
    const value = e.value;
    if (parts.length === 4 && e.oid.startsWith('2.5.29.')) {
      switch (parts[3]) {
        case '15': {
          const bits = GoReader.of(value).readBitString();
          if (!bits) return fail('x509: invalid key usage');
          ext.hasKeyUsage = true;
          KEY_USAGE_BITS.forEach((name, i) => {
            if (i < bits.bitLength && ((bits.bytes[i >> 3] as number) & (0x80 >> (i & 7))) !== 0) {
              ext.keyUsage.push(name);
            }
          });
          break;
        }
        case '19': {
          const der = GoReader.of(value).read(0x30);
          if (!der) return fail('x509: invalid basic constraints a');
          let isCA = false;
          if (der.peekTag(0x01)) {
            const b = der.readBoolean();
            if (b === undefined) return fail('x509: invalid basic constraints b');
            isCA = b;
          }
          let maxPathLen = -1;
          if (!der.empty() && der.peekTag(0x02)) {
            const n = der.readInt();
            if (n === undefined) return fail('x509: invalid basic constraints c');
            maxPathLen = n;
          }
          ext.isCA = isCA;
          ext.maxPathLen = maxPathLen;
          ext.basicConstraintsValid = true;
          break;
        }
        case '17':
          ext.hasSANExtension = true;
          ext.rawSANValue ??= value;
          // A SAN extension with no name Go understands is "unhandled" when critical.
          unhandled = !parseSAN(value, ext);
          break;
        case '30':
          ext.hasNameConstraints = true;
          ext.nameConstraints = parseNameConstraints(value, e.critical);
          unhandled = ext.nameConstraints.hasUnhandledTypes;
          break;
        case '31': {
          const val = GoReader.of(value).read(0x30);
          if (!val) return fail('x509: invalid CRL distribution points');
          while (!val.empty()) {
            const dp = val.read(0x30);
            if (!dp) return fail('x509: invalid CRL distribution point');
            const name = dp.readOptional(0xa0);
            if (!name) return fail('x509: invalid CRL distribution point');
            if (!name.present) continue;
            const full = name.content?.read(0xa0);
            if (!full) return fail('x509: invalid CRL distribution point');
            while (!full.empty()) {
              if (!full.peekTag(0x86)) break;
              if (!full.read(0x86)) return fail('x509: invalid CRL distribution point');
            }
          }
          break;
        }
        case '35': {
          const akid = GoReader.of(value).read(0x30);
          if (!akid) return fail('x509: invalid authority key identifier');
          if (akid.peekTag(0x80)) {
            const id = akid.read(0x80);
            if (!id) return fail('x509: invalid authority key identifier');
            ext.authorityKeyId = id.rest().toString('hex');
          }
          break;
        }
        case '37': {
          const seq = GoReader.of(value).read(0x30);
          if (!seq) return fail('x509: invalid extended key usages');
          while (!seq.empty()) {
            const o = seq.readOid();
            if (o === undefined) return fail('x509: invalid extended key usages');
            ext.extKeyUsage.push(o);
          }
          break;
        }
        case '14': {
          const skid = GoReader.of(value).read(0x04);
          if (!skid) return fail('x509: invalid subject key identifier');
          ext.subjectKeyId = skid.rest().toString('hex');
          break;
        }
        case '32': {
          const seq = GoReader.of(value).read(0x30);
          if (!seq) return fail('x509: invalid certificate policies');
          while (!seq.empty()) {
            const cp = seq.read(0x30);
            if (!cp || cp.readOid() === undefined) return fail('x509: invalid certificate policies');
          }
          break;
        }
        default:
          unhandled = true;
      }
    } else if (e.oid === OID.authorityInfoAccess) {
      const val = GoReader.of(value).read(0x30);
      if (!val) return fail('x509: invalid authority info access');
      while (!val.empty()) {
        const aia = val.read(0x30);
        if (!aia || aia.readOid() === undefined) return fail('x509: invalid authority info access');
        if (!aia.peekTag(0x86)) continue;
        if (!aia.read(0x86)) return fail('x509: invalid authority info access');
      }
    } else {
      unhandled = true;
    }
    if (e.critical && unhandled) ext.unhandledCriticalExtensions.push(e.oid);
  }
  return ext;
}

export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${b64.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Parses one DER certificate. Throws InputError (never a raw library error) when malformed;
 * its message is "cannot parse certificate: " and Go's text without its "x509: " prefix, so
 * the probe can print exactly what crypto/tls prints.
 */
export function parseCertificate(der: Buffer, source: string): CertInfo {
  try {
    return parseCertificateUnchecked(Buffer.from(der));
  } catch (err) {
    if (err instanceof InputError) throw err;
    const goText = (err as { goText?: unknown }).goText;
    const detail =
      typeof goText === 'string'
        ? goText.replace(/^x509: /, '')
        : err instanceof Error
          ? err.message
          : String(err);
    throw new InputError(`cannot parse certificate: ${detail}`, {
      where: source,
      hint: 'the data is not a valid X.509 certificate (truncated or corrupted?); re-export it with `openssl x509 -outform PEM`',
    });
  }
}

function parseCertificateUnchecked(der: Buffer): CertInfo {
  const input0 = GoReader.of(der);
  const raw = input0.readElement(0x30);
  if (!raw) return fail('x509: malformed certificate');
  const input = GoReader.of(raw).read(0x30);
  if (!input) return fail('x509: malformed certificate');
  const tbsRaw = input.readElement(0x30);
  if (!tbsRaw) return fail('x509: malformed tbs certificate');
  const tbs = GoReader.of(tbsRaw).read(0x30);
  if (!tbs) return fail('x509: malformed tbs certificate');

  let version = 0;
  const v = tbs.readOptional(0xa0);
  if (!v) return fail('x509: malformed version');
  if (v.present) {
    const n = v.content?.readInt();
    if (n === undefined || !v.content?.empty()) return fail('x509: malformed version');
    version = n;
  }
  if (version < 0) fail('x509: malformed version');
  version++;
  if (version > 3) fail('x509: invalid version');

  const serial = tbs.readBigInt();
  if (serial === undefined) return fail('x509: malformed serial number');

  const sigAISeq = tbs.read(0x30);
  if (!sigAISeq) return fail('x509: malformed signature algorithm identifier');
  const outerSigAISeq = input.read(0x30);
  if (!outerSigAISeq) return fail('x509: malformed algorithm identifier');
  if (!outerSigAISeq.rest().equals(sigAISeq.rest())) {
    fail("x509: inner and outer signature algorithm identifiers don't match");
  }
  const sigAI = parseAI(GoReader.of(sigAISeq.rest()));

  const issuerRaw = tbs.readElement(0x30);
  if (!issuerRaw) return fail('x509: malformed issuer');
  const issuer = parseGoName(issuerRaw);

  const validity = tbs.read(0x30);
  if (!validity) return fail('x509: malformed validity');
  const notBefore = readTime(validity);
  const notAfter = readTime(validity);

  const subjectRaw = tbs.readElement(0x30);
  if (!subjectRaw) return fail('x509: malformed issuer');
  const subject = parseGoName(subjectRaw);

  const spkiRaw = tbs.readElement(0x30);
  if (!spkiRaw) return fail('x509: malformed spki');
  const spki = GoReader.of(spkiRaw).read(0x30);
  if (!spki) return fail('x509: malformed spki');
  const pkAISeq = spki.read(0x30);
  if (!pkAISeq) return fail('x509: malformed public key algorithm identifier');
  const pkAI = parseAI(pkAISeq);
  const spk = spki.readBitString();
  if (!spk) return fail('x509: malformed subjectPublicKey');
  // RightAlign: the key bytes; a key with a partial last byte is shifted (never seen in keys).
  const keyInfo = parsePublicKey(pkAI, Buffer.from(spk.bytes), Buffer.from(spkiRaw));

  let ext = processExtensions([]);
  if (version > 1) {
    if (!tbs.skipOptional(0x81)) fail('x509: malformed issuerUniqueID');
    if (!tbs.skipOptional(0x82)) fail('x509: malformed subjectUniqueID');
    if (version === 3) {
      const exts = tbs.readOptional(0xa3);
      if (!exts) return fail('x509: malformed extensions');
      if (exts.present) {
        const seq = exts.content?.read(0x30);
        if (!seq) return fail('x509: malformed extensions');
        const seen = new Set<string>();
        const list: RawExtension[] = [];
        while (!seq.empty()) {
          const e = seq.read(0x30);
          if (!e) return fail('x509: malformed extension');
          const oid = e.readOid();
          if (oid === undefined) return fail('x509: malformed extension OID field');
          let critical = false;
          if (e.peekTag(0x01)) {
            const b = e.readBoolean();
            if (b === undefined) return fail('x509: malformed extension critical field');
            critical = b;
          }
          const val = e.read(0x04);
          if (!val) return fail('x509: malformed extension value field');
          if (seen.has(oid)) fail('x509: certificate contains duplicate extensions');
          seen.add(oid);
          list.push({ oid, critical, value: Buffer.from(val.rest()) });
        }
        ext = processExtensions(list);
      }
    }
  }

  const signature = input.readBitString();
  if (!signature) return fail('x509: malformed signature');
  if (raw.length !== der.length) fail('x509: trailing data');

  const spkiDer = Buffer.from(spkiRaw);
  const rawSubject = Buffer.from(subjectRaw);
  const rawIssuer = Buffer.from(issuerRaw);
  const goSigAlg = goSignatureAlgorithm(sigAI.oid, sigAI.params);
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
    notBefore: notBefore.date,
    notAfter: notAfter.date,
    notBeforeOffset: notBefore.offset || undefined,
    notAfterOffset: notAfter.offset || undefined,
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
    ...keyInfo,
    spkiDer,
    spkiSha256: colonHex(createHash('sha256').update(spkiDer).digest()),
    fingerprintSha256: colonHex(createHash('sha256').update(der).digest()),
    signatureAlgorithm: goSigAlg ?? sigAI.oid,
    goSignatureAlgorithm: goSigAlg ?? '',
    signatureAlgorithmOid: sigAI.oid,
    tbsDer: Buffer.from(tbsRaw),
    signatureValue: Buffer.from(signature.bytes),
    rawSANValue: ext.rawSANValue,
    selfSigned: false,
    version,
  };
  // Display only (is this a root?): any algorithm OpenSSL can check counts, Go's policy aside.
  if (rawSubject.equals(rawIssuer)) {
    try {
      const x = new X509Certificate(der);
      info.selfSigned = x.verify(x.publicKey);
    } catch {
      info.selfSigned = false;
    }
  }
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
