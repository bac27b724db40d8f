/** MCS pods from the DaemonSet, serving real TLS on each master and through the API VIP. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCertificates } from '../../../../src/pki/parse.js';
import { workerFetch } from '../../../../src/probes/fetch.js';
import { httpsGet, podLog, pods, startFixture, waitFor, type Fixture } from './fixture.js';

describe('MCO controller: MCS pods and the VIP (4.16)', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ version: '4.16' });
  });
  after(async () => {
    await f?.stop();
  });

  test('one Ready pod per master, with the fields the kubelet and the DaemonSet controller set', async () => {
    await waitFor('3 ready MCS pods', () => f.mco.mcsEndpoints().length === 3);
    const list = pods(f.ctx);
    assert.equal(list.length, 3);
    const ds = f.ctx.store.mustGet(
      f.ctx.store.type('daemonsets', 'apps'),
      'openshift-machine-config-operator',
      'machine-config-server',
    );
    for (const pod of list) {
      assert.match(pod.metadata.name, /^machine-config-server-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(pod.metadata.ownerReferences?.[0]?.uid, ds.metadata.uid);
      assert.equal(pod.metadata.ownerReferences?.[0]?.kind, 'DaemonSet');
      const spec = pod.spec as { nodeName: string; hostNetwork: boolean };
      const status = pod.status as {
        phase: string;
        podIP: string;
        hostIP: string;
        conditions: Array<{ type: string; status: string }>;
        containerStatuses: Array<{ ready: boolean; restartCount: number; state: { running?: unknown } }>;
      };
      assert.equal(spec.hostNetwork, true);
      const index = Number(spec.nodeName.replace('master-', ''));
      assert.equal(status.podIP, f.ctx.network.masterIps[index]);
      assert.equal(status.hostIP, status.podIP);
      assert.equal(status.phase, 'Running');
      assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(status.containerStatuses[0]?.ready, true);
      assert.equal(status.containerStatuses[0]?.restartCount, 0);
      assert.ok(status.containerStatuses[0]?.state.running);
    }
    const dsStatus = f.ctx.store.mustGet(
      f.ctx.store.type('daemonsets', 'apps'),
      'openshift-machine-config-operator',
      'machine-config-server',
    ).status as Record<string, number>;
    assert.equal(dsStatus.desiredNumberScheduled, 3);
    assert.equal(dsStatus.currentNumberScheduled, 3);
    assert.equal(dsStatus.numberReady, 3);
    assert.equal(dsStatus.numberAvailable, 3);
    assert.equal(dsStatus.updatedNumberScheduled, 3);
    assert.equal(dsStatus.numberUnavailable, undefined);
    assert.equal(dsStatus.observedGeneration, 1);
  });

  test('each master serves the secret chain on :22623; the worker fetch through the VIP gets a spec-3 config', async () => {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    const { masterIps, apiVip, mcsPort } = f.ctx.network;
    for (const ip of masterIps) {
      const reply = await httpsGet(`https://${ip}:${mcsPort}/healthz`, f.root.certPem, undefined, {
        anyHostname: true,
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.fingerprint, f.serving.cert.fingerprintSha256);
    }
    const result = await workerFetch({
      url: `https://${apiVip}:${mcsPort}/config/worker`,
      anchors: parseCertificates(f.root.certPem, 'root'),
      timeoutMs: 5000,
    });
    assert.equal(result.verdict, 'ok', result.ignitionError ?? result.detail);
    assert.equal(result.http?.status, 200);
    assert.match(result.http?.ignitionVersion ?? '', /^3\.[1-4]\.0$/);
  });

  test("through the VIP the MCS logs the worker's own address; the config carries the cluster content", async () => {
    const worker = f.ctx.network.hostIp(0);
    const reply = await httpsGet(
      `https://${f.ctx.network.apiVip}:${f.ctx.network.mcsPort}/config/worker`,
      f.root.certPem,
      worker,
    );
    assert.equal(reply.status, 200);
    const config = JSON.parse(reply.body) as {
      ignition: { version: string };
      storage: { files: Array<{ path: string; contents: { source: string } }> };
    };
    assert.equal(config.ignition.version, '3.4.0');
    const kubeconfig = decodeURIComponent(
      config.storage.files[0]?.contents.source.replace(/^data:,/, '') ?? '',
    );
    assert.match(
      kubeconfig,
      new RegExp(`server: https://${f.ctx.network.apiIntName.replace(/\./g, '\\.')}:6443`),
    );
    assert.match(kubeconfig, /token: sim-bootstrap-token-abcdefghijklmnopqrstuvwxyz0123456789/);
    const lines = pods(f.ctx).flatMap((p) => podLog(f.ctx, p.metadata.name).split('\n'));
    const requested = lines.filter((l) => l.includes(`requested by address:"${worker}:`));
    assert.equal(requested.length, 1);
    assert.match(
      requested[0] ?? '',
      // release-4.16 pkg/server/api.go:116 logs the pool with %q.
      /api\.go:116\] Pool "worker" requested by address:"127\.\d+\.1\.10:\d+" User-Agent:"Ignition\/2\.16\.2"/,
    );
  });

  test('the pod log starts like the real one', () => {
    const text = podLog(f.ctx, pods(f.ctx)[0]?.metadata.name ?? '');
    assert.match(text, /^I\d{4} [\d:.]+ {7}1 start\.go:38\] Version: v4\.16\.0-/);
    assert.match(text, /api\.go:65\] Launching server on :22623\n/);
  });

  test('a deleted pod comes back under a new name, and serves again', async () => {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    const victim = pods(f.ctx)[0];
    assert.ok(victim);
    const node = (victim.spec as { nodeName: string }).nodeName;
    f.ctx.store.delete(
      f.ctx.store.type('pods', ''),
      'openshift-machine-config-operator',
      victim.metadata.name,
    );
    const replacement = await waitFor('replacement pod', () =>
      pods(f.ctx).find(
        (p) => (p.spec as { nodeName: string }).nodeName === node && p.metadata.name !== victim.metadata.name,
      ),
    );
    assert.notEqual(replacement.metadata.name, victim.metadata.name);
    await waitFor('3 ready again', () => f.mco.mcsEndpoints().length === 3);
    const ip = (replacement.status as { podIP: string }).podIP;
    assert.equal(
      (await httpsGet(`https://${ip}:22623/healthz`, f.root.certPem, undefined, { anyHostname: true }))
        .status,
      200,
    );
  });

  test('ClusterOperator machine-config: Available, not Degraded, with the operator version', async () => {
    const co = await waitFor('clusteroperator', () =>
      f.ctx.store.get(
        f.ctx.store.type('clusteroperators', 'config.openshift.io'),
        undefined,
        'machine-config',
      ),
    );
    const status = co.status as {
      conditions: Array<{ type: string; status: string; message?: string }>;
      versions: unknown;
    };
    const cond = (t: string) => status.conditions.find((c) => c.type === t);
    assert.equal(cond('Available')?.status, 'True');
    assert.equal(cond('Available')?.message, 'Cluster has deployed [{operator 4.16.0}]');
    assert.equal(cond('Degraded')?.status, 'False');
    assert.equal(cond('Progressing')?.message, 'Cluster version is 4.16.0');
    assert.equal(cond('Upgradeable')?.status, 'True');
    assert.deepEqual(status.versions, [{ name: 'operator', version: '4.16.0' }]);
  });
});
