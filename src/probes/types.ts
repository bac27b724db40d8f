import type { CertInfo, VerifyResult } from '../pki/types.js';

/** `probe` reason codes (JSON contract). */
export type ProbeReason =
  | 'ok'
  | 'cert-expired'
  | 'cert-not-yet-valid'
  | 'unknown-authority'
  | 'hostname-mismatch'
  | 'cert-invalid'
  | 'connection-refused'
  | 'timeout'
  | 'dns-error'
  | 'network-unreachable'
  | 'tls-handshake-failed'
  | 'plain-http'
  /** Something that is neither TLS nor HTTP answered (an SSH, SMTP or other banner, or random bytes). */
  | 'not-tls'
  | 'http-error'
  | 'not-found'
  | 'not-ignition'
  /** A spec-2 pointer: Ignition 2.x (RHCOS 4.6+ boot images) refuses it before fetching anything. */
  | 'unsupported-pointer-version';

export interface FetchOptions {
  url: string;
  /** Trust anchors the worker has: the pointer's CAs (plus system roots when asked). */
  anchors: CertInfo[];
  /** Verify as of this clock (the worker's). Defaults to now. */
  at?: Date;
  /** curl-style overrides: host -> IP address. */
  resolve?: Map<string, string>;
  /** Per-step timeout in ms (DNS, connect, TLS handshake, response headers, body). */
  timeoutMs?: number;
  /** Ignition spec version to ask for in Accept, e.g. "3.2.0". */
  acceptSpecVersion?: string;
  /**
   * Sent exactly as given. Default: Ignition's, marked as mcs-doctor's
   * (`Ignition/2.14.0 mcs-doctor/<version>`, PROBE_USER_AGENT), so the MCS log tells it from a worker's.
   */
  userAgent?: string;
  /** The whole Accept header (overrides acceptSpecVersion), e.g. Ignition 0.x's. */
  accept?: string;
  /** Overall limit in ms, as the pointer's `timeouts.httpTotal` (a Go context deadline): its expiry reads `context deadline exceeded`. */
  totalTimeoutMs?: number;
  /** Response header limit in ms, as the pointer's `timeouts.httpResponseHeaders` (default: timeoutMs). */
  responseHeaderTimeoutMs?: number;
  /** Probe as Ignition 0.x (spec-2 pointers): accept a spec-2 config in the response. */
  legacyIgnition?: boolean;
  /** Largest body accepted, in bytes (default 64 MiB). */
  maxBodyBytes?: number;
  /** Write certificate errors as Go >= 1.20 does: `tls: failed to verify certificate: x509: ...`. */
  goVerifyErrorPrefix?: boolean;
  /** Hosts file to consult before DNS (default /etc/hosts). */
  hostsFile?: string;
  /** DNS servers ("ip" or "ip:port"); default the system's. */
  dnsServers?: string[];
  /** Source IP the TCP connection is bound to (a simulated host's own 127.x address); loopback only. */
  localAddress?: string;
}

export interface HttpOutcome {
  status: number;
  statusText: string;
  contentType?: string;
  bytes: number;
  /** ignition.version of the served config when it parsed. */
  ignitionVersion?: string;
}

export interface FetchResult {
  url: string;
  host: string;
  port: number;
  /** The address actually connected to. */
  address?: string;
  /** The clock the verdict was computed at. */
  at: Date;
  verdict: 'ok' | 'fail';
  reason: ProbeReason;
  /** What Ignition logs for one attempt, e.g. `GET error: Get "https://…": x509: …` or `GET result: Not Found`. */
  ignitionError?: string;
  /** What Ignition logs when it gives up, e.g. `Ignition failed: resource not found`. */
  ignitionFinal?: string;
  /** Every certificate the server sent, leaf first (empty when no handshake happened). */
  chain: CertInfo[];
  verification?: VerifyResult;
  http?: HttpOutcome;
  timings: { dnsMs?: number; connectMs?: number; tlsMs?: number; httpMs?: number; totalMs?: number };
  /** More for people about what failed (never part of Ignition's text). */
  detail?: string;
  /** Every address the host resolved to, in dialing order, and where they came from. */
  addresses?: string[];
  resolvedFrom?: 'ip-literal' | 'override' | 'hosts' | 'dns';
  /** The SNI sent (absent for IP hosts, as Go sends none). */
  sni?: string;
  tlsProtocol?: string;
  tlsCipher?: string;
  /** How the served chain was read: 'exact' from the Certificate message, or Node's 'issuer-walk' fallback. */
  chainCapture?: 'exact' | 'issuer-walk';
  /** The request headers sent. */
  request?: { userAgent: string; accept: string };
}
