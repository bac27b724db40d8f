/**
 * The `probe` report: one model, rendered as JSON (probe-json.ts) and text (probe-text.ts).
 * It adds to the fetch result what a person needs to act: the root cause it points to, which
 * anchor matched (by key, never by name), and what to do next.
 */
import { causeModule, causeOfFetch } from '../causes/index.js';
import { CAUSES, type CauseId } from '../core/causes.js';
import { MAPI_NAMESPACE, MCO_NAMESPACE } from '../core/names.js';
import { MCS_PORT, apiServerNote } from '../openshift/api-server.js';
import { verifyChain } from '../pki/verify.js';
import type { CertInfo } from '../pki/types.js';
import { probeReasonForVerify } from '../probes/fetch.js';
import type { FetchResult, ProbeReason } from '../probes/types.js';

export interface AnchorInput {
  cert: CertInfo;
  /** Where it came from, e.g. "$.ignition.security.tls.certificateAuthorities[0].source" or "ca.pem". */
  source: string;
}

export interface CertView {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  dnsNames: string[];
  ipAddresses: string[];
  isCA: boolean;
  keyAlgorithm: string;
  fingerprintSha256: string;
  spkiSha256: string;
  sentByServer: boolean;
  /** Index into anchors[] when this certificate is one of them. */
  anchorIndex?: number;
}

export interface AnchorView {
  index: number;
  subject: string;
  spkiSha256: string;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  source: string;
}

export interface ProbeReport {
  schemaVersion: 1;
  verdict: 'ok' | 'fail';
  reason: ProbeReason;
  ignitionError: string | null;
  ignitionFinal: string | null;
  cause: CauseId | null;
  causeText: string | null;
  detail: string | null;
  url: string;
  host: string;
  port: number;
  address: string | null;
  addresses: string[];
  resolvedFrom: string | null;
  sni: string | null;
  tlsProtocol: string | null;
  chainCapture: 'exact' | 'issuer-walk' | null;
  at: string;
  now: string;
  /** The verdict at this machine's clock when --at asked for another one. */
  reasonNow: ProbeReason | null;
  chain: CertView[];
  anchors: AnchorView[];
  systemRoots: number;
  matchedAnchor: { index: number | null; subject: string; spkiSha256: string } | null;
  /** Why no anchor matched, in words (null when one did). */
  anchorNotes: string[];
  verifyError: string | null;
  http: { status: number; contentType: string | null; ignitionVersion: string | null } | null;
  request: { userAgent: string; accept: string } | null;
  pointer: { origin: string; specVersion: string } | null;
  legacyIgnition: boolean;
  workerIgnition: string;
  /** Things that may make the worker's outcome differ from this one (e.g. its Ignition release). */
  warnings: string[];
  timings: FetchResult['timings'];
  next: string[];
}

export interface ProbeReportInput {
  result: FetchResult;
  now: Date;
  /** The anchors given by the user (pointer / --ca), in order; system roots are counted only. */
  anchors: AnchorInput[];
  systemRoots: CertInfo[];
  pointer?: { origin: string; specVersion: string };
  legacyIgnition: boolean;
  /** The Ignition release the verdict models ("0.x" with --legacy-ignition). */
  workerIgnition: string;
  warnings: string[];
}

function keyAlgorithm(c: CertInfo): string {
  return `${c.publicKeyAlgorithm} ${c.publicKeyDetail}`.trim();
}

function certView(c: CertInfo, sentByServer: boolean, anchorIndex?: number): CertView {
  return {
    subject: c.subject,
    issuer: c.issuer,
    serial: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    dnsNames: c.dnsNames,
    ipAddresses: c.ipAddresses,
    isCA: c.isCA,
    keyAlgorithm: keyAlgorithm(c),
    fingerprintSha256: c.fingerprintSha256,
    spkiSha256: c.spkiSha256,
    sentByServer,
    ...(anchorIndex === undefined ? {} : { anchorIndex }),
  };
}

function sameCert(a: CertInfo, b: CertInfo): boolean {
  return a.der.equals(b.der);
}

/**
 * The anchor the served chain leads to, judged by key and signature (pki/verifyChain): first as
 * evaluated, then ignoring the host name, then at a moment when every certificate is in its
 * validity window (so an expired chain still says which anchor it belongs to).
 */
function findAnchor(result: FetchResult, roots: CertInfo[]): CertInfo | undefined {
  if (result.verification?.anchor) return result.verification.anchor;
  if (result.chain.length === 0 || roots.length === 0) return undefined;
  const tries: Date[] = [result.at];
  const all = [...result.chain, ...roots];
  const from = Math.max(...all.map((c) => c.notBefore.getTime()));
  const to = Math.min(...all.map((c) => c.notAfter.getTime()));
  if (from <= to) tries.push(new Date(from + Math.floor((to - from) / 2)));
  else {
    const leafFrom = Math.max(...result.chain.map((c) => c.notBefore.getTime()));
    const leafTo = Math.min(...result.chain.map((c) => c.notAfter.getTime()));
    if (leafFrom <= leafTo) tries.push(new Date(leafFrom + Math.floor((leafTo - leafFrom) / 2)));
  }
  for (const at of tries) {
    const v = verifyChain({ chain: result.chain, roots, host: '', at });
    if (v.ok && v.anchor) return v.anchor;
  }
  return undefined;
}

/** Why none of the anchors verifies the chain: compare by key, and say so when names agree but keys do not. */
function anchorNotes(result: FetchResult, anchors: AnchorInput[]): string[] {
  const top = result.chain[result.chain.length - 1];
  if (!top) return [];
  const notes: string[] = [];
  const wantedIssuer = top.selfSigned ? top.rawSubject : top.rawIssuer;
  const issuerName = top.selfSigned ? top.subject : top.issuer;
  const sameName = anchors
    .map((a, index) => ({ a, index }))
    .filter(({ a }) => a.cert.rawSubject.equals(wantedIssuer));
  for (const { a, index } of sameName) {
    const keyMatches = top.selfSigned
      ? a.cert.spkiSha256 === top.spkiSha256
      : a.cert.subjectKeyId !== undefined && a.cert.subjectKeyId === top.authorityKeyId;
    notes.push(
      keyMatches
        ? `anchor #${index} (${a.cert.subject}) is the issuer by name and key, but the chain through it is rejected: ${result.verification?.error ?? 'see the verdict'}`
        : `anchor #${index} has the same subject "${a.cert.subject}" as the issuer of the served chain, but a DIFFERENT KEY (anchor SPKI ${a.cert.spkiSha256}): the CA was regenerated, or the pointer carries an old CA`,
    );
  }
  if (sameName.length === 0) {
    notes.push(
      top.selfSigned
        ? `the server sends a self-signed certificate "${top.subject}" that is not among the anchors`
        : `no anchor is named "${issuerName}", the issuer of the last certificate the server sent` +
            (anchors.length ? ` (anchors: ${anchors.map((a) => `"${a.cert.subject}"`).join(', ')})` : '') +
            '; if the anchor is a root above an intermediate, the server must send that intermediate',
    );
  }
  return notes;
}

function nextSteps(report: Omit<ProbeReport, 'next'>): string[] {
  const mco = MCO_NAMESPACE;
  const hostState = `oc get bmh -n ${MAPI_NAMESPACE}; oc get csr; oc get nodes  (where the host is in the join pipeline)`;
  if (report.cause === null) {
    if (report.verdict === 'ok') {
      return [
        'the fetch works from here: if the worker still fails, run the same probe with --at <the host BMC clock> and from the worker network',
        hostState,
      ];
    }
    return [
      `see the detail above; check what answers on ${report.host}:${report.port} with: curl -vk ${report.url}`,
      `oc logs -n ${mco} -l k8s-app=machine-config-server`,
      hostState,
    ];
  }
  return causeModule(report.cause).probeNextSteps({
    host: report.host,
    port: report.port,
    url: report.url,
    reason: report.reason,
    at: report.at,
  });
}

export function buildProbeReport(input: ProbeReportInput): ProbeReport {
  const { result, anchors } = input;
  // Same order as the fetch: Ignition starts from the system pool and appends the pointer CAs.
  const roots = [...input.systemRoots, ...anchors.map((a) => a.cert)];
  const anchorIndex = (c: CertInfo): number | undefined => {
    const i = anchors.findIndex((a) => sameCert(a.cert, c));
    return i < 0 ? undefined : i;
  };
  const anchor = result.chain.length ? findAnchor(result, roots) : undefined;
  const chain = result.chain.map((c) => certView(c, true, anchorIndex(c)));
  if (anchor && !result.chain.some((c) => sameCert(c, anchor)))
    chain.push(certView(anchor, false, anchorIndex(anchor)));

  let reasonNow: ProbeReason | null = null;
  const clockMoved = Math.abs(result.at.getTime() - input.now.getTime()) > 1000;
  if (clockMoved && result.verification && result.chain.length > 0) {
    const v = verifyChain({ chain: result.chain, roots, host: hostForVerify(result), at: input.now });
    reasonNow = probeReasonForVerify(v.reason);
  }
  const cause = causeOfFetch(result, reasonNow);
  const apiNote = apiServerNote(result.port, result.chain[0]);
  const base: Omit<ProbeReport, 'next'> = {
    schemaVersion: 1,
    verdict: result.verdict,
    reason: result.reason,
    ignitionError: result.ignitionError ?? null,
    ignitionFinal: result.ignitionFinal ?? null,
    cause,
    causeText: cause ? CAUSES[cause] : null,
    detail: result.detail ?? null,
    url: result.url,
    host: result.host,
    port: result.port,
    address: result.address ?? null,
    addresses: result.addresses ?? [],
    resolvedFrom: result.resolvedFrom ?? null,
    sni: result.sni ?? null,
    tlsProtocol: result.tlsProtocol ?? null,
    chainCapture: result.chainCapture ?? null,
    at: result.at.toISOString(),
    now: input.now.toISOString(),
    reasonNow,
    chain,
    anchors: anchors.map((a, index) => ({
      index,
      subject: a.cert.subject,
      spkiSha256: a.cert.spkiSha256,
      fingerprintSha256: a.cert.fingerprintSha256,
      notBefore: a.cert.notBefore.toISOString(),
      notAfter: a.cert.notAfter.toISOString(),
      source: a.source,
    })),
    systemRoots: input.systemRoots.length,
    matchedAnchor: anchor
      ? { index: anchorIndex(anchor) ?? null, subject: anchor.subject, spkiSha256: anchor.spkiSha256 }
      : null,
    anchorNotes: anchor || result.chain.length === 0 ? [] : anchorNotes(result, anchors),
    verifyError: result.verification?.error ?? null,
    http: result.http
      ? {
          status: result.http.status,
          contentType: result.http.contentType ?? null,
          ignitionVersion: result.http.ignitionVersion ?? null,
        }
      : null,
    request: result.request ?? null,
    pointer: input.pointer ?? null,
    legacyIgnition: input.legacyIgnition,
    workerIgnition: input.workerIgnition,
    warnings: apiNote ? [...input.warnings, apiNote] : input.warnings,
    timings: result.timings,
  };
  const next = nextSteps(base);
  if (apiNote && result.port !== MCS_PORT)
    next.unshift(`probe the Machine Config Server's port instead: mcs-doctor probe ${mcsUrl(result.url)}`);
  return { ...base, next };
}

/** The same URL on the MCS port. */
function mcsUrl(url: string): string {
  const u = new URL(url);
  u.port = String(MCS_PORT);
  return u.toString();
}

/** The name x509 checks (Go's ServerName): the host, IPv6 in brackets. */
function hostForVerify(result: FetchResult): string {
  return result.host.includes(':') ? `[${result.host}]` : result.host;
}
