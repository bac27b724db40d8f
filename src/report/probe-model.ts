/**
 * The `probe` report: one model, rendered as JSON (probe-json.ts) and text (probe-text.ts).
 * It adds to the fetch result what a person needs to act: the root cause it points to, which
 * anchor matched (by key, never by name), and what to do next.
 */
import { CAUSES, type CauseId } from '../diagnosis/causes.js';
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

export function causeFor(result: FetchResult, reasonNow: ProbeReason | null): CauseId | null {
  const clockMoved = reasonNow !== null;
  switch (result.reason) {
    case 'ok':
      return null;
    case 'cert-expired':
      // Valid at this machine's clock but expired at the worker's: the worker's clock is ahead.
      return clockMoved && reasonNow === 'ok' ? 'worker-clock-skew' : 'mcs-cert-expired';
    case 'cert-not-yet-valid':
      return 'worker-clock-skew';
    case 'unknown-authority':
      return 'mcs-ca-mismatch';
    case 'hostname-mismatch':
      return 'mcs-san-mismatch';
    case 'cert-invalid':
      return 'mcs-cert-invalid';
    case 'connection-refused':
    case 'timeout':
    case 'dns-error':
    case 'network-unreachable':
    case 'tls-handshake-failed':
      return 'mcs-unreachable';
    case 'plain-http':
      return 'mcs-not-tls';
    case 'not-found':
      return 'mcs-config-not-found';
    case 'http-error':
      if (result.http === undefined) return 'mcs-unreachable';
      return result.http.status >= 500 ? 'mcs-server-error' : null;
    case 'not-ignition':
      return result.http && result.http.status >= 500 ? 'mcs-server-error' : null;
    case 'unsupported-pointer-version':
      return 'pointer-unsupported-version';
  }
}

function nextSteps(report: Omit<ProbeReport, 'next'>): string[] {
  const host = report.host;
  const url = report.url;
  const mco = 'openshift-machine-config-operator';
  const hostState =
    'oc get bmh -n openshift-machine-api; oc get csr; oc get nodes  (where the host is in the join pipeline)';
  switch (report.cause) {
    case null:
      if (report.verdict === 'ok') {
        return [
          'the fetch works from here: if the worker still fails, run the same probe with --at <the host BMC clock> and from the worker network',
          hostState,
        ];
      }
      return [
        `see the detail above; check what answers on ${host}:${report.port} with: curl -vk ${url}`,
        `oc logs -n ${mco} -l k8s-app=machine-config-server`,
        hostState,
      ];
    case 'mcs-cert-expired':
      return [
        'oc adm ocp-certificates regenerate-machine-config-server-serving-cert  (new serving cert; on <= 4.18 it also restarts the MCS pods, which do not reload)',
        'oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server  (the pointer secrets must trust the new CA)',
        're-provision the host: a provisioned BareMetalHost keeps the user-data it was provisioned with',
      ];
    case 'mcs-ca-mismatch':
      return [
        `compare by key: oc get configmap -n ${mco} machine-config-server-ca -o jsonpath='{.data.ca-bundle\\.crt}' (4.19+) or oc get configmap -n kube-system root-ca -o jsonpath='{.data.ca\\.crt}', against the anchors above`,
        'oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server  (writes the MCS CA into the worker-user-data secrets)',
        're-provision the host: its config drive still holds the old pointer config',
      ];
    case 'worker-clock-skew':
      return [
        `the host's clock (${report.at}) is outside the certificate validity; Ignition does not sync time before fetching`,
        'set the BMC clock through Redfish: PATCH /redfish/v1/Managers/<id> with {"DateTime": "<UTC now>"} (credentials from the BareMetalHost\'s bmc.credentialsName secret)',
        'or fix the clock in the BIOS/BMC UI, then power-cycle the host',
      ];
    case 'mcs-san-mismatch':
      return [
        `the certificate does not cover "${host}"; the URL host must be one of its DNS SANs (or IP SANs for an IP)`,
        "oc get infrastructure cluster -o jsonpath='{.status.apiServerInternalURI} {.status.platformStatus.baremetal.apiServerInternalIPs}'",
        'oc adm ocp-certificates regenerate-machine-config-server-serving-cert  (SANs come from the Infrastructure object)',
        "or point the pointer config's merge source at a host the certificate covers",
      ];
    case 'mcs-unreachable':
      return [
        report.reason === 'dns-error'
          ? `DNS: ${host} must resolve on the worker's network (api-int record, or the API VIP)`
          : `from the worker's network: nc -vz ${host} ${report.port}  (firewall, VLAN, route, who holds the API VIP)`,
        `oc get pods -n ${mco} -l k8s-app=machine-config-server -o wide  (one per master, hostNetwork, port ${report.port})`,
      ];
    case 'mcs-not-tls':
      return [
        `plain HTTP answers on port ${report.port}: 22623 is the MCS's TLS port (22624 is its plain-HTTP one); check the URL's port and what listens there (load balancer config)`,
        `oc get pods -n ${mco} -l k8s-app=machine-config-server -o wide`,
      ];
    case 'mcs-config-not-found':
      return [
        'oc get machineconfigpool  (the URL path must be /config/<an existing pool>)',
        "check the pointer config's merge source path",
      ];
    case 'mcs-server-error':
      return [
        `oc logs -n ${mco} -l k8s-app=machine-config-server  (an unknown pool also answers 500)`,
        'oc get machineconfigpool; oc get clusteroperator machine-config',
      ];
    case 'mcs-cert-invalid':
      return [
        `openssl s_client -connect ${host}:${report.port} -servername ${host} -showcerts  (inspect the served chain)`,
        'oc adm ocp-certificates regenerate-machine-config-server-serving-cert',
      ];
    case 'pointer-unsupported-version':
      return [
        'Ignition 2.x (RHCOS 4.6+ boot images) accepts only spec-3 pointer configs; spec 2 works only with old boot images (Ignition 0.x, RHCOS < 4.6)',
        "let the MCO boot-image controller upgrade the stub to spec 3 (oc get machineconfiguration cluster -o yaml: managedBootImages), or rewrite worker-user-data with a spec-3 pointer ('merge' instead of 'append')",
        'if the host really boots an RHCOS < 4.6 image: mcs-doctor probe --legacy-ignition ...',
      ];
    default:
      return [hostState];
  }
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
  const cause = causeFor(result, reasonNow);
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
    warnings: input.warnings,
    timings: result.timings,
  };
  return { ...base, next: nextSteps(base) };
}

/** The name x509 checks (Go's ServerName): the host, IPv6 in brackets. */
function hostForVerify(result: FetchResult): string {
  return result.host.includes(':') ? `[${result.host}]` : result.host;
}
