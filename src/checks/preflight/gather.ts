/**
 * Everything preflight predicts from, read and probed once: diagnose's snapshot and facts (the
 * waiting hosts and every --host selected, their BMC clocks read), the pools and the
 * machine-approver, then the fetches: each pointer new hosts will get (now, and just after the
 * served chain expires when that is near), each waiting host's pointer at its BMC clock, and
 * /healthz through the api-int name, the API VIPs and each MCS pod. Every fetch is workerFetch,
 * the code `probe` runs, with the boot image's Ignition headers and error wording.
 */
import { InputError } from '../../core/errors.js';
import {
  ignitionAcceptsSpec,
  ignitionWrapsVerifyErrors,
  maxStableSpec,
  minimumIgnitionFor,
} from '../../ignition/compat.js';
import type { PointerConfig } from '../../ignition/types.js';
import type { CertInfo } from '../../pki/types.js';
import { FetchDeadline } from '../../probes/deadline.js';
import { ProbeFailure } from '../../probes/failure.js';
import { workerFetch } from '../../probes/fetch.js';
import { IGNITION_FINAL } from '../../probes/go-errors.js';
import { acceptForSpec, markedUserAgent } from '../../probes/ignition-client.js';
import { readBmcClock, type BmcClock } from '../../probes/redfish.js';
import { canonicalHostName, resolveHost } from '../../probes/resolve.js';
import { acceptedByIgnition } from '../../probes/served-config.js';
import { urlHost } from '../../probes/url.js';
import type { ClusterSource, KubeObject, Read, ResourceRef } from '../../sources/types.js';
import { clockOffsetText } from '../facts/clock.js';
import { hostFacts, type HostFacts } from '../facts/hosts.js';
import { bmcRequestOf, buildFacts, pointerAnchors, pointerUrl, type Facts } from '../facts/index.js';
import { machineUserDataRef } from '../facts/machine-user-data.js';
import { bounded, gatherSnapshot, itemsOf, MACHINE_API_NAMESPACE } from '../snapshot.js';
import { isIP } from 'node:net';
import { bootImageIgnition } from './boot-image.js';
import type {
  ApiIntResolution,
  HealthzProbe,
  PointerPrediction,
  PoolFacts,
  PredictedFetch,
  PreflightFacts,
  PreflightOptions,
  WaitingHost,
} from './types.js';

export const APPROVER_NAMESPACE = 'openshift-cluster-machine-approver';
export const MCS_PORT = 22623;

const mco = (kind: string, plural: string): ResourceRef => ({
  group: 'machineconfiguration.openshift.io',
  version: 'v1',
  kind,
  plural,
  namespaced: false,
});
export const MACHINE_CONFIG_POOLS = mco('MachineConfigPool', 'machineconfigpools');
export const MACHINE_CONFIGS = mco('MachineConfig', 'machineconfigs');
const PODS: ResourceRef = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };
const CONFIG_MAPS: ResourceRef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};

/** BareMetalHost states before a first boot with user-data (metal3 host_state_machine.go). */
export const WAITING_STATES: ReadonlySet<string> = new Set([
  '',
  'registering',
  'inspecting',
  'match profile',
  'ready',
  'available',
  'preparing',
  'provisioning',
]);

/** A worker host that has not booted its user-data yet: it is still to meet what preflight predicts. */
export function isWaiting(h: HostFacts): boolean {
  return h.role !== 'master' && WAITING_STATES.has(h.state) && !h.node;
}

/** `/config/worker` -> `worker`. */
export function poolOfUrl(url: string | undefined): string | undefined {
  try {
    return url ? /^\/config\/([^/]+)$/.exec(new URL(url).pathname)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

/** The MCS answers new nodes with spec's rendered config once a node runs it, else status's (cluster_server.go). */
export function servedRenderedConfig(pool: KubeObject): string | undefined {
  const p = pool as {
    spec?: { configuration?: { name?: string } };
    status?: { configuration?: { name?: string }; updatedMachineCount?: number };
  };
  return (p.status?.updatedMachineCount ?? 0) > 0
    ? p.spec?.configuration?.name
    : p.status?.configuration?.name;
}

/** Why this Ignition refuses the pointer before fetching anything, as probe decides it. */
export function pointerRefusal(pointer: PointerConfig, ignition: string): string | undefined {
  if (pointer.major === 2)
    return `the pointer config is spec ${pointer.specVersion}: Ignition ${ignition} accepts only spec 3 and fetches nothing`;
  if (ignitionAcceptsSpec(ignition, pointer.specVersion)) return undefined;
  const needs = minimumIgnitionFor(pointer.specVersion);
  return `the pointer config is spec ${pointer.specVersion}, which Ignition ${ignition} does not accept (its newest is ${maxStableSpec(ignition)})${needs ? `; it needs Ignition ${needs} or newer` : ''}`;
}

/** The request a worker's Ignition of this release sends, as probe sends it. */
export function ignitionRequest(ignition: string): {
  accept: string;
  userAgent: string;
  goVerifyErrorPrefix: boolean;
} {
  return {
    accept: acceptForSpec(maxStableSpec(ignition)),
    userAgent: markedUserAgent(`Ignition/${ignition}`),
    goVerifyErrorPrefix: ignitionWrapsVerifyErrors(ignition),
  };
}

function dedupeCerts(certs: CertInfo[]): CertInfo[] {
  const seen = new Set<string>();
  return certs.filter((c) => !seen.has(c.fingerprintSha256) && seen.add(c.fingerprintSha256));
}

export async function gatherPreflight(
  source: ClusterSource,
  options: PreflightOptions,
): Promise<PreflightFacts> {
  const progress = options.onProgress ?? (() => {});
  // A must-gather has no network behind it: nothing is probed, no BMC is read.
  const live = source.kind === 'live';
  const readBmc = options.bmc && live;
  const snapshot = await gatherSnapshot(source, progress);
  progress('reading machine config pools and the machine-approver');
  const [machineConfigPools, machineConfigs, approverPods, approverConfigMaps] = await Promise.all([
    source.list(MACHINE_CONFIG_POOLS),
    source.list(MACHINE_CONFIGS),
    source.list(PODS, APPROVER_NAMESPACE),
    source.list(CONFIG_MAPS, APPROVER_NAMESPACE),
  ]);

  // The hosts still to boot, and every --host: diagnose's selection by name.
  const all = hostFacts(
    itemsOf(snapshot.bareMetalHosts),
    itemsOf(snapshot.machines),
    itemsOf(snapshot.nodes),
    itemsOf(snapshot.csrs),
    itemsOf(snapshot.machineApiEvents),
  );
  const names = [
    ...new Set([
      ...all
        .filter((h) => isWaiting(h) && (!options.namespace || h.namespace === options.namespace))
        .map((h) => h.name),
      ...(options.hosts ?? []),
    ]),
  ];
  const base = await buildFacts(snapshot, {
    hosts: names,
    namespace: options.namespace,
    bmc: readBmc && names.length > 0 ? 'always' : 'never',
    probe: false,
    resolve: options.resolve,
    expiryWarningDays: options.expiryWarningDays,
    now: options.now,
    probeTimeoutMs: options.probeTimeoutMs,
    onProgress: progress,
  });
  const facts: Facts = names.length > 0 ? base : { ...base, selected: [] };
  const bootImage = bootImageIgnition(itemsOf(snapshot.mcoConfigMaps), options.ignitionVersion);
  const ignition = bootImage.ignitionVersion;
  const request = ignitionRequest(ignition);
  const now = options.now;

  // The user-data secrets new hosts will get: the MachineSets', the waiting hosts' own, and the
  // worker pool's default when nothing names a worker pointer.
  const usedBy = new Map<string, string[]>();
  const use = (key: string, who: string): void => {
    usedBy.set(key, [...(usedBy.get(key) ?? []), who]);
  };
  const machineSetRefs = new Map<string, string[]>();
  for (const ms of itemsOf(snapshot.machineSets)) {
    const ref = machineUserDataRef(ms);
    if (!ref) continue;
    const key = `${ref.namespace}/${ref.name}`;
    use(key, `MachineSet ${ms.metadata.name}`);
    const ns = ms.metadata.namespace ?? MACHINE_API_NAMESPACE;
    machineSetRefs.set(ns, [...new Set([...(machineSetRefs.get(ns) ?? []), key])]);
  }
  for (const h of facts.selected) {
    if (h.userDataRef) use(`${h.userDataRef.namespace}/${h.userDataRef.name}`, `BareMetalHost ${h.name}`);
  }
  const defaultWorkerKey = facts.userData.has(`${MACHINE_API_NAMESPACE}/worker-user-data-managed`)
    ? `${MACHINE_API_NAMESPACE}/worker-user-data-managed`
    : `${MACHINE_API_NAMESPACE}/worker-user-data`;
  const urlOf = (key: string): string | undefined => {
    const p = facts.userData.get(key)?.pointer;
    return p ? pointerUrl(p) : undefined;
  };
  if (![...usedBy.keys()].some((k) => poolOfUrl(urlOf(k)) === 'worker'))
    use(defaultWorkerKey, 'the worker pool (default user-data)');

  const pointers: PointerPrediction[] = [...usedBy].map(([key, who]) => {
    const secret = facts.userData.get(key);
    const url = secret?.pointer ? pointerUrl(secret.pointer) : undefined;
    const problem = !secret
      ? `secret ${key} ${snapshot.secrets.ok ? 'does not exist' : `could not be read: ${snapshot.secrets.message}`}`
      : !secret.pointer
        ? secret.problem
        : !url
          ? `${secret.ref} names no config to fetch (no merge or replace source)`
          : undefined;
    return { key, secret, usedBy: who, url, pool: poolOfUrl(url), problem };
  });

  /** One fetch as the worker's Ignition does it, at `at`. */
  const predict = async (pointer: PointerConfig, url: string, at: Date): Promise<PredictedFetch> => {
    const refused = pointerRefusal(pointer, ignition);
    // With the boot image's Ignition assumed, not known, a spec some newer Ignition accepts is
    // no verdict: a 4.19 cluster's own MCO writes spec 3.5.0, which its own boot image takes.
    if (refused && bootImage.from === 'default' && minimumIgnitionFor(pointer.specVersion))
      return {
        verdict: 'unknown',
        at,
        why: `${refused}, if the boot image's Ignition is ${ignition}; ${bootImage.detail}`,
      };
    if (refused) return { verdict: 'fail', final: IGNITION_FINAL.unsupportedVersion, at, why: refused };
    const name = urlHost(url) ?? '';
    const total = pointer.timeouts.httpTotal;
    try {
      const result = await workerFetch({
        url,
        anchors: pointerAnchors(pointer),
        at,
        resolve: options.resolve,
        timeoutMs: options.probeTimeoutMs,
        totalTimeoutMs: Math.min(total ? total * 1000 : Infinity, options.probeTimeoutMs * 3),
        accept: request.accept,
        userAgent: request.userAgent,
        goVerifyErrorPrefix: request.goVerifyErrorPrefix,
      });
      const line =
        result.ignitionError ?? (result.http ? `GET result: ${result.http.statusText}` : undefined);
      if (result.reason === 'dns-error' && !isIP(name) && !options.resolve?.has(canonicalHostName(name))) {
        return {
          verdict: 'unknown',
          at,
          result,
          why: `this machine cannot resolve ${name} (${line ?? result.detail ?? 'no answer'}), and the workers ask their own DNS: give --resolve ${name}:<IP>`,
        };
      }
      const ok = acceptedByIgnition(result, ignition);
      return {
        verdict: ok ? 'ok' : 'fail',
        line,
        final: ok ? 'Ignition finished successfully' : (result.ignitionFinal ?? IGNITION_FINAL.timeout),
        at,
        result,
      };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return { verdict: 'fail', final: IGNITION_FINAL.failed, at, why: err.message };
    }
  };

  // Hosts: their BMC (diagnose read it; a host BMO could not register is read here too) and clock.
  const secrets = itemsOf(snapshot.secrets);
  const waiting: WaitingHost[] = await bounded(
    8,
    facts.selected.map((h) => async (): Promise<WaitingHost> => {
      let bmc: BmcClock | undefined = facts.clockOf(h).bmc;
      if (!bmc && readBmc) {
        const req = bmcRequestOf(h, secrets, facts.cluster.version, options.probeTimeoutMs);
        bmc = 'access' in req ? await readBmcClock(req) : req;
      }
      const clock: WaitingHost['clock'] = bmc?.ok
        ? {
            at: new Date(now.getTime() + bmc.offsetMs),
            source: 'bmc',
            detail: `BMC ${bmc.manager} DateTime ${bmc.dateTime} (${clockOffsetText(bmc.offsetMs, 'live')})`,
          }
        : {
            at: now,
            source: 'this-machine',
            detail: readBmc
              ? `its BMC clock could not be read (${bmc?.message ?? 'no BMC'}): this machine's clock stands in`
              : live
                ? "--no-bmc: this machine's clock stands in for its BMC's"
                : 'a must-gather holds no BMC clock',
          };
      return { host: h, bmc, clock, predictions: [] };
    }),
  );

  // Fetches: every pointer now, each waiting host's at its clock, /healthz everywhere.
  const tasks: Array<() => Promise<void>> = [];
  for (const p of pointers) {
    const pointer = p.secret?.pointer;
    if (!pointer || !p.url || p.problem) continue;
    tasks.push(async () => {
      p.now = await predict(pointer, p.url!, now);
      const chain = p.now.result?.chain ?? [];
      if (chain.length === 0) return;
      const firstEnd = Math.min(...chain.map((c) => c.notAfter.getTime()));
      if (firstEnd - now.getTime() < options.expiryWarningDays * 86_400_000 && firstEnd > now.getTime())
        p.atExpiry = await predict(pointer, p.url!, new Date(firstEnd + 1000));
    });
  }
  for (const w of waiting) {
    const h = w.host;
    const keys = h.userDataRef
      ? [`${h.userDataRef.namespace}/${h.userDataRef.name}`]
      : (machineSetRefs.get(h.namespace) ?? [defaultWorkerKey]);
    for (const key of keys) {
      const pointer = facts.userData.get(key)?.pointer;
      const url = pointer ? pointerUrl(pointer) : undefined;
      const slot = { key, fetch: { verdict: 'unknown', at: w.clock.at } as PredictedFetch };
      w.predictions.push(slot);
      if (!pointer || !url) {
        slot.fetch.why = pointers.find((p) => p.key === key)?.problem ?? `secret ${key} holds no pointer`;
        continue;
      }
      tasks.push(async () => {
        slot.fetch = await predict(pointer, url, w.clock.at);
      });
    }
  }

  const apiIntName = facts.cluster.apiIntHost;
  const apiInt: ApiIntResolution = { name: apiIntName, addresses: [] };
  if (apiIntName && live) {
    try {
      const r = await resolveHost(
        apiIntName,
        { overrides: options.resolve, timeoutMs: options.probeTimeoutMs },
        new FetchDeadline(),
      );
      apiInt.addresses = r.addresses;
      apiInt.source = r.source;
    } catch (err) {
      if (!(err instanceof ProbeFailure)) throw err;
      apiInt.error = err.goError;
    }
  }
  const port = pointers.map((p) => (p.url ? Number(new URL(p.url).port || 443) : 0)).find((n) => n > 0);
  const mcsPort = port ?? MCS_PORT;
  const healthAnchors = dedupeCerts([
    ...facts.caSources.flatMap((s) => s.certs),
    ...pointers.flatMap((p) => (p.secret?.pointer ? pointerAnchors(p.secret.pointer) : [])),
  ]);
  const hostPart = (h: string): string => (h.includes(':') ? `[${h}]` : h);
  const healthz: HealthzProbe[] = [];
  if (apiIntName) {
    const url = `https://${apiIntName}:${mcsPort}/healthz`;
    healthz.push(
      apiInt.addresses.length > 0
        ? { via: 'api-int name', url, address: apiInt.addresses[0] }
        : {
            via: 'api-int name',
            url,
            skipped: `this machine cannot resolve ${apiIntName}${apiInt.error ? ` (${apiInt.error})` : ''}: give --resolve ${apiIntName}:<IP> as the workers' DNS answers`,
          },
    );
  }
  for (const vip of facts.cluster.apiVips)
    healthz.push({ via: 'API VIP', url: `https://${hostPart(vip)}:${mcsPort}/healthz`, address: vip });
  for (const pod of facts.mcs.pods) {
    if (!pod.ip) {
      healthz.push({ via: `pod ${pod.name}`, url: '', skipped: 'the pod has no address' });
      continue;
    }
    // Through the api-int name, so the certificate is checked for the name workers use.
    const name = apiIntName ?? pod.ip;
    healthz.push({
      via: `pod ${pod.name}`,
      url: `https://${hostPart(name)}:${mcsPort}/healthz`,
      address: pod.ip,
    });
  }
  for (const probe of healthz) {
    if (probe.skipped || !probe.address) continue;
    tasks.push(async () => {
      const target = urlHost(probe.url) ?? '';
      const resolve = new Map(options.resolve ?? []);
      if (!isIP(target)) resolve.set(canonicalHostName(target), probe.address!);
      try {
        probe.result = await workerFetch({
          url: probe.url,
          anchors: healthAnchors,
          at: now,
          resolve,
          timeoutMs: options.probeTimeoutMs,
          totalTimeoutMs: options.probeTimeoutMs * 2,
          userAgent: request.userAgent,
          goVerifyErrorPrefix: request.goVerifyErrorPrefix,
        });
      } catch (err) {
        probe.error = err instanceof Error ? err.message : String(err);
      }
    });
  }
  if (!live) tasks.length = 0;
  progress(
    `probing the Machine Config Server (${tasks.length} fetch${tasks.length === 1 ? '' : 'es'}) as Ignition ${ignition}`,
  );
  await bounded(8, tasks);

  const pools = poolFacts(pointers, machineConfigPools, machineConfigs);
  return {
    facts,
    options,
    bootImage,
    pointers,
    pools,
    waiting,
    healthz,
    apiInt,
    machineConfigPools,
    machineConfigs,
    approverPods,
    approverConfigMaps,
  };
}

function poolFacts(
  pointers: PointerPrediction[],
  pools: Read<KubeObject[]>,
  configs: Read<KubeObject[]>,
): PoolFacts[] {
  const names = [...new Set(['worker', ...pointers.map((p) => p.pool).filter((n): n is string => !!n)])];
  return names.map((name) => {
    const pool = pools.ok ? pools.value.find((p) => p.metadata.name === name) : undefined;
    const served = pool ? servedRenderedConfig(pool) : undefined;
    const conditions =
      (
        pool as
          | {
              status?: {
                conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
              };
            }
          | undefined
      )?.status?.conditions ?? [];
    return {
      name,
      pool,
      served,
      servedExists: served && configs.ok ? configs.value.some((c) => c.metadata.name === served) : undefined,
      conditions,
      usedBy: pointers.filter((p) => p.pool === name).map((p) => p.key),
    };
  });
}
