/**
 * Time in the simulated cluster. Wall time stays real (certificates, TLS and kubectl see the
 * real clock); the speed factor only shortens the durations controllers wait (provisioning,
 * boots, Ignition's retries, reboots), so a provisioning takes seconds in tests.
 */
export interface SimClock {
  /** Real now. */
  now(): Date;
  /** How much faster than real time simulated durations pass (1 = real time). */
  readonly speed: number;
  /** A simulated duration in real milliseconds. */
  scaled(simMs: number): number;
  /** Waits a simulated duration; rejects with an AbortError when the signal fires. */
  sleep(simMs: number, signal?: AbortSignal): Promise<void>;
}

export function createSimClock(speed = 1, now: () => Date = () => new Date()): SimClock {
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`speed must be a positive number, got ${speed}`);
  const scaled = (simMs: number): number => Math.max(0, Math.round(simMs / speed));
  return {
    now,
    speed,
    scaled,
    sleep(simMs, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
          return;
        }
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, scaled(simMs));
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/** A host's own clock (its BMC/RTC): real time plus an offset that can be set (Redfish PATCH DateTime). */
export class HostClock {
  constructor(
    private offsetMs = 0,
    private readonly realNow: () => Date = () => new Date(),
  ) {}

  now(): Date {
    return new Date(this.realNow().getTime() + this.offsetMs);
  }

  /** Sets the clock to `date` now (what a PATCH of DateTime does). */
  set(date: Date): void {
    this.offsetMs = date.getTime() - this.realNow().getTime();
  }

  get offset(): number {
    return this.offsetMs;
  }
}
