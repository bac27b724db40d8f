import { CAUSES } from '../core/causes.js';
import type { CauseModule, FixContext } from './types.js';

/** In one sentence: what makes the machine-approver approve by itself, for the reason it gives. */
export function approverAdvice(reason: string): string {
  if (/InternalDNS/.test(reason)) {
    return "The Machine's addresses come from the host's inspected hostname: make inspection report the name the kubelet registers with (DHCP or DNS for the provisioning NIC), and the approver approves the next hosts itself.";
  }
  if (/over its limit/.test(reason))
    return 'Deny or delete the stale pending CSRs; the approver then resumes.';
  if (/2 h after Machine/.test(reason))
    return 'The approver trusts CSRs only within 2 h of the Machine: provision hosts sooner after their Machine.';
  if (/already has its Node|already exists/.test(reason))
    return 'A Node of that name is already there: check that the host is not a duplicate.';
  return 'Check that the machine-approver runs (oc -n openshift-cluster-machine-approver get pods).';
}

/** What makes the machine-approver approve by itself, for the reason it refuses. */
function addressReason(ctx: FixContext): string[] {
  const reason = ctx.approverRefusal;
  if (!reason)
    return [
      'oc -n openshift-cluster-machine-approver get pods   # the approver must run to approve anything',
    ];
  const out = [`# the machine-approver refuses it: ${reason}`];
  if (/InternalDNS/.test(reason)) {
    out.push(
      `oc -n ${ctx.namespace} get machine -o wide; oc -n ${ctx.namespace} get bmh ${ctx.host ?? '<host>'} -o jsonpath='{.status.hardware.hostname}'   # the Machine's addresses come from the host's inspected hostname`,
      '# make inspection report the name the kubelet registers with (DHCP or DNS for the provisioning NIC); hosts added after that are approved by the approver itself',
    );
  } else if (/over its limit/.test(reason)) {
    out.push(
      'oc get csr | grep -c Pending   # deny or delete the stale pending CSRs, then the approver resumes',
    );
  } else if (/2 h after Machine/.test(reason)) {
    out.push(
      '# the approver only trusts CSRs within 2 h of the Machine: re-provision the host, or approve after the identity checks',
    );
  }
  return out;
}

export const csrPending: CauseModule<'csr-pending'> = {
  id: 'csr-pending',
  summary: CAUSES['csr-pending'],
  stage: 'client-csr',
  decisive: {
    what: "the host's pending kubelet CSRs and why the machine-approver does not approve them",
    pattern: /pending|denied/,
  },
  fix: (ctx) => ({
    manual: [
      ...addressReason(ctx),
      '# last resort, for this host only: approve its CSRs by hand after checking requester, CN system:node:<name> and SANs',
      'oc get csr --sort-by=.metadata.creationTimestamp',
      'oc adm certificate approve <csr-name>',
    ],
    notes: ['Never approve every pending CSR: a rogue CSR would get a node identity.'],
  }),
  probeNextSteps: () => ['oc get csr --sort-by=.metadata.creationTimestamp'],
  remedy: { plan: true },
};
