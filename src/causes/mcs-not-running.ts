import { CAUSES } from '../core/causes.js';
import { MCO, REGENERATE, type CauseModule } from './types.js';

export const mcsNotRunning: CauseModule<'mcs-not-running'> = {
  id: 'mcs-not-running',
  summary: CAUSES['mcs-not-running'],
  stage: 'mcs-reachable',
  decisive: {
    what: 'why the machine-config-server pods are not Ready: the serving secret missing, a mount or image failure, a crash',
    pattern: /does not exist|not Ready|ContainerCreating|CrashLoopBackOff|FailedMount|ImagePull|Error|exit/,
  },
  fix: () => ({
    manual: [
      `oc -n ${MCO} get ds machine-config-server`,
      `oc -n ${MCO} describe pod -l k8s-app=machine-config-server`,
      `oc -n ${MCO} get secret machine-config-server-tls   # missing: ${REGENERATE}`,
      `oc -n ${MCO} logs -l k8s-app=machine-config-server --previous   # only for pods that started and crashed`,
    ],
    notes: ['Restarting pods blindly does not help when the secret is missing or its key does not match.'],
  }),
  probeNextSteps: () => [
    `oc -n ${MCO} get pods -l k8s-app=machine-config-server -o wide`,
    `oc -n ${MCO} describe pod -l k8s-app=machine-config-server`,
  ],
  remedy: { plan: true },
};
