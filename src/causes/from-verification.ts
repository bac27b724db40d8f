/**
 * The one map from a chain verification's reason to a root cause, used by diagnose (now and
 * at the host clock), by its predictions, and by probe.
 */
import type { CauseId } from '../diagnosis/causes.js';
import type { VerifyReason } from '../pki/types.js';

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
