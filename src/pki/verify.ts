/**
 * The worker's TLS verdict: Go 1.19's (*Certificate).Verify as crypto/tls's client calls it
 * (handshake_client.go verifyServerCertificate: Roots = the pointer's CAs, Intermediates =
 * certs[1:], DNSName = ServerName, CurrentTime = the clock, KeyUsages empty = serverAuth).
 * Followed: go1.19 src/crypto/x509/verify.go (Verify, isValid, buildChains, alreadyInChain,
 * checkChainForKeyUsage), cert_pool.go (AddCert dedup, findPotentialParents) and x509.go
 * (CheckSignatureFrom) — see signature.ts, hostname.ts, nameconstraints.ts.
 * Checked against the real Go 1.19 on generated chains by test/pki/go-differential.test.ts.
 * Go 1.19's buildChains has no cache: a certificate reached along two paths is walked (and its
 * signatures counted) each time, and the error of the last candidate tried is what remains.
 * Go 1.19 returns these errors bare; go1.20+ crypto/tls wraps them as
 * "tls: failed to verify certificate: x509: ...".
 */
import { goQuote } from './goquote.js';
import { formatRFC3339 } from './gotime.js';
import { verifyHostname } from './hostname.js';
import { checkNameConstraints } from './nameconstraints.js';
import { EKU } from './oids.js';
import { checkSignatureFrom } from './signature.js';
import type { CertInfo, VerifyInput, VerifyReason, VerifyResult } from './types.js';

const LEAF = 0;
const INTERMEDIATE = 1;
const ROOT = 2;
type CertType = typeof LEAF | typeof INTERMEDIATE | typeof ROOT;

/** crypto/x509 maxChainSignatureChecks. */
const MAX_CHAIN_SIGNATURE_CHECKS = 100;

/** A Go error value: its text, our reason code, and the certificate it is about. */
interface GoError {
  text: string;
  reason: VerifyReason;
  cert?: CertInfo;
}

/** One entry of a CertPool (Go's *Certificate). */
interface PoolEntry {
  cert: CertInfo;
}

/** x509.CertPool: AddCert skips a certificate whose DER is already there; byName keyed by raw subject. */
class CertPool {
  private readonly entries: PoolEntry[] = [];
  private readonly seen = new Set<string>();

  constructor(certs: CertInfo[]) {
    for (const c of certs) {
      const key = c.der.toString('base64');
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.entries.push({ cert: c });
    }
  }

  contains(c: CertInfo): boolean {
    return this.seen.has(c.der.toString('base64'));
  }

  /** Parents whose raw subject equals c's raw issuer: AKID/SKID match first, then one missing, then mismatched. */
  findPotentialParents(c: CertInfo): PoolEntry[] {
    const matching: PoolEntry[] = [];
    const oneKeyId: PoolEntry[] = [];
    const mismatch: PoolEntry[] = [];
    for (const e of this.entries) {
      if (!e.cert.rawSubject.equals(c.rawIssuer)) continue;
      const skid = e.cert.subjectKeyId ?? '';
      const akid = c.authorityKeyId ?? '';
      if (skid === akid) matching.push(e);
      else if ((skid === '' && akid !== '') || (skid !== '' && akid === '')) oneKeyId.push(e);
      else mismatch.push(e);
    }
    return [...matching, ...oneKeyId, ...mismatch];
  }
}

interface VerifyOptions {
  roots: CertPool;
  intermediates: CertPool;
  now: Date;
}

function expiredError(c: CertInfo, now: Date): GoError | undefined {
  if (now.getTime() < c.notBefore.getTime()) {
    return {
      text: `x509: certificate has expired or is not yet valid: current time ${formatRFC3339(now)} is before ${formatRFC3339(c.notBefore, c.notBeforeOffset)}`,
      reason: 'cert-not-yet-valid',
      cert: c,
    };
  }
  if (now.getTime() > c.notAfter.getTime()) {
    return {
      text: `x509: certificate has expired or is not yet valid: current time ${formatRFC3339(now)} is after ${formatRFC3339(c.notAfter, c.notAfterOffset)}`,
      reason: 'cert-expired',
      cert: c,
    };
  }
  return undefined;
}

/** (*Certificate).isValid. KeyUsage is deliberately ignored, as Go does (see the comment there). */
function isValid(
  c: CertInfo,
  certType: CertType,
  currentChain: CertInfo[],
  opts: VerifyOptions,
): GoError | undefined {
  if (c.unhandledCriticalExtensions.length > 0) {
    return { text: 'x509: unhandled critical extension', reason: 'unhandled-critical-extension', cert: c };
  }
  const child = currentChain[currentChain.length - 1];
  if (child && !child.rawIssuer.equals(c.rawSubject)) {
    return {
      text: 'x509: issuer name does not match subject from issuing certificate',
      reason: 'issuer-name-mismatch',
      cert: c,
    };
  }
  const expired = expiredError(c, opts.now);
  if (expired) return expired;
  if (certType !== LEAF) {
    const leaf = currentChain[0] as CertInfo;
    const nc = checkNameConstraints(c, leaf);
    if (!nc.ok) return { text: nc.error, reason: 'name-constraints', cert: c };
  }
  if (certType === INTERMEDIATE && (!c.basicConstraintsValid || !c.isCA)) {
    return {
      text: 'x509: certificate is not authorized to sign other certificates',
      reason: 'not-authorized-to-sign',
      cert: c,
    };
  }
  if (c.basicConstraintsValid && c.maxPathLen >= 0) {
    const numIntermediates = currentChain.length - 1;
    if (numIntermediates > c.maxPathLen) {
      return {
        text: 'x509: too many intermediates for path length constraint',
        reason: 'too-many-intermediates',
        cert: c,
      };
    }
  }
  return undefined;
}

/** alreadyInChain: same raw subject, same public key, and same SAN extension (or both without). */
function alreadyInChain(candidate: CertInfo, chain: CertInfo[]): boolean {
  for (const cert of chain) {
    if (!candidate.rawSubject.equals(cert.rawSubject)) continue;
    if (!(candidate.spkiDer && cert.spkiDer && candidate.spkiDer.equals(cert.spkiDer))) continue;
    const a = candidate.rawSANValue;
    const b = cert.rawSANValue;
    if (!a && !b) return true;
    if (!a || !b) return false; // Go returns here rather than checking further certificates
    if (a.equals(b)) return true;
  }
  return false;
}

/** UnknownAuthorityError.Error(). */
function unknownAuthority(c: CertInfo, hintErr?: string, hintCert?: CertInfo): GoError {
  let text = 'x509: certificate signed by unknown authority';
  if (hintErr !== undefined && hintCert) {
    let certName = hintCert.subjectCommonName ?? '';
    if (certName.length === 0) {
      certName = hintCert.subjectOrganization[0] ?? `serial:${hintCert.serialDecimal}`;
    }
    text += ` (possibly because of ${goQuote(hintErr)} while trying to verify candidate authority certificate ${goQuote(certName)})`;
  }
  return { text, reason: 'unknown-authority', cert: c };
}

/** buildChains, including its error bookkeeping: the last candidate that passed the signature check decides `err`. */
function buildChains(
  c: CertInfo,
  currentChain: CertInfo[],
  sigChecks: { n: number },
  opts: VerifyOptions,
): { chains: CertInfo[][]; err?: GoError } {
  let chains: CertInfo[][] = [];
  let err: GoError | undefined;
  let hintErr: string | undefined;
  let hintCert: CertInfo | undefined;

  const considerCandidate = (certType: CertType, entry: PoolEntry): void => {
    const candidate = entry.cert;
    if (alreadyInChain(candidate, currentChain)) return;
    sigChecks.n++;
    if (sigChecks.n > MAX_CHAIN_SIGNATURE_CHECKS) {
      err = {
        text: 'x509: signature check attempts limit reached while verifying certificate chain',
        reason: 'unknown-authority',
        cert: c,
      };
      return;
    }
    const sigErr = checkSignatureFrom(c, candidate);
    if (sigErr !== undefined) {
      if (hintErr === undefined) {
        hintErr = sigErr;
        hintCert = candidate;
      }
      return;
    }
    err = isValid(candidate, certType, currentChain, opts);
    if (err) return;
    if (certType === ROOT) {
      chains.push([...currentChain, candidate]);
    } else {
      const sub = buildChains(candidate, [...currentChain, candidate], sigChecks, opts);
      err = sub.err;
      chains = chains.concat(sub.chains);
    }
  };

  for (const root of opts.roots.findPotentialParents(c)) considerCandidate(ROOT, root);
  for (const inter of opts.intermediates.findPotentialParents(c)) considerCandidate(INTERMEDIATE, inter);

  if (chains.length > 0) err = undefined;
  if (chains.length === 0 && !err) err = unknownAuthority(c, hintErr, hintCert);
  return { chains, err };
}

/**
 * checkChainForKeyUsage with KeyUsages = [serverAuth]: from the root down, a certificate with
 * any EKU (known or not) must list serverAuth itself or anyExtendedKeyUsage. Go 1.19 does not
 * count the Server-Gated-Crypto OIDs as serverAuth (it only compares ExtKeyUsage values).
 */
function chainAllowsServerAuth(chain: CertInfo[]): boolean {
  for (let i = chain.length - 1; i >= 0; i--) {
    const eku = (chain[i] as CertInfo).extKeyUsage;
    if (eku.length === 0) continue; // no EKU: any usage
    if (eku.includes(EKU.any)) continue;
    if (!eku.includes(EKU.serverAuth)) return false;
  }
  return true;
}

function fail(err: GoError): VerifyResult {
  return { ok: false, reason: err.reason, error: err.text, failingCert: err.cert, chains: [] };
}

export function verifyChain(input: VerifyInput): VerifyResult {
  const leaf = input.chain[0];
  if (!leaf) throw new Error('verifyChain: the server sent no certificate');
  const opts: VerifyOptions = {
    roots: new CertPool(input.roots),
    intermediates: new CertPool(input.chain.slice(1)),
    now: input.at,
  };
  const leafErr = isValid(leaf, LEAF, [], opts);
  if (leafErr) return fail(leafErr);
  if (input.host.length > 0) {
    const hostErr = verifyHostname(leaf, input.host);
    if (hostErr !== undefined) return fail({ text: hostErr, reason: 'hostname-mismatch', cert: leaf });
  }
  let candidateChains: CertInfo[][];
  if (opts.roots.contains(leaf)) {
    candidateChains = [[leaf]];
  } else {
    const built = buildChains(leaf, [leaf], { n: 0 }, opts);
    if (built.err) return fail(built.err);
    candidateChains = built.chains;
  }
  const chains = candidateChains.filter(chainAllowsServerAuth);
  if (chains.length === 0) {
    return fail({
      text: 'x509: certificate specifies an incompatible key usage',
      reason: 'incompatible-usage',
      cert: leaf,
    });
  }
  return { ok: true, reason: 'ok', chains, anchor: chains[0]?.[chains[0].length - 1] };
}
