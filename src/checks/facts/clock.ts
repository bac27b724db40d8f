/**
 * Clocks in one vocabulary: every place that prints a clock offset (checks, the pipeline, the
 * renderers) uses formatClockOffset, and every place that names the reference time says what it
 * is: this machine's clock live, the must-gather's time offline (never "now" for a must-gather).
 * And the rule for a wrong clock: off from the real time by more than CLOCK_TOLERANCE_MS, and
 * that offset is what puts it outside the certificate's validity.
 */
import type { CertInfo } from '../../pki/types.js';

export type SourceKind = 'live' | 'must-gather';

/**
 * A clock within this of the real time is right. It is the tolerance the fix uses before setting
 * a BMC clock (remedies/steps/host.ts), and well above the error of a Redfish reading (the
 * round-trip midpoint, DateTime in whole seconds).
 */
export const CLOCK_TOLERANCE_MS = 60_000;

/** A clock inside the validity but off by more than this still earns a warning: it drifts. */
export const CLOCK_DRIFT_WARNING_MS = 5 * 60_000;

/**
 * A clock offset, signed, in the largest unit that keeps it readable: `+0s`, `-42s`, `+15m`,
 * `-5h`, `-1095d` (seconds below 2 minutes, minutes below 2 hours, hours below 2 days).
 */
export function formatClockOffset(offsetMs: number): string {
  const s = Math.round(offsetMs / 1000);
  const a = Math.abs(s);
  const sign = s < 0 ? '-' : '+';
  if (a < 120) return `${sign}${a}s`;
  if (a < 7200) return `${sign}${Math.round(a / 60)}m`;
  if (a < 172800) return `${sign}${Math.round(a / 3600)}h`;
  return `${sign}${Math.round(a / 86400)}d`;
}

/** What a clock is compared with: `this machine` live, `the must-gather time` offline. */
export function referenceClockName(kind: SourceKind): string {
  return kind === 'must-gather' ? 'the must-gather time' : 'this machine';
}

/** `-1095d from this machine`, `+3m from the must-gather time`. */
export function clockOffsetText(offsetMs: number, kind: SourceKind): string {
  return `${formatClockOffset(offsetMs)} from ${referenceClockName(kind)}`;
}

/** The reference time as a phrase: `now` live, `at the must-gather time` offline. */
export function atReferenceTime(kind: SourceKind): string {
  return kind === 'must-gather' ? 'at the must-gather time' : 'now';
}

/** The label of the reference time on a timeline: `now`, or `must-gather time`. */
export function referenceTimeLabel(kind: SourceKind): string {
  return kind === 'must-gather' ? 'must-gather time' : 'now';
}

/** The first certificate of `chain` whose validity does not include `at`, and on which side. */
export function outsideValidity(
  chain: readonly CertInfo[],
  at: Date,
): { cert: CertInfo; side: 'not-yet-valid' | 'expired' } | undefined {
  const t = at.getTime();
  for (const cert of chain) {
    if (t < cert.notBefore.getTime()) return { cert, side: 'not-yet-valid' };
    if (t > cert.notAfter.getTime()) return { cert, side: 'expired' };
  }
  return undefined;
}

export type ClockVerdict =
  /** No certificate to compare with: only the offset is known. */
  | 'no-certificate'
  /** Inside the validity at the host clock. */
  | 'inside'
  /** Wrong: valid at the real time, not at the host clock, and the clock is off by more than the tolerance. */
  | 'clock-wrong'
  /** The clock is right; the certificate is outside its validity at the real time too. */
  | 'certificate-outside'
  /** Both: the clock is off and the certificate is outside its validity at the real time as well. */
  | 'both'
  /** Outside at the host clock only, but by less than the tolerance: the validity edge is at the real time. */
  | 'at-the-edge';

export interface ClockJudgement {
  verdict: ClockVerdict;
  offsetMs: number;
  /** Outside the validity at the host clock: which certificate, which side. */
  atClock?: ReturnType<typeof outsideValidity>;
  /** Outside the validity at the real time. */
  atReference?: ReturnType<typeof outsideValidity>;
}

/**
 * Whether a host clock is what keeps the chain from verifying: `clock-wrong` only when the
 * chain is inside its validity at the real time (`reference`), outside at the host clock, and the
 * clock is off by more than CLOCK_TOLERANCE_MS. A right clock next to an expired certificate is
 * `certificate-outside`: the certificate is at fault, not the clock.
 */
export function judgeClock(chain: readonly CertInfo[], hostClock: Date, reference: Date): ClockJudgement {
  const offsetMs = hostClock.getTime() - reference.getTime();
  if (chain.length === 0) return { verdict: 'no-certificate', offsetMs };
  const atClock = outsideValidity(chain, hostClock);
  const atReference = outsideValidity(chain, reference);
  const off = Math.abs(offsetMs) > CLOCK_TOLERANCE_MS;
  if (!atClock) return { verdict: 'inside', offsetMs, atReference };
  if (atReference) return { verdict: off ? 'both' : 'certificate-outside', offsetMs, atClock, atReference };
  return { verdict: off ? 'clock-wrong' : 'at-the-edge', offsetMs, atClock };
}
