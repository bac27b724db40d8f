/** The subject of a PKCS#10 certificate request (a CSR's `spec.request`), read with the DER reader. */
import { childrenOf, readTlv } from './der.js';
import { parseName, type ParsedName } from './name.js';

/** Subject of a PEM `CERTIFICATE REQUEST`; undefined when it is not one. */
export function csrSubject(pem: string): ParsedName | undefined {
  try {
    const m =
      /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]+)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(
        pem,
      );
    if (!m?.[1]) return undefined;
    const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
    const outer = readTlv(der, 0);
    const info = childrenOf(der, outer)[0];
    if (!info) return undefined;
    // CertificationRequestInfo ::= SEQUENCE { version INTEGER, subject Name, ... }
    const subject = childrenOf(der, info)[1];
    return subject ? parseName(der, subject) : undefined;
  } catch {
    return undefined;
  }
}
