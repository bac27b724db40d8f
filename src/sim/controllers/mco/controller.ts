/**
 * The simulated Machine Config Operator: the machine-config-server DaemonSet's pods and their
 * kubelets, the API VIP's :22623/:22624, the managed user-data secrets, 4.19's MCS cert
 * rotation (machine-config-controller) and the `machine-config` ClusterOperator.
 */
import type { SimComponent, SimContext } from '../../context.js';
import type { StoreChange } from '../../kube/store.js';
import type { McsEndpoint } from '../../mcs/endpoint.js';
import { versionAtLeast } from '../../seed.js';
import { CertRotation } from './cert-rotation.js';
import { ClusterOperatorStatus } from './cluster-operator.js';
import { mcsDaemonSet } from './daemonset-manifest.js';
import { Debounced, Scheduler } from './kube-util.js';
import { McsDaemonSet, type McsPodInfo } from './mcs-daemonset.js';
import { MAPI_NAMESPACE, MCO_NAMESPACE, MCS_CA_NAME, MCS_NAME, OPERATOR_SYNC_MS } from './names.js';
import { operatorLog } from './operator-pods.js';
import { syncManagedUserData } from './user-data.js';
import { McsVip } from './vip.js';

export class McoController implements SimComponent {
  readonly name = 'machine-config-operator';
  private ctx?: SimContext;
  private scheduler?: Scheduler;
  private daemonSet?: McsDaemonSet;
  private vip?: McsVip;
  private rotation?: CertRotation;
  private userData?: Debounced;
  private readonly offs: Array<() => void> = [];
  private stopping?: Promise<void>;

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    const scheduler = new Scheduler(ctx);
    this.scheduler = scheduler;
    const mccLog = operatorLog(ctx, 'machine-config-controller', [
      'machine-config-controller',
      'kube-rbac-proxy',
    ]);
    operatorLog(ctx, 'machine-config-operator', ['machine-config-operator', 'kube-rbac-proxy']);

    this.ensureDaemonSet();
    const daemonSet = new McsDaemonSet(ctx, scheduler);
    this.daemonSet = daemonSet;
    const vip = new McsVip(ctx, ctx.seed.vip, () => daemonSet.readyEndpoints());
    this.vip = vip;
    const co = new ClusterOperatorStatus(ctx, scheduler);
    this.offs.push(
      daemonSet.onChange(() => {
        void vip.update();
        co.update();
      }),
    );

    const userData = new Debounced(scheduler, OPERATOR_SYNC_MS, () => syncManagedUserData(ctx));
    this.userData = userData;
    syncManagedUserData(ctx);
    this.offs.push(ctx.store.onChange((change) => this.onOperatorChange(change)));

    if (versionAtLeast(ctx.version, '4.19')) {
      this.rotation = new CertRotation(ctx, scheduler, mccLog);
      this.offs.push(this.rotation.start());
    } else {
      // Before 4.19 the controller has no cert rotation at all.
    }

    this.offs.push(daemonSet.start());
    co.update();
    await vip.update();
    const onAbort = (): void => void this.stop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    this.offs.push(() => ctx.signal.removeEventListener('abort', onAbort));
  }

  private ensureDaemonSet(): void {
    const ctx = this.ctx as SimContext;
    const s = ctx.store;
    const t = s.type('daemonsets', 'apps');
    if (s.get(t, MCO_NAMESPACE, MCS_NAME)) return;
    if (!s.get(s.type('namespaces', ''), undefined, MCO_NAMESPACE)) return;
    s.create(t, mcsDaemonSet(ctx));
  }

  private onOperatorChange({ type, event }: StoreChange): void {
    const obj = event.object;
    const ns = obj.metadata.namespace;
    const relevant =
      (type.plural === 'configmaps' &&
        ((ns === 'kube-system' && obj.metadata.name === 'root-ca') ||
          (ns === MCO_NAMESPACE && obj.metadata.name === MCS_CA_NAME))) ||
      type.plural === 'machineconfigpools' ||
      type.plural === 'infrastructures' ||
      (type.plural === 'secrets' &&
        ns === MAPI_NAMESPACE &&
        obj.metadata.name.endsWith('-user-data-managed'));
    if (relevant) this.userData?.trigger();
    if (type.plural === 'daemonsets' && event.type === 'DELETED' && obj.metadata.name === MCS_NAME) {
      // The operator's next sync applies the manifest again.
      this.scheduler?.after(OPERATOR_SYNC_MS, () => this.ensureDaemonSet());
    }
  }

  /** The MCS endpoints of Ready pods. */
  mcsEndpoints(): McsEndpoint[] {
    return this.daemonSet?.readyEndpoints() ?? [];
  }

  /** Every MCS pod the controller runs, with its readiness, restarts and endpoint. */
  mcsPods(): McsPodInfo[] {
    return this.daemonSet?.info() ?? [];
  }

  /** Whether the VIP's :22623 accepts connections now. */
  vipListening(): boolean {
    return this.vip?.listening ?? false;
  }

  /** Whether 4.19's cert rotation runs (MachineSets existed at start). */
  certRotationEnabled(): boolean {
    return this.rotation?.active ?? false;
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    this.scheduler?.stop();
    await this.userData?.idle();
    await this.rotation?.idle();
    await this.daemonSet?.stop();
    await this.vip?.stop();
  }
}
