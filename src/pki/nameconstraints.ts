/**
 * Name constraints as Go 1.19's isValid applies them to a root or intermediate (verify.go):
 * every SAN of the leaf, in order, against the CA's excluded then permitted lists. DNS and IP
 * are implemented exactly; email and URI constraints are not evaluated (see NameConstraintResult).
 */
import { childrenOf, readTlv } from './der.js';
import { goQuote } from './goquote.js';
import { ipToString } from './ip.js';
import type { CertInfo, IPRange } from './types.js';

export type NameConstraintResult =
  | { ok: true }
  /** Go's error text (a CertificateInvalidError or a parse error). */
  | { ok: false; error: string; goExact: true }
  /** A case we do not reproduce (email/URI constraints): we say so instead of guessing. */
  | { ok: false; error: string; goExact: false };

const MAX_COMPARISONS = 250000;

/** domainToReverseLabels; undefined when Go would call the domain unparsable. */
export function domainToReverseLabels(domain: string): string[] | undefined {
  const labels = domain.split('.').reverse();
  if (domain === '') return [];
  if (labels[0] === '') return undefined; // trailing dot: absolute names are refused
  for (const label of labels) {
    if (label === '') return undefined;
    for (const ch of label) {
      const c = ch.codePointAt(0) as number;
      if (c < 33 || c > 126) return undefined;
    }
  }
  return labels;
}

function matchDomainConstraint(domain: string, constraint: string): { match: boolean; err?: string } {
  if (constraint.length === 0) return { match: true };
  const domainLabels = domainToReverseLabels(domain);
  if (!domainLabels)
    return { match: false, err: `x509: internal error: cannot parse domain ${goQuote(domain)}` };
  let mustHaveSubdomains = false;
  if (constraint.startsWith('.')) {
    mustHaveSubdomains = true;
    constraint = constraint.slice(1);
  }
  const constraintLabels = domainToReverseLabels(constraint);
  if (!constraintLabels)
    return { match: false, err: `x509: internal error: cannot parse domain ${goQuote(constraint)}` };
  if (
    domainLabels.length < constraintLabels.length ||
    (mustHaveSubdomains && domainLabels.length === constraintLabels.length)
  ) {
    return { match: false };
  }
  for (let i = 0; i < constraintLabels.length; i++) {
    if ((constraintLabels[i] as string).toLowerCase() !== (domainLabels[i] as string).toLowerCase())
      return { match: false };
  }
  return { match: true };
}

function matchIPConstraint(ip: Buffer, c: IPRange): boolean {
  if (ip.length !== c.ip.length) return false;
  for (let i = 0; i < ip.length; i++) {
    const mask = c.mask[i] as number;
    if (((ip[i] as number) & mask) !== ((c.ip[i] as number) & mask)) return false;
  }
  return true;
}

/** net.IPNet.String(): "ip/prefix" for canonical masks, else "ip/hexmask". */
function ipNetString(c: IPRange): string {
  let ones = 0;
  let canonical = true;
  let seenZero = false;
  for (const b of c.mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if ((b >> bit) & 1) {
        if (seenZero) canonical = false;
        ones++;
      } else seenZero = true;
    }
  }
  const ip = Buffer.from(c.ip.map((b, i) => b & (c.mask[i] as number)));
  return `${ipToString(ip)}/${canonical ? ones : c.mask.toString('hex')}`;
}

const notAuthorized = (detail: string): string =>
  `x509: a root or intermediate certificate is not authorized to sign for this name: ${detail}`;

/** Applies `ca`'s name constraints to the SANs of `leaf`. */
export function checkNameConstraints(
  ca: CertInfo,
  leaf: CertInfo,
  count: { n: number },
): NameConstraintResult {
  const nc = ca.nameConstraints;
  if (!ca.hasNameConstraints || !nc || !leaf.hasSANExtension || !leaf.rawSANValue) return { ok: true };
  const san = leaf.rawSANValue;
  const check = <P, C>(
    nameType: string,
    name: string,
    parsed: P,
    match: (p: P, c: C) => { match: boolean; err?: string },
    permitted: C[],
    excluded: C[],
    show: (c: C) => string,
  ): NameConstraintResult | undefined => {
    count.n += excluded.length;
    if (count.n > MAX_COMPARISONS) return { ok: false, error: 'x509: unknown error', goExact: true };
    for (const c of excluded) {
      const r = match(parsed, c);
      if (r.err) return { ok: false, error: notAuthorized(r.err), goExact: true };
      if (r.match)
        return {
          ok: false,
          error: notAuthorized(`${nameType} ${goQuote(name)} is excluded by constraint ${goQuote(show(c))}`),
          goExact: true,
        };
    }
    count.n += permitted.length;
    if (count.n > MAX_COMPARISONS) return { ok: false, error: 'x509: unknown error', goExact: true };
    let ok = true;
    for (const c of permitted) {
      const r = match(parsed, c);
      if (r.err) return { ok: false, error: notAuthorized(r.err), goExact: true };
      ok = r.match;
      if (ok) break;
    }
    if (!ok)
      return {
        ok: false,
        error: notAuthorized(`${nameType} ${goQuote(name)} is not permitted by any constraint`),
        goExact: true,
      };
    return undefined;
  };

  for (const gn of childrenOf(san, readTlv(san, 0))) {
    const data = san.subarray(gn.valueStart, gn.end);
    switch (gn.tag) {
      case 0x82: {
        const name = data.toString('latin1');
        if (!domainToReverseLabels(name))
          return { ok: false, error: `x509: cannot parse dnsName ${goQuote(name)}`, goExact: true };
        const r = check(
          'DNS name',
          name,
          name,
          matchDomainConstraint,
          nc.permittedDNS,
          nc.excludedDNS,
          (c) => c,
        );
        if (r) return r;
        break;
      }
      case 0x87: {
        const ip = Buffer.from(data);
        const r = check(
          'IP address',
          ipToString(ip),
          ip,
          (p: Buffer, c: IPRange) => ({ match: matchIPConstraint(p, c) }),
          nc.permittedIP,
          nc.excludedIP,
          ipNetString,
        );
        if (r) return r;
        break;
      }
      case 0x81:
      case 0x86: {
        const kinds =
          gn.tag === 0x81 ? [nc.permittedEmail, nc.excludedEmail] : [nc.permittedURI, nc.excludedURI];
        if (kinds.some((k) => k.length > 0)) {
          return {
            ok: false,
            error: `name constraints on ${gn.tag === 0x81 ? 'email addresses' : 'URIs'} in "${ca.subject}" are not evaluated by mcs-doctor`,
            goExact: false,
          };
        }
        break;
      }
      default:
        break; // Go ignores other SAN types here
    }
  }
  return { ok: true };
}
