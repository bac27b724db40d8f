/**
 * Each stage of the join pipeline as a pure function of one host's facts: fixtures built here
 * (no cluster), one judgement each, and the fact that decides each cause first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Facts } from '../../../src/checks/facts/index.js';
import type { CsrFacts, HostFacts } from '../../../src/checks/facts/hosts.js';
import { judgeBmh } from '../../../src/diagnosis/stages/bmh.js';
import { judgeCsrs } from '../../../src/diagnosis/stages/csrs.js';
import { groupEvidence } from '../../../src/diagnosis/stages/index.js';
import { judgeNode } from '../../../src/diagnosis/stages/node.js';
import { judgeRoute } from '../../../src/diagnosis/stages/route.js';
import type { HostContext } from '../../../src/diagnosis/stages/types.js';
import type { KubeObject } from '../../../src/sources/types.js';

const NOW = new Date('2026-12-03T06:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const ok = <T>(value: T) => ({ ok: true as const, value });

function host(over: Partial<HostFacts> = {}): HostFacts {
  return {
    name: 'worker-0',
    namespace: 'openshift-machine-api',
    bmh: { apiVersion: 'metal3.io/v1alpha1', kind: 'BareMetalHost', metadata: { name: 'worker-0' } },
    state: 'provisioned',
    errorCount: 0,
    online: true,
    disableCertificateVerification: false,
    ips: ['192.0.2.10'],
    nodeNameCandidates: ['worker-0'],
    csrs: [],
    events: [],
    role: 'worker',
    ...over,
  };
}

function machine(name: string, internalDns: string[], nodeRef?: string): KubeObject {
  return {
    apiVersion: 'machine.openshift.io/v1beta1',
    kind: 'Machine',
    metadata: { name, namespace: 'openshift-machine-api', creationTimestamp: ago(600_000) },
    status: {
      addresses: internalDns.map((a) => ({ type: 'InternalDNS', address: a })),
      ...(nodeRef ? { nodeRef: { name: nodeRef } } : {}),
    },
  };
}

interface FactsOver {
  pods?: Array<{ name: string; ready: boolean; waitingReason?: string; restarts?: number }>;
  servingCert?: Partial<Facts['servingCert']>;
  machines?: KubeObject[];
  nodes?: KubeObject[];
  csrs?: KubeObject[];
}

function context(h: HostFacts, over: FactsOver = {}, ctx: Partial<HostContext> = {}): HostContext {
  const facts = {
    now: NOW,
    sourceKind: 'live',
    mcs: {
      pods: (over.pods ?? []).map((p) => ({ restarts: 0, ...p })),
      podsRead: ok([]),
      fetches: [],
      handshakeErrors: [],
      fatal: [],
      logsUnread: [],
      logsRead: 3,
    },
    servingCert: { present: true, chain: [], keyState: 'matches', ...over.servingCert },
    snapshot: {
      secrets: ok([]),
      machines: ok(over.machines ?? []),
      nodes: ok(over.nodes ?? []),
      csrs: ok(over.csrs ?? []),
    },
  } as unknown as Facts;
  return {
    facts,
    host: h,
    fetches: [],
    rejections: [],
    joinedEvidence: false,
    fetched: false,
    fetchEvidence: [],
    rejectionEvidence: [],
    bmhEvidence: [{ text: `state ${h.state}`, source: 'baremetalhost' }],
    ...ctx,
  };
}

function csr(over: Partial<CsrFacts>): CsrFacts {
  return {
    name: 'csr-abc',
    kind: 'client',
    commonName: 'system:node:worker-0',
    username: 'system:serviceaccount:openshift-machine-config-operator:node-bootstrapper',
    signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
    state: 'pending',
    created: ago(5 * 60_000),
    ...over,
  };
}

test('route: no MCS pod Ready because the serving secret is missing: mcs-not-running, the missing secret first', () => {
  const o = judgeRoute(
    context(host(), {
      pods: [{ name: 'machine-config-server-a', ready: false, waitingReason: 'ContainerCreating' }],
      servingCert: { present: false, keyState: 'missing' },
    }),
  );
  assert.equal(o.verdicts[0]?.status, 'fail');
  assert.equal(o.causes[0]?.id, 'mcs-not-running');
  assert.match(o.causes[0]!.decisive.text, /machine-config-server-tls does not exist/);
  assert.match(o.causes[0]!.summary, /does not exist, so they cannot start/);
});

test('route: pods crash on a key that does not match: one root cause (mcs-cert-corrupt), the pods its consequence', () => {
  const o = judgeRoute(
    context(host(), {
      pods: [
        { name: 'machine-config-server-a', ready: false, waitingReason: 'CrashLoopBackOff', restarts: 7 },
      ],
      servingCert: { keyState: 'mismatch', keyProblem: 'tls.key does not match the certificate in tls.crt' },
    }),
  );
  assert.deepEqual(
    o.causes.map((c) => c.id),
    ['mcs-cert-corrupt'],
  );
  assert.match(o.causes[0]!.decisive.text, /does not match/);
  assert.deepEqual(
    o.causes[0]!.consequences?.map((q) => q.id),
    ['mcs-not-running'],
  );
});

test('csrs: a pending CSR the approver will take within seconds is joining, not a cause', () => {
  const h = host({ csrs: [csr({ created: ago(10_000) })] });
  const o = judgeCsrs(context(h, { machines: [machine('worker-0', ['worker-0'])] }, { fetched: true }));
  assert.equal(o.causes.length, 0);
  assert.equal(o.verdicts[0]?.status, 'in-progress');
  assert.match(o.verdicts[0]!.detail, /normally approves within seconds/);
});

test('csrs: the approver refuses a CSR no Machine names: csr-pending, and the reason first', () => {
  const h = host({ csrs: [csr({ created: ago(10_000) })] });
  const o = judgeCsrs(
    context(h, { machines: [machine('worker-0', ['localhost.localdomain'])] }, { fetched: true }),
  );
  assert.equal(o.causes[0]?.id, 'csr-pending');
  assert.equal(o.causes[0]?.confidence, 'confirmed');
  assert.match(
    o.causes[0]!.decisive.text,
    /the machine-approver refuses it: no Machine has the InternalDNS address worker-0.*worker-0: localhost\.localdomain/,
  );
});

test('csrs: an approvable CSR pending for minutes is a likely cause (is the approver running?)', () => {
  const h = host({ csrs: [csr({})] });
  const o = judgeCsrs(context(h, { machines: [machine('worker-0', ['worker-0'])] }, { fetched: true }));
  assert.equal(o.causes[0]?.confidence, 'likely');
  assert.match(o.causes[0]!.decisive.text, /passes the machine-approver's rules: is the approver running/);
});

test('csrs: over the pending backlog limit the approver ignores every CSR, and says so', () => {
  const pending = Array.from({ length: 102 }, (_, i): KubeObject => ({
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: `csr-${i}`, creationTimestamp: ago(60_000) },
    spec: {
      signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      username: 'system:serviceaccount:openshift-machine-config-operator:node-bootstrapper',
    },
    status: {},
  }));
  const h = host({ csrs: [csr({ created: ago(5_000) })] });
  const o = judgeCsrs(
    context(h, { machines: [machine('worker-0', ['worker-0'])], csrs: pending }, { fetched: true }),
  );
  assert.equal(o.causes[0]?.id, 'csr-pending');
  assert.match(o.causes[0]!.decisive.text, /102 node CSRs are pending, over its limit of 101/);
});

test('node: NotReady within the registration grace is joining; past it, node-not-ready with the condition first', () => {
  const node = (created: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-0', creationTimestamp: created },
  });
  const fresh = judgeNode(
    context(host({ node: node(ago(60_000)), nodeReady: false }), {}, { fetched: true }),
  );
  assert.equal(fresh.verdicts[0]?.status, 'in-progress');
  assert.equal(fresh.causes.length, 0);
  const old = judgeNode(
    context(
      host({
        node: node(ago(3600_000)),
        nodeReady: false,
        nodeReadyMessage: 'container runtime network not ready',
      }),
      {},
      { fetched: true },
    ),
  );
  assert.equal(old.causes[0]?.id, 'node-not-ready');
  assert.equal(
    old.causes[0]!.decisive.text,
    'Node worker-0 Ready=False: container runtime network not ready',
  );
});

test('bmh: a registration error is bmh-stuck with the error first; a host not claimed is not a failure', () => {
  const stuck = judgeBmh(
    context(
      host({
        state: 'registering',
        errorType: 'registration error',
        errorMessage: 'Failed to get power state',
      }),
      {},
      {
        bmhEvidence: [
          { text: 'state registering', source: 'bmh' },
          { text: 'errorType registration error: Failed to get power state', source: 'bmh' },
        ],
      },
    ),
  );
  assert.equal(stuck.next, 'stop');
  assert.equal(stuck.causes[0]?.id, 'bmh-stuck');
  assert.match(stuck.causes[0]!.decisive.text, /^errorType registration error/);
  const spare = judgeBmh(context(host({ state: 'available' })));
  assert.equal(spare.causes.length, 0);
  assert.equal(spare.verdicts.find((v) => v.id === 'bmh-provisioned')?.status, 'not-reached');
});

test('the same event read many times is one line with a count', () => {
  const e = { text: 'remote error: tls: bad certificate', source: 'log' };
  assert.deepEqual(groupEvidence([e, e, e, { text: 'other' }]), [
    { text: 'remote error: tls: bad certificate (3 times)', source: 'log' },
    { text: 'other' },
  ]);
});
