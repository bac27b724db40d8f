import type { Finding } from '../../core/report.js';
import {
  countRecentPendingNodeCsrs,
  MAX_DIFF_PENDING_CSRS_AND_MACHINES,
  maxPendingCsrs,
  NODE_BOOTSTRAPPER_USERNAME,
} from '../../openshift/node-csrs.js';
import { csrFacts } from '../facts/hosts.js';
import { itemsOf } from '../snapshot.js';
import { finding, unreadable, type Check } from '../types.js';

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
    const nodes = itemsOf(facts.snapshot.nodes).length;
    // What the approver counts: pending node CSRs of the last hour, against max(Machines, Nodes) + 100.
    const recent = countRecentPendingNodeCsrs(read.value, facts.now);
    const limit = maxPendingCsrs(machines, nodes);
    out.push(
      finding(
        recent > limit ? 'fail' : pending.length ? 'warn' : 'pass',
        `${pending.length} node CSR(s) pending, ${recent} of them within the last hour; the machine-approver ignores every CSR above ${limit} (max(${machines} Machines, ${nodes} Nodes) + ${MAX_DIFF_PENDING_CSRS_AND_MACHINES})`,
        { cause: recent > limit ? 'csr-pending' : undefined },
      ),
    );
    for (const h of facts.selected) {
      for (const c of h.csrs) {
        const who =
          c.kind === 'client'
            ? c.username === NODE_BOOTSTRAPPER_USERNAME
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
