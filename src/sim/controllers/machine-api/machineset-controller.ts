/**
 * The MachineSet controller (machine-api-operator pkg/controller/machineset): keeps
 * spec.replicas Machines matching the selector, created from the template as `<set>-<5 chars>`
 * and owned by the set; on scale-down deletes by the delete policy (machines marked with the
 * delete-machine annotation or already failed go first, then Random/Newest/Oldest; Random by
 * default as upstream).
 */
import { randomSuffix } from '../../kube/store.js';
import { logJson } from '../metal3/controller-log.js';
import {
  ANNOTATION_DELETE_MACHINE,
  MACHINE_API_VERSION,
  selectorMatches,
  type Machine,
  type MachineSet,
} from './machine.js';
import { writeChanges, type MachineApi } from './shared.js';

const LOGGER = 'machineset-controller';

function deletePriority(m: Machine): number {
  if (m.metadata.annotations?.[ANNOTATION_DELETE_MACHINE] !== undefined) return 100;
  if (m.status?.errorReason || m.status?.phase === 'Failed') return 90;
  if (!m.status?.nodeRef) return 50;
  return 0;
}

function pickForDeletion(machines: Machine[], count: number, policy: string): Machine[] {
  const byAge = (m: Machine): number => Date.parse(m.metadata.creationTimestamp ?? '') || 0;
  const keyed = machines.map((m) => ({ m, tie: Math.random() }));
  keyed.sort((a, b) => {
    const p = deletePriority(b.m) - deletePriority(a.m);
    if (p !== 0) return p;
    if (policy === 'Newest')
      return byAge(b.m) - byAge(a.m) || b.m.metadata.name.localeCompare(a.m.metadata.name);
    if (policy === 'Oldest')
      return byAge(a.m) - byAge(b.m) || a.m.metadata.name.localeCompare(b.m.metadata.name);
    return a.tie - b.tie;
  });
  return keyed.slice(0, count).map((k) => k.m);
}

export function reconcileMachineSet(api: MachineApi, namespace: string | undefined, name: string): void {
  const store = api.ctx.store;
  const { machines: machineType, machineSets: setType } = api.types;
  const current = store.get(setType, namespace, name) as MachineSet | undefined;
  if (!current) return;
  const set = structuredClone(current);
  const selector = set.spec?.selector;
  const owned = (m: Machine): boolean =>
    !m.metadata.deletionTimestamp &&
    (selector ? selectorMatches(selector, m.metadata.labels) : false) &&
    (m.metadata.ownerReferences ?? []).every((o) => o.kind !== 'MachineSet' || o.uid === set.metadata.uid);
  let machines = store.list(machineType, { namespace, filter: (m) => owned(m) }).items as Machine[];
  const replicas = set.spec?.replicas ?? 1;
  const template = set.spec?.template ?? {};
  if (machines.length < replicas) {
    for (let i = machines.length; i < replicas; i += 1) {
      const created = store.create(machineType, {
        apiVersion: MACHINE_API_VERSION,
        kind: 'Machine',
        metadata: {
          name: `${name}-${randomSuffix(5)}`,
          namespace,
          labels: { ...(template.metadata?.labels ?? {}) },
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ownerReferences: [
            {
              apiVersion: MACHINE_API_VERSION,
              kind: 'MachineSet',
              name,
              uid: set.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: structuredClone(template.spec ?? {}),
      }) as Machine;
      machines.push(created);
      logJson(api.log, 'info', LOGGER, `Created machine ${created.metadata.name}`, { machineset: name });
    }
  } else if (machines.length > replicas) {
    const doomed = pickForDeletion(machines, machines.length - replicas, set.spec?.deletePolicy ?? 'Random');
    for (const m of doomed) {
      store.delete(machineType, namespace, m.metadata.name);
      logJson(api.log, 'info', LOGGER, `Deleted machine ${m.metadata.name}`, { machineset: name });
    }
    const gone = new Set(doomed.map((m) => m.metadata.name));
    machines = machines.filter((m) => !gone.has(m.metadata.name));
  }
  const templateLabels = template.metadata?.labels ?? {};
  const fullyLabeled = machines.filter((m) =>
    Object.entries(templateLabels).every(([k, v]) => m.metadata.labels?.[k] === v),
  ).length;
  const ready = machines.filter((m) => nodeReady(api, m)).length;
  set.status = {
    ...(set.status ?? {}),
    replicas: machines.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: set.metadata.generation ?? 1,
  };
  writeChanges(api, setType, current, set);
}

function nodeReady(api: MachineApi, m: Machine): boolean {
  const nodeName = m.status?.nodeRef?.name;
  if (!nodeName) return false;
  const node = api.ctx.store.get(api.types.nodes, undefined, nodeName);
  const conditions =
    (node?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}
