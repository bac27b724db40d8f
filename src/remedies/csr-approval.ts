/**
 * Approving the kubelet CSRs of one host, and only those: each pending kubelet CSR is judged
 * against the host's identity (csr-identity.ts); the ones that pass are approved through the
 * approval subresource, the others are listed with the reasons they were refused.
 */
import { RESOURCES } from '../sources/resources.js';
import type { KubeObject } from '../sources/types.js';
import {
  expectedNodeOf,
  isPendingCsr,
  judgeCsr,
  type CsrVerdict,
  type ExpectedNode,
} from './csr-identity.js';
import { ApiError, type KubeApi } from './kube-api.js';

export const APPROVAL_REASON = 'MCSDoctorApproved';

export interface ApprovalRound {
  expected: ExpectedNode;
  approved: CsrVerdict[];
  /** Pending CSRs that pass the checks, left alone because approving was not asked for. */
  approvable: CsrVerdict[];
  refused: CsrVerdict[];
  /** An approved CSR of this host, by kind, seen in this round: its name and who approved it. */
  granted: { client?: string; serving?: string };
  node?: KubeObject;
}

export async function hostIdentity(
  api: KubeApi,
  namespace: string,
  host: string,
): Promise<{ bmh: KubeObject; machine?: KubeObject } | undefined> {
  const bmh = await api.get({ ref: RESOURCES.bareMetalHosts, namespace, name: host });
  if (!bmh) return undefined;
  const consumer = (bmh['spec'] as { consumerRef?: { name?: string; namespace?: string } } | undefined)
    ?.consumerRef;
  const machine = consumer?.name
    ? await api.get({
        ref: RESOURCES.machines,
        namespace: consumer.namespace ?? namespace,
        name: consumer.name,
      })
    : undefined;
  return { bmh, machine };
}

/** One pass: judge every pending kubelet CSR against the host; approve the ones that pass when `approve`. */
export async function approvalRound(
  api: KubeApi,
  namespace: string,
  host: string,
  approve: boolean,
): Promise<ApprovalRound | undefined> {
  const identity = await hostIdentity(api, namespace, host);
  if (!identity) return undefined;
  const expected = expectedNodeOf(identity.bmh, identity.machine);
  const [csrs, nodes] = await Promise.all([api.list(RESOURCES.csrs), api.list(RESOURCES.nodes)]);
  const nodeNames = new Set(nodes.map((n) => n.metadata.name));
  const names = new Set(expected.names.map((n) => n.toLowerCase()));
  const node = nodes.find((n) => names.has(n.metadata.name.toLowerCase()));
  const round: ApprovalRound = {
    expected,
    approved: [],
    approvable: [],
    refused: [],
    granted: {},
    node,
  };
  for (const csr of csrs) {
    const pending = isPendingCsr(csr);
    if (!pending) {
      const v = judgeCsr(csr, expected, new Set());
      const approved = approvalOf(csr);
      if (
        approved &&
        v.kind !== 'other' &&
        v.commonName &&
        names.has(v.commonName.replace(/^system:node:/, '').toLowerCase())
      ) {
        round.granted[v.kind] = approved;
      }
      continue;
    }
    const verdict = judgeCsr(csr, expected, nodeNames);
    if (verdict.kind === 'other') continue;
    if (!verdict.approve) {
      round.refused.push(verdict);
      continue;
    }
    if (!approve) {
      round.approvable.push(verdict);
      continue;
    }
    try {
      await api.approveCsr(
        RESOURCES.csrs,
        csr,
        APPROVAL_REASON,
        `Approved by mcs-doctor: requester, CN and SANs match BareMetalHost ${namespace}/${host}`,
      );
    } catch (err) {
      // The machine-approver may approve the same CSR at the same moment: then it is granted, not ours.
      if (!(err instanceof ApiError) || err.status !== 409) throw err;
      const now = await api.get({ ref: RESOURCES.csrs, name: csr.metadata.name });
      const approved = now && approvalOf(now);
      if (approved) round.granted[verdict.kind] = approved;
      continue;
    }
    round.approved.push(verdict);
    round.granted[verdict.kind] = `${csr.metadata.name}, approved by mcs-doctor`;
  }
  return round;
}

/** `csr-x, approved (NodeCSRApprove)` for an approved CSR; undefined otherwise. */
function approvalOf(csr: KubeObject): string | undefined {
  const conditions =
    (csr['status'] as { conditions?: Array<{ type?: string; reason?: string }> } | undefined)?.conditions ??
    [];
  const c = conditions.find((x) => x.type === 'Approved');
  if (!c) return undefined;
  return c.reason === APPROVAL_REASON
    ? `${csr.metadata.name}, approved by mcs-doctor`
    : `${csr.metadata.name}, approved${c.reason ? ` (${c.reason})` : ''}`;
}

export function describeRefusal(v: CsrVerdict): string {
  return `${v.name} (${v.kind}, ${v.commonName ?? 'no CN'}, from ${v.requester || 'nobody'}): ${v.reasons.join('; ')}`;
}
