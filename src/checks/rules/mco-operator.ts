import { finding, unreadable, type Check } from '../types.js';

type Cond = { type?: string; status?: string; message?: string; reason?: string };

export const mcoClusterOperator: Check = {
  meta: {
    id: 'mco-clusteroperator',
    title: 'ClusterOperator machine-config',
    docs: 'Degraded or unavailable machine-config often names the MCS or a pool that cannot render.',
    needs: ['clusteroperators.config.openshift.io'],
  },
  run(facts) {
    const read = facts.snapshot.clusterOperators;
    if (!read.ok) return [unreadable('ClusterOperators', read)];
    const co = read.value.find((o) => o.metadata.name === 'machine-config');
    if (!co) return [finding('unknown', 'ClusterOperator machine-config is missing')];
    const conds = (co as { status?: { conditions?: Cond[] } }).status?.conditions ?? [];
    const get = (t: string) => conds.find((c) => c.type === t);
    const degraded = get('Degraded');
    const available = get('Available');
    const bad = degraded?.status === 'True' || available?.status === 'False';
    return [
      finding(
        bad ? 'warn' : 'pass',
        `machine-config: Available=${available?.status ?? '?'} Degraded=${degraded?.status ?? '?'}${bad && (degraded?.message ?? available?.message) ? `: ${degraded?.message ?? available?.message}` : ''}`,
        {
          evidence: [
            {
              text: conds.map((c) => `${c.type}=${c.status}`).join(' '),
              source: 'clusteroperator machine-config',
            },
          ],
        },
      ),
    ];
  },
};
