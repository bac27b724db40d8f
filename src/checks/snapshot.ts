/**
 * Everything diagnose reads from the cluster, fetched once: one list per resource type (whatever
 * the number of hosts) and the MCS pods' logs, with a bound on concurrent requests. Reads that
 * fail stay in the snapshot as Unavailable values, so each check can say what it could not see.
 */
import { RESOURCES } from '../sources/resources.js';
import type { ClusterSource, KubeObject, Read, ResourceRef } from '../sources/types.js';

import { KUBE_SYSTEM_NAMESPACE, MAPI_NAMESPACE, MCO_NAMESPACE, MCS_NAME } from '../core/names.js';

// The names as the checks have always spelled them; one definition, in core/names.ts.
export { MCO_NAMESPACE, MAPI_NAMESPACE as MACHINE_API_NAMESPACE };
export const MCS_LABEL = MCS_NAME;
export const MCS_CONTAINER = MCS_NAME;

export interface PodLogs {
  pod: string;
  current: Read<string>;
  previous?: Read<string>;
}

export interface Snapshot {
  source: ClusterSource;
  clusterVersions: Read<KubeObject[]>;
  infrastructures: Read<KubeObject[]>;
  clusterOperators: Read<KubeObject[]>;
  nodes: Read<KubeObject[]>;
  csrs: Read<KubeObject[]>;
  daemonSets: Read<KubeObject[]>;
  mcoPods: Read<KubeObject[]>;
  mcoConfigMaps: Read<KubeObject[]>;
  kubeSystemConfigMaps: Read<KubeObject[]>;
  /** Cluster-wide when allowed; else the two namespaces that matter most. */
  secrets: Read<KubeObject[]>;
  secretsScope: 'cluster' | 'namespaces';
  bareMetalHosts: Read<KubeObject[]>;
  machines: Read<KubeObject[]>;
  machineSets: Read<KubeObject[]>;
  machineApiEvents: Read<KubeObject[]>;
  mcsLogs: PodLogs[];
}

/** Runs tasks with at most `limit` in flight. */
export async function bounded<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

export async function gatherSnapshot(
  source: ClusterSource,
  onProgress?: (what: string) => void,
): Promise<Snapshot> {
  const list = (ref: ResourceRef, ns?: string) => () => {
    onProgress?.(`reading ${ref.plural}${ns ? ` in ${ns}` : ''}`);
    return source.list(ref, ns);
  };
  // The first read goes alone: on a live source it tells at once whether the API can be reached.
  const clusterVersions = await source.list(RESOURCES.clusterVersions);
  // The MCS pods and their logs go first and alongside the lists: the logs are the slowest read.
  const podsAndLogs = (async () => {
    const pods = await source.list(RESOURCES.pods, MCO_NAMESPACE);
    const mcsPods = pods.ok ? pods.value.filter(isMcsPod) : [];
    onProgress?.('reading machine-config-server logs');
    const logs = await bounded(
      6,
      mcsPods.map((pod) => async (): Promise<PodLogs> => {
        const name = pod.metadata.name;
        const restarts = containerStatus(pod, MCS_CONTAINER)?.restartCount ?? 0;
        const [current, previous] = await Promise.all([
          source.podLog(MCO_NAMESPACE, name, MCS_CONTAINER),
          restarts > 0 ? source.podLog(MCO_NAMESPACE, name, MCS_CONTAINER, { previous: true }) : undefined,
        ]);
        return { pod: name, current, previous };
      }),
    );
    return { pods, logs };
  })();
  const [
    [
      infrastructures,
      clusterOperators,
      nodes,
      csrs,
      daemonSets,
      mcoConfigMaps,
      kubeSystemConfigMaps,
      allSecrets,
      bareMetalHosts,
      machines,
      machineSets,
      machineApiEvents,
    ],
    { pods: mcoPods, logs: mcsLogs },
  ] = await Promise.all([
    bounded(6, [
      list(RESOURCES.infrastructures),
      list(RESOURCES.clusterOperators),
      list(RESOURCES.nodes),
      list(RESOURCES.csrs),
      list(RESOURCES.daemonSets, MCO_NAMESPACE),
      list(RESOURCES.configMaps, MCO_NAMESPACE),
      list(RESOURCES.configMaps, KUBE_SYSTEM_NAMESPACE),
      list(RESOURCES.secrets),
      list(RESOURCES.bareMetalHosts),
      list(RESOURCES.machines, MAPI_NAMESPACE),
      list(RESOURCES.machineSets, MAPI_NAMESPACE),
      list(RESOURCES.events, MAPI_NAMESPACE),
    ]),
    podsAndLogs,
  ]);
  let secrets = allSecrets!;
  let secretsScope: Snapshot['secretsScope'] = 'cluster';
  if (!secrets.ok && secrets.reason === 'forbidden') {
    // A namespaced role may still read the secrets that decide a join.
    const [mco, mapi] = await Promise.all([
      source.list(RESOURCES.secrets, MCO_NAMESPACE),
      source.list(RESOURCES.secrets, MAPI_NAMESPACE),
    ]);
    secretsScope = 'namespaces';
    if (mco.ok || mapi.ok) {
      secrets = { ok: true, value: [...(mco.ok ? mco.value : []), ...(mapi.ok ? mapi.value : [])] };
    }
  }

  return {
    source,
    clusterVersions,
    infrastructures: infrastructures!,
    clusterOperators: clusterOperators!,
    nodes: nodes!,
    csrs: csrs!,
    daemonSets: daemonSets!,
    mcoPods,
    mcoConfigMaps: mcoConfigMaps!,
    kubeSystemConfigMaps: kubeSystemConfigMaps!,
    secrets,
    secretsScope,
    bareMetalHosts: bareMetalHosts!,
    machines: machines!,
    machineSets: machineSets!,
    machineApiEvents: machineApiEvents!,
    mcsLogs,
  };
}

export function isMcsPod(pod: KubeObject): boolean {
  return (
    pod.metadata.labels?.['k8s-app'] === MCS_LABEL ||
    (pod.metadata.name.startsWith('machine-config-server-') && !pod.metadata.labels?.['k8s-app'])
  );
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, { reason?: string; message?: string; exitCode?: number; startedAt?: string }>;
  lastState?: Record<string, { reason?: string; message?: string; exitCode?: number; finishedAt?: string }>;
}

export function containerStatus(pod: KubeObject, container: string): ContainerStatus | undefined {
  const statuses = (pod as { status?: { containerStatuses?: ContainerStatus[] } }).status?.containerStatuses;
  return statuses?.find((c) => c.name === container);
}

/** The items of a read, or an empty list when it failed (the caller reports the failure separately). */
export function itemsOf(read: Read<KubeObject[]>): KubeObject[] {
  return read.ok ? read.value : [];
}
