/**
 * The CSR controllers of the cluster: the cluster-machine-approver (reconciles pending node CSRs
 * a moment after they change, writes the Approved condition through the approval subresource,
 * logs like the real pod, requeues with back-off where the real one returns an error) and
 * kube-controller-manager's csrsigning (issues approved kubelet CSRs with the kubelet CA).
 */
import { parse as parseYaml } from 'yaml';
import { formatKlogLine } from '../../mcs/klog.js';
import { LogBook } from '../../linelog.js';
import { randomSuffix } from '../../kube/store.js';
import type { KubeObject } from '../../kube/types.js';
import type { SimComponent, SimContext } from '../../context.js';
import { SIM_TIMINGS } from '../../timings.js';
import {
  APPROVE_MESSAGE,
  APPROVE_REASON,
  countRecentPendingNodeCsrs,
  evaluateCsr,
  isPendingNodeCsr,
  type ApproverConfig,
} from './csr-rules.js';
import { KubeletSigner, signable, signerRefusal } from './signer.js';

export const APPROVER_NAMESPACE = 'openshift-cluster-machine-approver';
export const APPROVER_CONTAINER = 'machine-approver-controller';
export const APPROVER_CONFIG_MAP = 'machine-approver-config';
const MACHINE_NAMESPACE = 'openshift-machine-api';
/** controller-runtime's default per-item back-off: 5 ms doubling to 1000 s. */
const REQUEUE_BASE_MS = 5;
const REQUEUE_MAX_MS = 1000 * 1000;

/** Reads machine-approver-config's config.yaml as the approver's LoadConfig does (defaults on any problem). */
export function readApproverConfig(configMap: KubeObject | undefined): ApproverConfig {
  const text = (configMap?.data as Record<string, string> | undefined)?.['config.yaml'];
  const config: ApproverConfig = { nodeClientCert: { disabled: false } };
  if (!text) return config;
  try {
    const parsed = parseYaml(text) as { nodeClientCert?: { disabled?: unknown } } | null;
    config.nodeClientCert.disabled = parsed?.nodeClientCert?.disabled === true;
  } catch {
    // LoadConfig: "using default as failed to convert config ... to JSON"
  }
  return config;
}

export interface CsrControllersOptions {
  /** Pod name for the approver's log; default: the machine-approver pod in the store, else a generated one. */
  podName?: string;
}

export class CsrControllers implements SimComponent {
  readonly name = 'csr-controllers';
  private ctx?: SimContext;
  private config: ApproverConfig = { nodeClientCert: { disabled: false } };
  private signer?: KubeletSigner;
  private podName = '';
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly failures = new Map<string, number>();
  private readonly signing = new Set<string>();
  private unsubscribe?: () => void;
  private stopped = false;

  constructor(private readonly options: CsrControllersOptions = {}) {}

  /** The approver's log key in ctx.podLogs. */
  logKey(): string {
    return LogBook.podKey(APPROVER_NAMESPACE, this.podName, APPROVER_CONTAINER);
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    this.signer = new KubeletSigner(ctx.seed.kubeCa);
    this.podName =
      this.options.podName ??
      findApproverPod(ctx) ??
      `machine-approver-${randomSuffix(10)}-${randomSuffix(5)}`;
    this.loadConfig();
    const csrs = ctx.store.type('certificatesigningrequests', 'certificates.k8s.io');
    this.unsubscribe = ctx.store.onChange((change) => {
      if (change.type.plural !== csrs.plural || change.type.group !== csrs.group) return;
      const name = change.event.object.metadata.name;
      if (change.event.type === 'DELETED') {
        this.cancel(name);
        return;
      }
      this.schedule(name, SIM_TIMINGS.approverMs);
    });
    for (const csr of ctx.store.list(csrs).items) this.schedule(csr.metadata.name, SIM_TIMINGS.approverMs);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /**
   * Reads machine-approver-config again, as a restart of the approver pod does: the real approver
   * reads its config file once at start, so a changed ConfigMap takes effect only then.
   */
  loadConfig(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const cm = ctx.store.get(ctx.store.type('configmaps', ''), APPROVER_NAMESPACE, APPROVER_CONFIG_MAP);
    this.config = readApproverConfig(cm);
    this.write(
      'I',
      'config.go:23',
      `machine approver config: {NodeClientCert:{Disabled:${this.config.nodeClientCert.disabled}}}`,
    );
  }

  private write(severity: 'I' | 'E', source: string, message: string): void {
    const ctx = this.ctx;
    if (!ctx) return;
    ctx.podLogs.log(this.logKey()).append(formatKlogLine(severity, ctx.clock.now(), source, message));
  }

  private cancel(name: string): void {
    const t = this.timers.get(name);
    if (t) clearTimeout(t);
    this.timers.delete(name);
    this.failures.delete(name);
  }

  private schedule(name: string, simMs: number): void {
    if (this.stopped || !this.ctx) return;
    const existing = this.timers.get(name);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.timers.delete(name);
      void this.reconcile(name);
    }, this.ctx.clock.scaled(simMs));
    this.timers.set(name, timer);
  }

  private async reconcile(name: string): Promise<void> {
    const ctx = this.ctx;
    if (!ctx || this.stopped) return;
    const t = ctx.store.type('certificatesigningrequests', 'certificates.k8s.io');
    const csr = ctx.store.get(t, undefined, name);
    if (!csr) return;
    if (signable(csr)) {
      await this.sign(csr);
      return;
    }
    const now = ctx.clock.now();
    if (!isPendingNodeCsr(csr, now)) return;
    const all = ctx.store.list(t).items;
    const machines = ctx.store.list(ctx.store.type('machines', 'machine.openshift.io'), {
      namespace: MACHINE_NAMESPACE,
    }).items;
    const nodes = ctx.store.list(ctx.store.type('nodes', '')).items;
    const decision = evaluateCsr(csr, {
      machines,
      nodes,
      now,
      pendingCount: countRecentPendingNodeCsrs(all, now),
      config: this.config,
    });
    for (const line of decision.log) this.write(line.severity, line.source, line.message);
    if (decision.approve) {
      this.failures.delete(name);
      const stamp = `${now.toISOString().slice(0, 19)}Z`;
      const conditions = [
        ...(((csr.status as { conditions?: unknown[] } | undefined)?.conditions ?? []) as unknown[]),
        {
          type: 'Approved',
          status: 'True',
          reason: APPROVE_REASON,
          message: APPROVE_MESSAGE,
          lastUpdateTime: stamp,
          lastTransitionTime: stamp,
        },
      ];
      ctx.store.update(
        t,
        { ...csr, status: { ...(csr.status ?? {}), conditions } },
        { subresource: 'approval' },
      );
    } else if (decision.retry) {
      const n = (this.failures.get(name) ?? 0) + 1;
      this.failures.set(name, n);
      const backoff = Math.min(REQUEUE_MAX_MS, Math.max(SIM_TIMINGS.approverMs, REQUEUE_BASE_MS * 2 ** n));
      this.schedule(name, backoff);
    }
  }

  private async sign(csr: KubeObject): Promise<void> {
    const ctx = this.ctx;
    const name = csr.metadata.name;
    if (!ctx || !this.signer || this.signing.has(name)) return;
    this.signing.add(name);
    const t = ctx.store.type('certificatesigningrequests', 'certificates.k8s.io');
    try {
      const refusal = signerRefusal(csr);
      const stamp = `${ctx.clock.now().toISOString().slice(0, 19)}Z`;
      if (refusal) {
        ctx.store.mutate(
          t,
          undefined,
          name,
          (obj) => {
            const status = (obj.status ?? {}) as { conditions?: unknown[] };
            status.conditions = [
              ...(status.conditions ?? []),
              {
                type: 'Failed',
                status: 'True',
                reason: 'SignerValidationFailure',
                message: refusal,
                lastUpdateTime: stamp,
                lastTransitionTime: stamp,
              },
            ];
            obj.status = status;
          },
          { subresource: 'status' },
        );
        return;
      }
      const pem = await this.signer.sign(csr, ctx.clock.now());
      if (this.stopped) return;
      ctx.store.mutate(
        t,
        undefined,
        name,
        (obj) => {
          if (!signable(obj)) return obj; // denied or issued meanwhile
          obj.status = { ...(obj.status ?? {}), certificate: Buffer.from(pem, 'utf8').toString('base64') };
          return obj;
        },
        { subresource: 'status' },
      );
    } finally {
      this.signing.delete(name);
    }
  }
}

function findApproverPod(ctx: SimContext): string | undefined {
  const pods = ctx.store.list(ctx.store.type('pods', ''), {
    namespace: APPROVER_NAMESPACE,
    filter: (p) => p.metadata.labels?.app === 'machine-approver',
  }).items;
  return pods[0]?.metadata.name;
}
