/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns
 * `kubectl get` shows for each type, computed from the objects as the real printers and the
 * CRDs' additionalPrinterColumns do. kubectl prints the cells as given.
 */
import type { KubeObject, ResourceType } from '../kube/types.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number;
  cell: (obj: KubeObject, now: Date) => string | number;
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const s = (o: KubeObject): Any => (o.status ?? {}) as Any;
const sp = (o: KubeObject): Any => (o.spec ?? {}) as Any;

/** k8s.io/apimachinery duration.HumanDuration, what AGE columns show. */
export function humanDuration(ms: number): string {
  if (ms < 0) return '<invalid>';
  const sec = Math.floor(ms / 1000);
  if (sec < 120) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 10) return sec % 60 === 0 ? `${min}m` : `${min}m${sec % 60}s`;
  if (min < 180) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 8) return min % 60 === 0 ? `${h}h` : `${h}h${min % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (d < 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

function age(o: KubeObject, now: Date): string {
  const created = Date.parse(o.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now.getTime() - created);
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const AGE: Column = { name: 'Age', type: 'string', cell: age };

function condition(o: KubeObject, type: string): string {
  const c = ((s(o).conditions ?? []) as Any[]).find((x) => x.type === type);
  return c ? String(c.status) : '';
}

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  for (const c of (s(o).containerStatuses ?? []) as Any[]) {
    const waiting = c.state?.waiting?.reason;
    if (waiting) return String(waiting);
    const terminated = c.state?.terminated?.reason;
    if (terminated) return String(terminated);
  }
  return String(s(o).phase ?? 'Unknown');
}

function podReady(o: KubeObject): string {
  const statuses = (s(o).containerStatuses ?? []) as Any[];
  const total = ((sp(o).containers ?? []) as Any[]).length || statuses.length;
  return `${statuses.filter((c) => c.ready).length}/${total}`;
}

function nodeStatus(o: KubeObject): string {
  const ready = condition(o, 'Ready');
  const base = ready === 'True' ? 'Ready' : ready === 'False' ? 'NotReady' : 'Unknown';
  return sp(o).unschedulable ? `${base},SchedulingDisabled` : base;
}

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .sort();
  return roles.length ? roles.join(',') : '<none>';
}

function csrCondition(o: KubeObject): string {
  const types = ((s(o).conditions ?? []) as Any[]).map((c) => String(c.type));
  if (types.length === 0) return 'Pending';
  if (s(o).certificate) types.push('Issued');
  return types.join(',');
}

function coSince(o: KubeObject, now: Date): string {
  const times = ((s(o).conditions ?? []) as Any[])
    .map((c) => Date.parse(String(c.lastTransitionTime ?? '')))
    .filter((t) => !Number.isNaN(t));
  return times.length ? humanDuration(now.getTime() - Math.max(...times)) : '';
}

const TABLES: Record<string, Column[]> = {
  pods: [
    NAME,
    { name: 'Ready', type: 'string', cell: podReady },
    { name: 'Status', type: 'string', cell: podStatus },
    {
      name: 'Restarts',
      type: 'string',
      cell: (o) =>
        String(
          ((s(o).containerStatuses ?? []) as Any[]).reduce((n, c) => n + Number(c.restartCount ?? 0), 0),
        ),
    },
    AGE,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => String(s(o).podIP ?? '<none>') },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => String(sp(o).nodeName ?? '<none>') },
  ],
  nodes: [
    NAME,
    { name: 'Status', type: 'string', cell: nodeStatus },
    { name: 'Roles', type: 'string', cell: nodeRoles },
    AGE,
    { name: 'Version', type: 'string', cell: (o) => String(s(o).nodeInfo?.kubeletVersion ?? '') },
    {
      name: 'Internal-IP',
      type: 'string',
      priority: 1,
      cell: (o) =>
        String(((s(o).addresses ?? []) as Any[]).find((a) => a.type === 'InternalIP')?.address ?? '<none>'),
    },
  ],
  certificatesigningrequests: [
    NAME,
    AGE,
    { name: 'SignerName', type: 'string', cell: (o) => String(sp(o).signerName ?? '') },
    { name: 'Requestor', type: 'string', cell: (o) => String(sp(o).username ?? '') },
    { name: 'RequestedDuration', type: 'string', cell: () => '<none>' },
    { name: 'Condition', type: 'string', cell: csrCondition },
  ],
  baremetalhosts: [
    NAME,
    { name: 'State', type: 'string', cell: (o) => String(s(o).provisioning?.state ?? '') },
    { name: 'Consumer', type: 'string', cell: (o) => String(sp(o).consumerRef?.name ?? '') },
    { name: 'Online', type: 'string', cell: (o) => String(sp(o).online ?? false) },
    { name: 'Error', type: 'string', cell: (o) => String(s(o).errorType ?? '') },
    AGE,
    { name: 'BMC', type: 'string', priority: 1, cell: (o) => String(sp(o).bmc?.address ?? '') },
  ],
  machines: [
    NAME,
    { name: 'Phase', type: 'string', cell: (o) => String(s(o).phase ?? '') },
    { name: 'Type', type: 'string', cell: () => '' },
    { name: 'Region', type: 'string', cell: () => '' },
    { name: 'Zone', type: 'string', cell: () => '' },
    AGE,
    { name: 'Node', type: 'string', priority: 1, cell: (o) => String(s(o).nodeRef?.name ?? '') },
    { name: 'ProviderID', type: 'string', priority: 1, cell: (o) => String(sp(o).providerID ?? '') },
  ],
  machinesets: [
    NAME,
    { name: 'Desired', type: 'integer', cell: (o) => Number(sp(o).replicas ?? 0) },
    { name: 'Current', type: 'integer', cell: (o) => Number(s(o).replicas ?? 0) },
    { name: 'Ready', type: 'integer', cell: (o) => Number(s(o).readyReplicas ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(s(o).availableReplicas ?? 0) },
    AGE,
  ],
  machineconfigpools: [
    NAME,
    { name: 'Config', type: 'string', cell: (o) => String(s(o).configuration?.name ?? '') },
    { name: 'Updated', type: 'string', cell: (o) => condition(o, 'Updated') },
    { name: 'Updating', type: 'string', cell: (o) => condition(o, 'Updating') },
    { name: 'Degraded', type: 'string', cell: (o) => condition(o, 'Degraded') },
    { name: 'MachineCount', type: 'integer', cell: (o) => Number(s(o).machineCount ?? 0) },
    { name: 'ReadyMachineCount', type: 'integer', cell: (o) => Number(s(o).readyMachineCount ?? 0) },
    { name: 'UpdatedMachineCount', type: 'integer', cell: (o) => Number(s(o).updatedMachineCount ?? 0) },
    { name: 'DegradedMachineCount', type: 'integer', cell: (o) => Number(s(o).degradedMachineCount ?? 0) },
    AGE,
  ],
  clusteroperators: [
    NAME,
    {
      name: 'Version',
      type: 'string',
      cell: (o) => String(((s(o).versions ?? []) as Any[]).find((v) => v.name === 'operator')?.version ?? ''),
    },
    { name: 'Available', type: 'string', cell: (o) => condition(o, 'Available') },
    { name: 'Progressing', type: 'string', cell: (o) => condition(o, 'Progressing') },
    { name: 'Degraded', type: 'string', cell: (o) => condition(o, 'Degraded') },
    { name: 'Since', type: 'string', cell: coSince },
    {
      name: 'Message',
      type: 'string',
      cell: (o) =>
        String(
          ((s(o).conditions ?? []) as Any[]).find((c) => c.type === 'Degraded' && c.status === 'True')
            ?.message ?? '',
        ),
    },
  ],
  secrets: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? 'Opaque') },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data ?? {}) as Any).length },
    AGE,
  ],
  configmaps: [
    NAME,
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data ?? {}) as Any).length },
    AGE,
  ],
  daemonsets: [
    NAME,
    { name: 'Desired', type: 'integer', cell: (o) => Number(s(o).desiredNumberScheduled ?? 0) },
    { name: 'Current', type: 'integer', cell: (o) => Number(s(o).currentNumberScheduled ?? 0) },
    { name: 'Ready', type: 'integer', cell: (o) => Number(s(o).numberReady ?? 0) },
    { name: 'Up-to-date', type: 'integer', cell: (o) => Number(s(o).updatedNumberScheduled ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(s(o).numberAvailable ?? 0) },
    {
      name: 'Node Selector',
      type: 'string',
      cell: (o) =>
        Object.entries((sp(o).template?.spec?.nodeSelector ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    },
    AGE,
  ],
  events: [
    {
      name: 'Last Seen',
      type: 'string',
      cell: (o, now) =>
        humanDuration(
          now.getTime() - Date.parse(String((o as Any).lastTimestamp ?? o.metadata.creationTimestamp)),
        ),
    },
    { name: 'Type', type: 'string', cell: (o) => String((o as Any).type ?? '') },
    { name: 'Reason', type: 'string', cell: (o) => String((o as Any).reason ?? '') },
    {
      name: 'Object',
      type: 'string',
      cell: (o) =>
        `${String((o as Any).involvedObject?.kind ?? '').toLowerCase()}/${String((o as Any).involvedObject?.name ?? '')}`,
    },
    { name: 'Message', type: 'string', cell: (o) => String((o as Any).message ?? '') },
  ],
};

function columnsFor(t: ResourceType): Column[] {
  return TABLES[t.plural] ?? [NAME, AGE];
}

function partialMetadata(o: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** True when the client asked for a server-side Table (kubectl get without -o json/yaml). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

export function toTable(
  t: ResourceType,
  items: readonly KubeObject[],
  meta: { resourceVersion?: string; continue?: string },
  now = new Date(),
): KubeObject {
  const columns = columnsFor(t);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { ...meta } as unknown as KubeObject['metadata'],
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: items.map((o) => ({ cells: columns.map((c) => c.cell(o, now)), object: partialMetadata(o) })),
  };
}
