/**
 * The one map from a chain verification's reason to a root cause, used by diagnose (now and
 * at the host clock), by its predictions, and by probe.
 */
import type { CauseId } from '../core/causes.js';
import type { VerifyReason } from '../pki/types.js';
import type { FetchResult, ProbeReason } from '../probes/types.js';

export interface JudgedAt {
  /** The chain was judged at the worker's clock (its BMC, --host-clock, probe --at), not the cluster's now. */
  workerClock: boolean;
  /** Whether the same chain verifies at the cluster's now, when that is known. */
  validNow?: boolean;
}

export function causeOfVerification(reason: VerifyReason, at: JudgedAt): CauseId | null {
  if (reason === 'ok') return null;
  // A chain that verifies now but not at the worker's clock: the clock is what is wrong.
  if (at.workerClock && at.validNow === true) return 'worker-clock-skew';
  switch (reason) {
    case 'cert-expired':
      return 'mcs-cert-expired';
    case 'cert-not-yet-valid':
      // Not valid yet at the worker's clock: it runs behind. At the cluster's now: a bad certificate.
      return at.workerClock ? 'worker-clock-skew' : 'mcs-cert-invalid';
    case 'unknown-authority':
      return 'mcs-ca-mismatch';
    case 'hostname-mismatch':
      return 'mcs-san-mismatch';
    default:
      return 'mcs-cert-invalid';
  }
}

/** The cause of a worker's fetch as probe and diagnose see it; `reasonNow` when the chain was also judged at the cluster's now. */
export function causeOfFetch(result: FetchResult, reasonNow: ProbeReason | null): CauseId | null {
  switch (result.reason) {
    case 'ok':
      return null;
    case 'cert-expired':
    case 'cert-not-yet-valid':
    case 'unknown-authority':
    case 'hostname-mismatch':
    case 'cert-invalid':
      // probe judges at the worker's clock (--at); the cluster's now only when that clock moved.
      return causeOfVerification(result.reason === 'cert-invalid' ? 'incompatible-usage' : result.reason, {
        workerClock: true,
        validNow: reasonNow === null ? undefined : reasonNow === 'ok',
      });
    case 'connection-refused':
    case 'timeout':
    case 'dns-error':
    case 'network-unreachable':
    case 'tls-handshake-failed':
      return 'mcs-unreachable';
    case 'plain-http':
    case 'not-tls':
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
