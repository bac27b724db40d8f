/**
 * `fix`, `restore` and `verify` through the built CLI against the simulated cluster, reached
 * through its kubeconfig as a user's cluster is: for every failure scenario on 4.12 and on 4.19,
 * diagnose names the cause, `fix --apply --yes` carries out the plan, `verify` follows the host
 * to Node Ready and diagnose then says healthy; a second fix changes nothing. Causes outside the
 * cluster's reach stop at the step a person must take, and go on after it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { listScenarios } from '../../src/sim/scenarios/index.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import type { DiagnoseReport } from '../../src/core/report.js';
import { FIXABLE } from '../../src/remedies/plan.js';
import { runCli } from '../helpers/cli.js';
import { diagnoseHealthy, fixApply, HOST, kubectl, SPEED, verifyReady } from '../helpers/fix.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-fix-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function diagnoseJson(stdout: string): DiagnoseReport {
  return JSON.parse(stdout) as DiagnoseReport;
}

async function apiWrites(cluster: SimCluster): Promise<number> {
  const by = cluster.api.stats().byVerb;
  return (by['POST'] ?? 0) + (by['PUT'] ?? 0) + (by['PATCH'] ?? 0) + (by['DELETE'] ?? 0);
}

/** Backups are private: the directory 0700, every file 0600. */
async function assertPrivate(dir: string): Promise<void> {
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  for (const f of await readdir(dir)) assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
}

/** Nothing printed may carry a private key or a BMC password. */
function assertNoLeak(cluster: SimCluster, text: string): void {
  assert.doesNotMatch(text, /PRIVATE KEY/);
  for (const h of cluster.seed.hosts) assert.ok(!text.includes(h.bmc.password), 'a BMC password was printed');
}

const SELF_HEALING = new Set(['mcs-unreachable', 'bmh-stuck']);

// Scenarios whose cause has a fix plan (fix-by-hand.test.ts checks the others get an empty plan).
const cases = listScenarios().flatMap((s) =>
  !s.latent && s.expectedCause && FIXABLE.includes(s.expectedCause) && !SELF_HEALING.has(s.expectedCause)
    ? (['4.12', '4.19'] as const)
        .filter((v) => s.versions.includes(v))
        .map((v) => ({ scenario: s, version: v }))
    : [],
);

describe('fix --apply, verify, diagnose: every failure scenario on 4.12 and 4.19', () => {
  for (const { scenario, version } of cases) {
    test(`${scenario.name} on ${version}: ${scenario.expectedCause} fixed, ${HOST} joins, diagnose healthy`, async () => {
      const cluster = await startSimCluster({ scenario: scenario.name, version, speed: SPEED });
      try {
        await waitForHostOutcome(cluster.ctx, HOST, 60_000);
        const kc = cluster.kubeconfigPath;
        const before = await runCli(['diagnose', '--kubeconfig', kc, '--host', HOST, '-o', 'json']);
        const first = diagnoseJson(before.stdout).causes[0];
        assert.equal(first?.id, scenario.expectedCause);
        assertNoLeak(cluster, before.stdout);
        if (scenario.expectedCause === 'mcs-ca-mismatch') {
          // oc replaces only a lone CA: the 4.19 pointer trusts two, so the manual says so.
          assert.match(
            first!.fix.manual[0]!,
            version === '4.19'
              ? /^# secret openshift-machine-api\/worker-user-data trusts 2 CAs: oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server refuses it/
              : /^oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server$/,
          );
        }
        if (scenario.expectedCause === 'worker-clock-skew') {
          assert.match(
            first!.fix.manual[0]!,
            /^curl -sSk -u "\$\(oc -n openshift-machine-api get secret worker-0-bmc-secret .* -X PATCH .*\/redfish\/v1\/Managers\/BMC /,
          );
        }

        const plan = await runCli(['fix', '--kubeconfig', kc, '--host', HOST]);
        assert.equal(plan.code, 0, plan.stderr);
        assert.match(plan.stdout, new RegExp(`Fix plan: ${scenario.expectedCause} on ${HOST}`));
        assert.match(plan.stdout, /This is a plan: nothing was changed/);

        const backupDir = join(tmp, `${scenario.name}-${version}`);
        const clock = scenario.expectedCause === 'worker-clock-skew';
        const fix = await fixApply(kc, backupDir, clock ? ['--ntp-server', 'ntp1.example.test'] : []);
        assert.equal(fix.code, 0, fix.stdout + fix.stderr);
        assert.match(fix.stdout, /Fix applied/);
        assertNoLeak(cluster, fix.stdout + fix.stderr);
        await assertPrivate(backupDir);
        if (clock) {
          // The chrony MachineConfig for joined nodes, with the user's own server and no other.
          const { stdout } = await kubectl([
            '--kubeconfig',
            kc,
            'get',
            'machineconfig',
            '99-worker-mcs-doctor-chrony',
            '-o',
            'jsonpath={.spec.config.storage.files[0].contents.source}',
          ]);
          const conf = Buffer.from(stdout.replace(/^data:[^,]*,/, ''), 'base64').toString('utf8');
          assert.deepEqual(
            conf.split('\n').filter((l) => l.startsWith('server ')),
            ['server ntp1.example.test iburst'],
          );
        }

        const followed = await verifyReady(cluster.kubeconfigPath);
        assert.match(followed, /BareMetalHost provisioned: yes/);
        assert.match(followed, /Node Ready: yes/);
        await diagnoseHealthy(cluster.kubeconfigPath);

        const writes = await apiWrites(cluster);
        const again = await fixApply(kc, join(tmp, `${scenario.name}-${version}-again`));
        assert.equal(again.code, 0, again.stdout + again.stderr);
        assert.match(again.stdout, /nothing to fix/);
        assert.equal(await apiWrites(cluster), writes, 'a second fix changed nothing');
      } finally {
        await cluster.close();
      }
    });
  }
});

describe('causes outside the cluster: the fix stops at the step a person must take', () => {
  for (const version of ['4.12', '4.19'] as const) {
    test(`mcs-unreachable on ${version}: the checks pass on the pods and masters and stop at the VIP`, async () => {
      const cluster = await startSimCluster({ scenario: 'mcs-unreachable', version, speed: SPEED });
      try {
        await waitForHostOutcome(cluster.ctx, HOST, 60_000);
        const r = await fixApply(cluster.kubeconfigPath, join(tmp, `unreachable-${version}`), ['-o', 'json']);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const j = JSON.parse(r.stdout) as {
          status: string;
          steps: Array<{ id: string; status: string; message: string; hint?: string }>;
        };
        assert.equal(j.status, 'failed');
        assert.deepEqual(
          j.steps.map((s) => [s.id, s.status]),
          [
            ['check:mcs-pods-ready', 'done'],
            ['check:mcs-answers', 'done'],
            ['check:endpoint', 'failed'],
            [`power-cycle:${HOST}`, 'not-run'],
          ],
        );
        const failed = j.steps[2]!;
        assert.match(
          failed.message,
          new RegExp(
            `${cluster.network.apiVip.replace(/\./g, '\\.')}:\\d+ does not answer \\(ECONNREFUSED\\) while the masters do`,
          ),
        );
        assert.match(failed.hint ?? '', /keepalived/);
      } finally {
        await cluster.close();
      }
    });

    test(`bmh-stuck on ${version}: stops at the BMC credentials; after the admin corrects them with kubectl, the rerun finishes once Metal3 registers the host`, async () => {
      const cluster = await startSimCluster({ scenario: 'bmh-stuck', version, speed: SPEED });
      try {
        await waitForHostOutcome(cluster.ctx, HOST, 60_000);
        const kc = cluster.kubeconfigPath;
        const backupDir = join(tmp, `bmh-stuck-${version}`);
        const first = await fixApply(kc, backupDir);
        assert.equal(first.code, 1, first.stdout + first.stderr);
        assert.match(first.stdout, /FAILED: the BMC of worker-0 .* refused the credentials \(HTTP 401\)/);
        assert.match(
          first.stdout,
          /put the right username and password in secret openshift-machine-api\/worker-0-bmc-secret/,
        );
        // The administrator puts the right password in the secret with kubectl, as the hint says.
        const password = cluster.seed.hosts.find((h) => h.name === HOST)!.bmc.password;
        const manifest = join(tmp, `bmc-secret-${version}.yaml`);
        const { stdout: yaml } = await kubectl([
          '--kubeconfig',
          kc,
          '-n',
          'openshift-machine-api',
          'create',
          'secret',
          'generic',
          'worker-0-bmc-secret',
          '--from-literal=username=admin',
          `--from-literal=password=${password}`,
          '--dry-run=client',
          '-o',
          'yaml',
        ]);
        await writeFile(manifest, yaml, { mode: 0o600 });
        await kubectl(['--kubeconfig', kc, 'replace', '--validate=false', '-f', manifest]);
        const second = await fixApply(kc, backupDir);
        assert.equal(second.code, 0, second.stdout + second.stderr);
        assert.match(second.stdout, /Resuming the bmh-stuck fix/);
        assertNoLeak(cluster, first.stdout + first.stderr + second.stdout + second.stderr);
      } finally {
        await cluster.close();
      }
    });
  }
});

describe('--strategy delete-secret: the runbook shortcut where it is safe, refused where it is not', () => {
  test('4.12: refused with the reason, nothing changed', async () => {
    const cluster = await startSimCluster({ scenario: 'mcs-cert-expired', version: '4.12', speed: SPEED });
    try {
      await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const writes = await apiWrites(cluster);
      const r = await fixApply(cluster.kubeconfigPath, join(tmp, 'delete-412'), [
        '--strategy',
        'delete-secret',
      ]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(
        r.stderr,
        /refusing to delete secret openshift-machine-config-operator\/machine-config-server-tls on 4\.12\.\d+: before 4\.19 nothing recreates it/,
      );
      assert.match(r.stderr, /use the default strategy \(regenerate\)/);
      assert.equal(await apiWrites(cluster), writes);
    } finally {
      await cluster.close();
    }
  });

  test('4.19 with MachineSets (mcs-cert-corrupt): the rotator recreates the secret and the host joins', async () => {
    const cluster = await startSimCluster({ scenario: 'mcs-cert-corrupt', version: '4.19', speed: SPEED });
    try {
      await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const r = await fixApply(cluster.kubeconfigPath, join(tmp, 'delete-419'), [
        '--strategy',
        'delete-secret',
      ]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /machine-config-server-tls recreated: valid until/);
      await verifyReady(cluster.kubeconfigPath);
      await diagnoseHealthy(cluster.kubeconfigPath);
    } finally {
      await cluster.close();
    }
  });
});
