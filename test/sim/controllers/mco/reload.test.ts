/** Serving-cert reload rules: before 4.19 only a new pod loads a changed secret; 4.19 hot-reloads. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpsGet, pods, servingCert, startFixture, tlsData, waitFor, type Fixture } from './fixture.js';

const MCO_NS = 'openshift-machine-config-operator';

async function served(f: Fixture, ip: string): Promise<string | undefined> {
  return (await httpsGet(`https://${ip}:22623/healthz`, f.root.certPem, undefined, { anyHostname: true }))
    .fingerprint;
}

async function replaceSecret(f: Fixture): Promise<string> {
  const next = await servingCert(f.root, f.ctx.network.apiVip, f.ctx.network.apiIntName);
  f.ctx.store.mutate(f.ctx.store.type('secrets', ''), MCO_NS, 'machine-config-server-tls', (s) => {
    s.data = tlsData(next);
  });
  return next.cert.fingerprintSha256;
}

test('4.16: a changed secret is not served until the pod is deleted; the new pod serves it', async () => {
  const f = await startFixture({ version: '4.16' });
  try {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    const ip = f.ctx.network.masterIps[0] as string;
    const fresh = await replaceSecret(f);
    // Well past the kubelet's volume sync (1 s simulated = 5 ms here).
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await served(f, ip), f.serving.cert.fingerprintSha256);
    const pod = pods(f.ctx).find((p) => (p.status as { podIP: string }).podIP === ip);
    assert.ok(pod);
    f.ctx.store.delete(f.ctx.store.type('pods', ''), MCO_NS, pod.metadata.name);
    await waitFor('replacement ready', () =>
      f.mco.mcsPods().some((p) => p.ip === ip && p.ready && p.name !== pod.metadata.name),
    );
    assert.equal(await served(f, ip), fresh);
    // The other masters still serve the old one.
    assert.equal(await served(f, f.ctx.network.masterIps[1] as string), f.serving.cert.fingerprintSha256);
  } finally {
    await f.stop();
  }
});

test('4.19 (no MachineSet, no rotation): running pods reload the changed secret within a second', async () => {
  const f = await startFixture({ version: '4.19' });
  try {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    assert.equal(f.mco.certRotationEnabled(), false);
    const names = pods(f.ctx)
      .map((p) => p.metadata.name)
      .sort();
    const fresh = await replaceSecret(f);
    for (const ip of f.ctx.network.masterIps) {
      await waitFor(
        `reload on ${ip}`,
        () =>
          f.mco
            .mcsPods()
            .find((p) => p.ip === ip)
            ?.endpoint?.servedChainPem().length,
      );
      const deadline = Date.now() + 3000;
      while ((await served(f, ip)) !== fresh && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(await served(f, ip), fresh);
    }
    assert.deepEqual(
      pods(f.ctx)
        .map((p) => p.metadata.name)
        .sort(),
      names,
      'no pod was restarted',
    );
  } finally {
    await f.stop();
  }
});

test('a deleted secret: running pods keep serving; a new pod cannot mount it (4.16)', async () => {
  const f = await startFixture({ version: '4.16' });
  try {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    f.ctx.store.delete(f.ctx.store.type('secrets', ''), MCO_NS, 'machine-config-server-tls');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ip = f.ctx.network.masterIps[2] as string;
    assert.equal(await served(f, ip), f.serving.cert.fingerprintSha256);
    const pod = pods(f.ctx).find((p) => (p.status as { podIP: string }).podIP === ip);
    assert.ok(pod);
    f.ctx.store.delete(f.ctx.store.type('pods', ''), MCO_NS, pod.metadata.name);
    await waitFor('FailedMount for the new pod', () =>
      f.ctx.store
        .list(f.ctx.store.type('events', ''), { namespace: MCO_NS })
        .items.some(
          (e) =>
            e.reason === 'FailedMount' && (e.involvedObject as { name: string }).name !== pod.metadata.name,
        ),
    );
    assert.equal(f.mco.mcsEndpoints().length, 2);
    assert.equal(
      f.ctx.store.get(f.ctx.store.type('secrets', ''), MCO_NS, 'machine-config-server-tls'),
      undefined,
      'nothing recreates the secret before 4.19',
    );
  } finally {
    await f.stop();
  }
});
