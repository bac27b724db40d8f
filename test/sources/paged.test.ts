/**
 * Paged lists: pages come in order, the next page is asked for as soon as the current one's
 * metadata names it, never more than two are in flight, a failed page ends the list, and a
 * caller that stops early leaves no unhandled rejection.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { ListPage, ListPageOptions } from '../../src/sources/live.js';
import { listChunks, type PagedSource } from '../../src/sources/paged.js';
import { RESOURCES } from '../../src/sources/resources.js';
import type { KubeObject, Read } from '../../src/sources/types.js';

const obj = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'a' },
});

/** A source of `pages` pages of two items each, announcing the next token first, as the API server does. */
function fakeSource(
  pages: number,
  opts: { failAt?: number; rejectAt?: number; announceTwice?: boolean } = {},
) {
  const stats = { inFlight: 0, maxInFlight: 0, requests: [] as string[] };
  const source = {
    kind: 'live',
    location: 'fake',
    collectedAt: new Date(0),
    stats: () => ({ requests: stats.requests.length }),
    close: async () => undefined,
    list: async () => ({ ok: true, value: [] }),
    async listPage<T>(_ref: unknown, o: ListPageOptions<T>): Promise<Read<ListPage<T>>> {
      const n = o.continue ? Number(o.continue.slice(1)) : 0;
      stats.requests.push(o.continue ?? 'first');
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        await sleep(5);
        const next = n + 1 < pages ? `p${n + 1}` : undefined;
        if (next) {
          o.onContinue?.(next);
          if (opts.announceTwice) o.onContinue?.(next);
        }
        await sleep(20); // the items arrive
        if (n === opts.failAt) return { ok: false, reason: 'error', message: `page ${n} failed` };
        if (n === opts.rejectAt) throw new Error(`page ${n} threw`);
        const keep = o.keep ?? ((x: KubeObject) => x as unknown as T);
        return {
          ok: true,
          value: { items: [obj(`s${n}a`), obj(`s${n}b`)].map(keep), ...(next ? { continue: next } : {}) },
        };
      } finally {
        stats.inFlight--;
      }
    },
  } as unknown as PagedSource;
  return { source, stats };
}

test('pages in order; the next asked for while the current arrives; at most two in flight', async () => {
  const { source, stats } = fakeSource(6, { announceTwice: true });
  const counter = { pages: 0 };
  const names: string[] = [];
  for await (const page of listChunks(source, RESOURCES.secrets, { keep: (o) => o.metadata.name }, counter)) {
    assert.ok(page.ok);
    names.push(...page.value);
    await sleep(30); // the caller works on the page
  }
  assert.deepEqual(names, [
    's0a',
    's0b',
    's1a',
    's1b',
    's2a',
    's2b',
    's3a',
    's3b',
    's4a',
    's4b',
    's5a',
    's5b',
  ]);
  assert.deepEqual(stats.requests, ['first', 'p1', 'p2', 'p3', 'p4', 'p5'], 'each page asked for once');
  assert.equal(stats.maxInFlight, 2);
  assert.equal(counter.pages, 6);
});

test('a failed page ends the list after the pages before it; stopping early leaves nothing unhandled', async () => {
  const { source } = fakeSource(5, { failAt: 2 });
  const got: Array<string | Read<unknown>> = [];
  for await (const page of listChunks(source, RESOURCES.secrets)) {
    got.push(page.ok ? page.value.map((o) => o.metadata.name).join(',') : page);
  }
  assert.deepEqual(got.slice(0, 2), ['s0a,s0b', 's1a,s1b']);
  assert.deepEqual(got[2], { ok: false, reason: 'error', message: 'page 2 failed' });
  assert.equal(got.length, 3);

  const early = fakeSource(5, { rejectAt: 1 });
  for await (const page of listChunks(early.source, RESOURCES.secrets)) {
    assert.ok(page.ok);
    break;
  }
  // The page asked for ahead throws after the caller left: the test run fails on an unhandled rejection.
  await sleep(80);
});
