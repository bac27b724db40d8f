/** What the Machine API controllers share: the context, types, indexes and write helpers. */
import type { SimContext } from '../../context.js';
import { isoSeconds } from '../../kube/store.js';
import type { KubeObject, ResourceType } from '../../kube/types.js';
import type { LineLog } from '../../linelog.js';
import type { WorkQueue } from '../metal3/work-queue.js';

export interface MachineApiTypes {
  machines: ResourceType;
  machineSets: ResourceType;
  hosts: ResourceType;
  nodes: ResourceType;
}

export interface MachineApi {
  ctx: SimContext;
  types: MachineApiTypes;
  queue: WorkQueue;
  log: LineLog | undefined;
  /** Machines by spec.providerID and by InternalIP (nodelink's lookups). */
  machineByProviderId: Map<string, string>;
  machineByIp: Map<string, string>;
  /** Machines that found no host, woken when a host becomes free. */
  waitingForHost: Set<string>;
  /** Hosts whose Machine was deleted: consumerRef is cleared once they are deprovisioned. */
  releasing: Map<string, string>;
}

export const machineKey = (key: string): string => `machine|${key}`;
export const machineSetKey = (key: string): string => `machineset|${key}`;
export const nodeKey = (name: string): string => `node|${name}`;

/** Writes what changed: metadata/spec through the main resource, status through /status. */
export function writeChanges(
  api: MachineApi,
  t: ResourceType,
  before: KubeObject,
  after: KubeObject,
  opts: { stampStatus?: boolean } = {},
): KubeObject {
  const store = api.ctx.store;
  let written = before;
  const { status: statusBefore, ...restBefore } = before;
  const { status: statusAfter, ...restAfter } = after;
  if (JSON.stringify(restBefore) !== JSON.stringify(restAfter)) {
    const meta = { ...after.metadata };
    delete meta.resourceVersion;
    written = store.update(t, { ...after, metadata: meta });
  }
  if (
    t.subresources.includes('status') &&
    JSON.stringify(statusBefore ?? {}) !== JSON.stringify(statusAfter ?? {})
  ) {
    const status = { ...(statusAfter as Record<string, unknown>) };
    if (opts.stampStatus) status.lastUpdated = isoSeconds(new Date());
    const meta = { ...written.metadata };
    delete meta.resourceVersion;
    written = store.update(t, { ...written, metadata: meta, status }, { subresource: 'status' });
  }
  return written;
}
