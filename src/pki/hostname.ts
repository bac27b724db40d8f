/**
 * Go 1.19 crypto/x509 host name checks: (*Certificate).VerifyHostname and HostnameError.Error
 * (verify.go). DNS SANs only, no Common Name fallback, IP hosts only against IP SANs,
 * wildcards only as the whole leftmost label, ASCII-only case folding, trailing dot ignored on
 * valid host names only.
 */
import { ipEqual, parseIP } from './ip.js';
import type { CertInfo } from './types.js';

/** toLowerCaseASCII: only A-Z are folded (Go leaves other characters alone). */
export function toLowerCaseASCII(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function validHostname(host: string, isPattern: boolean): boolean {
  if (!isPattern && host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0) return false;
  const parts = host.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part === '') return false;
    if (isPattern && i === 0 && part === '*') continue;
    let j = 0;
    for (const c of part) {
      const ok =
        (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') ||
        (c >= 'A' && c <= 'Z') ||
        (c === '-' && j !== 0) ||
        c === '_';
      if (!ok) return false;
      j++;
    }
  }
  return true;
}

export const validHostnamePattern = (host: string): boolean => validHostname(host, true);
export const validHostnameInput = (host: string): boolean => validHostname(host, false);

export function matchExactly(hostA: string, hostB: string): boolean {
  if (hostA === '' || hostA === '.' || hostB === '' || hostB === '.') return false;
  return toLowerCaseASCII(hostA) === toLowerCaseASCII(hostB);
}

export function matchHostnames(pattern: string, host: string): boolean {
  pattern = toLowerCaseASCII(pattern);
  host = toLowerCaseASCII(host.endsWith('.') ? host.slice(0, -1) : host);
  if (pattern.length === 0 || host.length === 0) return false;
  const patternParts = pattern.split('.');
  const hostParts = host.split('.');
  if (patternParts.length !== hostParts.length) return false;
  return patternParts.every((p, i) => (i === 0 && p === '*') || p === hostParts[i]);
}

/** HostnameError.Error(). `host` is what VerifyHostname put in the error (brackets stripped for IPs). */
export function hostnameErrorText(c: CertInfo, host: string): string {
  if (!c.hasSANExtension && matchHostnames(c.subjectCommonName ?? '', host)) {
    return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  }
  let valid: string;
  if (parseIP(host)) {
    if (c.ipAddresses.length === 0) {
      return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    }
    valid = c.ipAddresses.join(', ');
  } else {
    valid = c.dnsNames.join(', ');
  }
  if (valid.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid}, not ${host}`;
}

/** VerifyHostname: undefined when the certificate is valid for `h`, else Go's error text. */
export function verifyHostname(c: CertInfo, h: string): string | undefined {
  let candidateIP = h;
  if (h.length >= 3 && h.startsWith('[') && h.endsWith(']')) candidateIP = h.slice(1, -1);
  const ip = parseIP(candidateIP);
  if (ip) {
    for (const san of c.ipAddresses) {
      const sanIP = parseIP(san);
      if (sanIP && ipEqual(ip, sanIP)) return undefined;
    }
    return hostnameErrorText(c, candidateIP);
  }
  const candidateName = toLowerCaseASCII(h);
  const validCandidateName = validHostnameInput(candidateName);
  for (const match of c.dnsNames) {
    if (validCandidateName && validHostnamePattern(match)) {
      if (matchHostnames(match, candidateName)) return undefined;
    } else if (matchExactly(match, candidateName)) {
      return undefined;
    }
  }
  return hostnameErrorText(c, h);
}
