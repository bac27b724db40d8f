/**
 * renderCollected builds the text of a collection itself, in slices; its output must be exactly
 * what a prom-client Registry of Gauges renders for the same samples (the exporter served that
 * before). prom-client itself is the oracle here, on every metric with odd label values,
 * repeated label sets, special values, missing labels and metrics without samples.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Gauge, Registry } from 'prom-client';
import { COLLECTED, renderCollected, type Collected, type MetricDef } from '../../src/exporter/metrics.js';

/** What the exporter rendered with prom-client. */
async function withPromClient(collected: Collected): Promise<string> {
  const registry = new Registry();
  for (const def of Object.values(COLLECTED)) {
    const g = new Gauge({
      name: def.name,
      help: def.help,
      labelNames: [...def.labels],
      registers: [registry],
    });
    for (const s of collected.get(def) ?? []) {
      const labels: Record<string, string> = {};
      for (const l of def.labels) labels[l] = s.labels[l] ?? '';
      g.set(labels, s.value);
    }
  }
  return registry.metrics();
}

const ODD = ['', 'plain', 'back\\slash', 'new\nline', 'quo"te', 'comma,colon:', 'ünïcödé', '{}=', ' spaced '];
const VALUES = [0, 1, -1, 0.1, 1e21, 1e-7, -0, 1790000000.123, NaN, Infinity, -Infinity, 2 ** 53];

function collectedOf(seed: number, perMetric: number): Collected {
  let x = seed;
  const next = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  const collected: Collected = new Map();
  for (const def of Object.values(COLLECTED) as MetricDef[]) {
    // Every fourth metric has no sample at all.
    if (next(4) === 0) continue;
    const samples = [];
    for (let i = 0; i < perMetric; i++) {
      const labels: Record<string, string> = {};
      // A label left out is rendered empty; a few values repeat, so do some label sets.
      for (const l of def.labels) if (next(8) !== 0) labels[l] = `${ODD[next(ODD.length)]}${next(3)}`;
      samples.push({ labels, value: VALUES[next(VALUES.length)]! });
    }
    collected.set(def, samples);
  }
  return collected;
}

describe('renderCollected', () => {
  test('renders what prom-client renders, byte for byte', async () => {
    for (const seed of [1, 2, 3, 42, 1000]) {
      const collected = collectedOf(seed, 300);
      assert.equal(await renderCollected(collected), await withPromClient(collected), `seed ${seed}`);
    }
  });

  test('an empty collection, and one with the collection gauges only', async () => {
    const empty: Collected = new Map();
    assert.equal(await renderCollected(empty), await withPromClient(empty));
    const only: Collected = new Map([
      [COLLECTED.collectionSuccess, [{ labels: {}, value: 1 }]],
      [
        COLLECTED.lastCollection,
        [
          { labels: {}, value: 1790000000.5 },
          { labels: {}, value: 1790000015.5 },
        ],
      ],
      [
        COLLECTED.hostWaiting,
        [{ labels: { bmh_namespace: 'a', bmh_name: 'b', extra: 'ignored' }, value: 1 }],
      ],
    ]);
    assert.equal(await renderCollected(only), await withPromClient(only));
  });
});
