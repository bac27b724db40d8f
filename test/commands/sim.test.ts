/**
 * `mcs-doctor sim` as a user runs it: `sim list`, `sim start` in the foreground reached by the
 * real kubectl through the kubeconfig it writes (admin and read-only contexts), `sim console`,
 * SIGINT cleanup, and `sim must-gather` read back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startSimCli } from '../helpers/cli.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

function kubectl(
  args: string[],
  kubeconfig: string,
  cacheDir: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, '--request-timeout=20s', ...args],
      { timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

test('sim list -o json: every scenario with name, description, version, host and expectedCause', async () => {
  const res = await runCli(['sim', 'list', '-o', 'json']);
  assert.equal(res.code, 0, res.stderr);
  const { scenarios } = JSON.parse(res.stdout) as {
    scenarios: {
      name: string;
      description: string;
      version: string;
      versions: string[];
      host: string | null;
      expectedCause: string | null;
    }[];
  };
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  assert.equal(byName.get('healthy')?.expectedCause, null);
  assert.equal(byName.get('mcs-cert-expired')?.expectedCause, 'mcs-cert-expired');
  assert.equal(byName.get('mcs-cert-expired-4.12')?.version, '4.12');
  assert.equal(byName.get('mcs-cert-expired-4.19')?.version, '4.19');
  for (const cause of [
    'mcs-ca-mismatch',
    'worker-clock-skew',
    'mcs-san-mismatch',
    'mcs-unreachable',
    'mcs-not-running',
    'mcs-cert-corrupt',
    'mcs-cert-expiring',
    'csr-pending',
  ]) {
    assert.ok(
      scenarios.some((s) => s.expectedCause === cause),
      `a scenario for ${cause}`,
    );
  }
  for (const s of scenarios) {
    assert.ok(s.description.length > 10 && s.host, `${s.name} has a description and a host`);
  }
  assert.deepEqual(byName.get('mcs-not-running')?.versions, ['4.12', '4.16', '4.19']);
  assert.deepEqual(byName.get('mcs-cert-expired')?.versions, ['4.12', '4.16']);
  const text = await runCli(['sim', 'list']);
  assert.match(text.stdout, /^SCENARIO\s+VERSIONS\s+HOST\s+EXPECTED CAUSE\s+DESCRIPTION/m);
  // The default version first, then the others --version accepts.
  assert.match(text.stdout, /^mcs-not-running\s+4\.12,4\.16,4\.19\s+worker-0\s+mcs-not-running\s/m);
  assert.match(text.stdout, /^mcs-cert-expired\s+4\.16,4\.12\s+worker-0/m);
});

test('sim start with bad flags: a clear error and exit 2', async () => {
  const unknown = await runCli(['sim', 'start', '--scenario', 'no-such']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown scenario.*no-such/i);
  assert.match(unknown.stderr, /healthy/);
  const hosts = await runCli(['sim', 'start', '--scenario', 'healthy', '--hosts', '0']);
  assert.equal(hosts.code, 2);
  assert.match(hosts.stderr, /--hosts/);
  const fault = await runCli(['sim', 'start', '--scenario', 'healthy', '--fault', 'api-error-rate=lots']);
  assert.equal(fault.code, 2, fault.stderr);
  assert.doesNotMatch(fault.stderr, /\n\s+at /, 'no stack trace');
});

describe(
  'sim start mcs-cert-expired, reached through its kubeconfig',
  { skip: existsSync(KUBECTL) ? false : `${KUBECTL} missing` },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-sim-cli-'));
    const kubeconfig = join(dir, 'kubeconfig');
    let child: ChildProcess;
    let stdout: () => string;

    before(async () => {
      ({ child, stdout } = await startSimCli(
        ['--scenario', 'mcs-cert-expired', '--speed', '300', '--kubeconfig-out', kubeconfig],
        60_000,
      ));
    });
    after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    test('it prints what it started and writes a 0600 kubeconfig with admin and read-only contexts', () => {
      assert.match(stdout(), /Kubernetes API\s+https:\/\/127\.\d+\.0\.5:6443/);
      assert.match(stdout(), /problem host\s+worker-0 \(expected cause: mcs-cert-expired\)/);
      assert.equal(statSync(kubeconfig).mode & 0o777, 0o600);
      const text = readFileSync(kubeconfig, 'utf8');
      assert.match(text, /name: admin/);
      assert.match(text, /name: read-only/);
    });

    test('real kubectl: get bmh -A, MCS pods by label, csr, and a read-only patch refused', async () => {
      const cache = join(dir, 'cache');
      const bmh = await kubectl(['get', 'bmh', '-A'], kubeconfig, cache);
      assert.equal(bmh.code, 0, bmh.stderr);
      assert.match(bmh.stdout, /openshift-machine-api\s+worker-0\s/);
      const pods = await kubectl(
        ['get', 'pods', '-n', 'openshift-machine-config-operator', '-l', 'k8s-app=machine-config-server'],
        kubeconfig,
        cache,
      );
      assert.equal(pods.code, 0, pods.stderr);
      assert.equal(pods.stdout.match(/machine-config-server-\w+\s+1\/1\s+Running/g)?.length, 3, pods.stdout);
      const csr = await kubectl(['get', 'csr'], kubeconfig, cache);
      assert.equal(csr.code, 0, csr.stderr);
      const denied = await kubectl(
        [
          '--context=read-only',
          'patch',
          'bmh',
          'worker-0',
          '-n',
          'openshift-machine-api',
          '--type',
          'merge',
          '-p',
          '{"spec":{"online":false}}',
        ],
        kubeconfig,
        cache,
      );
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /Error from server \(Forbidden\)/);
    });

    test("sim console shows the worker's Ignition failing on the expired certificate", async () => {
      const deadline = Date.now() + 30_000;
      let text = '';
      while (Date.now() < deadline) {
        const res = await runCli(['sim', 'console', 'worker-0', '--kubeconfig', kubeconfig]);
        assert.equal(res.code, 0, res.stderr);
        text = res.stdout;
        if (/GET error: .*certificate has expired/.test(text)) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      assert.match(
        text,
        /ignition\[\d+\]: INFO {5}: GET error: Get "https:\/\/127\.\d+\.0\.5:22623\/config\/worker": tls: failed to verify certificate: x509: certificate has expired/,
      );
      const missing = await runCli(['sim', 'console', 'worker-99', '--kubeconfig', kubeconfig]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /worker-99/);
    });

    test('SIGINT stops it cleanly (exit 0)', async () => {
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0);
      assert.match(stdout(), /temporary files removed/);
      const gone = await runCli([
        'sim',
        'console',
        'worker-0',
        '--kubeconfig',
        kubeconfig,
        '--request-timeout',
        '2',
      ]);
      assert.equal(gone.code, 3, 'an unreachable simulated cluster is exit 3');
    });
  },
);

test('sim must-gather writes the real layout, secrets redacted, MCS logs present', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'mcs-doctor-sim-mg-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const res = await runCli(['sim', 'must-gather', '--scenario', 'mcs-ca-mismatch', '--out', out], {
    killAfterMs: 120_000,
  });
  assert.equal(res.code, 0, res.stderr);
  const local = readdirSync(out).find((d) => d.startsWith('must-gather.local.'));
  assert.ok(local, res.stdout);
  const image = readdirSync(join(out, local)).find((d) => statSync(join(out, local, d)).isDirectory());
  assert.ok(image);
  const root = join(out, local, image);
  assert.ok(existsSync(join(root, 'timestamp')));
  const mco = join(root, 'namespaces', 'openshift-machine-config-operator');
  const secrets = readFileSync(join(mco, 'core', 'secrets.yaml'), 'utf8');
  assert.match(secrets, /machine-config-server-tls/);
  assert.doesNotMatch(secrets, /PRIVATE KEY/);
  const pods = readdirSync(join(mco, 'pods')).filter((p) => p.startsWith('machine-config-server-'));
  assert.equal(pods.length, 3);
  const log = readFileSync(
    join(
      mco,
      'pods',
      pods[0] as string,
      'machine-config-server',
      'machine-config-server',
      'logs',
      'current.log',
    ),
    'utf8',
  );
  assert.match(log, /Launching server on :22623/);
  const bmh = join(
    root,
    'namespaces',
    'openshift-machine-api',
    'metal3.io',
    'baremetalhosts',
    'worker-0.yaml',
  );
  assert.ok(existsSync(bmh), 'the BareMetalHost as a per-object file');
  const userData = readFileSync(
    join(root, 'namespaces', 'openshift-machine-api', 'core', 'secrets.yaml'),
    'utf8',
  );
  assert.match(userData, /worker-user-data/);
  assert.doesNotMatch(
    userData,
    /certificateAuthorities/,
    'user-data is redacted as the real must-gather does',
  );
});
