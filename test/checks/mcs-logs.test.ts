/**
 * mcs-doctor's own traffic in the MCS logs is not a worker's: fetches whose User-Agent carries
 * the mcs-doctor mark are counted apart, and so are handshake hang-ups from the address they
 * come from; a certificate rejection from that address is still reported, and a worker's lines
 * are untouched. Log lines as the MCS writes them (klog, Go's log for net/http).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyMcsFacts, parseMcsLog, setAsideOwnTraffic, type McsFacts } from '../../src/checks/facts/mcs.js';
import { mcsLogs } from '../../src/checks/rules/mcs-logs.js';
import { PROBE_USER_AGENT } from '../../src/probes/ignition-client.js';
import type { KubeObject } from '../../src/sources/types.js';
import { factsOf, MCO, provisioningHost } from './facts-of.js';

const ACCEPT = 'application/vnd.coreos.ignition+json;version=3.3.0, */*;q=0.1';
const fetchLine = (pool: string, address: string, ua: string, time = '10:00:00.000000') =>
  `I1120 ${time}       1 api.go:126] Pool ${pool} requested by address:"${address}" User-Agent:"${ua}" Accept-Header: "${ACCEPT}"`;
const handshake = (address: string, error: string) =>
  `2026/11/20 10:00:01 http: TLS handshake error from ${address}: ${error}`;

const LOG = [
  'I1120 09:59:00.000000       1 api.go:65] Launching server on :22623',
  // 4.16+ quotes the pool (%q); older releases do not.
  fetchLine('"worker"', '192.0.2.20:51234', 'Ignition/2.14.0'),
  fetchLine('worker', '192.0.2.20:51240', 'Ignition/2.14.0'),
  fetchLine('"worker"', '10.0.0.5:40000', PROBE_USER_AGENT),
  fetchLine('"worker"', '10.0.0.5:40010', PROBE_USER_AGENT),
  fetchLine('"worker"', '10.0.0.5:40020', 'Ignition/0.35.0 mcs-doctor/0.0.9'),
  ...Array.from({ length: 5 }, (_, i) => handshake(`10.0.0.5:4100${i}`, 'EOF')),
  handshake('10.0.0.5:41010', 'remote error: tls: bad certificate'),
  handshake('192.0.2.21:43822', 'EOF'),
  handshake('192.0.2.20:43900', 'EOF'),
].join('\n');

function empty(): McsFacts {
  return { ...emptyMcsFacts(), logsRead: 1 };
}

test("facts: marked fetches are mcs-doctor's; hang-ups from their address are set aside, rejections and workers kept", () => {
  const mcs = empty();
  parseMcsLog('machine-config-server-abc12', LOG, mcs);
  assert.deepEqual(
    mcs.fetches.map((f) => [f.pool, f.ip, f.userAgent]),
    [
      ['worker', '192.0.2.20', 'Ignition/2.14.0'],
      ['worker', '192.0.2.20', 'Ignition/2.14.0'],
    ],
  );
  assert.equal(mcs.ownFetches!.length, 3);
  assert.ok(mcs.ownFetches!.every((f) => f.ip === '10.0.0.5' && f.pool === 'worker'));
  assert.equal(mcs.handshakeErrors.length, 8);

  // 192.0.2.20 is a BareMetalHost's address: never set aside, even if mcs-doctor ran there.
  setAsideOwnTraffic(mcs, new Set(['192.0.2.20']));
  assert.deepEqual(
    mcs.handshakeErrors.map((e) => `${e.ip}: ${e.error}`),
    ['10.0.0.5: remote error: tls: bad certificate', '192.0.2.21: EOF', '192.0.2.20: EOF'],
  );
  assert.deepEqual(
    mcs.ownHandshakeErrors!.map((e) => `${e.ip}: ${e.error}`),
    Array.from({ length: 5 }, () => '10.0.0.5: EOF'),
  );
});

test('parseMcsLog also fills a McsFacts without the own-traffic lists (as verify builds one)', () => {
  const partial = { fetches: [], handshakeErrors: [], fatal: [] } as unknown as McsFacts;
  parseMcsLog('p', LOG, partial);
  assert.equal(partial.fetches.length, 2);
  assert.equal(partial.ownFetches?.length, 3);
});

test('mcs-logs: "N probe(s) by mcs-doctor, not workers", never as worker fetches or handshake errors', async () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'machine-config-server-abc12',
      namespace: MCO,
      labels: { 'k8s-app': 'machine-config-server' },
    },
    spec: { nodeName: 'master-0' },
    status: {
      phase: 'Running',
      podIP: '10.0.0.10',
      containerStatuses: [{ name: 'machine-config-server', ready: true, restartCount: 0 }],
    },
  };
  const facts = await factsOf({
    objects: [pod, provisioningHost('worker-0', '192.0.2.20')],
    logs: { 'machine-config-server-abc12': LOG },
    now: new Date('2026-11-20T10:05:00Z'),
  });
  const lines = mcsLogs.run(facts).map((f) => `${f.status} ${f.message}`);
  assert.deepEqual(lines, [
    'pass 2 fetch(es) of pool worker from 192.0.2.20 (User-Agent Ignition/2.14.0)',
    'fail 1 TLS handshake error(s) from 10.0.0.5: remote error: tls: bad certificate',
    'warn 1 TLS handshake error(s) from 192.0.2.21: EOF',
    'warn 1 TLS handshake error(s) from 192.0.2.20 (worker-0): EOF',
    `pass 3 probe(s) by mcs-doctor, not workers (address 10.0.0.5, User-Agent ${PROBE_USER_AGENT}, Ignition/0.35.0 mcs-doctor/0.0.9)`,
    "pass 5 TLS handshake hang-up(s) by 10.0.0.5, the address mcs-doctor's own probes come from (a client on that machine, not a worker): EOF",
  ]);
  assert.ok(
    !lines.some((l) => /fetch\(es\).*10\.0\.0\.5|handshake error\(s\) from 10\.0\.0\.5: EOF/.test(l)),
  );
});
