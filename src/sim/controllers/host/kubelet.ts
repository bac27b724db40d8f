/**
 * The kubelet of a freshly installed worker: it bootstraps its client certificate with a CSR
 * (and, as the real certificate manager does, asks again with a new CSR while none is issued),
 * registers its Node once the certificate is there, requests its serving certificate, and
 * reports Ready once the network plugin is up. When the plugin never comes up (see
 * network-plugin.ts) it keeps posting Ready=False, as the real kubelet does every
 * nodeStatusReportFrequency while nothing changes.
 */
import { randomUUID } from 'node:crypto';
import { isoSeconds } from '../../kube/store.js';
import type { KubeObject } from '../../kube/types.js';
import type { SimContext, SimHost } from '../../context.js';
import { SIM_TIMINGS } from '../../timings.js';
import type { BootImage } from './boot-image.js';
import { kubeletClientCsr, kubeletServingCsr } from './csr-request.js';
import { NETWORK_NOT_READY_MESSAGE, networkPluginReady } from '../../network-plugin.js';

/** The kubelet gives up waiting on a pending client CSR and creates a new one after this (simulated). */
export const CLIENT_CSR_RETRY_MS = 15 * 60_000;
/** At most this many client CSRs per boot, so a host nobody approves cannot flood the API. */
export const MAX_CLIENT_CSRS_PER_BOOT = 8;
/** Same for serving CSRs. */
export const MAX_SERVING_CSRS_PER_BOOT = 4;

/** KubeletConfiguration nodeStatusReportFrequency (5m): an unchanged status is posted this often. */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;

const NOT_READY_MESSAGE = NETWORK_NOT_READY_MESSAGE;

export interface KubeletOptions {
  ctx: SimContext;
  host: SimHost;
  image: BootImage;
  /** UID of the node-bootstrapper service account (the apiserver copies it into spec.uid). */
  bootstrapperUid: string;
  signal: AbortSignal;
}

function csrType(ctx: SimContext) {
  return ctx.store.type('certificatesigningrequests', 'certificates.k8s.io');
}

function nodeType(ctx: SimContext) {
  return ctx.store.type('nodes', '');
}

/** Resolves with the CSR once it has a certificate or a Denied/Failed condition; undefined after `simMs`. */
function waitForCsr(
  ctx: SimContext,
  name: string,
  simMs: number,
  signal: AbortSignal,
): Promise<KubeObject | undefined> {
  const t = csrType(ctx);
  const settled = (obj: KubeObject | undefined): boolean => {
    const status = (obj?.status ?? {}) as { certificate?: string; conditions?: Array<{ type?: string }> };
    return (
      Boolean(status.certificate) ||
      (status.conditions ?? []).some((c) => c.type === 'Denied' || c.type === 'Failed')
    );
  };
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const finish = (value: KubeObject | undefined): void => {
      clearTimeout(timer);
      stopWatch();
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => finish(undefined);
    const timer = setTimeout(() => finish(undefined), ctx.clock.scaled(simMs));
    signal.addEventListener('abort', onAbort, { once: true });
    const stopWatch = ctx.store.onChange((change) => {
      if (change.type.plural !== t.plural || change.event.object.metadata.name !== name) return;
      if (change.event.type === 'DELETED') finish(undefined);
      else if (settled(change.event.object)) finish(change.event.object);
    });
    const now = ctx.store.get(t, undefined, name);
    if (settled(now)) finish(now);
  });
}

function isIssued(csr: KubeObject | undefined): boolean {
  return Boolean((csr?.status as { certificate?: string } | undefined)?.certificate);
}

/** Runs the kubelet until it has a Node that is Ready (or the boot is cancelled). */
export async function runKubelet(opts: KubeletOptions): Promise<void> {
  const { ctx, host, signal } = opts;
  const nodeName = host.seed.hostname;
  const existing = ctx.store.get(nodeType(ctx), undefined, nodeName);
  if (!existing) {
    let issued = false;
    for (let n = 0; n < MAX_CLIENT_CSRS_PER_BOOT && !signal.aborted; n++) {
      const created = ctx.store.create(csrType(ctx), await kubeletClientCsr(nodeName, opts.bootstrapperUid));
      const done = await waitForCsr(ctx, created.metadata.name, CLIENT_CSR_RETRY_MS, signal);
      if (isIssued(done)) {
        issued = true;
        break;
      }
    }
    if (!issued || signal.aborted) return;
    await ctx.clock.sleep(SIM_TIMINGS.csrToNodeMs, signal);
    registerNode(opts);
    void requestServingCert(opts);
  }
  if (!networkPluginReady(ctx.seed, host.seed)) {
    // No CNI configuration ever appears: the Node stays NotReady while the kubelet lives.
    for (;;) {
      postNotReady(ctx, nodeName);
      await ctx.clock.sleep(NODE_STATUS_REPORT_MS, signal);
    }
  }
  await ctx.clock.sleep(SIM_TIMINGS.nodeReadyMs, signal);
  setReady(ctx, nodeName, 'True');
}

/** The kubelet posts Ready=False (KubeletNotReady, the runtime's network error) with a fresh heartbeat. */
function postNotReady(ctx: SimContext, nodeName: string): void {
  const now = isoSeconds(ctx.clock.now());
  ctx.store.mutate(nodeType(ctx), undefined, nodeName, (node) => {
    const st = (node.status ?? {}) as { conditions?: Array<Record<string, string>> };
    const conditions = st.conditions ?? [];
    const old = conditions.find((c) => c.type === 'Ready');
    const ready = condition('Ready', 'False', 'KubeletNotReady', NOT_READY_MESSAGE, now);
    if (old?.status === 'False') ready.lastTransitionTime = old.lastTransitionTime ?? now;
    st.conditions = [
      ...conditions.filter((c) => c.type !== 'Ready').map((c) => ({ ...c, lastHeartbeatTime: now })),
      ready,
    ];
    node.status = st;
  });
}

async function requestServingCert(opts: KubeletOptions): Promise<void> {
  const { ctx, host, signal } = opts;
  try {
    for (let n = 0; n < MAX_SERVING_CSRS_PER_BOOT && !signal.aborted; n++) {
      const created = ctx.store.create(csrType(ctx), await kubeletServingCsr(host.seed.hostname, host.ip));
      if (isIssued(await waitForCsr(ctx, created.metadata.name, CLIENT_CSR_RETRY_MS, signal))) return;
    }
  } catch {
    // the cluster stopped while the request was being made
  }
}

function condition(type: string, status: string, reason: string, message: string, now: string) {
  return { type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message };
}

function registerNode(opts: KubeletOptions): void {
  const { ctx, host, image } = opts;
  const name = host.seed.hostname;
  const now = isoSeconds(ctx.clock.now());
  ctx.store.apply(nodeType(ctx), {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node-role.kubernetes.io/worker': '',
        'node.openshift.io/os_id': 'rhcos',
      },
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address: host.ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
          now,
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now),
        condition(
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
          now,
        ),
        condition('Ready', 'False', 'KubeletNotReady', NOT_READY_MESSAGE, now),
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: randomUUID(),
        containerRuntimeVersion: image.crioVersion,
        kernelVersion: image.kernel,
        kubeProxyVersion: image.kubeletVersion,
        kubeletVersion: image.kubeletVersion,
        machineID: randomUUID().replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: image.osImage,
        systemUUID: randomUUID(),
      },
    },
  });
}

/** The kubelet posts Ready (True) or the node lifecycle controller marks it Unknown. */
export function setReady(ctx: SimContext, nodeName: string, status: 'True' | 'Unknown'): void {
  const now = isoSeconds(ctx.clock.now());
  ctx.store.mutate(nodeType(ctx), undefined, nodeName, (node) => {
    const st = (node.status ?? {}) as { conditions?: Array<Record<string, string>> };
    const conditions = st.conditions ?? [];
    const ready =
      status === 'True'
        ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now)
        : condition('Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', now);
    const old = conditions.find((c) => c.type === 'Ready');
    if (old?.status === status) ready.lastTransitionTime = old.lastTransitionTime ?? now;
    st.conditions = [...conditions.filter((c) => c.type !== 'Ready'), ready];
    node.status = st;
  });
}
