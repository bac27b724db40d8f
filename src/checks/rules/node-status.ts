import type { Finding } from '../../core/report.js';
import { nodeRegisteredRecently } from '../facts/hosts.js';
import { finding, unreadable, type Check } from '../types.js';

export const nodeStatus: Check = {
  meta: {
    id: 'node-status',
    title: 'Node status',
    docs: 'The join ends when the Node is Ready: the kubelet registered with its approved client certificate and its network plugin started. A Node that stays NotReady long after it registered is a problem of its own.',
    needs: ['nodes'],
  },
  run(facts) {
    const read = facts.snapshot.nodes;
    if (!read.ok) return [unreadable('Nodes', read)];
    const out: Finding[] = [];
    const ready = facts.hosts.filter((h) => h.nodeReady).length;
    out.push(finding('pass', `${read.value.length} Node(s); ${ready} BareMetalHost(s) have a Ready Node`));
    for (const h of facts.selected) {
      if (!h.node) out.push(finding('skip', `${h.name}: no Node yet`, { host: h.name }));
      else if (!h.nodeReady && nodeRegisteredRecently(h, facts.now)) {
        // A node is NotReady for a while after it registers, until its network plugin starts.
        out.push(
          finding(
            'warn',
            `${h.name}: Node ${h.node.metadata.name} registered less than 10 minutes ago, not Ready yet`,
            { host: h.name },
          ),
        );
      } else
        out.push(
          finding(
            h.nodeReady ? 'pass' : 'fail',
            `${h.name}: Node ${h.node.metadata.name} ${h.nodeReady ? 'Ready' : `not Ready${h.nodeReadyMessage ? `: ${h.nodeReadyMessage}` : ''}`}`,
            { host: h.name, cause: h.nodeReady ? undefined : 'node-not-ready' },
          ),
        );
    }
    return out;
  },
};
