/**
 * Long synchronous work (judging 1000 hosts, rendering their series) cut into slices of a few
 * milliseconds, with a turn of the event loop between two: a scrape that arrives meanwhile is
 * answered after the current slice, not after the whole collection.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** The longest stretch of work between two turns of the event loop. */
export const SLICE_MS = 4;

/**
 * A function to call between two pieces of work: it resolves at once while the current slice is
 * shorter than `sliceMs`, else after a turn of the event loop (pending I/O is served first).
 */
export function slicer(sliceMs = SLICE_MS): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await nextTurn();
    since = performance.now();
  };
}
