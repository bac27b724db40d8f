/**
 * The certificates of one PEM value (a `tls.crt`, a CA bundle) as the public facts `certs`
 * lists, reduced to plain data kept for every row without the DER, PEM and key material a
 * CertInfo holds. A certificate that does not parse is an error entry, never an exception; key
 * blocks are never decoded (pki/pem.ts).
 *
 * Go's full parse (pki/parse.ts: every extension, the public key, Go's error texts) costs about
 * a tenth of a millisecond a certificate, most of listing 10,000 secrets. So a value is first
 * read for just what a row shows, with the same cryptobyte reader and the same Name and SAN
 * rules (pki/cryptobyte.ts, pki/name.ts): serial, issuer, validity, subject, basic constraints,
 * DNS names, and the SHA-256 fingerprint. Go's parser then reads what matters more: a
 * certificate the lean reader refuses (for Go's own error text), and one that is expired,
 * expiring or not yet valid (which could make it a problem). A certificate whose only fault is
 * one the lean reader does not look at (a malformed public key, an invalid extension other than
 * those) is listed from its fields; `diagnose` parses the MCS chain in full.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../../core/errors.js';
import { GoReader } from '../../pki/cryptobyte.js';
import { parseGoName } from '../../pki/name.js';
import { isIA5, parseCertificate } from '../../pki/parse.js';
import { splitPem } from '../../pki/pem.js';
import type { CertInfo } from '../../pki/types.js';

export interface CertFacts {
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  serialHex: string;
  fingerprintSha256: string;
  isCA: boolean;
  dnsNames: string[];
}

/** One certificate of a value, parsed, or why it is not. */
export type ParsedCert = { index: number; cert: CertFacts } | { index: number; error: string };

export interface PemValue {
  parsed: ParsedCert[];
  /** CERTIFICATE blocks in the value. */
  count: number;
}

const BEGIN_CERT = '-----BEGIN CERTIFICATE-----';
const END_CERT = '-----END CERTIFICATE-----';

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

export function describeError(err: unknown): string {
  if (err instanceof UserError) return err.where ? `${err.message} (${err.where})` : err.message;
  return err instanceof Error ? err.message : String(err);
}

export function factsOf(c: CertInfo): CertFacts {
  return {
    subject: c.subject,
    issuer: c.issuer,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    serialHex: c.serialHex,
    fingerprintSha256: c.fingerprintSha256,
    isCA: c.isCA,
    dnsNames: c.dnsNames,
  };
}

/** `AB:CD:...`, as pki's fingerprints are written (one flat string: it is kept in every row). */
function colonHex(buf: Buffer): string {
  return (buf.toString('hex').toUpperCase().match(/../g) ?? []).join(':');
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** UTCTime (`YYMMDDHHMM[SS]Z|±hhmm`) or GeneralizedTime (`YYYYMMDDHHMMSSZ|±hhmm`), as Go reads them. */
function readTime(r: GoReader): Date | undefined {
  const utc = r.peekTag(0x17);
  const c = r.read(utc ? 0x17 : 0x18);
  if (!c) return undefined;
  const m = (
    utc
      ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/
      : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|[+-]\d{4})$/
  ).exec(c.rest().toString('latin1'));
  if (!m) return undefined;
  let year = Number(m[1]);
  if (utc) year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, min, sec] = [2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || min > 59 || sec > 59) {
    return undefined;
  }
  const zone = m[7]!;
  const offset =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3)));
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, 0);
  return new Date(d.getTime() - offset * 60_000);
}

/** Issuers repeat across thousands of certificates: their display names, by their DER. */
const issuers = new Map<string, string>();

function issuerName(raw: Buffer): string {
  const key = raw.toString('latin1');
  let name = issuers.get(key);
  if (name === undefined) {
    name = parseGoName(raw).display;
    if (issuers.size >= 1000) issuers.clear();
    issuers.set(key, name);
  }
  return name;
}

/**
 * The facts of one certificate's DER, or undefined when the lean reader cannot read them (Go's
 * parser then says why).
 */
export function leanFacts(der: Buffer): CertFacts | undefined {
  try {
    const cert = GoReader.of(der).read(0x30);
    const tbs = cert?.read(0x30);
    if (!cert || !tbs) return undefined;
    if (tbs.peekTag(0xa0) && !tbs.read(0xa0)) return undefined;
    const serial = tbs.readBigInt();
    if (serial === undefined || !tbs.read(0x30)) return undefined;
    const issuerRaw = tbs.readElement(0x30);
    const validity = tbs.read(0x30);
    if (!issuerRaw || !validity) return undefined;
    const notBefore = readTime(validity);
    const notAfter = readTime(validity);
    const subjectRaw = tbs.readElement(0x30);
    if (!notBefore || !notAfter || !subjectRaw || !tbs.read(0x30)) return undefined;
    tbs.skipOptional(0x81);
    tbs.skipOptional(0x82);
    let isCA = false;
    const dnsNames: string[] = [];
    const extensions = tbs.read(0xa3)?.read(0x30);
    while (extensions && !extensions.empty()) {
      const ext = extensions.read(0x30);
      const oid = ext?.readOid();
      if (!ext || !oid) return undefined;
      if (ext.peekTag(0x01) && ext.readBoolean() === undefined) return undefined;
      const value = ext.read(0x04);
      if (!value) return undefined;
      if (oid === '2.5.29.19') {
        const bc = value.read(0x30);
        if (!bc) return undefined;
        if (bc.peekTag(0x01)) isCA = bc.readBoolean() ?? false;
      } else if (oid === '2.5.29.17') {
        const names = value.read(0x30);
        if (!names) return undefined;
        while (!names.empty()) {
          const gn = names.readAny();
          if (!gn) return undefined;
          if (gn.tag === 0x82) {
            const dns = gn.content.rest();
            if (!isIA5(dns)) return undefined;
            dnsNames.push(dns.toString('latin1'));
          }
        }
      }
    }
    return {
      subject: parseGoName(subjectRaw).display,
      issuer: issuerName(issuerRaw),
      notBefore,
      notAfter,
      serialHex: (serial < 0n ? '-' : '') + (serial < 0n ? -serial : serial).toString(16),
      fingerprintSha256: colonHex(createHash('sha256').update(der).digest()),
      isCA,
      dnsNames,
    };
  } catch {
    return undefined;
  }
}

/** Whether the facts make the certificate worth Go's full parse: not plainly valid at `now` for the window. */
function worthFullParse(f: CertFacts, check: FullParseCheck): boolean {
  const t = check.now.getTime();
  return f.notBefore.getTime() > t || f.notAfter.getTime() - t < check.expiringWithinMs;
}

/** When to parse in full beyond what the lean reader refuses. */
export interface FullParseCheck {
  now: Date;
  expiringWithinMs: number;
  /** Parse every certificate in full (the MCS serving secret). */
  always?: boolean;
}

/**
 * One certificate: lean first, Go's parser when it refuses or when the facts call for it; without
 * a check, Go's parser always.
 */
function readOne(der: Buffer, where: string, check: FullParseCheck | undefined): CertFacts {
  const lean = !check || check.always ? undefined : leanFacts(der);
  if (lean && !worthFullParse(lean, check!)) return lean;
  return factsOf(parseCertificate(der, where));
}

/** The first certificate of a PEM value, or every one (`all`). */
export function readPemValue(text: string, where: string, all: boolean, check?: FullParseCheck): PemValue {
  const count = countOf(text, BEGIN_CERT);
  if (count === 0) return { parsed: [{ index: 0, error: `no PEM CERTIFICATE block in ${where}` }], count: 0 };
  if (!all) {
    // Only the first block is decoded: the leaf is all the default listing needs.
    const start = text.indexOf(BEGIN_CERT);
    const end = text.indexOf(END_CERT, start);
    const block = end === -1 ? text.slice(start) : text.slice(start, end + END_CERT.length);
    try {
      // A well-formed block is decoded at once; anything else goes through splitPem, whose
      // errors say which line is wrong.
      const body = end === -1 ? '' : block.slice(BEGIN_CERT.length, -END_CERT.length);
      if (end !== -1 && /^[A-Za-z0-9+/=\s]+$/.test(body)) {
        const b64 = body.replace(/\s+/g, '');
        if (b64.length % 4 === 0 && /^[^=]*={0,2}$/.test(b64)) {
          return {
            parsed: [{ index: 0, cert: readOne(Buffer.from(b64, 'base64'), `${where}: block 1`, check) }],
            count,
          };
        }
      }
      const pem = splitPem(block, where).find((b) => b.label === 'CERTIFICATE');
      if (!pem) return { parsed: [{ index: 0, error: `no PEM CERTIFICATE block in ${where}` }], count };
      return { parsed: [{ index: 0, cert: readOne(pem.der, pem.where, check) }], count };
    } catch (err) {
      return { parsed: [{ index: 0, error: describeError(err) }], count };
    }
  }
  let blocks;
  try {
    blocks = splitPem(text, where).filter((b) => b.label === 'CERTIFICATE');
  } catch (err) {
    return { parsed: [{ index: 0, error: describeError(err) }], count };
  }
  return {
    parsed: blocks.map((b, index): ParsedCert => {
      try {
        return { index, cert: readOne(b.der, b.where, check) };
      } catch (err) {
        return { index, error: describeError(err) };
      }
    }),
    count: blocks.length,
  };
}
