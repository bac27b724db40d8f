/**
 * `mcs-doctor preflight` through the built CLI, as a user runs it, on each latent scenario of the
 * simulated cluster (nothing has failed yet): preflight names the problem before any host is
 * provisioned; then the MachineSet is scaled up with the real kubectl, the spare host is
 * provisioned and fails exactly as predicted: its console shows the very Ignition line preflight
 * printed (its `current time` is the host's clock when it fetched), its CSR pends for the reason
 * preflight gave, or no Machine is made. On `healthy` preflight passes and the host joins.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PreflightReport } from '../../src/report/preflight-model.js';
import type { DiagnoseReport } from '../../src/core/report.js';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { getScenario } from '../../src/sim/scenarios/index.js';
import { hostOutcome, waitForHostOutcome } from '../../src/sim/settle.js';
import { runCli } from '../helpers/cli.js';
import { kubectl } from '../helpers/fix.js';
import { normaliseCurrentTime } from '../helpers/ignition.js';

const SPEED = 300;
const HOST = 'worker-0';
const NS = 'openshift-machine-api';

/** The checks each latent scenario must fail, and no other. */
const LATENT: Record<string, string[]> = {
  'latent-cert-expiring': ['mcs-serving-cert', 'bmc-clock', 'first-boot-ignition'],
  'latent-bmc-clock': ['bmc-clock', 'first-boot-ignition'],
  'latent-user-data-wrong-ca': ['ignition-downloadable', 'first-boot-ignition'],
  'latent-pool-degraded': ['machine-config-pools', 'ignition-downloadable', 'first-boot-ignition'],
  'latent-inspection-hostname': ['hostname-valid'],
  'latent-operator-degraded': ['cluster-operators'],
};

function resolveArgs(cluster: SimCluster): string[] {
  return [...cluster.network.dns].flatMap(([name, ip]) => ['--resolve', `${name}:${ip}`]);
}

async function preflight(
  cluster: SimCluster,
  more: string[] = [],
): Promise<{ code: number | null; report: PreflightReport; stderr: string }> {
  const r = await runCli([
    'preflight',
    '--kubeconfig',
    cluster.kubeconfigPath,
    ...resolveArgs(cluster),
    '-o',
    'json',
    ...more,
  ]);
  assert.equal(r.stderr.includes('    at '), false, `no stack trace: ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as PreflightReport, stderr: r.stderr };
}

/** `kubectl scale machineset` by one, as an administrator adds a host. */
async function scaleUp(cluster: SimCluster): Promise<void> {
  const kc = ['--kubeconfig', cluster.kubeconfigPath, '-n', NS];
  const name = (await kubectl([...kc, 'get', 'machineset', '-o', 'jsonpath={.items[0].metadata.name}']))
    .stdout;
  const replicas = Number(
    (await kubectl([...kc, 'get', 'machineset', name, '-o', 'jsonpath={.spec.replicas}'])).stdout,
  );
  const r = await kubectl([...kc, 'scale', 'machineset', name, `--replicas=${replicas + 1}`]);
  assert.match(r.stdout, /scaled/);
}

function bmhState(cluster: SimCluster, name: string): string | undefined {
  const s = cluster.ctx.store;
  const bmh = s.get(s.type('baremetalhosts', 'metal3.io'), NS, name);
  return (bmh?.status as { provisioning?: { state?: string } } | undefined)?.provisioning?.state;
}

function workerMachines(cluster: SimCluster): number {
  const s = cluster.ctx.store;
  return s
    .list(s.type('machines', 'machine.openshift.io'), { namespace: NS })
    .items.filter((m) => !m.metadata.name.includes('-master-')).length;
}

/** The last attempt's line on the console: `GET error: ...` or `GET result: ...`. */
function lastGetLine(consoleText: string): string | undefined {
  const lines = consoleText.split('\n').filter((l) => /GET error: |GET result: /.test(l));
  const last = lines[lines.length - 1];
  return last?.slice(last.indexOf('GET '));
}

test('sim list shows every latent scenario with its description', async () => {
  const r = await runCli(['sim', 'list']);
  assert.equal(r.code, 0, r.stderr);
  for (const name of Object.keys(LATENT)) {
    const line = r.stdout.split('\n').find((l) => l.startsWith(`${name} `));
    assert.ok(line, `sim list shows ${name}`);
    assert.ok(line.includes(getScenario(name).description), line);
  }
});

for (const [name, failing] of Object.entries(LATENT)) {
  const scenario = getScenario(name);
  describe(`preflight: ${name}`, () => {
    let cluster: SimCluster;
    let first: Awaited<ReturnType<typeof preflight>>;

    before(async () => {
      cluster = await startSimCluster({ scenario: name, speed: SPEED });
      first = await preflight(cluster);
    });
    after(async () => {
      await cluster?.close();
    });

    test(`before any host is provisioned, it fails ${failing.join(', ')} and nothing else`, () => {
      assert.equal(first.code, 1, first.stderr);
      assert.equal(first.report.verdict, 'problem');
      const failed = first.report.checks.filter((c) => c.status === 'fail' || c.status === 'unknown');
      assert.deepEqual(
        failed.map((c) => c.id).sort(),
        [...failing].sort(),
        JSON.stringify(
          failed.map((c) => c.findings.filter((f) => f.status !== 'pass')),
          null,
          1,
        ),
      );
      // Nothing has failed yet: the spare host waits, unprovisioned and dark.
      assert.equal(bmhState(cluster, HOST), 'available');
      assert.equal(cluster.console(HOST) ?? '', '');
      assert.equal(hostOutcome(cluster.ctx, HOST), undefined);
      const host = first.report.hosts.find((h) => h.host === HOST);
      assert.ok(host, 'the spare host is predicted');
      assert.equal(host.state, 'available');
      assert.equal(host.bmc.read, 'ok');
      assert.equal(first.report.bootImage.ignitionVersion, '2.18.0');
    });

    test(`scaled up with kubectl, ${HOST} ${scenario.latent!.afterScaleUp}, as predicted`, async () => {
      const host = first.report.hosts.find((h) => h.host === HOST)!;
      const prediction = host.predictions[0]!;
      const machinesBefore = workerMachines(cluster);
      await scaleUp(cluster);
      if (scenario.latent!.outcome === 'no-machine') {
        // Three real seconds are fifteen simulated minutes: no Machine, the host never provisioned.
        await new Promise((r) => setTimeout(r, 3000));
        assert.equal(workerMachines(cluster), machinesBefore);
        assert.equal(bmhState(cluster, HOST), 'available');
        assert.match(
          first.report.problems.join('\n'),
          /machine-api: .*Degraded=True.*a scale-up may make no Machine/,
        );
        return;
      }
      const outcome = await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const consoleText = cluster.console(HOST) ?? '';
      assert.equal(outcome, scenario.latent!.outcome, consoleText);
      assert.match(consoleText, new RegExp(`Ignition ${first.report.bootImage.ignitionVersion}`));
      if (scenario.latent!.outcome === 'ignition-failing') {
        assert.equal(prediction.verdict, 'fail');
        assert.equal(prediction.cause, scenario.expectedCause);
        const line = lastGetLine(consoleText);
        assert.ok(line && prediction.ignitionLine, consoleText);
        assert.equal(normaliseCurrentTime(line), normaliseCurrentTime(prediction.ignitionLine));
        // The line preflight printed, in its text output too.
        return;
      }
      // csr-pending: Ignition as predicted (OK), then the client CSR pends for the reason given.
      assert.equal(prediction.verdict, 'ok');
      assert.equal(lastGetLine(consoleText), prediction.ignitionLine);
      assert.equal(host.clientCsr?.verdict, 'pending');
      const reason = host.clientCsr!.reason!.replace(/ \(InternalDNS of the Machines: .*$/, '');
      const d = await runCli([
        'diagnose',
        '--kubeconfig',
        cluster.kubeconfigPath,
        '--host',
        HOST,
        '-o',
        'json',
      ]);
      const diagnosis = JSON.parse(d.stdout) as DiagnoseReport;
      assert.equal(diagnosis.causes[0]?.id, 'csr-pending');
      assert.ok(
        diagnosis.causes[0]!.evidence.some((e) => e.text.includes(reason)),
        `${reason}\n${JSON.stringify(diagnosis.causes[0]!.evidence, null, 1)}`,
      );
    });
  });
}

describe('preflight: healthy', () => {
  let cluster: SimCluster;
  let tmp: string;

  before(async () => {
    cluster = await startSimCluster({ scenario: 'healthy', speed: SPEED });
    tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-preflight-'));
  });
  after(async () => {
    await cluster?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  test('it passes (exit 0) with every route to the MCS checked, and the host joins', async () => {
    const { code, report, stderr } = await preflight(cluster, ['--host', HOST]);
    assert.equal(code, 0, `${stderr}\n${report.problems.join('\n')}`);
    assert.equal(report.verdict, 'pass');
    assert.deepEqual(report.problems, []);
    assert.equal(report.schemaVersion, 1);
    const healthz = report.checks.find((c) => c.id === 'mcs-healthz')!;
    assert.equal(healthz.status, 'pass');
    // The api-int name, the VIP and three pods.
    assert.equal(healthz.findings.length, 5);
    assert.equal(report.hosts[0]?.predictions[0]?.ignitionLine, 'GET result: OK');
    assert.equal(await waitForHostOutcome(cluster.ctx, HOST, 60_000), 'joined');
  });

  test('text for people, JUnit and YAML for pipelines', async () => {
    const base = ['preflight', '--kubeconfig', cluster.kubeconfigPath, ...resolveArgs(cluster)];
    const text = await runCli(base);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^mcs-doctor preflight: PASS\n/);
    assert.match(
      text.stdout,
      /boot image: Ignition 2\.18\.0 \(configmap openshift-machine-config-operator\/coreos-bootimages/,
    );
    const junit = await runCli([...base, '-o', 'junit']);
    assert.equal(junit.code, 0);
    assert.match(junit.stdout, /^<\?xml version="1\.0"/);
    assert.match(junit.stdout, /<testsuites name="mcs-doctor preflight" tests="\d+" failures="0" errors="0"/);
    assert.match(junit.stdout, /classname="mcs-doctor.preflight" name="first-boot-ignition: /);
    const yaml = await runCli([...base, '-o', 'yaml']);
    assert.match(yaml.stdout, /^schemaVersion: 1\ntool:/);
  });

  test('bad input exits 2; an API server that does not answer exits 3; never a stack trace', async () => {
    const bad = await runCli([
      'preflight',
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--ignition-version',
      '9',
    ]);
    assert.equal(bad.code, 2, bad.stderr);
    const unknownHost = await runCli([
      'preflight',
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--host',
      'wroker-0',
    ]);
    assert.equal(unknownHost.code, 2, unknownHost.stderr);
    assert.match(unknownHost.stderr, /did you mean worker-0/);
    const dead = join(tmp, 'dead.kubeconfig');
    await writeFile(
      dead,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    const unreachable = await runCli(['preflight', '--kubeconfig', dead, '--request-timeout', '2s']);
    assert.equal(unreachable.code, 3, unreachable.stderr);
    for (const r of [bad, unknownHost, unreachable]) assert.equal(r.stderr.includes('    at '), false);
  });
});

describe('preflight: healthy 4.19, a boot image stream newer than any whose Ignition is known', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'healthy', version: '4.19', speed: SPEED });
  });
  after(async () => cluster?.close());

  const verdictOf = (report: PreflightReport, id: string): string | undefined =>
    report.checks.find((c) => c.id === id)?.status;

  test('its own MCO writes spec 3.5.0: assumed Ignition 2.18.0 would refuse it, so it cannot tell, and says how to know', async () => {
    const { code, report } = await preflight(cluster, ['--host', HOST]);
    // A gate: what could not be checked keeps it shut (exit 1), but nothing is said to fail.
    assert.equal(code, 1);
    assert.deepEqual(
      report.checks.filter((c) => c.status === 'fail').map((c) => c.id),
      [],
      report.problems.join('\n'),
    );
    assert.ok(
      report.problems.every((p) => p.includes('could not check')),
      report.problems.join('\n'),
    );
    assert.equal(report.bootImage.from, 'default');
    assert.equal(verdictOf(report, 'ignition-downloadable'), 'unknown');
    const why = report.checks.find((c) => c.id === 'ignition-downloadable')!.findings[0]!.message;
    assert.match(why, /spec 3\.5\.0, which Ignition 2\.18\.0 does not accept/);
    assert.match(why, /rhcos-4\.19 .*give --ignition-version/);
  });

  test('--ignition-version decides it: 2.20.0 fetches (the host joins), 2.18.0 is refused before any fetch', async () => {
    const newer = await preflight(cluster, ['--host', HOST, '--ignition-version', '2.20.0']);
    assert.equal(newer.code, 0, newer.report.problems.join('\n'));
    assert.equal(verdictOf(newer.report, 'ignition-downloadable'), 'pass');
    const older = await preflight(cluster, ['--host', HOST, '--ignition-version', '2.18.0']);
    assert.equal(older.code, 1);
    assert.equal(verdictOf(older.report, 'ignition-downloadable'), 'fail');
    assert.equal(await waitForHostOutcome(cluster.ctx, HOST, 60_000), 'joined');
  });
});
