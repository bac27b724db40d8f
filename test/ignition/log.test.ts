import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainStream, type ExplainResult } from '../../src/ignition/log.js';
import { countNewlines, LineScanner, MAX_LINE_BYTES } from '../../src/ignition/log-scan.js';

const FIX = join('test', 'fixtures', 'ignition-logs');
const real = (name: string) => readFileSync(join(FIX, `ignition-2.14-${name}.txt`), 'utf8');

/** Feeds text in small, odd-sized chunks so lines straddle chunk boundaries. */
function explain(text: string | Buffer, chunk = 37): Promise<ExplainResult> {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) chunks.push(buf.subarray(i, i + chunk));
  return explainStream(chunks, 'test.log');
}

const EXPECTED: Record<string, string | null> = {
  valid: null,
  expired: 'mcs-cert-expired',
  notyetvalid: 'worker-clock-skew',
  wrongca: 'mcs-ca-mismatch',
  wrongsan: 'mcs-san-mismatch',
  'wrongsan-ip': 'mcs-san-mismatch',
  notlistening: 'mcs-unreachable',
  status404: 'mcs-config-not-found',
  status500: 'mcs-server-error',
  plainhttp: 'mcs-not-tls',
};

test('real Ignition 2.14 output: each case names its cause', async () => {
  for (const [name, cause] of Object.entries(EXPECTED)) {
    const r = await explain(real(name));
    assert.deepEqual(
      r.causes.map((c) => c.id),
      cause ? [cause] : [],
      name,
    );
    assert.equal(r.failuresFound, cause !== null, name);
  }
});

test('expired: count, URL, line numbers, and the clock evidence', async () => {
  const r = await explain(real('expired'));
  const c = r.causes[0];
  assert.ok(c);
  assert.equal(c.count, 3);
  assert.deepEqual(c.urls, ['https://localhost:22623/config/worker']);
  assert.deepEqual([c.firstSeen.line, c.lastSeen.line], [1, 3]);
  assert.deepEqual(c.evidence.hostClock, [
    '2026-11-23T20:45:40Z',
    '2026-11-23T20:45:41Z',
    '2026-11-23T20:45:43Z',
  ]);
  assert.deepEqual(c.evidence.certNotAfter, ['2020-01-31T00:00:00Z']);
  assert.match(c.signatures[0]?.note ?? '', /worker-clock-skew/);
  assert.deepEqual(
    r.ignitionFailed.map((f) => [f.reason, f.count]),
    [['unable to fetch resource in time', 1]],
  );
  assert.equal(r.recoveredAfterFailures, false);
});

test('SAN and not-yet-valid evidence', async () => {
  const san = (await explain(real('wrongsan'))).causes[0];
  assert.deepEqual(san?.evidence, { certNames: ['api-int.other.example.com'], urlHost: ['localhost'] });
  const ip = (await explain(real('wrongsan-ip'))).causes[0];
  assert.equal(ip?.signatures[0]?.id, 'x509-no-ip-sans');
  const nyv = (await explain(real('notyetvalid'))).causes[0];
  assert.deepEqual(nyv?.evidence.certNotBefore, ['2040-01-01T00:00:00Z']);
  const refused = (await explain(real('notlistening'))).causes[0];
  assert.deepEqual(refused?.evidence.address, ['127.0.0.1:22623']);
});

test('404 and 500 get the URL from the preceding attempt line', async () => {
  const r = await explain(
    `INFO     : GET https://10.0.0.5:22623/config/infra: attempt #1\n${real('status404')}`,
  );
  assert.deepEqual(r.causes[0]?.urls, ['https://10.0.0.5:22623/config/infra']);
  assert.equal(r.causes[0]?.evidence.status?.[0], 'Not Found');
});

const EXPIRED_MSG =
  'GET error: Get "https://api-int.c.example.com:22623/config/worker": x509: certificate has expired or is not yet valid: current time 2026-11-23T20:45:40Z is after 2020-01-31T00:00:00Z';

test('journal short, short-iso, serial console and newer-Go formats; timestamps kept', async () => {
  const log = [
    `Nov 23 20:45:40 worker-3 ignition[812]: ${EXPIRED_MSG}`,
    `2026-11-23T20:45:41+0000 worker-3 ignition[812]: ${EXPIRED_MSG.replace('x509:', 'tls: failed to verify certificate: x509:')}`,
    `[   12.345678] ignition[812]: ${EXPIRED_MSG}`,
    'Nov 23 20:45:42 worker-3 kubelet[2001]: E1123 x509: certificate signed by unknown authority',
    'Nov 23 20:45:43 worker-3 ignition[812]: GET error: Get "https://api-int.c.example.com:22623/config/worker": dial tcp: lookup api-int.c.example.com on 10.0.0.1:53: no such host',
  ].join('\n');
  const r = await explain(log);
  assert.deepEqual(
    r.causes.map((c) => c.id),
    ['mcs-unreachable', 'mcs-cert-expired'],
  );
  const expired = r.causes[1];
  assert.equal(expired?.count, 3);
  assert.deepEqual(expired?.firstSeen, { line: 1, timestamp: 'Nov 23 20:45:40' });
  assert.deepEqual(expired?.lastSeen, { line: 3, timestamp: '12.345678s' });
  assert.deepEqual(r.causes[0]?.evidence, { host: ['api-int.c.example.com'], resolver: ['10.0.0.1:53'] });
});

test('unknown authority with the "possibly because" hint keeps the reason', async () => {
  const r = await explain(
    'INFO     : GET error: Get "https://localhost:1/config/worker": x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "no-bc-root-ca")\n',
  );
  assert.equal(r.causes[0]?.id, 'mcs-ca-mismatch');
  assert.deepEqual(r.causes[0]?.evidence.candidateAuthority, ['no-bc-root-ca']);
});

test('a trusted CA with the issuer name but another key is called out as such', async () => {
  const r = await explain(
    'INFO     : GET error: Get "https://localhost:1/config/worker": x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "root-ca")\n',
  );
  assert.equal(r.causes[0]?.id, 'mcs-ca-mismatch');
  assert.equal(r.causes[0]?.signatures[0]?.id, 'x509-unknown-authority-same-name');
  assert.match(r.causes[0]?.signatures[0]?.note ?? '', /regenerated/);
  assert.deepEqual(r.causes[0]?.evidence.candidateAuthority, ['root-ca']);
});

test('other signatures: legacy CN, key usage, timeouts, no route, unsupported version', async () => {
  const u = 'GET error: Get "https://h:22623/config/worker": ';
  const cases: Array<[string, string, string]> = [
    [
      `${u}x509: certificate relies on legacy Common Name field, use SANs instead`,
      'mcs-san-mismatch',
      'x509-legacy-cn',
    ],
    [
      `${u}x509: certificate is not valid for any names, but wanted to match h`,
      'mcs-san-mismatch',
      'x509-no-names',
    ],
    [`${u}x509: certificate specifies an incompatible key usage`, 'mcs-cert-invalid', 'x509-key-usage'],
    [`${u}context deadline exceeded`, 'mcs-unreachable', 'timeout'],
    [`${u}net/http: TLS handshake timeout`, 'mcs-unreachable', 'timeout'],
    [`${u}dial tcp 10.0.0.5:22623: i/o timeout`, 'mcs-unreachable', 'tcp-timeout'],
    [`${u}dial tcp 10.0.0.5:22623: connect: no route to host`, 'mcs-unreachable', 'tcp-no-route'],
    [
      `${u}dial tcp 10.0.0.5:22623: connect: network is unreachable`,
      'mcs-unreachable',
      'tcp-network-unreachable',
    ],
    ['GET result: Service Unavailable', 'mcs-server-error', 'http-5xx'],
    [
      'CRITICAL : Ignition failed: unsupported config version',
      'pointer-unsupported-version',
      'unsupported-config-version',
    ],
  ];
  for (const [line, cause, sig] of cases) {
    const r = await explain(`INFO     : ${line}\n`);
    assert.deepEqual([r.causes[0]?.id, r.causes[0]?.signatures[0]?.id], [cause, sig], line);
  }
});

test('success after failures is reported as recovered', async () => {
  const r = await explain(`${real('expired')}${real('valid')}`);
  assert.equal(r.recoveredAfterFailures, true);
  assert.equal(r.success?.count, 2);
  assert.equal(r.failuresFound, true);
});

test('only the final timeout line: a guessed mcs-unreachable that says so', async () => {
  const r = await explain('CRITICAL : Ignition failed: unable to fetch resource in time\n');
  assert.equal(r.causes[0]?.id, 'mcs-unreachable');
  assert.match(r.causes[0]?.signatures[0]?.note ?? '', /guess/);
});

test('CRLF, ANSI colours, NUL noise and invalid UTF-8 around real lines', async () => {
  const line = `INFO     : ${EXPIRED_MSG}`;
  const noisy = Buffer.concat([
    Buffer.from(`\x1b[0;1;31m${line}\x1b[0m\r\n`),
    Buffer.from([0, 0, 0x47, 0x45, 0x54, 0x20, 0, 0xff, 0x0a]), // "GET " inside binary junk
    Buffer.from([0xff, 0xfe]),
    Buffer.from(`${line}\r\n`),
  ]);
  const r = await explain(noisy, 5);
  assert.equal(r.causes[0]?.count, 2);
  assert.equal(r.scan.binaryLinesSkipped, 1);
  assert.ok(!r.causes[0]?.example.text.includes('\x1b'));
  assert.ok(!r.causes[0]?.example.text.endsWith('\r'));
});

test('a compressed log is refused with the command that decompresses it', async () => {
  await assert.rejects(explain(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3])), /gzip-compressed.*/);
});

test('a giant line without newline is cut at 64 KiB and scanning goes on', async () => {
  const giant = Buffer.alloc(MAX_LINE_BYTES * 3, 0x61);
  const r = await explain(
    Buffer.concat([giant, Buffer.from(`\nINFO     : ${EXPIRED_MSG}\n`), giant]),
    100_000,
  );
  assert.equal(r.causes[0]?.firstSeen.line, 2);
  assert.equal(r.scan.longLines, 2);
  assert.equal(r.scan.lines, 3);
});

test('line numbers are right whatever the chunking (scanner and SWAR counter)', () => {
  const text = Array.from({ length: 500 }, (_, i) =>
    i % 7 === 3 ? `x509: line ${i + 1}` : `noise ${i}`,
  ).join('\n');
  for (const size of [1, 3, 64, 4096]) {
    const seen: number[] = [];
    const s = new LineScanner((n, l) => seen.push(n) && assert.equal(l.toString(), `x509: line ${n}`));
    for (let i = 0; i < text.length; i += size) s.push(Buffer.from(text.slice(i, i + size)));
    assert.equal(s.end().lines, 500);
    assert.deepEqual(
      seen,
      Array.from({ length: 500 }, (_, i) => i + 1).filter((n) => (n - 1) % 7 === 3),
    );
  }
  const buf = Buffer.from('a\nbb\n\n\nccc\nd\ne\n\n');
  for (let from = 0; from < buf.length; from++) {
    for (let to = from; to <= buf.length; to++) {
      const expected = [...buf.subarray(from, to)].filter((b) => b === 10).length;
      assert.equal(countNewlines(buf, from, to), expected);
    }
  }
});

test('captured oracle runs (when present): explain names the cause the matrix expects', async (t) => {
  const indexPath = join(FIX, 'captured', 'index.json');
  if (!existsSync(indexPath)) return t.skip('test/fixtures/ignition-logs/captured/index.json not present');
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as Array<{
    file: string;
    cause: string | null;
    ignitionExitCode: number;
  }>;
  for (const e of index) {
    const path = join(FIX, 'captured', e.file);
    if (!existsSync(path)) continue;
    const r = await explain(readFileSync(path), 4096);
    assert.equal(r.failuresFound, e.ignitionExitCode !== 0, e.file);
    if (e.cause) assert.equal(r.causes[0]?.id, e.cause, e.file);
  }
});

test('an "is after" notAfter that has not come yet is the host clock ahead (worker-clock-skew), not an expiry', async () => {
  const future = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 19) + 'Z';
  const hostClock = new Date(Date.now() + 800 * 86_400_000).toISOString().slice(0, 19) + 'Z';
  const line = `ignition[812]: GET error: Get "https://192.168.111.5:22623/config/worker": x509: certificate has expired or is not yet valid: current time ${hostClock} is after ${future}\n`;
  const result = await explainStream([Buffer.from(line)], 'console');
  assert.deepEqual(
    result.causes.map((c) => c.id),
    ['worker-clock-skew'],
  );
});
