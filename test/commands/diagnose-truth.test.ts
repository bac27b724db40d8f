/**
 * diagnose tells the whole truth on whole clusters: `--all` on a cluster where every host has
 * joined is healthy, masters included and judged with their own pointer; after a fix and a
 * verify, mcs-doctor's own probes are never counted as a worker's traffic; a failing cluster
 * never proposes to re-provision a control-plane host.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DiagnoseReport } from '../../src/core/report.js';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { runCli } from '../helpers/cli.js';
import { fixApply, HOST, SPEED, verifyReady } from '../helpers/fix.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-truth-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function diagnoseAll(
  kubeconfig: string,
): Promise<{ code: number | null; j: DiagnoseReport; text: string }> {
  const r = await runCli(['diagnose', '--kubeconfig', kubeconfig, '--all', '-o', 'json']);
  const t = await runCli(['diagnose', '--kubeconfig', kubeconfig, '--all']);
  return { code: r.code, j: JSON.parse(r.stdout) as DiagnoseReport, text: t.stdout };
}

describe('a cluster where every host has joined', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'healthy', speed: SPEED });
    for (const h of ['worker-0', 'worker-1', 'worker-2']) {
      assert.equal(await waitForHostOutcome(cluster.ctx, h, 90_000), 'joined', h);
    }
  });
  after(async () => {
    await cluster?.close();
  });

  test('--all is HEALTHY, exit 0; every host joined; masters asked for /config/master', async () => {
    const { code, j, text } = await diagnoseAll(cluster.kubeconfigPath);
    assert.equal(j.verdict, 'healthy', JSON.stringify(j.causes.map((c) => [c.id, c.host, c.summary])));
    assert.equal(code, 0);
    assert.deepEqual(j.causes, []);
    assert.ok(j.hosts.length >= 6, j.hosts.map((h) => h.host).join(', '));
    for (const h of j.hosts) assert.equal(h.outcome, 'joined', `${h.host}: ${h.outcome}`);
    const master = j.hosts.find((h) => h.host === 'master-0')!;
    assert.equal(master.pipeline.find((s) => s.id === 'config-served')?.title, 'MCS serves /config/master');
    assert.match(text, /^mcs-doctor diagnose: HEALTHY/);
  });
});

describe('a cluster whose MCS certificate expired, diagnosed with --all', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'mcs-cert-expired', speed: SPEED });
    await waitForHostOutcome(cluster.ctx, HOST, 90_000);
  });
  after(async () => {
    await cluster?.close();
  });

  test('joined hosts and masters are not failing; no fix re-provisions a control-plane host', async () => {
    const { code, j } = await diagnoseAll(cluster.kubeconfigPath);
    assert.equal(code, 1);
    assert.equal(j.causes[0]?.id, 'mcs-cert-expired');
    for (const h of j.hosts.filter((x) => x.host.startsWith('master-'))) {
      assert.equal(h.outcome, 'joined', h.host);
      assert.deepEqual(h.causes, [], h.host);
    }
    for (const c of j.causes) {
      assert.notEqual(c.host?.startsWith('master-'), true, `${c.id} on ${c.host}`);
      assert.ok(!c.fix.manual.some((m) => /patch bmh master-/.test(m)), c.fix.manual.join('\n'));
    }
    const failing = j.hosts.filter((h) => h.outcome === 'failing').map((h) => h.host);
    assert.deepEqual(failing, [HOST]);
  });

  test("after fix and verify: HEALTHY, and no warning or fetch that is mcs-doctor's own traffic", async () => {
    const r = await fixApply(cluster.kubeconfigPath, join(tmp, 'fix'));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await verifyReady(cluster.kubeconfigPath);
    const { code, j } = await diagnoseAll(cluster.kubeconfigPath);
    assert.equal(j.verdict, 'healthy', JSON.stringify(j.causes.map((c) => [c.id, c.host, c.summary])));
    assert.equal(code, 0);
    const logs = j.checks.find((c) => c.id === 'mcs-logs')!;
    for (const f of logs.findings) {
      assert.ok(f.status === 'pass' || f.status === 'skip', `${f.status}: ${f.message}`);
      assert.doesNotMatch(
        f.message,
        /from 127\.0\.0\.1/,
        'mcs-doctor probes are not worker fetches or handshake errors',
      );
    }
  });
});

describe('a host whose CSR the machine-approver refuses', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'csr-pending', speed: SPEED });
    await waitForHostOutcome(cluster.ctx, HOST, 90_000);
  });
  after(async () => {
    await cluster?.close();
  });

  test('diagnose says why the approver refuses; the fix plan says how the approver will approve the next hosts', async () => {
    const d = await runCli([
      'diagnose',
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--host',
      HOST,
      '-o',
      'json',
    ]);
    const j = JSON.parse(d.stdout) as DiagnoseReport;
    assert.equal(j.causes[0]?.id, 'csr-pending');
    assert.match(
      j.causes[0]!.evidence[0]!.text,
      /the machine-approver refuses it: no Machine has the InternalDNS address worker-0/,
    );
    assert.match(j.causes[0]!.fix.manual[0]!, /^# the machine-approver refuses it: /);
    assert.ok(
      j.causes[0]!.fix.manual.some((m) =>
        /make inspection report the name the kubelet registers with/.test(m),
      ),
    );
    const plan = await runCli(['fix', '--kubeconfig', cluster.kubeconfigPath, '--host', HOST, '-o', 'json']);
    const p = JSON.parse(plan.stdout) as { cause: string; notes: string[] };
    assert.equal(p.cause, 'csr-pending');
    assert.match(
      p.notes[0]!,
      /^worker-0: the machine-approver refuses csr-\w+: no Machine has the InternalDNS address worker-0/,
    );
    assert.match(p.notes[0]!, /the approver approves the next hosts itself/);
  });
});
