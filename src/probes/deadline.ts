/**
 * Time limits of one fetch, as Ignition's http.Client has them: a per-step limit (dial, TLS
 * handshake, response headers, as the transport's own timeouts) inside an optional overall one
 * (the pointer's `timeouts.httpTotal`, a context deadline). Whichever ends first decides the
 * error text: the step's own (`net/http: TLS handshake timeout`) or `context deadline exceeded`.
 */
import { CONTEXT_DEADLINE_EXCEEDED } from './go-errors.js';

export interface StepLimit {
  ms: number;
  /** 'total' when the overall deadline ends first. */
  source: 'step' | 'total';
}

export class FetchDeadline {
  private readonly started = Date.now();

  constructor(private readonly totalMs?: number) {}

  /** The limit for a step that would allow `stepMs` on its own. */
  limit(stepMs: number): StepLimit {
    if (this.totalMs === undefined) return { ms: stepMs, source: 'step' };
    const remaining = Math.max(0, this.totalMs - (Date.now() - this.started));
    return remaining <= stepMs ? { ms: remaining, source: 'total' } : { ms: stepMs, source: 'step' };
  }

  /** The Go text for a timeout of this limit, given the step's own text. */
  static text(limit: StepLimit, stepText: string): string {
    return limit.source === 'total' ? CONTEXT_DEADLINE_EXCEEDED : stepText;
  }
}

/** Runs `work` with a timer; `onTimeout` must make `work` settle (e.g. destroy its socket). */
export function withTimer<T>(ms: number, onTimeout: () => void, work: Promise<T>): Promise<T> {
  const timer = setTimeout(onTimeout, ms);
  return work.finally(() => clearTimeout(timer));
}
