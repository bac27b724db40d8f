/**
 * X.501 Names: the display string (RFC 4514, most significant RDN last, as
 * `openssl x509 -nameopt RFC2253` prints, but with ", " between RDNs) and the fields Go's
 * pkix.Name.FillFromRDNSequence fills (CommonName: the last CN; Organization: every O).
 */
import { GoReader } from './cryptobyte.js';
import { childrenOf, readTlv, type Tlv } from './der.js';
import { decodeOid, OID } from './oids.js';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export interface NameAttribute {
  oid: string;
  value: string;
}

export interface ParsedName {
  /** RDNs in DER order, each a set of attributes. */
  rdns: NameAttribute[][];
  display: string;
  commonName?: string;
  organization: string[];
}

/** Decodes a directory string the way Go does (UTF8, Printable, IA5, T61 as Latin-1, BMP). */
function decodeString(buf: Buffer, tlv: Tlv): string {
  const content = buf.subarray(tlv.valueStart, tlv.end);
  switch (tlv.tag) {
    case 0x1e: {
      // BMPString: UTF-16BE.
      let s = '';
      for (let i = 0; i + 1 < content.length; i += 2) {
        s += String.fromCharCode(((content[i] as number) << 8) | (content[i + 1] as number));
      }
      return s;
    }
    case 0x14:
      return content.toString('latin1');
    default:
      return content.toString('utf8');
  }
}

function escapeValue(v: string): string {
  return v
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

export function parseName(buf: Buffer, nameTlv: Tlv): ParsedName {
  const rdns: NameAttribute[][] = [];
  for (const setTlv of childrenOf(buf, nameTlv)) {
    const rdn: NameAttribute[] = [];
    for (const atv of childrenOf(buf, setTlv)) {
      const [oidTlv, valueTlv] = childrenOf(buf, atv);
      if (!oidTlv || !valueTlv) continue;
      rdn.push({
        oid: decodeOid(buf.subarray(oidTlv.valueStart, oidTlv.end)),
        value: decodeString(buf, valueTlv),
      });
    }
    rdns.push(rdn);
  }
  return fromRdns(rdns);
}

function fromRdns(rdns: NameAttribute[][]): ParsedName {
  let commonName: string | undefined;
  const organization: string[] = [];
  for (const rdn of rdns) {
    for (const atv of rdn) {
      if (atv.oid === OID.commonName) commonName = atv.value;
      if (atv.oid === OID.organization) organization.push(atv.value);
    }
  }
  const display = [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${escapeValue(a.value)}`).join('+'))
    .join(', ');
  return { rdns, display, commonName, organization };
}

/** Parses a standalone Name DER (used by tests and by issue.ts to check round trips). */
export function parseNameDer(der: Buffer): ParsedName {
  return parseName(der, readTlv(der, 0));
}

/** parseASN1String (parser.go): the value as Go holds it, or the error text. */
function goString(tag: number, value: Buffer): { value: string } | { error: string } {
  switch (tag) {
    case 0x14: // T61String: the bytes as they are
      return { value: value.toString('latin1') };
    case 0x13:
      for (const b of value) {
        const ok =
          (b >= 0x61 && b <= 0x7a) ||
          (b >= 0x41 && b <= 0x5a) ||
          (b >= 0x30 && b <= 0x39) ||
          (b >= 0x27 && b <= 0x29) ||
          (b >= 0x2b && b <= 0x2f) ||
          [0x20, 0x3a, 0x3d, 0x3f, 0x2a, 0x26].includes(b);
        if (!ok) return { error: 'invalid PrintableString' };
      }
      return { value: value.toString('latin1') };
    case 0x0c: {
      const text = value.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(value)) return { error: 'invalid UTF-8 string' };
      return { value: text };
    }
    case 0x1e: {
      if (value.length % 2 !== 0) return { error: 'invalid BMPString' };
      let v = value;
      if (v.length >= 2 && v[v.length - 1] === 0 && v[v.length - 2] === 0) v = v.subarray(0, v.length - 2);
      let s = '';
      for (let i = 0; i + 1 < v.length; i += 2)
        s += String.fromCharCode(((v[i] as number) << 8) | (v[i + 1] as number));
      return { value: s };
    }
    case 0x16:
      if (value.some((b) => b >= 0x80)) return { error: 'invalid IA5String' };
      return { value: value.toString('latin1') };
    case 0x12:
      if (value.some((b) => !((b >= 0x30 && b <= 0x39) || b === 0x20)))
        return { error: 'invalid NumericString' };
      return { value: value.toString('latin1') };
    default:
      return { error: `unsupported string type: ${tag}` };
  }
}

/**
 * parseName (parser.go) over a Name's DER: Go's validation and error texts, then the same
 * display, CommonName and Organization as parseName.
 */
export function parseGoName(raw: Buffer): ParsedName {
  const fail = (text: string): never => {
    throw new GoNameError(text);
  };
  const seq = GoReader.of(raw).read(0x30);
  if (!seq) return fail('x509: invalid RDNSequence');
  const rdns: NameAttribute[][] = [];
  while (!seq.empty()) {
    const set = seq.read(0x31);
    if (!set) return fail('x509: invalid RDNSequence');
    const rdn: NameAttribute[] = [];
    while (!set.empty()) {
      const atav = set.read(0x30);
      if (!atav) return fail('x509: invalid RDNSequence: invalid attribute');
      const oid = atav.readOid();
      if (oid === undefined) return fail('x509: invalid RDNSequence: invalid attribute type');
      const v = atav.readAny();
      if (!v) return fail('x509: invalid RDNSequence: invalid attribute value');
      const s = goString(v.tag, v.content.rest());
      if ('error' in s) return fail(`x509: invalid RDNSequence: invalid attribute value: ${s.error}`);
      rdn.push({ oid, value: s.value });
    }
    rdns.push(rdn);
  }
  return fromRdns(rdns);
}

/** A Name Go refuses, with Go's text. */
export class GoNameError extends Error {
  constructor(public readonly goText: string) {
    super(goText);
    this.name = 'GoParseError';
  }
}
