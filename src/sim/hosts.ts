/** The live worker machines of a simulated cluster, built from their seeds. */
import { HostClock } from './clock.js';
import type { PowerState, SimHost } from './context.js';
import type { SimNetwork } from './network.js';
import type { HostSeed } from './seed.js';

export function createSimHost(seed: HostSeed, network: SimNetwork): SimHost {
  const listeners = new Set<(state: PowerState, reason: string) => void>();
  const host: SimHost = {
    seed,
    name: seed.name,
    ip: network.hostIp(seed.index),
    clock: new HostClock(seed.clockOffsetMs),
    power: seed.poweredOn ? 'On' : 'Off',
    configDrive: seed.configDrive,
    setPower(state, reason) {
      host.power = state;
      for (const l of listeners) {
        try {
          l(state, reason);
        } catch {
          // a listener's failure is its own
        }
      }
    },
    onPower(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return host;
}

export function createSimHosts(seeds: HostSeed[], network: SimNetwork): Map<string, SimHost> {
  return new Map(seeds.map((s) => [s.name, createSimHost(s, network)]));
}
