/**
 * `mcs-doctor sim start --clusters N` as a user runs it: a small fleet in the foreground, its
 * kubeconfig and directory of kubeconfigs (0600, a context each), the forbidden context refused
 * by the simulated API server as real kubectl shows it, `fleet --kubeconfig-dir` over it, and
 * a clean stop on SIGTERM.
 */
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import type { FleetReport } from '../../src/core/fleet.js';
import { runCli, startSimCli } from '../helpers/cli.js';
import { KUBECTL } from '../helpers/fix.js';

test('sim start --clusters with bad flags: a clear error and exit 2', async () => {
  for (const args of [
    ['--clusters', '2'],
    ['--clusters', 'many'],
    ['--clusters', '500'],
    ['--clusters', '5', '--scenario', 'healthy'],
    ['--clusters', '5', '--version', '4.12'],
    ['--scenario', 'healthy', '--kubeconfig-dir', tmpdir()],
    [],
  ]) {
    const r = await runCli(['sim', 'start', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

describe('sim start --clusters 3, then fleet over its directory of kubeconfigs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-sim-fleet-'));
  const kubeconfig = join(dir, 'fleet.kubeconfig');
  const kubeconfigs = join(dir, 'kubeconfigs');
  let child: ChildProcess;
  let stdout: () => string;

  before(async () => {
    ({ child, stdout } = await startSimCli(
      ['--clusters', '3', '--speed', '300', '--kubeconfig-out', kubeconfig, '--kubeconfig-dir', kubeconfigs],
      150_000,
    ));
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('it prints each context and what it will show; 0600 kubeconfigs, one context each in the directory', () => {
    assert.match(
      stdout(),
      /^sim-1-healthy-4\.12\s+https:\/\/127\.\d+\.0\.5:6443\s+healthy, exporter installed$/m,
    );
    assert.match(stdout(), /^sim-2-forbidden\s+https:\/\/127\.\d+\.0\.5:6443\s+forbidden/m);
    assert.match(stdout(), /^sim-3-unreachable\s+https:\/\/127\.255\.0\.5:6443\s+unreachable/m);
    assert.equal(statSync(kubeconfig).mode & 0o777, 0o600);
    const merged = parse(readFileSync(kubeconfig, 'utf8')) as { contexts: { name: string }[] };
    assert.deepEqual(
      merged.contexts.map((c) => c.name),
      ['sim-1-healthy-4.12', 'sim-2-forbidden', 'sim-3-unreachable'],
    );
    assert.deepEqual(readdirSync(kubeconfigs).sort(), [
      'sim-1-healthy-4.12',
      'sim-2-forbidden',
      'sim-3-unreachable',
    ]);
    for (const f of readdirSync(kubeconfigs)) {
      assert.equal(statSync(join(kubeconfigs, f)).mode & 0o777, 0o600, f);
      const one = parse(readFileSync(join(kubeconfigs, f), 'utf8')) as {
        'current-context': string;
        contexts: unknown[];
      };
      assert.equal(one['current-context'], f);
      assert.equal(one.contexts.length, 1);
    }
  });

  test(
    'real kubectl: the forbidden context gets the RBAC 403 on a read, the healthy one reads',
    { skip: existsSync(KUBECTL) ? false : `${KUBECTL} missing` },
    async () => {
      const run = (context: string): Promise<{ code: number; stderr: string; stdout: string }> =>
        new Promise((resolve) => {
          execFile(
            KUBECTL,
            [
              '--kubeconfig',
              kubeconfig,
              '--context',
              context,
              '--cache-dir',
              join(dir, 'cache'),
              'get',
              'bmh',
              '-A',
            ],
            (err, out, errOut) =>
              resolve({
                code: err ? ((err as { code?: number }).code ?? 1) : 0,
                stdout: out,
                stderr: errOut,
              }),
          );
        });
      const denied = await run('sim-2-forbidden');
      assert.equal(denied.code, 1);
      assert.match(
        denied.stderr,
        /Error from server \(Forbidden\): baremetalhosts\.metal3\.io is forbidden: User "system:serviceaccount:mcs-doctor:no-access" cannot list resource "baremetalhosts" in API group "metal3\.io" at the cluster scope/,
      );
      const ok = await run('sim-1-healthy-4.12');
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /worker-0/);
    },
  );

  test('fleet --kubeconfig-dir over it: healthy, forbidden, unreachable; exit 3, the worst', async () => {
    const r = await runCli(['fleet', '--kubeconfig-dir', kubeconfigs, '-o', 'json'], {
      killAfterMs: 120_000,
    });
    const j = JSON.parse(r.stdout) as FleetReport;
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(
      j.clusters.map((c) => [c.context, c.verdict, c.exporter]),
      [
        ['sim-1-healthy-4.12', 'healthy', 'yes'],
        ['sim-2-forbidden', 'forbidden', 'unknown'],
        ['sim-3-unreachable', 'unreachable', 'unknown'],
      ],
    );
    assert.equal(j.clusters[0]!.openshiftVersion, '4.12.66');
  });

  test('SIGTERM stops every cluster and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stdout(), /Stopping the simulated clusters\.\.\.\nStopped\.\n$/);
  });
});
