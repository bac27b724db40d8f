/**
 * machine-api-operator's nodelink controller: a Node is matched to its Machine by providerID,
 * else by an InternalIP; the Node is annotated `machine.openshift.io/machine: <ns>/<machine>`,
 * gets the Machine's spec.metadata labels and taints, and the Machine gets status.nodeRef.
 */
import type { KubeObject } from '../../kube/types.js';
import { objectKeyOf, splitKey } from '../metal3/work-queue.js';
import { ANNOTATION_NODE_MACHINE, internalIps, type Machine } from './machine.js';
import { writeChanges, type MachineApi } from './shared.js';

interface NodeLike extends KubeObject {
  spec?: { providerID?: string; taints?: { key: string; value?: string; effect: string }[] };
  status?: { addresses?: { type: string; address: string }[] };
}

function nodeIps(node: NodeLike): string[] {
  return (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
}

/** The node-side update: annotation, labels and taints from the Machine. */
function annotateNode(api: MachineApi, node: NodeLike, machine: Machine): void {
  const next = structuredClone(node);
  const annotations = (next.metadata.annotations ??= {});
  annotations[ANNOTATION_NODE_MACHINE] = objectKeyOf(machine.metadata.namespace, machine.metadata.name);
  const labels = machine.spec?.metadata?.labels;
  if (labels && Object.keys(labels).length > 0)
    next.metadata.labels = { ...(next.metadata.labels ?? {}), ...labels };
  for (const taint of machine.spec?.taints ?? []) {
    const spec = (next.spec ??= {});
    const taints = (spec.taints ??= []);
    if (!taints.some((t) => t.key === taint.key && t.effect === taint.effect)) taints.push({ ...taint });
  }
  writeChanges(api, api.types.nodes, node, next);
}

/** From the Machine's side (the caller writes the Machine): finds its Node and links both. */
export function linkMachineToNode(api: MachineApi, machine: Machine): void {
  const nodes = api.ctx.store.list(api.types.nodes).items as NodeLike[];
  const providerID = machine.spec?.providerID;
  const ips = new Set(internalIps(machine.status?.addresses));
  const node =
    (providerID ? nodes.find((n) => n.spec?.providerID === providerID) : undefined) ??
    nodes.find((n) => nodeIps(n).some((ip) => ips.has(ip)));
  if (!node) return;
  const owner = node.metadata.annotations?.[ANNOTATION_NODE_MACHINE];
  if (owner && owner !== objectKeyOf(machine.metadata.namespace, machine.metadata.name)) return;
  annotateNode(api, node, machine);
  (machine.status ??= {}).nodeRef = { kind: 'Node', name: node.metadata.name, uid: node.metadata.uid ?? '' };
}

/** From the Node's side: returns the key of the Machine that should own it, if one is known. */
export function machineForNode(api: MachineApi, node: NodeLike): string | undefined {
  const providerID = node.spec?.providerID;
  if (providerID) {
    const key = api.machineByProviderId.get(providerID);
    if (key) return key;
  }
  for (const ip of nodeIps(node)) {
    const key = api.machineByIp.get(ip);
    if (key) return key;
  }
  return undefined;
}

export function reconcileNode(api: MachineApi, name: string): void {
  const store = api.ctx.store;
  const node = store.get(api.types.nodes, undefined, name) as NodeLike | undefined;
  if (!node) return;
  const key = machineForNode(api, node);
  if (!key) return;
  const { namespace, name: machineName } = splitKey(key);
  const current = store.get(api.types.machines, namespace, machineName) as Machine | undefined;
  if (!current) return;
  if (current.status?.nodeRef?.name === name && node.metadata.annotations?.[ANNOTATION_NODE_MACHINE] === key)
    return;
  if (current.status?.nodeRef && current.status.nodeRef.name !== name) return;
  const machine = structuredClone(current);
  annotateNode(api, node, machine);
  const status = (machine.status ??= {});
  status.nodeRef = { kind: 'Node', name, uid: node.metadata.uid ?? '' };
  status.phase = 'Running';
  writeChanges(api, api.types.machines, current, machine, { stampStatus: true });
  const providerID = machine.spec?.providerID;
  if (providerID && node.spec?.providerID !== providerID) {
    const fresh = store.get(api.types.nodes, undefined, name) as NodeLike | undefined;
    if (fresh)
      writeChanges(api, api.types.nodes, fresh, { ...fresh, spec: { ...(fresh.spec ?? {}), providerID } });
  }
}
