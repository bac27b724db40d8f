/**
 * The check modules as a rule set: stable, documented ids; every check runs on a real
 * must-gather's facts; and on a source that yields nothing, no check passes by default.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { CHECKS } from '../../src/checks/index.js';
import { alternateUrls, buildFacts } from '../../src/checks/facts/index.js';
import { gatherSnapshot } from '../../src/checks/snapshot.js';
import { openMustGather } from '../../src/sources/must-gather/index.js';
import type { ClusterSource } from '../../src/sources/types.js';

const REAL = '../shared/data/must-gather/must-gather-metal.tar.xz';
const STATUSES = new Set(['pass', 'warn', 'fail', 'unknown', 'skip']);

const options = (now: Date) => ({
  bmc: 'never' as const,
  probe: false,
  expiryWarningDays: 30,
  now,
  probeTimeoutMs: 1000,
});

test('every check has a unique kebab-case id, a title, docs and what it reads; docs/checks.md lists them all', async () => {
  const ids = CHECKS.map((c) => c.meta.id);
  assert.equal(new Set(ids).size, ids.length);
  const checksDoc = await readFile('docs/checks.md', 'utf8');
  for (const c of CHECKS) {
    assert.match(c.meta.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(c.meta.title.length > 5 && c.meta.docs.length > 40 && c.meta.needs.length > 0, c.meta.id);
    assert.ok(checksDoc.includes(`\`${c.meta.id}\``), `docs/checks.md documents ${c.meta.id}`);
  }
});

test('every check runs on the real must-gather and reports only known statuses', async () => {
  const source = await openMustGather(REAL);
  const facts = await buildFacts(await gatherSnapshot(source), options(source.collectedAt));
  for (const c of CHECKS) {
    const findings = c.run(facts);
    assert.ok(findings.length > 0, `${c.meta.id} says something`);
    for (const f of findings) assert.ok(STATUSES.has(f.status), `${c.meta.id}: ${f.status}`);
  }
});

test('on a source that yields nothing, no check passes', async () => {
  const empty: ClusterSource = {
    kind: 'must-gather',
    location: 'empty',
    redactsSecrets: true,
    collectedAt: new Date(),
    stats: () => ({ requests: 0 }),
    close: async () => {},
    list: async (ref) => ({ ok: false, reason: 'not-collected', message: `no ${ref.plural}` }),
    podLog: async () => ({ ok: false, reason: 'not-collected', message: 'no log' }),
  };
  const facts = await buildFacts(await gatherSnapshot(empty), options(new Date()));
  for (const c of CHECKS) {
    for (const f of c.run(facts)) assert.notEqual(f.status, 'pass', `${c.meta.id}: ${f.message}`);
  }
});

test('alternate MCS URLs: each API VIP, IPv6 in brackets, the api-int name only when --resolve places it', () => {
  const cluster = {
    version: '4.16.3',
    platform: 'BareMetal',
    apiServerInternalURI: 'https://api-int.c.example.com:6443',
    apiIntHost: 'api-int.c.example.com',
    apiVips: ['192.0.2.5', '2001:db8::5'],
  };
  const url = 'https://mcs.elsewhere.example.com:22623/config/worker';
  assert.deepEqual(alternateUrls(url, cluster, undefined), [
    { url: 'https://192.0.2.5:22623/config/worker', via: 'api-vip' },
    { url: 'https://[2001:db8::5]:22623/config/worker', via: 'api-vip' },
  ]);
  const withResolve = alternateUrls(url, cluster, new Map([['api-int.c.example.com', '127.0.0.1']]));
  assert.deepEqual(withResolve.at(-1), {
    url: 'https://api-int.c.example.com:22623/config/worker',
    via: 'api-int',
  });
  assert.deepEqual(
    alternateUrls('https://192.0.2.5:22623/config/worker', { ...cluster, apiVips: ['192.0.2.5'] }, undefined),
    [],
  );
});
