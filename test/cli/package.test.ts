/**
 * Shipped as users install it. `npm pack` makes a package that a real global install (npm
 * install -g into a temporary prefix) runs as `mcs-doctor` and, found on PATH by the real
 * kubectl, as `kubectl mcs-doctor`. The single executable (Node 20's single executable
 * applications, injected with postject) runs without Node or node_modules, reads a cluster
 * through its kubeconfig, and the krew archive and manifest install it as krew would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { KUBECTL } from '../helpers/fix.js';
import { httpGet, ROOT, startExporterCli, waitFor } from '../helpers/exporter.js';

const run = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const FIXTURE = join(ROOT, 'test', 'fixtures', 'ignition-logs', 'ignition-2.14-expired.txt');

/** Runs a program; the exit code and output, whatever the code. */
async function exec(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const r = await run(file, args, { env, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `kubectl mcs-doctor explain` of an expired-certificate log: exit 1, the cause, through the plugin. */
async function assertPluginRuns(bin: string): Promise<void> {
  const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin`, KUBECONFIG: '/dev/null', NO_COLOR: '1' };
  const list = await exec(KUBECTL, ['plugin', 'list'], env);
  assert.match(list.stdout, new RegExp(`${bin}/kubectl-mcs_doctor`));
  const r = await exec(KUBECTL, ['mcs-doctor', 'explain', FIXTURE, '-o', 'json'], env);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(
    (JSON.parse(r.stdout) as { causes: Array<{ id: string }> }).causes.map((c) => c.id),
    ['mcs-cert-expired'],
  );
  const v = await exec(KUBECTL, ['mcs-doctor', '--version'], env);
  assert.equal(v.stdout.trim(), VERSION);
}

describe('npm pack, installed globally', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-pack-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the package holds dist/ and LICENSE, not the sources or tests; a global install runs as mcs-doctor and kubectl mcs-doctor', async () => {
    // --ignore-scripts: dist/ is built already (a build here would rewrite it under other tests).
    const packed = await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], process.env);
    assert.equal(packed.code, 0, packed.stderr);
    const tarball = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
    );
    const files = (await exec('tar', ['-tzf', tarball])).stdout.split('\n');
    for (const f of [
      'package/dist/cli/main.js',
      'package/dist/vendor/kubeconfig.js',
      'package/LICENSE',
      'package/package.json',
    ])
      assert.ok(files.includes(f), `${f} is not in the package`);
    assert.ok(!files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')));
    const prefix = join(dir, 'prefix');
    const installed = await exec(
      'npm',
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
      process.env,
    );
    assert.equal(installed.code, 0, installed.stderr);
    const bin = join(prefix, 'bin');
    const v = await exec(join(bin, 'mcs-doctor'), ['--version']);
    assert.equal(v.stdout.trim(), VERSION);
    const help = await exec(join(bin, 'mcs-doctor'), ['exporter', '--help']);
    assert.match(help.stdout, /--listen <\[host\]:port>/);
    await assertPluginRuns(bin);
  });
});

describe('the single executable and its krew plugin', () => {
  let dir: string;
  let out: string;
  let cluster: SimCluster;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-sea-'));
    out = join(dir, 'out');
    const built = await exec(process.execPath, [join(ROOT, 'scripts', 'build-sea.mjs'), '--out', out]);
    assert.equal(built.code, 0, built.stderr);
    cluster = await startSimCluster({ scenario: 'healthy', speed: 300 });
  });
  after(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs with no Node and no node_modules: --version, bad input exits 2, diagnose reads the cluster', async () => {
    // An environment without node on PATH and a working directory without node_modules.
    const env = { PATH: '/usr/bin:/bin', HOME: dir, NO_COLOR: '1' };
    const exe = join(out, 'kubectl-mcs_doctor');
    assert.equal((await exec(exe, ['--version'], env)).stdout.trim(), VERSION);
    const bad = await exec(exe, ['exporter', '--listen', 'nine'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--listen "nine" is not \[HOST\]:PORT/);
    const d = await exec(exe, ['diagnose', '--kubeconfig', cluster.kubeconfigPath, '-o', 'json'], env);
    const report = JSON.parse(d.stdout) as { verdict: string; source: { kind: string } };
    assert.equal(report.source.kind, 'live');
    assert.ok(['healthy', 'inconclusive'].includes(report.verdict), d.stdout.slice(0, 500));
  });

  test('the exporter runs from it: its collections on the main thread (no worker file beside it), ready, SIGTERM exits 0', async () => {
    const exe = join(out, 'kubectl-mcs_doctor');
    const exporter = await startExporterCli(
      ['--kubeconfig', cluster.kubeconfigPath, '--interval', '1s'],
      { PATH: '/usr/bin:/bin', HOME: dir },
      120_000,
      [exe],
    );
    try {
      assert.match(exporter.stderr(), /msg="collections run on the main thread"/);
      assert.match(exporter.stderr(), /msg="serving" .*collector="main thread"/);
      await waitFor('/readyz 200', async () => (await httpGet(`${exporter.url}/readyz`)).status === 200);
      assert.ok((await exporter.scrape()).some((s) => s.name === 'mcs_doctor_worker_fetch_success'));
    } finally {
      assert.equal(await exporter.stop(), 0);
    }
  });

  test('the krew archive and manifest: the sha256, the files, the bin; installed as krew links it, it runs as kubectl mcs-doctor', async () => {
    const manifest = YAML.parse(readFileSync(join(out, 'mcs-doctor.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: {
        version: string;
        shortDescription: string;
        platforms: Array<{
          selector: { matchLabels: Record<string, string> };
          uri: string;
          sha256: string;
          files: Array<{ from: string; to: string }>;
          bin: string;
        }>;
      };
    };
    assert.equal(manifest.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
    assert.equal(manifest.kind, 'Plugin');
    assert.equal(manifest.metadata.name, 'mcs-doctor', 'krew: metadata.name is the file name');
    assert.equal(manifest.spec.version, `v${VERSION}`);
    const [platform] = manifest.spec.platforms;
    assert.deepEqual(platform!.selector.matchLabels, { os: 'linux', arch: 'amd64' });
    const archive = join(out, platform!.uri.slice(platform!.uri.lastIndexOf('/') + 1));
    assert.ok(platform!.uri.endsWith('.tar.gz'));
    assert.equal(createHash('sha256').update(readFileSync(archive)).digest('hex'), platform!.sha256);
    // As krew does: unpack, copy the files, link bin onto PATH as kubectl-<name with _>.
    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked);
    await run('tar', ['-xzf', archive, '-C', unpacked]);
    assert.deepEqual(readdirSync(unpacked).sort(), ['LICENSE', 'kubectl-mcs_doctor']);
    for (const f of platform!.files) assert.ok(readdirSync(unpacked).includes(f.from), f.from);
    assert.equal(platform!.bin, 'kubectl-mcs_doctor');
    await assertPluginRuns(unpacked);
  });
});
