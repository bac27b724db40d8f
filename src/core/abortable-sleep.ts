/**
 * Waits `ms`, or less if `signal` aborts: resolves either way, never rejects (a loop that sleeps
 * between retries just checks the signal after). Unlike timers/promises' setTimeout, an abort is
 * not an error to catch, and the timer and the listener are both let go.
 */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
