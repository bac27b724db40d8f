import type { Finding } from '../../core/report.js';
import { finding, unreadable, type Check } from '../types.js';

export const machineLinks: Check = {
  meta: {
    id: 'machine-links',
    title: 'Machine links: BareMetalHost, Machine, Node',
    docs: "The machine-approver approves a node's CSRs only when a Machine links to it (addresses or nodeRef); a host without a Machine, or a Machine without addresses, waits forever.",
    needs: ['machines.machine.openshift.io in openshift-machine-api', 'nodes'],
  },
  run(facts) {
    const read = facts.snapshot.machines;
    if (!read.ok && read.reason !== 'not-collected') return [unreadable('Machines', read)];
    const out: Finding[] = [];
    for (const h of facts.selected) {
      if (!h.consumer) {
        out.push(
          finding(h.userDataRef ? 'warn' : 'skip', `${h.name}: no consumerRef (no Machine claims it)`, {
            host: h.name,
          }),
        );
        continue;
      }
      if (!h.machine) {
        out.push(
          finding('fail', `${h.name}: consumerRef ${h.consumer.name} names a Machine that does not exist`, {
            host: h.name,
          }),
        );
        continue;
      }
      const addresses = (
        (h.machine as { status?: { addresses?: Array<{ type: string; address: string }> } }).status
          ?.addresses ?? []
      ).map((a) => `${a.type} ${a.address}`);
      const phase = (h.machine as { status?: { phase?: string } }).status?.phase;
      out.push(
        finding(
          addresses.length ? 'pass' : 'warn',
          `${h.name} -> Machine ${h.machine.metadata.name} (${phase ?? 'no phase'}) -> ${h.node ? `Node ${h.node.metadata.name}` : 'no Node yet'}; addresses ${addresses.join(', ') || 'none (the approver cannot match CSRs)'}`,
          { host: h.name },
        ),
      );
    }
    if (out.length === 0) out.push(finding('skip', 'no diagnosed host to link'));
    return out;
  },
};
