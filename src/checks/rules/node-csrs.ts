import type { Finding } from '../../diagnosis/model.js';
import { csrFacts, NODE_BOOTSTRAPPER } from '../facts/hosts.js';
import { itemsOf } from '../snapshot.js';
import { finding, unreadable, type Check } from '../types.js';

/** machine-approver: it stops approving when pending node CSRs exceed the Machines by this many. */
export const MAX_DIFF_PENDING_CSRS_AND_MACHINES = 100;

export const nodeCsrs: Check = {
  meta: {
    id: 'node-csrs',
    title: "The host's CSRs and the pending backlog",
    docs: 'After Ignition, the kubelet asks for a client certificate (requested by the node-bootstrapper) and a serving certificate. The machine-approver approves them only for a known Machine, and stops when too many are pending.',
    needs: ['certificatesigningrequests.certificates.k8s.io'],
  },
  run(facts) {
    const read = facts.snapshot.csrs;
    if (!read.ok) return [unreadable('CertificateSigningRequests', read)];
    const out: Finding[] = [];
    const all = read.value.map(csrFacts);
    const pending = all.filter((c) => c.state === 'pending' && (c.kind === 'client' || c.kind === 'serving'));
    const machines = itemsOf(facts.snapshot.machines).length;
    const limit = machines + MAX_DIFF_PENDING_CSRS_AND_MACHINES;
    out.push(
      finding(
        pending.length > limit ? 'fail' : pending.length ? 'warn' : 'pass',
        `${pending.length} node CSR(s) pending; the machine-approver stops above ${limit} (${machines} Machines + ${MAX_DIFF_PENDING_CSRS_AND_MACHINES})`,
        { cause: pending.length > limit ? 'csr-pending' : undefined },
      ),
    );
    for (const h of facts.selected) {
      for (const c of h.csrs) {
        const who =
          c.kind === 'client'
            ? c.username === NODE_BOOTSTRAPPER
              ? 'node-bootstrapper'
              : c.username
            : c.username;
        out.push(
          finding(
            c.state === 'pending' ? 'fail' : c.state === 'denied' || c.state === 'failed' ? 'fail' : 'pass',
            `${h.name}: ${c.kind} CSR ${c.name} ${c.state} (CN ${c.commonName ?? '?'}, by ${who})`,
            { host: h.name, cause: c.state === 'pending' ? 'csr-pending' : undefined },
          ),
        );
      }
    }
    return out;
  },
};
