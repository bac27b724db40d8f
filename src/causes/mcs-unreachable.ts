import { CAUSES } from '../core/causes.js';
import { MCO, type CauseModule } from './types.js';

export const mcsUnreachable: CauseModule<'mcs-unreachable'> = {
  id: 'mcs-unreachable',
  summary: CAUSES['mcs-unreachable'],
  stage: 'mcs-reachable',
  decisive: {
    what: 'resolution, TCP connect, timeouts or refusals on the way to port 22623, or no connection from the host in any MCS log',
    pattern:
      /dial tcp|connection refused|timeout|no such host|network is unreachable|no request and no TLS handshake|handshake|cannot be reached|EOF|reset/,
  },
  fix: () => ({
    manual: [
      `oc -n ${MCO} get pods -l k8s-app=machine-config-server -o wide`,
      'curl -kv https://<api-int or API VIP>:22623/healthz   # from the worker network',
      '# check DNS for api-int, the API VIP owner (keepalived), the load balancer and firewalls for port 22623',
    ],
    notes: [
      'Probe from the worker network: a success from the admin host does not prove the worker can reach it.',
    ],
  }),
  probeNextSteps: (p) => [
    p.reason === 'dns-error'
      ? `DNS: ${p.host} must resolve on the worker's network (api-int record, or the API VIP)`
      : `from the worker's network: nc -vz ${p.host} ${p.port}  (firewall, VLAN, route, who holds the API VIP)`,
    `oc get pods -n ${MCO} -l k8s-app=machine-config-server -o wide  (one per master, hostNetwork, port ${p.port})`,
  ],
  remedy: { plan: true },
};
