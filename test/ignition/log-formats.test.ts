/**
 * explain on the shapes real text comes in: every Ignition and Go generation's wording, journal
 * and console formats with glued systemd status text, MCS pod logs, wrapped and hand-typed
 * lines. The messages are the real ones (Go, Ignition and MCO source texts; see
 * test/fixtures/real-logs for the posted excerpts they come from).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainStream, SMALL_INPUT_BYTES, type ExplainResult } from '../../src/ignition/log.js';

function explain(text: string): Promise<ExplainResult> {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 41) chunks.push(buf.subarray(i, i + 41));
  return explainStream(chunks, 'test.log');
}
const URL = 'https://api-int.ocp.example.com:22623/config/worker';
const top = (r: ExplainResult): string | undefined => r.causes[0]?.id;
const sigs = (r: ExplainResult): string[] => r.causes.flatMap((c) => c.signatures.map((s) => s.id));

test('Go before 1.14: the URL unquoted', async () => {
  const r = await explain(
    `Jan 10 10:00:01 localhost ignition[1012]: GET error: Get ${URL}: dial tcp 10.0.0.5:22623: connect: connection refused\n`,
  );
  assert.equal(top(r), 'mcs-unreachable');
  assert.deepEqual(r.causes[0]?.urls, [URL]);
  assert.deepEqual(r.causes[0]?.evidence.address, ['10.0.0.5:22623']);
});

test('EOF and connection reset have signatures of their own (mcs-unreachable)', async () => {
  const eof = await explain(`ignition[812]: GET error: Get "${URL.replace('worker', 'master')}": EOF\n`);
  assert.equal(top(eof), 'mcs-unreachable');
  assert.deepEqual(sigs(eof), ['eof']);
  const reset = await explain(
    `ignition[812]: GET error: Get "${URL}": read tcp 10.0.0.20:51234->10.0.0.5:22623: read: connection reset by peer\n`,
  );
  assert.deepEqual(sigs(reset), ['connection-reset']);
  assert.deepEqual(reset.causes[0]?.evidence.address, ['10.0.0.5:22623']);
});

test('a proxy in the way: proxyconnect names the proxy, not the MCS', async () => {
  const r = await explain(
    `ignition[812]: GET error: Get "${URL}": proxyconnect tcp: dial tcp 10.9.9.9:3128: connect: connection refused\n`,
  );
  assert.deepEqual(sigs(r), ['proxy-error']);
  assert.equal(top(r), 'mcs-unreachable');
});

test('`failed to fetch config: unsupported config version` alone, lowercase tag: a cause', async () => {
  const r = await explain(
    '[    7.123456] ignition[612]: failed to fetch config: unsupported config version\n',
  );
  assert.equal(top(r), 'pointer-unsupported-version');
  assert.equal(r.verdict, 'fail');
});

test('the three lines of one final failure count once', async () => {
  const r = await explain(
    [
      'ignition[612]: failed to fetch config: unsupported config version',
      'ignition[612]: failed to acquire config: unsupported config version',
      'ignition[612]: Ignition failed: unsupported config version',
    ].join('\n'),
  );
  assert.equal(r.causes[0]?.count, 1);
  assert.deepEqual(
    r.ignitionFailed.map((f) => [f.reason, f.count]),
    [['unsupported config version', 1]],
  );
});

test('systemd status text glued before, inside and over an Ignition line', async () => {
  const before = await explain(
    `[  *** ] A start job is running for Ignition (disks) (12s / no limit)[   45.123456] ignition[812]: GET error: Get "${URL}": x509: certificate signed by unknown authority\n`,
  );
  assert.equal(top(before), 'mcs-ca-mismatch');
  assert.deepEqual(before.causes[0]?.firstSeen, { line: 1, timestamp: '45.123456s' });

  const inside = await explain(
    `[   45.123456] ignition[812]: GET error: Get "${URL}": dial tcp 10.0.0.5:22623: conn[  *** ] A start job is running for Ignition (fetch) (1min 2s / no limit)ect: connection refused\n`,
  );
  assert.deepEqual(sigs(inside), ['tcp-refused']);

  const cut = await explain(
    `[   12.34[   12.345678] ignition[812]: GET error: Get "${URL}": x509: certificate has expired or is not yet valid: current time 2019-01-01T00:00:00Z is before 2026-01-01T00:00:00Z\n`,
  );
  assert.equal(top(cut), 'worker-clock-skew');
  assert.deepEqual(cut.causes[0]?.firstSeen, { line: 1, timestamp: '12.345678s' });

  const overwritten = await explain(
    `\r\x1b[K[\x1b[0;1;31m  *** \x1b[0m] A start job is running for Ignition (fetch) (3s / no limit)\r\x1b[K[   46.000001] ignition[812]: GET error: Get "${URL}": http: server gave HTTP response to HTTPS client\r\n`,
  );
  assert.equal(top(overwritten), 'mcs-not-tls');
});

test('tls: first record does not look like a TLS handshake is mcs-not-tls', async () => {
  const r = await explain(
    `ignition[812]: GET error: Get "${URL}": tls: first record does not look like a TLS handshake\n`,
  );
  assert.deepEqual(sigs(r), ['tls-not-a-handshake']);
  assert.equal(top(r), 'mcs-not-tls');
});

test('journalctl -o json and -o export', async () => {
  const entry = {
    __REALTIME_TIMESTAMP: '1700000000123456',
    SYSLOG_IDENTIFIER: 'ignition',
    _PID: '812',
    MESSAGE: `GET error: Get "${URL}": x509: certificate is valid for api.other.example.com, not api-int.ocp.example.com`,
  };
  const json = await explain(
    `${JSON.stringify(entry)}\n${JSON.stringify({ ...entry, SYSLOG_IDENTIFIER: 'kubelet', MESSAGE: 'x509: certificate signed by unknown authority' })}\n`,
  );
  assert.deepEqual(
    json.causes.map((c) => c.id),
    ['mcs-san-mismatch'],
  );
  assert.equal(json.causes[0]?.firstSeen.timestamp, '2023-11-14T22:13:20.123Z');

  const exported = await explain(
    [
      '__CURSOR=s=abc;i=1',
      '__REALTIME_TIMESTAMP=1700000000123456',
      'SYSLOG_IDENTIFIER=ignition',
      `MESSAGE=GET error: Get "${URL}": net/http: TLS handshake timeout`,
      '',
    ].join('\n'),
  );
  assert.equal(top(exported), 'mcs-unreachable');
});

test('an MCS pod log: handshake rejections, a missing pool, the bootstrap MCS, served requests', async () => {
  const rejected = await explain(
    [
      '2026-11-23T20:45:40.000000000Z I1123 20:45:40.000000       1 api.go:65] Launching server on :22624',
      '2026/11/23 20:45:41 http: TLS handshake error from 192.168.111.23:52914: remote error: tls: bad certificate',
      'I1123 20:45:42.000000       1 start.go:38] Version: v4.12.0 (hash)',
      '2026/11/23 20:45:43 http: TLS handshake error from 192.168.111.1:40000: EOF',
    ].join('\n'),
  );
  assert.equal(top(rejected), 'mcs-ca-mismatch');
  assert.deepEqual(rejected.causes[0]?.evidence.from, ['192.168.111.23:52914']);
  assert.deepEqual(rejected.causes[0]?.alsoPossible, [
    'mcs-cert-expired',
    'worker-clock-skew',
    'mcs-san-mismatch',
    'mcs-cert-invalid',
  ]);
  assert.equal(rejected.causes[0]?.signatures[0]?.side, 'mcs');
  assert.equal(rejected.scan.noiseLines, 1);

  const missing = await explain(
    'E1123 20:45:40.123456       1 api.go:145] couldn\'t get config for req: {machineConfigPool:worker2 version:0xc000a1}, error: could not fetch pool. err: machineconfigpool.machineconfiguration.openshift.io "worker2" not found\n',
  );
  assert.equal(top(missing), 'mcs-config-not-found');
  assert.deepEqual(missing.causes[0]?.evidence.pool, ['worker2']);

  const bootstrap = await explain(
    'E1123 20:45:40.123456       1 api.go:129] couldn\'t get config for req: {worker <nil>}, error: refusing to serve bootstrap configuration to pool "worker"\n',
  );
  assert.deepEqual(sigs(bootstrap), ['mcs-bootstrap-refuses-pool']);
  assert.equal(top(bootstrap), 'mcs-server-error');

  const served = await explain(
    'I1123 20:45:40.123456       1 api.go:110] Pool worker requested by address:"192.168.111.23:40522" User-Agent:"Ignition/2.14.0" Accept-Header: "application/vnd.coreos.ignition+json;version=3.2.0, */*;q=0.1"\n',
  );
  assert.equal(served.verdict, 'ok');
  assert.deepEqual(
    served.mcsRequests.map((m) => [m.pool, m.count, m.from]),
    [['worker', 1, ['192.168.111.23:40522']]],
  );
});

test('hand-typed text with typos is read when it is unambiguous, and says so', async () => {
  const r = await explain('the worker console says: x509: cetificate signed by unknown autority\n');
  assert.equal(top(r), 'mcs-ca-mismatch');
  assert.equal(r.causes[0]?.signatures[0]?.lenient?.readAs, 'certificate signed by unknown authority');

  const noPrefix = await explain('ignition keeps failing with "certifcate has expird"\n');
  assert.equal(top(noPrefix), 'mcs-cert-expired');

  const refused = await explain('Conection refused on port 22623\n');
  assert.equal(top(refused), 'mcs-unreachable');
});

test('ambiguous or unknown text is never guessed: unclassified, with the line', async () => {
  const both = await explain('connection refused, then certificate signed by unknown authority\n');
  assert.deepEqual(both.causes, []);
  const unknown = await explain(`ignition[812]: GET error: Get "${URL}": something nobody has seen before\n`);
  assert.deepEqual(unknown.causes, []);
  assert.equal(unknown.verdict, 'fail');
  assert.equal(unknown.unclassified.count, 1);
  assert.match(unknown.unclassified.examples[0]?.text ?? '', /something nobody has seen before/);
});

test('a message wrapped over two lines is joined (short text)', async () => {
  const r = await explain(
    `[   45.123456] ignition[812]: GET error: Get "${URL}": x509: certificate signed by unknow\nn authority\n`,
  );
  assert.equal(top(r), 'mcs-ca-mismatch');
  assert.equal(r.unclassified.count, 0);
});

test('long logs are read through the marker pre-filter, short ones line by line', async () => {
  const short = await explain('ignition[1]: GET error: Get "https://h:22623/config/worker": EOF\n');
  assert.equal(short.scan.mode, 'every-line');
  const noise = 'Nov 23 20:45:40 host kernel: ata1.00: configured for UDMA/133\n';
  const long = await explain(
    `${noise.repeat(Math.ceil(SMALL_INPUT_BYTES / noise.length) + 10)}Nov 23 20:45:41 host ignition[1]: GET error: Get "https://h:22623/config/worker": EOF\n`,
  );
  assert.equal(long.scan.mode, 'markers');
  assert.equal(top(long), 'mcs-unreachable');
  assert.equal(long.causes[0]?.firstSeen.line, long.scan.lines);
});
