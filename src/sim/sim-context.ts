/** A SimContext from a seed: the one place that wires store, clock, logs and live hosts together. */
import { createSimClock } from './clock.js';
import type { SimContext } from './context.js';
import { createSimHosts } from './hosts.js';
import { ObjectStore } from './kube/store.js';
import { LogBook } from './linelog.js';
import type { ClusterSeed } from './seed.js';
import { DEFAULT_SIM_SPEED } from './timings.js';

export function createSimContext(opts: {
  seed: ClusterSeed;
  signal: AbortSignal;
  store?: ObjectStore;
  speed?: number;
}): SimContext {
  const { seed } = opts;
  return {
    version: seed.version,
    seed,
    store: opts.store ?? new ObjectStore(),
    clock: createSimClock(opts.speed ?? DEFAULT_SIM_SPEED),
    network: seed.network,
    podLogs: new LogBook(),
    consoles: new LogBook(),
    hosts: createSimHosts(seed.hosts, seed.network),
    signal: opts.signal,
  };
}
