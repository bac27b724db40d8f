/** The cause registry: one module per id, complete, and one map from a verification to a cause. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAUSE_MODULES, causeOfVerification, fixFor } from '../../src/causes/index.js';
import { CAUSES, CAUSE_IDS } from '../../src/core/causes.js';

test('every cause id has its module, with its own id, the public summary, a decisive fact and a remedy', () => {
  assert.deepEqual(Object.keys(CAUSE_MODULES).sort(), [...CAUSE_IDS].sort());
  for (const id of CAUSE_IDS) {
    const m = CAUSE_MODULES[id];
    assert.equal(m.id, id);
    assert.equal(m.summary, CAUSES[id]);
    assert.ok(m.decisive.what.length > 20, id);
    if (!m.remedy.plan) assert.ok(m.remedy.why.length > 10, id);
    assert.ok(
      m.probeNextSteps({
        host: 'h',
        port: 22623,
        url: 'https://h:22623/config/worker',
        reason: 'x',
        at: 'now',
      }).length > 0,
    );
  }
});

test('a cause without a plan says so instead of naming a fix command that would refuse', () => {
  assert.equal(
    fixFor('mcs-not-tls', { host: 'worker-0', namespace: 'ns', version: '4.16.0' }).command.startsWith(
      '# no mcs-doctor fix: ',
    ),
    true,
  );
  assert.equal(
    fixFor('mcs-cert-expired', { host: 'worker-0', namespace: 'ns', version: '4.16.0' }).command,
    'mcs-doctor fix mcs-cert-expired --host worker-0',
  );
});

test('a control-plane host is never re-provisioned by hand', () => {
  const master = fixFor('mcs-ca-mismatch', {
    host: 'master-0',
    namespace: 'ns',
    version: '4.16.0',
    role: 'master',
  });
  assert.ok(!master.manual.some((m) => m.includes('patch bmh master-0')), master.manual.join('\n'));
  assert.ok(master.manual.some((m) => /control-plane host: it is never re-provisioned/.test(m)));
});

test('the TLS causes say there is no "skip verification" and what the only equivalent costs', () => {
  for (const id of [
    'mcs-cert-expired',
    'mcs-ca-mismatch',
    'worker-clock-skew',
    'mcs-san-mismatch',
  ] as const) {
    const notes = fixFor(id, { host: 'worker-0', namespace: 'ns', version: '4.16.0' }).notes.join(' ');
    assert.match(notes, /Ignition has no such switch.*22624.*bootstrap credentials in clear/, id);
  }
});

test('one map from a verification to a cause: at the cluster clock, at the worker clock, valid now or not', () => {
  const cases: Array<[Parameters<typeof causeOfVerification>, string | null]> = [
    [['ok', { workerClock: false }], null],
    [['cert-expired', { workerClock: false }], 'mcs-cert-expired'],
    [['cert-expired', { workerClock: true, validNow: true }], 'worker-clock-skew'],
    [['cert-expired', { workerClock: true, validNow: false }], 'mcs-cert-expired'],
    [['cert-not-yet-valid', { workerClock: true }], 'worker-clock-skew'],
    [['cert-not-yet-valid', { workerClock: false }], 'mcs-cert-invalid'],
    [['unknown-authority', { workerClock: false }], 'mcs-ca-mismatch'],
    [['hostname-mismatch', { workerClock: false }], 'mcs-san-mismatch'],
    [['incompatible-usage', { workerClock: false }], 'mcs-cert-invalid'],
  ];
  for (const [args, cause] of cases) assert.equal(causeOfVerification(...args), cause, JSON.stringify(args));
});
