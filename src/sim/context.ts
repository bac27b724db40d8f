/**
 * What every controller of the simulated cluster shares: the store, the clock, the logs and
 * consoles, the network plan, the live machines, and a signal that ends everything.
 */
import type { SimClock } from './clock.js';
import type { HostClock } from './clock.js';
import type { ObjectStore } from './kube/store.js';
import type { LogBook } from './linelog.js';
import type { SimNetwork } from './network.js';
import type { ClusterSeed, HostSeed, OpenShiftVersion } from './seed.js';

export type PowerState = 'On' | 'Off';

/** A worker machine outside the API: its power, its clock, its config drive. */
export interface SimHost {
  readonly seed: HostSeed;
  readonly name: string;
  /** The host's own address (its fetches come from here). */
  readonly ip: string;
  readonly clock: HostClock;
  power: PowerState;
  /** The pointer Ignition on the config drive; written at provisioning, never changed by the secret later. */
  configDrive?: string;
  /** Set by the BMC: Redfish base URL once it is serving. */
  bmcUrl?: string;
  /** Asks the machine to change power (BMC Reset/power actions, the BMH controller). */
  setPower(state: PowerState, reason: string): void;
  /** Called after each power change. */
  onPower(listener: (state: PowerState, reason: string) => void): () => void;
}

export interface SimContext {
  readonly version: OpenShiftVersion;
  readonly seed: ClusterSeed;
  readonly store: ObjectStore;
  readonly clock: SimClock;
  readonly network: SimNetwork;
  /** Pod container logs, keyed LogBook.podKey(ns, pod, container). */
  readonly podLogs: LogBook;
  /** Serial consoles, keyed by BMH name. */
  readonly consoles: LogBook;
  readonly hosts: Map<string, SimHost>;
  /** Aborted when the cluster stops: every timer and server ends with it. */
  readonly signal: AbortSignal;
}

/** A controller or service of the simulated cluster. */
export interface SimComponent {
  readonly name: string;
  start(ctx: SimContext): Promise<void>;
  stop(): Promise<void>;
}
