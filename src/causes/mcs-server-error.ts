import { CAUSES } from '../core/causes.js';
import { MCO, type CauseModule } from './types.js';

export const mcsServerError: CauseModule<'mcs-server-error'> = {
  id: 'mcs-server-error',
  summary: CAUSES['mcs-server-error'],
  stage: 'config-served',
  decisive: {
    what: 'the HTTP 5xx the MCS answers, and its log line',
    pattern: /\b5\d\d\b|Internal Server Error|couldn't get config/,
  },
  fix: () => ({
    manual: [
      `oc -n ${MCO} logs -l k8s-app=machine-config-server   # the MCS logs why it cannot render the config`,
      'oc get machineconfigpool; oc get clusteroperator machine-config',
    ],
    notes: [],
  }),
  probeNextSteps: () => [
    `oc logs -n ${MCO} -l k8s-app=machine-config-server  (an unknown pool also answers 500)`,
    'oc get machineconfigpool; oc get clusteroperator machine-config',
  ],
  remedy: { plan: false, why: 'the MCS error names what is missing; no safe generic change repairs it' },
};
