// End to end through the built CLI (npm test builds dist/ first), as a user runs it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const FIX = join('test', 'fixtures', 'ignition-logs');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcs-doctor-explain-'));
});

test('text: the cause, its count, the URL and the evidence; exit 1', async () => {
  const r = await runCli(['explain', join(FIX, 'ignition-2.14-expired.txt')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /1\. mcs-cert-expired: /);
  assert.match(r.stdout, /3 x certificate has expired/);
  assert.match(r.stdout, /https:\/\/localhost:22623\/config\/worker/);
  assert.match(r.stdout, /certNotAfter: 2020-01-31T00:00:00Z/);
  assert.match(r.stdout, /No successful fetch after the failures\./);
});

test('json: schemaVersion 1, causes with counts; exit 1', async () => {
  const r = await runCli(['explain', join(FIX, 'ignition-2.14-wrongca.txt'), '-o', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.verdict, 'fail');
  assert.deepEqual(
    doc.causes.map((c: { id: string; count: number }) => [c.id, c.count]),
    [['mcs-ca-mismatch', 1]],
  );
});

test('a successful run: exit 0 and says so', async () => {
  const r = await runCli(['explain', join(FIX, 'ignition-2.14-valid.txt')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /No Ignition fetch failure found; success seen at line 2/);
});

test('stdin with -, journal format', async () => {
  const text = (await readFile(join(FIX, 'ignition-2.14-plainhttp.txt'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => `Nov 23 20:45:40 worker-0 ignition[812]: ${l.replace(/^\w+\s*: /, '')}`)
    .join('\n');
  const r = await runCli(['explain', '-', '-o', 'json'], { stdin: text });
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.input, 'stdin');
  assert.equal(doc.causes[0].id, 'mcs-not-tls');
  assert.equal(doc.causes[0].firstSeen.timestamp, 'Nov 23 20:45:40');
});

test('bad input: missing file, directory, gzip, bad -o; exit 2 and no stack trace', async () => {
  await mkdir(join(dir, 'd'));
  await writeFile(join(dir, 'journal.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
  const cases: Array<[string[], RegExp]> = [
    [['explain', join(dir, 'absent.txt')], /error: log file: no such file\n {2}where: .*absent\.txt/],
    [['explain', join(dir, 'd')], /is a directory/],
    [
      ['explain', join(dir, 'journal.gz')],
      /gzip-compressed data[\s\S]*zcat .*journal\.gz \| mcs-doctor explain -/,
    ],
    [['explain', join(FIX, 'ignition-2.14-valid.txt'), '-o', 'xml'], /invalid/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});
