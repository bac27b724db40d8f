/**
 * The watched source against the simulated API server over HTTPS: a type is listed once and
 * then watched, so reading it again costs no request; changes arrive through the watch; a
 * dropped watch resumes from its resourceVersion without a list; a 410 Gone lists again; pod
 * logs are followed; what is kept is trimmed (no TLS key outside the MCO's namespace, no Node or
 * BareMetalHost status field that no check reads).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openLiveSource } from '../../src/sources/live.js';
import { RESOURCES } from '../../src/sources/resources.js';
import { WatchedSource, type WatchNote } from '../../src/sources/watched.js';
import { LogBook } from '../../src/sim/linelog.js';
import { MAPI_NS, MCO_NS, startApiFixture, type ApiFixture } from '../sim/apiserver/server-fixture.js';

/** Polls until `check` holds (a safety net of 20 s, not a timed assertion). */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function watched(fx: ApiFixture, notes: WatchNote[] = []): Promise<WatchedSource> {
  const live = await openLiveSource({ kubeconfig: fx.kubeconfig, environment: { HOME: fx.dir } });
  return new WatchedSource(live, { onNote: (n) => notes.push(n), watchSeconds: [1, 2] });
}

function setState(fx: ApiFixture, name: string, state: string): void {
  const t = fx.store.type('bmh');
  const bmh = fx.store.get(t, MAPI_NS, name)!;
  fx.store.apply(t, {
    ...bmh,
    status: { ...(bmh['status'] as object), provisioning: { state } },
  } as never);
}

async function stateOf(source: WatchedSource, name: string): Promise<string | undefined> {
  const read = await source.list(RESOURCES.bareMetalHosts);
  assert.ok(read.ok);
  const bmh = read.value.find((b) => b.metadata.name === name);
  return (bmh?.['status'] as { provisioning?: { state?: string } } | undefined)?.provisioning?.state;
}

describe('WatchedSource: list once, then watch', () => {
  let fx: ApiFixture;
  before(async () => {
    fx = await startApiFixture();
  });
  after(async () => {
    await fx.close();
  });

  test('a second read costs no request; a change arrives through the watch', async () => {
    const source = await watched(fx);
    try {
      assert.equal(await stateOf(source, 'worker-0'), 'provisioning');
      const lists = source.stats().byKind.list;
      assert.equal(lists, 1);
      const before = fx.server.stats().requests;
      for (let i = 0; i < 5; i++) await source.list(RESOURCES.bareMetalHosts);
      // The watch may have started in between; no list was made again.
      assert.equal(source.stats().byKind.list, 1);
      assert.ok(fx.server.stats().requests - before <= 1);
      setState(fx, 'worker-0', 'provisioned');
      await until(
        'the watch brings the new state',
        async () => (await stateOf(source, 'worker-0')) === 'provisioned',
      );
      assert.equal(source.stats().byKind.list, 1);
      // Watches end after their timeoutSeconds (1-2 s here) and resume from their resourceVersion.
      await until('a watch restarts', () => source.stats().watchRestarts >= 2);
      setState(fx, 'worker-0', 'provisioning');
      await until(
        'a resumed watch still brings changes',
        async () => (await stateOf(source, 'worker-0')) === 'provisioning',
      );
      assert.equal(source.stats().byKind.list, 1, 'a watch that ends resumes without listing again');
      assert.equal(source.stats().relists, 0);
    } finally {
      await source.close();
    }
  });

  test('secrets: tls.key is kept only in the MCO namespace; user-data and BMC credentials are read', async () => {
    const t = fx.store.type('secrets', '');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const ns of [MCO_NS, 'some-app']) {
      if (!fx.store.get(fx.store.type('namespaces', ''), undefined, ns))
        fx.store.create(fx.store.type('namespaces', ''), {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns },
        });
      fx.store.apply(t, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tls-one', namespace: ns },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64('cert'), 'tls.key': b64('key') },
      } as never);
    }
    fx.store.apply(t, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'opaque-elsewhere', namespace: 'some-app' },
      type: 'Opaque',
      data: { password: b64('not for us') },
    } as never);
    const source = await watched(fx);
    try {
      const read = await source.list(RESOURCES.secrets);
      assert.ok(read.ok);
      const byKey = new Map(read.value.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
      const data = (k: string) => (byKey.get(k)?.['data'] ?? {}) as Record<string, string>;
      assert.ok('tls.key' in data(`${MCO_NS}/tls-one`));
      assert.ok('tls.crt' in data('some-app/tls-one'));
      assert.ok(!('tls.key' in data('some-app/tls-one')), 'a TLS key outside the MCO namespace is not kept');
      assert.ok(
        !byKey.has('some-app/opaque-elsewhere'),
        'an Opaque secret of an unrelated namespace is not read',
      );
      assert.ok(byKey.has(`${MAPI_NS}/worker-0-bmc-secret`));
      assert.ok(byKey.has(`${MAPI_NS}/worker-user-data`));
    } finally {
      await source.close();
    }
  });

  test('nodes and BareMetalHosts: fields no check reads are not kept; those the checks read are', async () => {
    const bmhType = fx.store.type('bmh');
    const bmh = fx.store.get(bmhType, MAPI_NS, 'worker-0')!;
    const status = (bmh['status'] ?? {}) as Record<string, unknown>;
    fx.store.apply(bmhType, {
      ...bmh,
      metadata: {
        ...bmh.metadata,
        annotations: {
          ...bmh.metadata.annotations,
          'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}',
          'keep.example.com/note': 'kept',
        },
      },
      status: {
        ...status,
        hardware: {
          hostname: 'worker-0.example.test',
          nics: [{ name: 'eth0', ip: '192.0.2.10', mac: '52:54:00:00:00:01' }],
          cpu: { model: 'big', count: 64 },
          storage: [{ name: '/dev/sda', sizeBytes: 1 }],
          ramMebibytes: 65536,
        },
        operationHistory: { provision: { start: '2026-01-01T00:00:00Z' } },
        triedCredentials: { credentials: { name: 'x' } },
        goodCredentials: { credentials: { name: 'x' } },
        provisioning: { ...((status['provisioning'] ?? {}) as object), state: 'provisioned' },
        errorType: 'provisioning error',
      },
    } as never);
    const nodeType = fx.store.type('nodes', '');
    fx.store.apply(nodeType, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'trimmed-node', annotations: { 'machine.openshift.io/machine': `${MAPI_NS}/m` } },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '192.0.2.10' }],
        nodeInfo: { kubeletVersion: 'v1.28.0' },
        capacity: { cpu: '64' },
        allocatable: { cpu: '63' },
        images: [{ names: ['quay.io/x'], sizeBytes: 1 }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      },
    } as never);
    const source = await watched(fx);
    try {
      const hosts = await source.list(RESOURCES.bareMetalHosts);
      assert.ok(hosts.ok);
      const kept = hosts.value.find((h) => h.metadata.name === 'worker-0')!;
      const keptStatus = kept['status'] as Record<string, unknown>;
      assert.deepEqual(keptStatus['hardware'], {
        hostname: 'worker-0.example.test',
        nics: [{ name: 'eth0', ip: '192.0.2.10', mac: '52:54:00:00:00:01' }],
      });
      for (const gone of ['operationHistory', 'triedCredentials', 'goodCredentials'])
        assert.ok(!(gone in keptStatus), `status.${gone} is not kept`);
      assert.equal((keptStatus['provisioning'] as { state?: string }).state, 'provisioned');
      assert.equal(keptStatus['errorType'], 'provisioning error');
      assert.deepEqual(kept.metadata.annotations?.['keep.example.com/note'], 'kept');
      assert.ok(!('kubectl.kubernetes.io/last-applied-configuration' in (kept.metadata.annotations ?? {})));
      assert.ok(kept['spec'], 'the spec is kept whole');

      const nodes = await source.list(RESOURCES.nodes);
      assert.ok(nodes.ok);
      const node = nodes.value.find((n) => n.metadata.name === 'trimmed-node')!;
      assert.deepEqual(node['status'], {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '192.0.2.10' }],
      });
      assert.equal(node.metadata.annotations?.['machine.openshift.io/machine'], `${MAPI_NS}/m`);
    } finally {
      await source.close();
    }
  });

  test('MCS logs: the tail once, then new lines through the follow', async () => {
    const source = await watched(fx);
    const pod = 'machine-config-server-lcksm';
    try {
      const first = await source.podLog(MCO_NS, pod, 'machine-config-server');
      assert.ok(first.ok);
      assert.match(first.value, /Launching server on :22623/);
      assert.doesNotMatch(first.value, /^\d{4}-\d\d-\d\dT/m, 'the timestamps used to follow are not kept');
      const logs = source.stats().byKind.log;
      fx.podLogs
        .log(LogBook.podKey(MCO_NS, pod, 'machine-config-server'))
        .append(
          'I1123 10:07:00.000000       1 api.go:110] Pool worker requested by address:"127.0.1.11:43211"',
        );
      await until('the followed log has the new line', async () => {
        const r = await source.podLog(MCO_NS, pod, 'machine-config-server');
        return r.ok && r.value.includes('127.0.1.11:43211');
      });
      const again = await source.podLog(MCO_NS, pod, 'machine-config-server');
      assert.ok(again.ok);
      assert.equal(
        again.value.split('\n').filter((l) => l.includes('Launching server')).length,
        1,
        'no line twice',
      );
      assert.ok(source.stats().byKind.log <= logs + 1, 'reading the log again asks the API nothing');
    } finally {
      await source.close();
    }
  });
});

describe('WatchedSource: dropped watches and expired resourceVersions', () => {
  test('a watch dropped by the server resumes from its resourceVersion without listing', async () => {
    const fx = await startApiFixture({ faults: { watchDropMs: 300 } });
    const notes: WatchNote[] = [];
    const source = await watched(fx, notes);
    try {
      assert.equal(await stateOf(source, 'worker-1'), 'provisioned');
      await until('the watch was dropped and resumed', () => source.stats().watchRestarts >= 2);
      setState(fx, 'worker-1', 'deprovisioning');
      await until('the change arrives', async () => (await stateOf(source, 'worker-1')) === 'deprovisioning');
      assert.equal(source.stats().byKind.list, 1);
      assert.equal(source.stats().relists, 0);
    } finally {
      await source.close();
      await fx.close();
    }
  });

  test('410 Gone (the history no longer reaches the resourceVersion): lists again and goes on', async () => {
    const fx = await startApiFixture({ historyLimit: 5 });
    const notes: WatchNote[] = [];
    const live = await openLiveSource({ kubeconfig: fx.kubeconfig, environment: { HOME: fx.dir } });
    // Long watches: the one that expires is the one started before the writes.
    // Watches of a second: each resumes from the resourceVersion it last saw.
    const source = new WatchedSource(live, { onNote: (n) => notes.push(n), watchSeconds: [1, 1] });
    try {
      await source.list(RESOURCES.nodes);
      assert.equal(await stateOf(source, 'worker-2'), 'provisioned');
      // Writes to BareMetalHosts move the cluster's resourceVersion on; the node watch saw none
      // of them, and the server keeps only 5 events: its next resume is answered 410 Gone.
      const t = fx.store.type('nodes', '');
      const node = fx.store.get(t, undefined, 'worker-1')!;
      await until('a relist after 410 Gone', async () => {
        for (let i = 0; i < 10; i++) setState(fx, 'worker-4', i % 2 ? 'provisioned' : 'provisioning');
        return source.stats().relists > 0;
      });
      assert.ok(notes.some((n) => n.kind === 'relist'));
      fx.store.apply(t, { ...node, metadata: { ...node.metadata, labels: { relisted: 'yes' } } } as never);
      await until('the node watch works after the relist', async () => {
        const r = await source.list(RESOURCES.nodes);
        return r.ok && r.value.some((n) => n.metadata.labels?.['relisted'] === 'yes');
      });
    } finally {
      await source.close();
      await fx.close();
    }
  });
});
