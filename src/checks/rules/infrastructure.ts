import { finding, unreadable, type Check } from '../types.js';

export const infrastructure: Check = {
  meta: {
    id: 'infrastructure',
    title: 'Infrastructure: api-int URL and API VIPs',
    docs: 'Workers fetch from the api-int name or an API VIP on port 22623; the serving certificate must cover them.',
    needs: ['infrastructures.config.openshift.io'],
  },
  run(facts) {
    const { cluster, snapshot } = facts;
    if (!snapshot.infrastructures.ok) return [unreadable('Infrastructure', snapshot.infrastructures)];
    if (!cluster.infrastructure) return [finding('unknown', 'Infrastructure "cluster" is missing')];
    if (!cluster.apiServerInternalURI)
      return [finding('warn', 'Infrastructure has no status.apiServerInternalURI')];
    return [
      finding(
        'pass',
        `api-int ${cluster.apiServerInternalURI}${cluster.apiVips.length ? `, API VIPs ${cluster.apiVips.join(', ')}` : ', no API VIPs (platform without VIPs)'}`,
        {
          evidence: [
            {
              text: `status.apiServerInternalURI ${cluster.apiServerInternalURI}`,
              source: 'infrastructure cluster',
            },
          ],
        },
      ),
    ];
  },
};
