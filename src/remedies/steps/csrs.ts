/** Approving a host's kubelet CSRs after its identity checks, until its Node has both certificates. */
import type { HostFacts } from '../../checks/facts/hosts.js';
import { RESOURCES } from '../../sources/resources.js';
import { approvalRound, describeRefusal } from '../csr-approval.js';
import { StepFailed, type FixStep, type StepContext } from '../types.js';
import { waitFor } from '../util.js';

export function approveCsrsStep(host: HostFacts): FixStep {
  const round = (ctx: StepContext, approve: boolean) =>
    approvalRound(ctx.api, host.namespace, host.name, approve);
  return {
    id: `approve-csrs:${host.name}`,
    title: `Approve the kubelet CSRs of ${host.name} that pass the identity checks (requester, CN, usages, SANs); refuse the others`,
    kind: 'change',
    touches: ['certificatesigningrequests of the host (approval cannot be undone)'],
    manual: [
      'oc get csr --sort-by=.metadata.creationTimestamp',
      `oc adm certificate approve <csr>   # only after checking requester, CN system:node:${host.name} and SANs`,
    ],
    access: [
      { verb: 'list', ref: RESOURCES.csrs },
      { verb: 'update', ref: RESOURCES.csrs, subresource: 'approval' },
      { verb: 'get', ref: RESOURCES.machines, namespace: host.namespace },
    ],
    async isDone(ctx) {
      const r = await round(ctx, false);
      return r?.granted.client && r.granted.serving && r.node
        ? `${host.name} has both certificates`
        : undefined;
    },
    async apply(ctx) {
      const r = await round(ctx, true);
      if (!r) throw new StepFailed(`BareMetalHost ${host.namespace}/${host.name} does not exist`);
      for (const v of r.approved) ctx.log(`approved ${v.name} (${v.kind}, ${v.commonName})`);
      for (const v of r.refused) ctx.log(`not approved: ${describeRefusal(v)}`);
      return `approved ${r.approved.length}, refused ${r.refused.length}`;
    },
    async verify(ctx) {
      // The serving CSR comes only after the kubelet holds its client certificate: approve as they arrive.
      const seen = new Set<string>();
      return waitFor(ctx, `the kubelet CSRs of ${host.name} (client, then serving)`, async () => {
        const r = await round(ctx, true);
        if (!r) return undefined;
        for (const v of r.approved) ctx.log(`approved ${v.name} (${v.kind}, ${v.commonName})`);
        for (const v of r.refused) {
          if (!seen.has(v.name)) ctx.log(`not approved: ${describeRefusal(v)}`);
          seen.add(v.name);
        }
        return r.granted.client && r.granted.serving && r.node
          ? `Node ${r.node.metadata.name} has an approved client and serving certificate`
          : undefined;
      });
    },
  };
}
