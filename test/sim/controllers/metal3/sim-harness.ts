/** A SimContext on a real ObjectStore and real SimHosts, for controller tests. */
import type { SimContext } from '../../../../src/sim/context.js';
import { ObjectStore } from '../../../../src/sim/kube/store.js';
import type { KubeObject } from '../../../../src/sim/kube/types.js';
import { planNetwork, type SimNetwork } from '../../../../src/sim/network.js';
import type { HostSeed, OpenShiftVersion } from '../../../../src/sim/seed.js';
import { createSimContext } from '../../../../src/sim/sim-context.js';

export const NS = 'openshift-machine-api';

/** Free-form object reads in assertions (status, spec of any kind). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Harness {
  ctx: SimContext;
  store: ObjectStore;
  network: SimNetwork;
  seeds: HostSeed[];
  abort(): void;
}

export function hostSeeds(count: number, extra: (i: number) => Partial<HostSeed> = () => ({})): HostSeed[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `worker-${i}`,
    index: i,
    hostname: `worker-${i}.sim.example.test`,
    clockOffsetMs: 0,
    poweredOn: false,
    bmc: { username: 'admin', password: `bmc-pw-${i}`, protocol: 'redfish' as const },
    ...extra(i),
  }));
}

export function buildHarness(
  seeds: HostSeed[],
  opts: { speed?: number; version?: OpenShiftVersion } = {},
): Harness {
  const network = planNetwork({ octet: 100 + Math.floor(Math.random() * 151) });
  const store = new ObjectStore();
  store.create(store.type('namespaces', ''), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const controller = new AbortController();
  const version = opts.version ?? '4.16';
  const ctx = createSimContext({
    seed: {
      version,
      network,
      objects: [],
      hosts: seeds,
      vip: 'forward',
      kubeCa: { certPem: '', keyPem: '' },
    },
    store,
    speed: opts.speed ?? 500,
    signal: controller.signal,
  });
  return { ctx, store, network, seeds, abort: () => controller.abort() };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function bmcSecret(name: string, username: string, password: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS },
    type: 'Opaque',
    data: { username: b64(username), password: b64(password) },
  };
}

export function userDataSecret(name: string, userData: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS },
    type: 'Opaque',
    data: { userData: b64(userData), disableTemplating: b64('true') },
  };
}

export function bmhFor(h: Harness, seed: HostSeed, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: { name: seed.name, namespace: NS, labels: { 'sim.example/rack': 'r1' } },
    spec: {
      online: true,
      bootMACAddress: `52:54:00:00:00:${(seed.index + 16).toString(16).padStart(2, '0')}`,
      bmc: {
        address: `redfish-virtualmedia+http://${h.network.bmcIp(seed.index)}:${h.network.bmcPort}/redfish/v1/Systems/437XR1138R2`,
        credentialsName: `${seed.name}-bmc-secret`,
      },
      ...spec,
    },
  };
}

/** Creates the credentials secret (the machine's own) and the BMH. */
export function addHost(h: Harness, index: number, spec: Record<string, unknown> = {}): void {
  const seed = h.seeds[index];
  if (!seed) throw new Error(`no seed ${index}`);
  h.store.create(
    h.store.type('secrets', ''),
    bmcSecret(`${seed.name}-bmc-secret`, seed.bmc.username, seed.bmc.password),
  );
  h.store.create(h.store.type('baremetalhosts', 'metal3.io'), bmhFor(h, seed, spec));
}

export function getBmh(h: Harness, name: string): Json {
  return h.store.mustGet(h.store.type('baremetalhosts', 'metal3.io'), NS, name) as Json;
}

export function events(h: Harness, name: string): { reason: string; message: string; type: string }[] {
  return h.store
    .list(h.store.type('events', ''), {
      namespace: NS,
      filter: (e) => (e.involvedObject as Json)?.name === name,
    })
    .items.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => ({ reason: e.reason as string, message: e.message as string, type: e.type as string }));
}

export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
