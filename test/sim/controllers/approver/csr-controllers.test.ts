/** The machine-approver's rules and the kubelet signer, on real PKCS#10 requests in a real store. */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { createSimClock } from '../../../../src/sim/clock.js';
import type { SimContext } from '../../../../src/sim/context.js';
import {
  CsrControllers,
  countRecentPendingNodeCsrs,
  evaluateCsr,
} from '../../../../src/sim/controllers/approver/index.js';
import {
  NODE_BOOTSTRAPPER_GROUPS,
  NODE_BOOTSTRAPPER_USERNAME,
  createCsrPem,
  csrObject,
  kubeletClientCsr,
  kubeletServingCsr,
} from '../../../../src/sim/controllers/host/index.js';
import { ObjectStore } from '../../../../src/sim/kube/store.js';
import type { KubeObject } from '../../../../src/sim/kube/types.js';
import { LogBook } from '../../../../src/sim/linelog.js';
import { planNetwork } from '../../../../src/sim/network.js';
import { eventually, makePki, type Pki } from '../host/world.js';

const NODE = 'worker-0.sim.example.test';
const IP = '127.150.1.10';
const POD = 'machine-approver-5c4d8f9b7-zx8kq';
const CONFIG = { nodeClientCert: { disabled: false } };

let pki: Pki;
before(async () => {
  pki = await makePki();
});

function machine(
  opts: { nodeRef?: string; created?: Date; addresses?: Array<[string, string]> } = {},
): KubeObject {
  return {
    apiVersion: 'machine.openshift.io/v1beta1',
    kind: 'Machine',
    metadata: {
      name: 'sim-worker-0',
      namespace: 'openshift-machine-api',
      creationTimestamp: `${(opts.created ?? new Date()).toISOString().slice(0, 19)}Z`,
    },
    spec: {},
    status: {
      addresses: (
        opts.addresses ?? [
          ['InternalIP', IP],
          ['Hostname', NODE],
          ['InternalDNS', NODE],
        ]
      ).map(([type, address]) => ({ type, address })),
      ...(opts.nodeRef ? { nodeRef: { kind: 'Node', name: opts.nodeRef, uid: 'u-1' } } : {}),
    },
  };
}

function stored(csr: KubeObject, created = new Date()): KubeObject {
  return {
    ...csr,
    metadata: { name: 'csr-test1', creationTimestamp: `${created.toISOString().slice(0, 19)}Z` },
  };
}

function world() {
  const store = new ObjectStore();
  for (const name of ['openshift-machine-api', 'openshift-cluster-machine-approver'])
    store.create(store.type('namespaces', ''), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const abort = new AbortController();
  const network = planNetwork({ octet: 100 + Math.floor(Math.random() * 151) });
  const ctx: SimContext = {
    version: '4.16',
    seed: {
      version: '4.16',
      network,
      objects: [],
      hosts: [],
      vip: 'forward',
      kubeCa: { certPem: pki.kubeCa.certPem, keyPem: pki.kubeCa.keyPem },
    },
    store,
    clock: createSimClock(500),
    network,
    podLogs: new LogBook(),
    consoles: new LogBook(),
    hosts: new Map(),
    signal: abort.signal,
  };
  const controllers = new CsrControllers({ podName: POD });
  const csrs = store.type('certificatesigningrequests', 'certificates.k8s.io');
  const log = (): string =>
    ctx.podLogs
      .find(LogBook.podKey('openshift-cluster-machine-approver', POD, 'machine-approver-controller'))
      ?.text() ?? '';
  return {
    ctx,
    store,
    csrs,
    controllers,
    log,
    status: (name: string) =>
      (store.get(csrs, undefined, name)?.status ?? {}) as {
        certificate?: string;
        conditions?: Array<Record<string, string>>;
      },
    async stop() {
      abort.abort();
      await controllers.stop();
    },
  };
}

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('evaluateCsr: the approver rules', () => {
  test('client CSR: approved when a Machine has the InternalDNS (case and trailing dot ignored) and no nodeRef', async () => {
    const csr = stored(await kubeletClientCsr(NODE, 'uid-1'));
    const m = machine({ addresses: [['InternalDNS', `${NODE.toUpperCase()}.`]] });
    const d = evaluateCsr(csr, {
      machines: [m],
      nodes: [],
      now: new Date(),
      pendingCount: 1,
      config: CONFIG,
    });
    assert.equal(d.approve, true, d.reason);
    assert.deepEqual(d.log.map((l) => l.message).at(-1), 'CSR csr-test1 approved');
  });

  test('client CSR refused: wrong CN, existing Node, nodeRef set, outside the 2 h window, flow disabled', async () => {
    const base = { nodes: [] as KubeObject[], now: new Date(), pendingCount: 1, config: CONFIG };
    const wrongCn = stored(await kubeletClientCsr('intruder.example.test', 'uid'));
    let d = evaluateCsr(wrongCn, { ...base, machines: [machine()] });
    assert.equal(d.approve, false);
    assert.equal(d.retry, true);
    assert.ok(
      d.log.some(
        (l) =>
          l.message ===
          'csr-test1: failed to find machine with InternalDNS matching intruder.example.test, cannot approve',
      ),
    );

    const good = stored(await kubeletClientCsr(NODE, 'uid'));
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } };
    d = evaluateCsr(good, { ...base, machines: [machine()], nodes: [node] });
    assert.ok(d.log.some((l) => l.message === `csr-test1: node ${NODE} already exists, cannot approve`));

    d = evaluateCsr(good, { ...base, machines: [machine({ nodeRef: NODE })] });
    assert.ok(
      d.log.some(
        (l) =>
          l.message ===
          `csr-test1: machine for node &ObjectReference{Kind:Node,Namespace:,Name:${NODE},UID:u-1,APIVersion:,ResourceVersion:,FieldPath:,} already has node ref, cannot approve`,
      ),
    );

    const old = machine({ created: new Date('2026-01-01T00:00:00Z') });
    const late = stored(await kubeletClientCsr(NODE, 'uid'), new Date('2026-01-01T03:00:00Z'));
    d = evaluateCsr(late, { ...base, machines: [old] });
    assert.equal(d.approve, false);
    assert.ok(
      d.log.some(
        (l) =>
          l.message ===
          'csr-test1: CSR creation time 2026-01-01 03:00:00 +0000 UTC not in range (2025-12-31 23:59:50 +0000 UTC, 2026-01-01 02:00:00 +0000 UTC)',
      ),
    );

    d = evaluateCsr(good, { ...base, machines: [machine()], config: { nodeClientCert: { disabled: true } } });
    assert.equal(d.approve, false);
    assert.ok(d.log.some((l) => l.message === 'csr-test1: CSR rejected as the flow is disabled'));
  });

  test('wrong requester: the bootstrapper name with other groups is logged; another user is ignored silently', async () => {
    const requestPem = await createCsrPem({
      commonName: `system:node:${NODE}`,
      organization: ['system:nodes'],
    });
    const spec = {
      requestPem,
      signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      usages: ['digital signature', 'client auth'],
    };
    const input = { machines: [machine()], nodes: [], now: new Date(), pendingCount: 1, config: CONFIG };
    const wrongGroups = stored(
      csrObject({ ...spec, username: NODE_BOOTSTRAPPER_USERNAME, groups: ['system:authenticated'] }),
    );
    let d = evaluateCsr(wrongGroups, input);
    assert.equal(d.approve, false);
    assert.ok(
      d.log.some(
        (l) =>
          l.message === 'csr-test1: CSR does not appear to be a valid node bootstrapper client cert request',
      ),
    );
    const stranger = stored(
      csrObject({
        ...spec,
        username: 'system:serviceaccount:default:builder',
        groups: NODE_BOOTSTRAPPER_GROUPS,
      }),
    );
    d = evaluateCsr(stranger, input);
    assert.equal(d.approve, false);
    assert.match(
      d.reason,
      /not requested by system:serviceaccount:openshift-machine-config-operator:node-bootstrapper/,
    );
    assert.deepEqual(d.log, []); // the real approver logs this only at -v=3
  });

  test('serving CSR: every SAN must be among the addresses of the Machine whose nodeRef is the node', async () => {
    const input = { nodes: [], now: new Date(), pendingCount: 1, config: CONFIG };
    const serving = stored(await kubeletServingCsr(NODE, IP));
    let d = evaluateCsr(serving, { ...input, machines: [machine()] });
    assert.equal(d.approve, false);
    assert.ok(
      d.log.some((l) => l.message === `csr-test1: Serving Cert: No target machine for node "${NODE}"`),
    );
    d = evaluateCsr(serving, { ...input, machines: [machine({ nodeRef: NODE })] });
    assert.equal(d.approve, true, d.reason);
    const movedIp = machine({
      nodeRef: NODE,
      addresses: [
        ['InternalIP', '127.150.1.99'],
        ['Hostname', NODE],
      ],
    });
    d = evaluateCsr(serving, { ...input, machines: [movedIp] });
    assert.equal(d.approve, false);
    assert.ok(
      d.log.some((l) => l.message === `csr-test1: IP address '${IP}' not in machine addresses: 127.150.1.99`),
    );
    assert.match(d.reason, /exhausted all authorization methods: IP address/);
  });

  test('the pending limit: more than max(#machines, #nodes) + 100 recent pending CSRs blocks everything', async () => {
    const now = new Date();
    const csr = stored(await kubeletClientCsr(NODE, 'uid'), now);
    const pending = Array.from({ length: 102 }, (_, i) => ({
      ...csr,
      metadata: { ...csr.metadata, name: `csr-${i}` },
    }));
    const pendingCount = countRecentPendingNodeCsrs(pending, now);
    assert.equal(pendingCount, 102);
    const d = evaluateCsr(csr, { machines: [machine()], nodes: [], now, pendingCount, config: CONFIG });
    assert.equal(d.approve, false);
    assert.ok(
      d.log.some(
        (l) =>
          l.message ===
          'csr-test1: Pending CSRs: 102; Max pending allowed: 101. Difference between pending CSRs and machines > 100. Ignoring all CSRs as too many recent pending CSRs seen',
      ),
    );
  });
});

describe('CsrControllers in a store', () => {
  test('approves and signs a matching client CSR with the kubelet CA; never signs unapproved or denied ones', async () => {
    const w = world();
    try {
      w.store.apply(w.store.type('machines', 'machine.openshift.io'), machine());
      await w.controllers.start(w.ctx);
      const good = w.store.create(w.csrs, await kubeletClientCsr(NODE, 'uid'));
      const stranger = w.store.create(w.csrs, await kubeletClientCsr('someone-else.example.test', 'uid'));
      const deniedInput = await kubeletClientCsr(NODE, 'uid');
      const denied = w.store.create(w.csrs, deniedInput);
      w.store.update(
        w.csrs,
        {
          ...denied,
          status: { conditions: [{ type: 'Denied', status: 'True', reason: 'AdminDenied', message: 'no' }] },
        },
        { subresource: 'approval' },
      );
      const certB64 = await eventually(
        'the certificate',
        5000,
        () => w.status(good.metadata.name).certificate,
      );
      const cert = new X509Certificate(Buffer.from(certB64, 'base64').toString());
      assert.equal(cert.subject, `O=system:nodes\nCN=system:node:${NODE}`);
      assert.ok(cert.verify(new X509Certificate(pki.kubeCa.certPem).publicKey));
      const approved = w.status(good.metadata.name).conditions?.[0];
      assert.equal(approved?.reason, 'NodeCSRApprove');
      assert.ok(approved?.lastUpdateTime);
      await settle();
      assert.equal(w.status(stranger.metadata.name).certificate, undefined);
      assert.equal(w.status(stranger.metadata.name).conditions, undefined);
      assert.equal(w.status(denied.metadata.name).certificate, undefined);
      const log = w.log();
      assert.match(
        log,
        /^I\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 config\.go:23\] machine approver config: \{NodeClientCert:\{Disabled:false\}\}$/m,
      );
      assert.match(
        log,
        new RegExp(
          `csr_check\\.go:273\\] ${stranger.metadata.name}: failed to find machine with InternalDNS matching someone-else\\.example\\.test, cannot approve`,
        ),
      );
      assert.match(
        log,
        new RegExp(`I\\d{4} [\\d:.]+ +1 controller\\.go:293\\] CSR ${good.metadata.name} approved`),
      );
    } finally {
      await w.stop();
    }
  });

  test('a serving CSR with SANs outside the Machine addresses is never approved and the log says why', async () => {
    const w = world();
    try {
      w.store.apply(w.store.type('machines', 'machine.openshift.io'), machine({ nodeRef: NODE }));
      await w.controllers.start(w.ctx);
      const bad = w.store.create(w.csrs, await kubeletServingCsr(NODE, '127.150.9.9'));
      await eventually('the refusal', 5000, () =>
        w.log().includes("IP address '127.150.9.9' not in machine addresses"),
      );
      await settle();
      assert.equal(w.status(bad.metadata.name).conditions, undefined);
      assert.match(w.log(), new RegExp(`${bad.metadata.name}: CSR not authorized`));
    } finally {
      await w.stop();
    }
  });

  test('the pending limit blocks approval in the running approver', async () => {
    const w = world();
    try {
      w.store.apply(w.store.type('machines', 'machine.openshift.io'), machine());
      const one = await kubeletClientCsr('flood.example.test', 'uid');
      for (let i = 0; i < 101; i++) w.store.create(w.csrs, one);
      const good = w.store.create(w.csrs, await kubeletClientCsr(NODE, 'uid'));
      await w.controllers.start(w.ctx);
      await eventually('the limit message', 5000, () =>
        w.log().includes('Ignoring all CSRs as too many recent pending CSRs seen'),
      );
      await settle();
      assert.equal(w.status(good.metadata.name).conditions, undefined);
      assert.match(w.log(), /Pending CSRs: 102; Max pending allowed: 101\./);
    } finally {
      await w.stop();
    }
  });
});
