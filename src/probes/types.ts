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
  | 'http-error'
  | 'not-found'
  | 'not-ignition';

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
  userAgent?: string;
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
  timings: { dnsMs?: number; connectMs?: number; tlsMs?: number; httpMs?: number };
}
