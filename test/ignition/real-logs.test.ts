/**
 * The corpus of real text (test/fixtures/real-logs, every excerpt cited in its index): for each
 * entry, explain's top cause is one its index accepts, or "unclassified" (with the line) when the
 * index says nothing decides it. Texts people posted, in every Ignition, Go, journal, console and
 * MCS generation; none was written by this project.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CAUSE_IDS } from '../../src/core/causes.js';
import { explainLog, type ExplainResult } from '../../src/ignition/log.js';

const DIR = join('test', 'fixtures', 'real-logs');

interface Entry {
  id: string;
  file: string;
  source: string;
  kind: 'posted-log' | 'from-source-code' | 'derived-format';
  derivedFrom?: string;
  format: string;
  expectedCauses: string[];
  why: string;
  urlHost: string | null;
}

const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Entry[];

/**
 * What explain names first: "none" when it finds no failure standing (nothing failed, or a fetch
 * succeeded after the failures), else its top cause, or "unclassified" when it read failures it
 * cannot name.
 */
export function topCause(r: ExplainResult): string {
  if (r.verdict !== 'fail') return 'none';
  return r.causes[0]?.id ?? 'unclassified';
}

test('the corpus index: at least 40 entries, each file present, each source cited, causes known', () => {
  assert.ok(index.length >= 40, `${index.length} entries`);
  const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
  const ids = new Set<string>();
  for (const e of index) {
    assert.ok(!ids.has(e.id), `duplicate id ${e.id}`);
    ids.add(e.id);
    assert.ok(readFileSync(join(DIR, e.file)).length > 0, e.file);
    assert.match(e.source, /^https:\/\//, `${e.id}: source`);
    assert.ok(readme.includes(e.source), `${e.id}: README cites ${e.source}`);
    assert.ok(e.why.length > 0, `${e.id}: why`);
    for (const c of e.expectedCauses)
      assert.ok(
        c === 'unclassified' || c === 'none' || (CAUSE_IDS as string[]).includes(c),
        `${e.id}: unknown cause ${c}`,
      );
    if (e.kind === 'derived-format') assert.ok(e.derivedFrom, `${e.id}: derivedFrom`);
  }
});

test('explain names an acceptable cause for every real excerpt, without crashing', async () => {
  const wrong: string[] = [];
  for (const e of index) {
    let got: string;
    try {
      const r = await explainLog(join(DIR, e.file));
      got = topCause(r);
      if (got === 'unclassified')
        assert.ok(r.unclassified.examples.length + r.ignitionFailed.length > 0, e.id);
    } catch (err) {
      got = `threw ${(err as Error).message}`;
    }
    if (!e.expectedCauses.includes(got))
      wrong.push(`${e.id}: got ${got}, expected one of ${e.expectedCauses.join('|')}`);
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${index.length} entries:\n${wrong.join('\n')}`);
});
