/**
 * X.501 Names: the display string (RFC 4514, most significant RDN last, as
 * `openssl x509 -nameopt RFC2253` prints, but with ", " between RDNs) and the fields Go's
 * pkix.Name.FillFromRDNSequence fills (CommonName: the last CN; Organization: every O).
 */
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
