/**
 * Kubelet CSRs as the cluster sees them, and the cluster-machine-approver's limit on pending
 * ones (csr_check.go recentlyPendingNodeCSRs and maxDiffBetweenPendingCSRsAndMachinesCount):
 * one definition for the simulated approver and for diagnose's backlog check.
 */
import type { KubeObject } from '../core/kube.js';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
export const NODE_BOOTSTRAPPER_USERNAME =
  'system:serviceaccount:openshift-machine-config-operator:node-bootstrapper';
export const NODE_GROUP = 'system:nodes';

export const MAX_MACHINE_CLOCK_SKEW_MS = 10_000;
export const MAX_PENDING_DELTA_MS = 3600_000;
export const MAX_DIFF_PENDING_CSRS_AND_MACHINES = 100;

interface CsrFields {
  signerName?: string;
  username?: string;
  groups?: string[];
}

/** controller.go pendingNodeCertFilter: a node CSR nobody has approved yet. */
export function isPendingNodeCsr(csr: KubeObject): boolean {
  const conditions = (csr.status as { conditions?: Array<{ type?: string }> } | undefined)?.conditions ?? [];
  if (conditions.some((c) => c.type === 'Approved')) return false;
  const s = (csr.spec ?? {}) as CsrFields;
  if (s.signerName === KUBELET_SERVING_SIGNER) return (s.groups ?? []).includes(NODE_GROUP);
  if (s.signerName === KUBELET_CLIENT_SIGNER) return s.username === NODE_BOOTSTRAPPER_USERNAME;
  return false;
}

/** Pending node CSRs created within the last hour (+10 s skew): what the approver counts. */
export function countRecentPendingNodeCsrs(csrs: readonly KubeObject[], now: Date): number {
  const start = now.getTime() - MAX_PENDING_DELTA_MS;
  const end = now.getTime() + MAX_MACHINE_CLOCK_SKEW_MS;
  return csrs.filter((csr) => {
    const created = Date.parse(csr.metadata.creationTimestamp ?? '');
    return created > start && created < end && isPendingNodeCsr(csr);
  }).length;
}

/** Above this many recent pending node CSRs, the approver ignores every CSR. */
export function maxPendingCsrs(machines: number, nodes: number): number {
  return Math.max(machines, nodes) + MAX_DIFF_PENDING_CSRS_AND_MACHINES;
}
