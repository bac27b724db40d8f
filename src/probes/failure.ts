import type { ProbeReason } from './types.js';

/**
 * A step of the fetch failed the way it fails on the worker: `goError` is the error text Go's
 * http.Client returns (what follows `Get "<url>": ` in Ignition's log), `detail` says more for
 * people (never part of Go's text).
 */
export class ProbeFailure extends Error {
  constructor(
    readonly reason: ProbeReason,
    readonly goError: string,
    readonly detail?: string,
    /** 'body': the response headers arrived (Ignition logged `GET result: OK`), reading the body failed. */
    readonly phase?: 'body',
  ) {
    super(goError);
    this.name = 'ProbeFailure';
  }
}
