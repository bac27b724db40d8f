import type { Finding } from '../../../core/report.js';
import { finding, unreadable } from '../../types.js';
import type { PreflightCheck } from '../types.js';

export const machineConfigPools: PreflightCheck = {
  meta: {
    id: 'machine-config-pools',
    title: 'The pools new hosts use exist, have their rendered config, and are not degraded',
    docs: 'For every pool a new host will ask for (/config/<pool> in the pointers the MachineSets and BareMetalHosts name; worker at least): the MachineConfigPool exists, the rendered MachineConfig the MCS serves new nodes exists (spec.configuration once a node runs it, else status.configuration: without it the MCS answers 500), and the pool is not Degraded (RenderDegraded: nothing can render it again; NodeDegraded: a node failed its update).',
    needs: [
      'machineconfigpools.machineconfiguration.openshift.io',
      'machineconfigs.machineconfiguration.openshift.io',
    ],
  },
  run(pf) {
    if (!pf.machineConfigPools.ok) return [unreadable('MachineConfigPools', pf.machineConfigPools)];
    const out: Finding[] = [];
    for (const p of pf.pools) {
      const users = p.usedBy.length ? ` (asked for by ${p.usedBy.join(', ')})` : '';
      if (!p.pool) {
        out.push(
          finding(
            'fail',
            `pool ${p.name}${users} does not exist: the MCS answers /config/${p.name} with 500`,
            {
              cause: 'mcs-server-error',
            },
          ),
        );
        continue;
      }
      const cond = (t: string) => p.conditions.find((c) => c.type === t);
      const degraded = ['RenderDegraded', 'NodeDegraded', 'Degraded']
        .map(cond)
        .filter((c): c is NonNullable<typeof c> => c?.status === 'True');
      const served = p.served ?? '(none)';
      const exists = p.servedExists;
      out.push(
        finding(
          exists === false ? 'fail' : exists === undefined ? 'unknown' : 'pass',
          exists === false
            ? `pool ${p.name}${users}: rendered config ${served}, which the MCS serves new nodes, does not exist: it answers /config/${p.name} with 500`
            : exists === undefined
              ? `pool ${p.name}: rendered config ${served} could not be checked${pf.machineConfigs.ok ? '' : `: ${pf.machineConfigs.message}`}`
              : `pool ${p.name}${users}: serves rendered config ${served}`,
          {
            cause: exists === false ? 'mcs-server-error' : undefined,
            evidence: [
              {
                text: `MCS serves ${served} (spec once a node runs it, else status)`,
                source: `machineconfigpool ${p.name}`,
              },
            ],
          },
        ),
      );
      const first = degraded[0];
      out.push(
        finding(
          first ? 'fail' : 'pass',
          first
            ? `pool ${p.name} is degraded: ${degraded.map((c) => `${c.type}=True`).join(', ')}${first.message ? `: ${first.message}` : ''}`
            : `pool ${p.name} is not degraded`,
          {
            evidence: p.conditions.length
              ? [
                  {
                    text: p.conditions.map((c) => `${c.type}=${c.status}`).join(' '),
                    source: `machineconfigpool ${p.name}`,
                  },
                ]
              : [],
          },
        ),
      );
    }
    return out;
  },
};
