import type { Finding } from '../../core/report.js';
import { finding, unreadable, type Check } from '../types.js';

export const bmhState: Check = {
  meta: {
    id: 'bmh-state',
    title: 'BareMetalHost state, errors and events',
    docs: 'A host must be registered, inspected and provisioned before it boots with its user-data; errorType and errorMessage say why it is stuck.',
    needs: ['baremetalhosts.metal3.io', 'events in openshift-machine-api'],
  },
  run(facts) {
    const read = facts.snapshot.bareMetalHosts;
    if (!read.ok) {
      if (read.reason === 'not-collected' || read.reason === 'not-found') {
        return [
          finding(
            'skip',
            `no BareMetalHosts on this cluster (platform ${facts.cluster.platform ?? 'unknown'}): ${read.message}`,
          ),
        ];
      }
      return [unreadable('BareMetalHosts', read)];
    }
    const out: Finding[] = [];
    const counts = new Map<string, number>();
    for (const h of facts.hosts) counts.set(h.state || '(none)', (counts.get(h.state || '(none)') ?? 0) + 1);
    out.push(
      finding(
        'pass',
        `${facts.hosts.length} BareMetalHost(s): ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`,
      ),
    );
    for (const h of facts.hosts) {
      if (h.errorType) {
        out.push(
          finding('fail', `${h.name}: ${h.state} with ${h.errorType}: ${h.errorMessage ?? ''}`, {
            host: h.name,
            cause: 'bmh-stuck',
            evidence: h.events.slice(-3).map((e) => ({
              text: `${String(e['reason'] ?? '')}: ${String(e['message'] ?? '')}`,
              source: 'events',
            })),
          }),
        );
      } else if (facts.selected.includes(h)) {
        out.push(
          finding(
            'pass',
            `${h.name}: ${h.state}, online=${h.online}${h.poweredOn !== undefined ? `, poweredOn=${h.poweredOn}` : ''}`,
            { host: h.name },
          ),
        );
      }
    }
    return out;
  },
};
