/**
 * ClusterOperator `machine-config` status as the operator's sync reports it: Available,
 * Progressing, Degraded, Upgradeable. The MachineConfigServer step waits for the daemonset
 * (waitForDaemonsetRollout, 10 minutes); when that times out the operator goes Degraded with
 * reason MachineConfigServerFailed, and the next sync that finds the daemonset ready clears it.
 */
import type { SimContext } from '../../context.js';
import { recordEvent } from '../../events.js';
import type { KubeObject } from '../../kube/types.js';
import { setCondition, type Condition, type Scheduler } from './kube-util.js';
import { CLUSTER_OPERATOR, DAEMONSET_ROLLOUT_TIMEOUT_MS, MCO_NAMESPACE, MCS_NAME } from './names.js';

interface DaemonSetStatus {
  desiredNumberScheduled?: number;
  updatedNumberScheduled?: number;
  numberReady?: number;
  numberUnavailable?: number;
  observedGeneration?: number;
}

export class ClusterOperatorStatus {
  private degradedMessage: string | undefined;
  private cancelTimeout: (() => void) | undefined;

  constructor(
    private readonly ctx: SimContext,
    private readonly scheduler: Scheduler,
  ) {}

  private get operatorVersion(): string {
    const s = this.ctx.store;
    const cv = s.get(s.type('clusterversions', 'config.openshift.io'), undefined, 'version');
    const desired = (cv?.status as { desired?: { version?: string } } | undefined)?.desired?.version;
    return desired ?? `${this.ctx.version}.0`;
  }

  private daemonSet(): KubeObject | undefined {
    const s = this.ctx.store;
    return s.get(s.type('daemonsets', 'apps'), MCO_NAMESPACE, MCS_NAME);
  }

  private rolledOut(ds: KubeObject | undefined): boolean {
    if (!ds) return false;
    const st = (ds.status ?? {}) as DaemonSetStatus;
    return (
      (ds.metadata.generation ?? 1) <= (st.observedGeneration ?? 0) &&
      st.updatedNumberScheduled === st.desiredNumberScheduled &&
      (st.numberUnavailable ?? 0) === 0
    );
  }

  /** Called when the MCS pods change. */
  update(): void {
    if (this.rolledOut(this.daemonSet())) {
      this.cancelTimeout?.();
      this.cancelTimeout = undefined;
      if (this.degradedMessage !== undefined) this.degradedMessage = undefined;
      this.write();
      return;
    }
    if (!this.cancelTimeout) {
      this.cancelTimeout = this.scheduler.after(DAEMONSET_ROLLOUT_TIMEOUT_MS, () => this.timedOut());
    }
    this.write();
  }

  private timedOut(): void {
    this.cancelTimeout = undefined;
    const ds = this.daemonSet();
    if (this.rolledOut(ds)) return this.update();
    const st = (ds?.status ?? {}) as DaemonSetStatus;
    const notReady = ds
      ? `daemonset ${MCS_NAME} is not ready. status: (desired: ${st.desiredNumberScheduled ?? 0}, updated: ${st.updatedNumberScheduled ?? 0}, ready: ${st.numberReady ?? 0}, unavailable: ${st.numberUnavailable ?? 0})`
      : `daemonsets.apps "${MCS_NAME}" not found`;
    this.degradedMessage = `Failed to resync ${this.operatorVersion} because: error during waitForDaemonsetRollout: [context deadline exceeded, ${notReady}]`;
    this.write();
    const co = this.clusterOperator();
    if (co) {
      recordEvent(this.ctx.store, {
        involved: co,
        type: 'Warning',
        reason: 'OperatorDegraded: MachineConfigServerFailed',
        message: this.degradedMessage,
        component: 'machineconfigoperator',
      });
    }
    // The next sync waits again.
    this.cancelTimeout = this.scheduler.after(DAEMONSET_ROLLOUT_TIMEOUT_MS, () => this.timedOut());
  }

  private clusterOperator(): KubeObject | undefined {
    const s = this.ctx.store;
    return s.get(s.type('clusteroperators', 'config.openshift.io'), undefined, CLUSTER_OPERATOR);
  }

  write(): void {
    if (!this.scheduler.active) return;
    const s = this.ctx.store;
    const t = s.type('clusteroperators', 'config.openshift.io');
    const version = this.operatorVersion;
    const now = new Date();
    if (!this.clusterOperator()) {
      s.create(t, {
        apiVersion: 'config.openshift.io/v1',
        kind: 'ClusterOperator',
        metadata: { name: CLUSTER_OPERATOR },
        spec: {},
      });
    }
    const current = this.clusterOperator() as KubeObject;
    const status = (current.status ?? {}) as { conditions?: Condition[]; [k: string]: unknown };
    let conditions = (status.conditions ?? []).slice();
    const degraded = this.degradedMessage !== undefined;
    conditions = setCondition(
      conditions,
      degraded
        ? { type: 'Progressing', status: 'False', message: `Error while reconciling ${version}` }
        : { type: 'Progressing', status: 'False', message: `Cluster version is ${version}` },
      now,
    );
    conditions = setCondition(conditions, { type: 'Upgradeable', status: 'True', reason: 'AsExpected' }, now);
    conditions = setCondition(
      conditions,
      degraded
        ? {
            type: 'Degraded',
            status: 'True',
            reason: 'MachineConfigServerFailed',
            message: this.degradedMessage,
          }
        : { type: 'Degraded', status: 'False' },
      now,
    );
    conditions = setCondition(
      conditions,
      {
        type: 'Available',
        status: 'True',
        reason: 'AsExpected',
        message: `Cluster has deployed [{operator ${version}}]`,
      },
      now,
    );
    const next = {
      ...status,
      conditions,
      versions: [{ name: 'operator', version }],
      relatedObjects: status.relatedObjects ?? [
        { group: '', name: MCO_NAMESPACE, resource: 'namespaces' },
        { group: 'machineconfiguration.openshift.io', name: '', resource: 'machineconfigpools' },
        { group: 'machineconfiguration.openshift.io', name: '', resource: 'machineconfigs' },
        { group: '', name: '', resource: 'nodes' },
      ],
    };
    if (JSON.stringify(next) === JSON.stringify(current.status)) return;
    s.mutate(t, undefined, CLUSTER_OPERATOR, (co) => {
      co.status = next;
    });
  }
}
