/**
 * The certificates of one PEM value (a `tls.crt`, a CA bundle) as the public facts `certs`
 * lists: parsed as Go's crypto/x509 parses them (pki/), then reduced to plain data that can cross
 * a worker thread and be kept for every row without the DER, PEM and key material a CertInfo
 * holds. A certificate that does not parse is an error entry, never an exception; key blocks are
 * never decoded (pki/pem.ts).
 */
import { UserError } from '../../core/errors.js';
import { parseCertificate } from '../../pki/parse.js';
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

/** The first certificate of a PEM value, or every one (`all`). */
export function readPemValue(text: string, where: string, all: boolean): PemValue {
  const count = countOf(text, BEGIN_CERT);
  if (count === 0) return { parsed: [{ index: 0, error: `no PEM CERTIFICATE block in ${where}` }], count: 0 };
  if (!all) {
    // Only the first block is decoded: the leaf is all the default listing needs.
    const start = text.indexOf(BEGIN_CERT);
    const end = text.indexOf(END_CERT, start);
    const block = end === -1 ? text.slice(start) : text.slice(start, end + END_CERT.length);
    try {
      const pem = splitPem(block, where).find((b) => b.label === 'CERTIFICATE');
      if (!pem) return { parsed: [{ index: 0, error: `no PEM CERTIFICATE block in ${where}` }], count };
      return { parsed: [{ index: 0, cert: factsOf(parseCertificate(pem.der, pem.where)) }], count };
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
        return { index, cert: factsOf(parseCertificate(b.der, b.where)) };
      } catch (err) {
        return { index, error: describeError(err) };
      }
    }),
    count: blocks.length,
  };
}

/** What a parser is asked: PEM texts, each with where it is from for error messages. */
export interface PemJob {
  text: string;
  where: string;
}
