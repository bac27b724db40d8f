/**
 * The simulated Machine API: the MachineSet controller, the machine controller with the Metal3
 * (CAPBM) actuator, and nodelink, as one component. Event-driven from the store; objects that
 * need nothing are read, never written, so a large settled cluster costs one pass at start.
 */
import type { SimComponent, SimContext } from '../../context.js';
import type { WatchEvent } from '../../kube/types.js';
import { LogBook } from '../../linelog.js';
import { stateOf, type BareMetalHost } from '../metal3/bmh.js';
import { logJson } from '../metal3/controller-log.js';
import { objectKeyOf, splitKey, WorkQueue } from '../metal3/work-queue.js';
import { finishRelease, reconcileMachine, releaseHost } from './actuator.js';
import { ANNOTATION_NODE_MACHINE, internalIps, type Machine } from './machine.js';
import { reconcileMachineSet } from './machineset-controller.js';
import { reconcileNode } from './nodelink.js';
import { machineKey, machineSetKey, nodeKey, type MachineApi } from './shared.js';

export interface MachineApiControllersOptions {
  /** Where the machine-controller container's log goes in ctx.podLogs. */
  podLogKey?: string;
}

export class MachineApiControllers implements SimComponent {
  readonly name = 'machine-api-controllers';
  private api: MachineApi | undefined;
  private readonly cleanups: (() => void)[] = [];
  private readonly seen = new Map<string, string>();
  private readonly indexed = new Map<string, { providerID?: string; ips: string[] }>();

  constructor(private readonly options: MachineApiControllersOptions = {}) {}

  async start(ctx: SimContext): Promise<void> {
    const store = ctx.store;
    const log = ctx.podLogs.log(
      this.options.podLogKey ??
        LogBook.podKey('openshift-machine-api', 'machine-api-controllers', 'machine-controller'),
    );
    // Its pod is not running: nothing watches MachineSets, Machines or Nodes.
    if (ctx.seed.machineApiControllersDown) return;
    const queue = new WorkQueue(
      (key) => this.handle(key),
      (key, err) =>
        logJson(log, 'error', 'controller', 'Reconciler error', {
          key,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
    const api: MachineApi = {
      ctx,
      types: {
        machines: store.type('machines', 'machine.openshift.io'),
        machineSets: store.type('machinesets', 'machine.openshift.io'),
        hosts: store.type('baremetalhosts', 'metal3.io'),
        nodes: store.type('nodes', ''),
      },
      queue,
      log,
      machineByProviderId: new Map(),
      machineByIp: new Map(),
      waitingForHost: new Set(),
      releasing: new Map(),
    };
    this.api = api;
    this.cleanups.push(store.watch(api.types.machineSets, {}, (e) => this.onMachineSet(e)));
    this.cleanups.push(store.watch(api.types.machines, {}, (e) => this.onMachine(e)));
    this.cleanups.push(store.watch(api.types.hosts, {}, (e) => this.onHost(e)));
    this.cleanups.push(store.watch(api.types.nodes, {}, (e) => this.onNode(e)));
    const onAbort = (): void => void this.stop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    this.cleanups.push(() => ctx.signal.removeEventListener('abort', onAbort));
  }

  async stop(): Promise<void> {
    this.api?.queue.stop();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private handle(item: string): void {
    const api = this.api;
    if (!api) return;
    const bar = item.indexOf('|');
    const kind = item.slice(0, bar);
    const key = item.slice(bar + 1);
    const { namespace, name } = splitKey(key);
    if (kind === 'machineset') reconcileMachineSet(api, namespace, name);
    else if (kind === 'machine') reconcileMachine(api, namespace, name);
    else if (kind === 'node') reconcileNode(api, key);
  }

  private changed(key: string, fingerprint: unknown): boolean {
    const text = JSON.stringify(fingerprint);
    if (this.seen.get(key) === text) return false;
    this.seen.set(key, text);
    return true;
  }

  private onMachineSet(event: WatchEvent): void {
    const meta = event.object.metadata;
    const key = machineSetKey(objectKeyOf(meta.namespace, meta.name));
    if (event.type === 'DELETED') {
      this.seen.delete(key);
      return;
    }
    if (this.changed(key, [meta.generation])) this.api?.queue.add(key);
  }

  private onMachine(event: WatchEvent): void {
    const api = this.api;
    if (!api) return;
    const machine = event.object as Machine;
    const meta = machine.metadata;
    const key = objectKeyOf(meta.namespace, meta.name);
    this.index(key, event.type === 'DELETED' ? undefined : machine);
    for (const owner of meta.ownerReferences ?? []) {
      if (owner.kind === 'MachineSet') api.queue.add(machineSetKey(objectKeyOf(meta.namespace, owner.name)));
    }
    if (event.type === 'DELETED') {
      this.seen.delete(machineKey(key));
      api.waitingForHost.delete(key);
      releaseHost(api, machine);
      return;
    }
    if (this.changed(machineKey(key), [meta.generation, meta.annotations ?? {}]))
      api.queue.add(machineKey(key));
  }

  /** nodelink's lookups: providerID and InternalIPs of each Machine. */
  private index(key: string, machine: Machine | undefined): void {
    const api = this.api;
    if (!api) return;
    const previous = this.indexed.get(key);
    if (previous?.providerID && api.machineByProviderId.get(previous.providerID) === key) {
      api.machineByProviderId.delete(previous.providerID);
    }
    for (const ip of previous?.ips ?? []) if (api.machineByIp.get(ip) === key) api.machineByIp.delete(ip);
    if (!machine) {
      this.indexed.delete(key);
      return;
    }
    const entry = { providerID: machine.spec?.providerID, ips: internalIps(machine.status?.addresses) };
    this.indexed.set(key, entry);
    if (entry.providerID) api.machineByProviderId.set(entry.providerID, key);
    for (const ip of entry.ips) api.machineByIp.set(ip, key);
    // a Machine that just got its addresses may match a Node that registered before
    if (!machine.status?.nodeRef && (entry.providerID || entry.ips.length > 0)) {
      const changed = JSON.stringify(previous) !== JSON.stringify(entry);
      if (changed) api.queue.add(machineKey(key));
    }
  }

  private onHost(event: WatchEvent): void {
    const api = this.api;
    if (!api || event.type === 'DELETED') return;
    const host = event.object as BareMetalHost;
    const hostKey = objectKeyOf(host.metadata.namespace, host.metadata.name);
    const ref = host.spec?.consumerRef;
    if (ref?.kind === 'Machine' && ref.name) {
      api.queue.add(machineKey(objectKeyOf(ref.namespace ?? host.metadata.namespace, ref.name)));
    }
    if (api.releasing.has(hostKey)) finishRelease(api, hostKey);
    if (!ref && ['ready', 'available'].includes(stateOf(host)) && !host.status?.errorMessage) {
      for (const waiting of api.waitingForHost) api.queue.add(machineKey(waiting));
    }
  }

  private onNode(event: WatchEvent): void {
    const api = this.api;
    if (!api || event.type === 'DELETED') return;
    const node = event.object;
    const linked = node.metadata.annotations?.[ANNOTATION_NODE_MACHINE];
    if (!linked) {
      api.queue.add(nodeKey(node.metadata.name));
      return;
    }
    // readiness of a linked node counts in its MachineSet's readyReplicas
    const { namespace, name } = splitKey(linked);
    const machine = api.ctx.store.get(api.types.machines, namespace, name);
    for (const owner of machine?.metadata.ownerReferences ?? []) {
      if (owner.kind === 'MachineSet') api.queue.add(machineSetKey(objectKeyOf(namespace, owner.name)));
    }
  }
}
