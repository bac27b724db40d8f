/** @kubernetes/client-node 1.x, the library the live source will use, against the simulated API. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { MAPI_NS, MCO_NS, startApiFixture, type ApiFixture } from './server-fixture.js';

describe('@kubernetes/client-node against the simulated API', () => {
  let fx: ApiFixture;
  let kc: k8s.KubeConfig;

  before(async () => {
    fx = await startApiFixture();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(fx.kubeconfig);
  });
  after(async () => {
    await fx.close();
  });

  test('lists pods by label, nodes and CSRs', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({
      namespace: MCO_NS,
      labelSelector: 'k8s-app=machine-config-server',
    });
    assert.deepEqual(
      pods.items.map((p) => p.metadata?.name),
      ['machine-config-server-h79dr', 'machine-config-server-lcksm', 'machine-config-server-smptr'],
    );
    const nodes = await core.listNode();
    assert.deepEqual(
      nodes.items.map((n) => n.metadata?.name),
      ['master-0', 'worker-1'],
    );
    const csrs = await kc.makeApiClient(k8s.CertificatesV1Api).listCertificateSigningRequest();
    assert.equal(csrs.items[0]?.spec.signerName, 'kubernetes.io/kube-apiserver-client-kubelet');
  });

  test('custom objects: list, get and merge-patch BareMetalHosts', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const ref = { group: 'metal3.io', version: 'v1alpha1', namespace: MAPI_NS, plural: 'baremetalhosts' };
    const list = (await custom.listNamespacedCustomObject(ref)) as {
      items: { metadata: { name: string } }[];
    };
    assert.equal(list.items.length, 5);
    await custom.patchNamespacedCustomObject(
      { ...ref, name: 'worker-3', body: { spec: { online: false } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const got = (await custom.getNamespacedCustomObject({ ...ref, name: 'worker-3' })) as {
      spec: { online: boolean };
    };
    assert.equal(got.spec.online, false);
  });

  test('delete, and a 404 as ApiException', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.deleteNamespacedSecret({ name: 'worker-user-data', namespace: MAPI_NS });
    await assert.rejects(
      core.readNamespacedSecret({ name: 'worker-user-data', namespace: MAPI_NS }),
      (err: unknown) => {
        assert.ok(err instanceof k8s.ApiException);
        assert.equal(err.code, 404);
        assert.match(String(err.body), /secrets \\?"worker-user-data\\?" not found/);
        return true;
      },
    );
  });

  test('a watch sees a change', async () => {
    const seen: string[] = [];
    let resolveSeen: () => void = () => {};
    const done = new Promise<void>((r) => (resolveSeen = r));
    const list = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    const req = await new k8s.Watch(kc).watch(
      '/api/v1/nodes',
      { resourceVersion: list.metadata?.resourceVersion },
      (type, obj: k8s.V1Node) => {
        seen.push(`${type} ${obj.metadata?.name}`);
        if (type === 'MODIFIED') resolveSeen();
      },
      () => {},
    );
    try {
      fx.store.mutate(fx.store.type('nodes', ''), undefined, 'worker-1', (n) => {
        n.metadata.labels = { ...n.metadata.labels, touched: 'yes' };
      });
      await Promise.race([
        done,
        new Promise((_, rej) => setTimeout(() => rej(new Error(`no event: ${seen.join()}`)), 10_000)),
      ]);
      assert.deepEqual(seen, ['MODIFIED worker-1']);
    } finally {
      req.abort();
    }
  });

  test('reads a pod log', async () => {
    const log = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedPodLog({ name: 'machine-config-server-h79dr', namespace: MCO_NS });
    assert.match(log, /Pool worker requested by address/);
  });
});
