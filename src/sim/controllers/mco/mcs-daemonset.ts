/**
 * The DaemonSet controller's part for machine-config-server: one pod per master Node (a deleted
 * pod comes back under a new name), the pods' kubelets (McsPod), and the DaemonSet's status.
 */
import { createHash } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { randomSuffix, type StoreChange } from '../../kube/store.js';
import type { KubeObject } from '../../kube/types.js';
import { SIM_TIMINGS } from '../../timings.js';
import type { McsEndpoint } from '../../mcs/endpoint.js';
import type { Scheduler } from './kube-util.js';
import { clusterGetConfig } from './get-config.js';
import { McsPod, type McsPodSettings, type SecretVolume } from './mcs-pod.js';
import {
  BOOTSTRAP_TOKEN_SECRET,
  MASTER_ROLE_LABEL,
  MCO_NAMESPACE,
  MCS_APP_LABEL,
  MCS_NAME,
  MCS_TLS_SECRET,
} from './names.js';

const DEFAULT_IMAGE =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:bd92a45320a08835316fcbbe43cea468cbd57ac83583deced2ffdd644470aec4';

/** DaemonSet pods get these tolerations from the controller (daemon/util AddOrUpdateDaemonPodTolerations). */
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' },
];

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    containers?: Array<{ image?: string }>;
    volumes?: Array<{ name: string; secret?: { secretName?: string } }>;
    tolerations?: unknown[];
    [key: string]: unknown;
  };
}

export interface McsPodInfo {
  name: string;
  nodeName: string;
  ip: string;
  ready: boolean;
  restartCount: number;
  endpoint?: McsEndpoint;
}

function internalIp(node: KubeObject): string | undefined {
  const addresses = ((node.status as { addresses?: Array<{ type: string; address: string }> } | undefined)
    ?.addresses ?? []) as Array<{ type: string; address: string }>;
  return addresses.find((a) => a.type === 'InternalIP')?.address;
}

export class McsDaemonSet {
  private readonly pods = new Map<string, McsPod>();
  /** Per address: resolves when the previous pod's listeners on it are closed. */
  private readonly portFree = new Map<string, Promise<void>>();
  private readonly listeners = new Set<() => void>();
  private reconciling = false;
  private seenGeneration: number | undefined;
  private reconcileAgain = false;

  constructor(
    private readonly ctx: SimContext,
    private readonly scheduler: Scheduler,
  ) {}

  /** Called whenever a pod's readiness or the pod set changes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    this.writeDaemonSetStatus();
    for (const l of this.listeners) l();
  }

  info(): McsPodInfo[] {
    return [...this.pods.values()].map((p) => ({
      name: p.name,
      nodeName: p.nodeName,
      ip: p.ip,
      ready: p.ready,
      restartCount: p.restarts,
      endpoint: p.mcsEndpoint,
    }));
  }

  readyEndpoints(): McsEndpoint[] {
    return [...this.pods.values()].flatMap((p) => (p.mcsEndpoint ? [p.mcsEndpoint] : []));
  }

  private daemonSet(): KubeObject | undefined {
    const s = this.ctx.store;
    return s.get(s.type('daemonsets', 'apps'), MCO_NAMESPACE, MCS_NAME);
  }

  private masterNodes(): KubeObject[] {
    const s = this.ctx.store;
    return s.list(s.type('nodes', ''), {
      filter: (n) => n.metadata.labels?.[MASTER_ROLE_LABEL] !== undefined,
    }).items;
  }

  private template(ds: KubeObject): PodTemplate {
    return ((ds.spec as { template?: PodTemplate } | undefined)?.template ?? {}) as PodTemplate;
  }

  private settings(ds: KubeObject): McsPodSettings {
    const template = this.template(ds);
    const volumes: SecretVolume[] = (template.spec?.volumes ?? []).flatMap((v) =>
      v.secret?.secretName ? [{ name: v.name, secretName: v.secret.secretName }] : [],
    );
    const s = this.ctx.store;
    return {
      volumes,
      tlsSecret: volumes.find((v) => v.secretName === MCS_TLS_SECRET)?.secretName ?? MCS_TLS_SECRET,
      tokenSecret:
        volumes.find((v) => v.secretName === BOOTSTRAP_TOKEN_SECRET)?.secretName ?? BOOTSTRAP_TOKEN_SECRET,
      image: template.spec?.containers?.[0]?.image ?? DEFAULT_IMAGE,
      pools: () =>
        s
          .list(s.type('machineconfigpools', 'machineconfiguration.openshift.io'))
          .items.map((p) => p.metadata.name),
      getConfig: (pool) => clusterGetConfig(s, pool),
      apiServerInternalUrl: () => {
        const infra = s.get(s.type('infrastructures', 'config.openshift.io'), undefined, 'cluster');
        const url = (infra?.status as { apiServerInternalURI?: string } | undefined)?.apiServerInternalURI;
        return url ?? `https://${this.ctx.network.apiIntName}:${this.ctx.network.apiPort}`;
      },
    };
  }

  start(): () => void {
    const off = this.ctx.store.onChange((change) => this.onStoreChange(change));
    this.reconcile();
    return off;
  }

  private onStoreChange(change: StoreChange): void {
    const { type, event } = change;
    const obj = event.object;
    if (type.plural === 'pods' && obj.metadata.namespace === MCO_NAMESPACE) {
      if (event.type === 'DELETED' && this.pods.has(obj.metadata.name)) {
        const pod = this.pods.get(obj.metadata.name) as McsPod;
        this.pods.delete(obj.metadata.name);
        this.release(pod);
        this.reconcile();
      }
      return;
    }
    if (type.plural === 'nodes') return this.reconcile();
    if (type.plural === 'daemonsets' && obj.metadata.name === MCS_NAME) {
      // Our own status writes do not change what should run.
      if (event.type === 'MODIFIED' && obj.metadata.generation === this.seenGeneration) return;
      this.seenGeneration = event.type === 'DELETED' ? undefined : obj.metadata.generation;
      return this.reconcile();
    }
    if (
      type.plural === 'secrets' &&
      obj.metadata.namespace === MCO_NAMESPACE &&
      obj.metadata.name === MCS_TLS_SECRET
    ) {
      for (const pod of this.pods.values()) pod.secretChanged();
      return;
    }
    if (type.plural === 'machineconfigpools') {
      const names = this.ctx.store
        .list(this.ctx.store.type('machineconfigpools', 'machineconfiguration.openshift.io'))
        .items.map((p) => p.metadata.name);
      for (const pod of this.pods.values()) pod.setPools(names);
    }
  }

  private release(pod: McsPod): void {
    const previous = this.portFree.get(pod.ip) ?? Promise.resolve();
    this.portFree.set(
      pod.ip,
      previous.then(() => pod.stop()),
    );
  }

  /** Makes the pod set match the master nodes (run synchronously; store writes re-enter via onChange). */
  reconcile(): void {
    if (!this.scheduler.active) return;
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = true;
    try {
      do {
        this.reconcileAgain = false;
        this.reconcileOnce();
      } while (this.reconcileAgain);
    } finally {
      this.reconciling = false;
    }
  }

  private reconcileOnce(): void {
    const s = this.ctx.store;
    const podsType = s.type('pods', '');
    const ds = this.daemonSet();
    const existing = s.list(podsType, {
      namespace: MCO_NAMESPACE,
      filter: (p) => p.metadata.labels?.[MCS_APP_LABEL] === MCS_NAME,
    }).items;
    if (!ds) {
      // The garbage collector removes the pods of a deleted DaemonSet.
      for (const p of existing)
        if (s.get(podsType, MCO_NAMESPACE, p.metadata.name))
          s.delete(podsType, MCO_NAMESPACE, p.metadata.name);
      this.notify();
      return;
    }
    const nodes = this.masterNodes();
    const nodeNames = new Set(nodes.map((n) => n.metadata.name));
    const byNode = new Map<string, KubeObject>();
    for (const p of existing) {
      const nodeName = (p.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
      if (!nodeNames.has(nodeName) || byNode.has(nodeName)) {
        s.delete(podsType, MCO_NAMESPACE, p.metadata.name);
        continue;
      }
      byNode.set(nodeName, p);
    }
    const settings = this.settings(ds);
    nodes.forEach((node, index) => {
      const ip = internalIp(node) ?? this.ctx.network.masterIps[index] ?? this.ctx.network.masterIps[0] ?? '';
      const current = byNode.get(node.metadata.name);
      if (current) {
        if (!this.pods.has(current.metadata.name)) this.adopt(ds, current, ip, settings);
        return;
      }
      const created = s.create(podsType, this.newPod(ds, node.metadata.name));
      this.run(created, node.metadata.name, ip, settings, SIM_TIMINGS.podStartMs, 0);
    });
    this.notify();
  }

  private run(
    pod: KubeObject,
    nodeName: string,
    ip: string,
    settings: McsPodSettings,
    delayMs: number,
    restarts: number,
  ): void {
    const runtime = new McsPod(
      this.ctx,
      this.scheduler,
      pod.metadata.name,
      nodeName,
      ip,
      settings,
      () => this.portFree.get(ip) ?? Promise.resolve(),
      () => this.notify(),
      restarts,
    );
    this.pods.set(pod.metadata.name, runtime);
    runtime.start(delayMs);
  }

  /** A pod from the seed: its kubelet (re)starts the container now, keeping the restart count. */
  private adopt(ds: KubeObject, pod: KubeObject, ip: string, settings: McsPodSettings): void {
    const s = this.ctx.store;
    const owner = this.ownerRef(ds);
    if (pod.metadata.ownerReferences?.[0]?.uid !== owner.uid) {
      s.mutate(s.type('pods', ''), MCO_NAMESPACE, pod.metadata.name, (p) => {
        p.metadata.ownerReferences = [owner];
      });
    }
    const statuses = (pod.status as { containerStatuses?: Array<{ restartCount?: number }> } | undefined)
      ?.containerStatuses;
    const nodeName = (pod.spec as { nodeName?: string }).nodeName ?? '';
    this.run(pod, nodeName, ip, settings, 0, statuses?.[0]?.restartCount ?? 0);
  }

  private ownerRef(ds: KubeObject): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
    return {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      name: ds.metadata.name,
      uid: ds.metadata.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  private newPod(ds: KubeObject, nodeName: string): KubeObject {
    const template = this.template(ds);
    const revision = createHash('sha256')
      .update(JSON.stringify(template))
      .digest('hex')
      .replace(/[^0-9a-f]/g, '')
      .slice(0, 10);
    const spec = structuredClone(template.spec ?? {});
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${MCS_NAME}-${randomSuffix()}`,
        generateName: `${MCS_NAME}-`,
        namespace: MCO_NAMESPACE,
        labels: {
          ...(template.metadata?.labels ?? {}),
          'controller-revision-hash': revision,
          'pod-template-generation': String(ds.metadata.generation ?? 1),
        },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [this.ownerRef(ds)],
      },
      spec: {
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 30,
        ...spec,
        nodeName,
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
              ],
            },
          },
        },
        tolerations: [...(template.spec?.tolerations ?? []), ...DAEMON_TOLERATIONS],
      },
      status: { phase: 'Pending' },
    };
  }

  private writeDaemonSetStatus(): void {
    const s = this.ctx.store;
    const ds = this.daemonSet();
    if (!ds) return;
    const pods = [...this.pods.values()];
    const desired = this.masterNodes().length;
    const ready = pods.filter((p) => p.ready).length;
    const status = {
      currentNumberScheduled: pods.length,
      desiredNumberScheduled: desired,
      numberAvailable: ready,
      numberMisscheduled: 0,
      numberReady: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: pods.length,
    };
    if (JSON.stringify(ds.status) === JSON.stringify(status)) return;
    s.mutate(s.type('daemonsets', 'apps'), MCO_NAMESPACE, MCS_NAME, (d) => {
      d.status = status;
    });
  }

  async stop(): Promise<void> {
    const pods = [...this.pods.values()];
    this.pods.clear();
    await Promise.all([...pods.map((p) => p.stop()), ...this.portFree.values()]);
  }
}
