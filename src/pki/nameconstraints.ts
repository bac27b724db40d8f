/**
 * Name constraints as Go 1.19's isValid applies them to a root or intermediate (verify.go):
 * every SAN of the leaf and then every SAN of the CA itself, in order, against the CA's
 * excluded then permitted lists of the same type: DNS names (matchDomainConstraint), IP
 * addresses (matchIPConstraint), email addresses (parseRFC2821Mailbox, matchEmailConstraint)
 * and URIs (url.Parse, matchURIConstraint). Other SAN types are ignored. The comparison budget
 * (250,000) is counted per CA, as Go's comparisonCount is local to one isValid call.
 */
import { goQuoteBytes } from './goquote.js';
import { parseURL, splitHostPort, urlString, type GoURL } from './gourl.js';
import { ipToString, parseIP } from './ip.js';
import type { CertInfo, IPRange } from './types.js';

export type NameConstraintResult = { ok: true } | { ok: false; error: string };

const MAX_COMPARISONS = 250000;

/**
 * domainToReverseLabels; undefined when Go would call the domain unparsable. Go's loop cuts at
 * the last '.' until nothing is left, so one leading dot vanishes (".example.com" parses).
 */
export function domainToReverseLabels(domain: string): string[] | undefined {
  const labels: string[] = [];
  while (domain.length > 0) {
    const i = domain.lastIndexOf('.');
    if (i === -1) {
      labels.push(domain);
      domain = '';
    } else {
      labels.push(domain.slice(i + 1));
      domain = domain.slice(0, i);
    }
  }
  if (labels.length > 0 && labels[0] === '') return undefined; // trailing dot: absolute names are refused
  for (const label of labels) {
    if (label === '') return undefined;
    for (const ch of label) {
      const c = ch.codePointAt(0) as number;
      if (c < 33 || c > 126) return undefined;
    }
  }
  return labels;
}

export interface Mailbox {
  local: string;
  domain: string;
}

const ATEXT = /^[0-9A-Za-z!#$%&'*+\-/=?^_`{|}~.]$/;

/** parseRFC2821Mailbox: local part (quoted or dot-atom, RFC 3696 leniencies) "@" any domain. */
export function parseRFC2821Mailbox(input: string): Mailbox | undefined {
  if (input.length === 0) return undefined;
  let local = '';
  let i = 0;
  const code = (k: number): number => input.charCodeAt(k);
  if (input[0] === '"') {
    i = 1;
    for (;;) {
      if (i >= input.length) return undefined;
      const c = code(i++);
      if (c === 0x22) break;
      if (c === 0x5c) {
        if (i >= input.length) return undefined;
        const n = code(i);
        if (n === 11 || n === 12 || (n >= 1 && n <= 9) || (n >= 14 && n <= 127)) {
          local += input[i];
          i++;
          continue;
        }
        return undefined;
      }
      if (
        c === 11 ||
        c === 12 ||
        c === 32 ||
        c === 33 ||
        c === 127 ||
        (c >= 1 && c <= 8) ||
        (c >= 14 && c <= 31) ||
        (c >= 35 && c <= 91) ||
        (c >= 93 && c <= 126)
      ) {
        local += String.fromCharCode(c);
        continue;
      }
      return undefined;
    }
  } else {
    while (i < input.length) {
      let ch = input[i] as string;
      if (ch === '\\') {
        i++;
        if (i >= input.length) return undefined;
        ch = input[i] as string;
        local += ch;
        i++;
        continue;
      }
      if (!ATEXT.test(ch)) break;
      local += ch;
      i++;
    }
    if (local.length === 0) return undefined;
    if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  }
  if (i >= input.length || input[i] !== '@') return undefined;
  const domain = input.slice(i + 1);
  if (!domainToReverseLabels(domain)) return undefined;
  return { local, domain };
}

type Match = { match: boolean; err?: string };

const lowerASCII = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function matchDomainConstraint(domain: string, constraint: string): Match {
  if (constraint.length === 0) return { match: true };
  const domainLabels = domainToReverseLabels(domain);
  if (!domainLabels)
    return { match: false, err: `x509: internal error: cannot parse domain ${goQuoteBytes(domain)}` };
  let mustHaveSubdomains = false;
  if (constraint.startsWith('.')) {
    mustHaveSubdomains = true;
    constraint = constraint.slice(1);
  }
  const constraintLabels = domainToReverseLabels(constraint);
  if (!constraintLabels) {
    return { match: false, err: `x509: internal error: cannot parse domain ${goQuoteBytes(constraint)}` };
  }
  if (
    domainLabels.length < constraintLabels.length ||
    (mustHaveSubdomains && domainLabels.length === constraintLabels.length)
  ) {
    return { match: false };
  }
  for (let i = 0; i < constraintLabels.length; i++) {
    if (lowerASCII(constraintLabels[i] as string) !== lowerASCII(domainLabels[i] as string))
      return { match: false };
  }
  return { match: true };
}

function matchEmailConstraint(mailbox: Mailbox, constraint: string): Match {
  if (constraint.includes('@')) {
    const c = parseRFC2821Mailbox(constraint);
    if (!c)
      return {
        match: false,
        err: `x509: internal error: cannot parse constraint ${goQuoteBytes(constraint)}`,
      };
    return { match: mailbox.local === c.local && lowerASCII(mailbox.domain) === lowerASCII(c.domain) };
  }
  return matchDomainConstraint(mailbox.domain, constraint);
}

function matchURIConstraint(uri: GoURL, constraint: string): Match {
  let host = uri.host;
  if (host.length === 0) {
    return {
      match: false,
      err: `URI with empty host (${goQuoteBytes(urlString(uri))}) cannot be matched against constraints`,
    };
  }
  if (host.includes(':') && !host.endsWith(']')) {
    const split = splitHostPort(uri.host);
    if ('error' in split) return { match: false, err: split.error };
    host = split.host;
  }
  if ((host.startsWith('[') && host.endsWith(']')) || parseIP(host)) {
    return {
      match: false,
      err: `URI with IP (${goQuoteBytes(urlString(uri))}) cannot be matched against constraints`,
    };
  }
  return matchDomainConstraint(host, constraint);
}

function matchIPConstraint(ip: Buffer, c: IPRange): boolean {
  if (ip.length !== c.ip.length) return false;
  for (let i = 0; i < ip.length; i++) {
    const mask = c.mask[i] as number;
    if (((ip[i] as number) & mask) !== ((c.ip[i] as number) & mask)) return false;
  }
  return true;
}

/** (*net.IPNet).String(): the IP as stored (not masked), "/" and the prefix length. */
function ipNetString(c: IPRange): string {
  let ip = c.ip;
  let mask = c.mask;
  const v4mapped =
    ip.length === 16 && ip.subarray(0, 12).equals(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]));
  if (v4mapped) ip = ip.subarray(12);
  if (mask.length === 4 && ip.length !== 4) return '<nil>';
  if (mask.length === 16 && ip.length === 4) mask = mask.subarray(12);
  let ones = 0;
  let canonical = true;
  let seenZero = false;
  for (const b of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if ((b >> bit) & 1) {
        if (seenZero) canonical = false;
        ones++;
      } else seenZero = true;
    }
  }
  return `${ipToString(ip)}/${canonical ? ones : mask.toString('hex')}`;
}

const notAuthorized = (detail: string): string =>
  `x509: a root or intermediate certificate is not authorized to sign for this name: ${detail}`;

/** (*Certificate).checkNameConstraints for one name: Go's error text, or undefined. */
function checkOne<P, C>(
  count: { n: number },
  nameType: string,
  name: string,
  parsed: P,
  match: (p: P, c: C) => Match,
  permitted: C[],
  excluded: C[],
  show: (c: C) => string,
): string | undefined {
  count.n += excluded.length;
  if (count.n > MAX_COMPARISONS) return 'x509: unknown error'; // TooManyConstraints has no text of its own
  for (const c of excluded) {
    const r = match(parsed, c);
    if (r.err) return notAuthorized(r.err);
    if (r.match)
      return notAuthorized(`${nameType} ${goQuoteBytes(name)} is excluded by constraint ${show(c)}`);
  }
  count.n += permitted.length;
  if (count.n > MAX_COMPARISONS) return 'x509: unknown error';
  let ok = true;
  for (const c of permitted) {
    const r = match(parsed, c);
    if (r.err) return notAuthorized(r.err);
    ok = r.match;
    if (ok) break;
  }
  if (!ok) return notAuthorized(`${nameType} ${goQuoteBytes(name)} is not permitted by any constraint`);
  return undefined;
}

/** forEachSAN over an already validated SAN extension value: [tag number, bytes]. */
function sanEntries(value: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  // SEQUENCE header, then each GeneralName (the parser checked the DER).
  let pos = 1;
  let len = value[pos++] as number;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (value[pos++] as number);
  }
  const end = pos + len;
  while (pos < end) {
    const tag = value[pos++] as number;
    let l = value[pos++] as number;
    if (l & 0x80) {
      const n = l & 0x7f;
      l = 0;
      for (let i = 0; i < n; i++) l = l * 256 + (value[pos++] as number);
    }
    out.push([tag ^ 0x80, value.subarray(pos, pos + l)]);
    pos += l;
  }
  return out;
}

/** Applies `ca`'s name constraints to the SANs of `leaf`, then to the CA's own SANs. */
export function checkNameConstraints(ca: CertInfo, leaf: CertInfo): NameConstraintResult {
  const nc = ca.nameConstraints;
  if (!ca.hasNameConstraints || !nc) return { ok: true };
  const count = { n: 0 };
  const toCheck = [leaf, ca].filter((c) => c.hasSANExtension && c.rawSANValue);
  const quote = (c: string): string => goQuoteBytes(c);
  for (const sanCert of toCheck) {
    for (const [tag, data] of sanEntries(sanCert.rawSANValue as Buffer)) {
      const name = data.toString('latin1');
      let err: string | undefined;
      switch (tag) {
        case 1: {
          const mailbox = parseRFC2821Mailbox(name);
          // Go formats the zero rfc2821Mailbox struct with %q.
          if (!mailbox) return { ok: false, error: 'x509: cannot parse rfc822Name {"" ""}' };
          err = checkOne(
            count,
            'email address',
            name,
            mailbox,
            matchEmailConstraint,
            nc.permittedEmail,
            nc.excludedEmail,
            quote,
          );
          break;
        }
        case 2:
          if (!domainToReverseLabels(name))
            return { ok: false, error: `x509: cannot parse dnsName ${goQuoteBytes(name)}` };
          err = checkOne(
            count,
            'DNS name',
            name,
            name,
            matchDomainConstraint,
            nc.permittedDNS,
            nc.excludedDNS,
            quote,
          );
          break;
        case 6: {
          const uri = parseURL(name);
          if ('error' in uri) {
            return {
              ok: false,
              error: `x509: internal error: URI SAN ${goQuoteBytes(name)} failed to parse`,
            };
          }
          err = checkOne(count, 'URI', name, uri, matchURIConstraint, nc.permittedURI, nc.excludedURI, quote);
          break;
        }
        case 7: {
          if (data.length !== 4 && data.length !== 16) {
            return {
              ok: false,
              error: `x509: internal error: IP SAN ${data.toString('hex')} failed to parse`,
            };
          }
          const ip = Buffer.from(data);
          err = checkOne(
            count,
            'IP address',
            ipToString(ip),
            ip,
            (p: Buffer, c: IPRange) => ({ match: matchIPConstraint(p, c) }),
            nc.permittedIP,
            nc.excludedIP,
            (c) => goQuoteBytes(ipNetString(c)),
          );
          break;
        }
        default:
          break; // Go ignores other SAN types here
      }
      if (err) return { ok: false, error: err };
    }
  }
  return { ok: true };
}
