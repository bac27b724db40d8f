/**
 * Why cluster-machine-approver would leave a kubelet CSR pending, as its csr_check.go decides
 * (reference/metal3-redfish-csr.md §6): the requester, a Node of that name already there, no
 * Machine with the node name as an InternalDNS address, a Machine that already has its Node, the
 * two-hour window after the Machine was created, and the pending backlog limit.
 */
import type { KubeObject } from '../core/kube.js';
import { MAX_MACHINE_CLOCK_SKEW_MS, NODE_BOOTSTRAPPER_USERNAME } from './node-csrs.js';

/** The approver accepts a client CSR up to this long after its Machine was created (maxMachineDelta). */
export const MAX_MACHINE_DELTA_MS = 2 * 3600_000;

export interface PendingCsr {
  name: string;
  kind: 'client' | 'serving' | 'other';
  commonName?: string;
  username: string;
  created?: string;
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const norm = (n: string): string => n.toLowerCase().replace(/\.$/, '');

function addresses(machine: KubeObject, type: string): string[] {
  return arr(o(machine['status'])['addresses'])
    .map(o)
    .filter((a) => a['type'] === type && typeof a['address'] === 'string')
    .map((a) => a['address'] as string);
}

function nodeRefOf(machine: KubeObject): string | undefined {
  const n = o(o(machine['status'])['nodeRef'])['name'];
  return typeof n === 'string' ? n : undefined;
}

/** The reason the approver leaves this CSR pending, or undefined when its rules would approve it. */
export function approverRefusal(
  csr: PendingCsr,
  machines: readonly KubeObject[],
  nodes: readonly KubeObject[],
  backlog?: { pending: number; limit: number },
): string | undefined {
  if (backlog && backlog.pending > backlog.limit) {
    return `${backlog.pending} node CSRs are pending, over its limit of ${backlog.limit}: it ignores every CSR until the backlog is cleared`;
  }
  if (csr.kind === 'client') {
    const name = (csr.commonName ?? '').replace(/^system:node:/, '');
    if (csr.username !== NODE_BOOTSTRAPPER_USERNAME) {
      return `it was requested by ${csr.username}, not by the node-bootstrapper`;
    }
    if (nodes.some((n) => norm(n.metadata.name) === norm(name))) {
      return `a Node named ${name} already exists (a client CSR is for a node that has not joined yet)`;
    }
    const matching = machines.filter((m) => addresses(m, 'InternalDNS').some((a) => norm(a) === norm(name)));
    if (matching.length === 0) {
      const seen = machines
        .map((m) => `${m.metadata.name}: ${addresses(m, 'InternalDNS').join(', ') || 'none'}`)
        .slice(0, 4);
      return `no Machine has the InternalDNS address ${name}, the name the kubelet registers with (InternalDNS of the Machines: ${seen.join('; ') || 'no Machine'})`;
    }
    const machine = matching[0]!;
    const ref = nodeRefOf(machine);
    if (ref) return `Machine ${machine.metadata.name} already has its Node ${ref}`;
    const created = Date.parse(csr.created ?? '');
    const machineCreated = Date.parse(machine.metadata.creationTimestamp ?? '');
    if (Number.isFinite(created) && Number.isFinite(machineCreated)) {
      if (created < machineCreated - MAX_MACHINE_CLOCK_SKEW_MS) {
        return `it was created before Machine ${machine.metadata.name}`;
      }
      if (created > machineCreated + MAX_MACHINE_DELTA_MS) {
        return `it was created more than 2 h after Machine ${machine.metadata.name} (the approver's window)`;
      }
    }
    return undefined;
  }
  if (csr.kind === 'serving') {
    const name = csr.username.replace(/^system:node:/, '');
    const machine = machines.find((m) => nodeRefOf(m) === name);
    if (!machine) return `no Machine has Node ${name} as its nodeRef, so its serving SANs cannot be checked`;
    return undefined;
  }
  return 'it is not a kubelet CSR';
}
