import type { Finding } from '../../../core/report.js';
import { mcsPods } from '../../rules/mcs-pods.js';
import { itemsOf } from '../../snapshot.js';
import { finding } from '../../types.js';
import type { PreflightCheck } from '../types.js';

const CONTROL_PLANE = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'];

export const mcsDaemonSetReady: PreflightCheck = {
  meta: {
    id: 'mcs-daemonset-ready',
    title: 'Machine Config Server Ready on every control-plane node',
    docs: 'The MCS runs as daemonset machine-config-server on the control-plane nodes (hostNetwork, port 22623); whichever of them holds the API VIP or the load balancer picks answers the next host, so each must have a Ready MCS pod. The daemonset and pod findings are those of mcs-pods.',
    needs: [
      'daemonsets.apps in openshift-machine-config-operator',
      'pods in openshift-machine-config-operator',
      'nodes',
    ],
  },
  run(pf) {
    const { facts } = pf;
    const out: Finding[] = mcsPods.run(facts);
    const nodes = facts.snapshot.nodes;
    if (!nodes.ok) return out;
    const masters = itemsOf(nodes).filter((n) =>
      CONTROL_PLANE.some((l) => n.metadata.labels?.[l] !== undefined),
    );
    for (const node of masters) {
      const pods = facts.mcs.pods.filter((p) => p.node === node.metadata.name);
      const ready = pods.find((p) => p.ready);
      out.push(
        finding(
          ready ? 'pass' : 'fail',
          ready
            ? `control-plane node ${node.metadata.name}: ${ready.name} Ready`
            : `control-plane node ${node.metadata.name}: ${pods.length ? `${pods.map((p) => p.name).join(', ')} not Ready` : 'no machine-config-server pod'}; a host sent to it gets no config`,
          { cause: ready ? undefined : 'mcs-not-running' },
        ),
      );
    }
    if (masters.length === 0)
      out.push(
        finding(
          'unknown',
          'no control-plane Node found (labels node-role.kubernetes.io/master or control-plane)',
        ),
      );
    return out;
  },
};
