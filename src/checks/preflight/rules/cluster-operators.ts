import type { Finding } from '../../../core/report.js';
import { finding, unreadable } from '../../types.js';
import type { PreflightCheck } from '../types.js';

type Cond = { type?: string; status?: string; reason?: string; message?: string };

/** What a ClusterOperator that cannot do its job means for the next host to join. */
const JOIN_ROLE: Record<string, string> = {
  'machine-api':
    'it turns a MachineSet scale-up into a Machine and gives it a BareMetalHost: a scale-up may make no Machine',
  baremetal:
    'it runs Metal3 and Ironic, which provision the BareMetalHost: the host may never be provisioned',
  'machine-config':
    'it runs the Machine Config Server and renders the pools: the host may get no Ignition config',
  'kube-apiserver': 'the host registers, asks for its certificates and reports through it',
  'kube-controller-manager': 'it signs the kubelet certificates once approved: the Node may never register',
  network: 'its plugin must start on the new node: the Node may stay NotReady',
  dns: 'the new node resolves the cluster names through it',
};

export const clusterOperators: PreflightCheck = {
  meta: {
    id: 'cluster-operators',
    title: 'Every ClusterOperator Available and not Degraded',
    docs: "The runbook's cluster-wide check before adding hosts: an operator that is unavailable or degraded is a problem to fix first; for the operators a join goes through (machine-api, baremetal, machine-config, kube-apiserver, kube-controller-manager, network, dns) the finding says what it means for the next host.",
    needs: ['clusteroperators.config.openshift.io'],
  },
  run(pf) {
    const read = pf.facts.snapshot.clusterOperators;
    if (!read.ok) return [unreadable('ClusterOperators', read)];
    const out: Finding[] = [];
    let healthy = 0;
    for (const co of read.value) {
      const conds = (co as { status?: { conditions?: Cond[] } }).status?.conditions ?? [];
      const get = (t: string): Cond | undefined => conds.find((c) => c.type === t);
      const available = get('Available');
      const degraded = get('Degraded');
      const bad = available?.status !== 'True' || degraded?.status === 'True';
      if (!bad) {
        healthy++;
        continue;
      }
      const why = degraded?.status === 'True' ? degraded : available;
      const role = JOIN_ROLE[co.metadata.name];
      out.push(
        finding(
          'fail',
          `${co.metadata.name}: Available=${available?.status ?? '?'} Degraded=${degraded?.status ?? '?'}${why?.reason ? ` (${why.reason})` : ''}${why?.message ? `: ${why.message}` : ''}${role ? `; for a new host: ${role}` : ''}`,
          {
            evidence: [
              {
                text: conds.map((c) => `${c.type}=${c.status}`).join(' '),
                source: `clusteroperator ${co.metadata.name}`,
              },
            ],
          },
        ),
      );
    }
    out.unshift(
      finding(
        read.value.length > 0 ? 'pass' : 'unknown',
        read.value.length === 0
          ? 'no ClusterOperator found'
          : `${healthy} of ${read.value.length} ClusterOperators Available and not Degraded`,
      ),
    );
    return out;
  },
};
