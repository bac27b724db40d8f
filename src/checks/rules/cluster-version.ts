import { finding, unreadable, type Check } from '../types.js';

export const clusterVersion: Check = {
  meta: {
    id: 'cluster-version',
    title: 'Cluster version and platform',
    docs: 'The OpenShift version decides what recreates or reloads the MCS certificate (4.19 rotates and reloads; before it, nothing does); the platform says whether BareMetalHosts exist.',
    needs: ['clusterversions.config.openshift.io', 'infrastructures.config.openshift.io'],
  },
  run(facts) {
    const out = [];
    const { cluster, snapshot } = facts;
    if (!snapshot.clusterVersions.ok) out.push(unreadable('ClusterVersion', snapshot.clusterVersions));
    if (!snapshot.infrastructures.ok) out.push(unreadable('Infrastructure', snapshot.infrastructures));
    if (cluster.version || cluster.platform) {
      out.push(
        finding(
          'pass',
          `OpenShift ${cluster.version ?? '(version unknown)'} on platform ${cluster.platform ?? '(unknown)'}`,
          {
            evidence: [
              { text: `version ${cluster.version ?? '?'}`, source: 'clusterversion version' },
              { text: `platform ${cluster.platform ?? '?'}`, source: 'infrastructure cluster' },
            ],
          },
        ),
      );
    }
    return out;
  },
};
