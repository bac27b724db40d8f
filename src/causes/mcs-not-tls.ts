import { CAUSES } from '../core/causes.js';
import { MCO, type CauseModule } from './types.js';

export const mcsNotTls: CauseModule<'mcs-not-tls'> = {
  id: 'mcs-not-tls',
  summary: CAUSES['mcs-not-tls'],
  stage: 'mcs-reachable',
  decisive: {
    what: 'a plain-HTTP (or other non-TLS) answer on the port the pointer uses',
    pattern: /server gave HTTP response to HTTPS client|plain HTTP|not TLS/,
  },
  fix: () => ({
    manual: [
      '# 22623 is the MCS TLS port, 22624 its plain-HTTP one: check the URL port and what the load balancer or VIP forwards',
      `oc -n ${MCO} get pods -l k8s-app=machine-config-server -o wide`,
    ],
    notes: [],
  }),
  probeNextSteps: (p) => [
    `plain HTTP answers on port ${p.port}: 22623 is the MCS's TLS port (22624 is its plain-HTTP one); check the URL's port and what listens there (load balancer config)`,
    `oc get pods -n ${MCO} -l k8s-app=machine-config-server -o wide`,
  ],
  remedy: { plan: false, why: 'what listens on the port is outside the cluster (a load balancer or VIP)' },
};
