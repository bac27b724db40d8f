/**
 * The must-gather source reads the same objects from a directory and from its .tar, .tar.gz,
 * .tar.xz and .zip archives (built with the system's tar and zip), and says what is wrong with
 * a damaged archive.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { writeMustGather } from '../../src/sim/must-gather/write.js';
import { openMustGather } from '../../src/sources/must-gather/index.js';
import { RESOURCES } from '../../src/sources/resources.js';
import type { KubeObject } from '../../src/sources/types.js';

let tmp: string;
const dir = (): string => join(tmp, 'mg');

const objects: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'openshift-machine-api' } },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'worker-user-data', namespace: 'openshift-machine-api' },
    data: { userData: Buffer.from('{"ignition":{"version":"3.2.0"}}').toString('base64') },
    type: 'Opaque',
  },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-0' }, status: {} },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' }, status: {} },
];

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-mg-'));
  await writeMustGather(
    { objects, podLogs: undefined as never, version: '4.16', now: new Date('2026-11-20T10:00:00Z') },
    dir(),
  );
  execFileSync('tar', ['cf', join(tmp, 'mg.tar'), '-C', dir(), '.']);
  execFileSync('tar', ['czf', join(tmp, 'mg.tar.gz'), '-C', dir(), '.']);
  execFileSync('tar', ['cJf', join(tmp, 'mg.tar.xz'), '-C', dir(), '.']);
  execFileSync('zip', ['-qr', join(tmp, 'mg.zip'), '.'], { cwd: dir() });
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function summary(path: string): Promise<unknown> {
  const source = await openMustGather(path);
  const nodes = await source.list(RESOURCES.nodes);
  const secrets = await source.list(RESOURCES.secrets, 'openshift-machine-api');
  const bmhs = await source.list(RESOURCES.bareMetalHosts);
  return {
    nodes: nodes.ok ? nodes.value.map((n) => n.metadata.name).sort() : nodes.reason,
    secret: secrets.ok
      ? secrets.value.map((s) => [s.metadata.name, (s['data'] as Record<string, string>)['userData']])
      : secrets.reason,
    bmhs: bmhs.ok ? 'found' : bmhs.reason,
    collectedAt: source.collectedAt.toISOString(),
  };
}

test('a directory and its .tar, .tar.gz, .tar.xz and .zip give the same objects', async () => {
  const expected = await summary(dir());
  assert.deepEqual((expected as { nodes: string[] }).nodes, ['worker-0', 'worker-1']);
  assert.equal((expected as { bmhs: string }).bmhs, 'not-collected');
  for (const name of ['mg.tar', 'mg.tar.gz', 'mg.tar.xz', 'mg.zip']) {
    assert.deepEqual(await summary(join(tmp, name)), expected, name);
  }
});

test('a truncated .tar.gz and a file that is no archive: InputError naming the file', async () => {
  const whole = await readFile(join(tmp, 'mg.tar.gz'));
  await writeFile(join(tmp, 'cut.tar.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
  await assert.rejects(
    openMustGather(join(tmp, 'cut.tar.gz')),
    (e: unknown) => e instanceof InputError && /cut\.tar\.gz is a damaged archive/.test(e.message),
  );
  await writeFile(join(tmp, 'notes.txt'), 'hello');
  await assert.rejects(
    openMustGather(join(tmp, 'notes.txt')),
    (e: unknown) => e instanceof InputError && /neither a directory nor/.test(e.message),
  );
  await assert.rejects(
    openMustGather(join(tmp, 'absent')),
    (e: unknown) => e instanceof InputError && /does not exist/.test(e.message),
  );
});
