import { CAUSES } from '../core/causes.js';
import type { CauseModule } from './types.js';

export const nodeNotReady: CauseModule<'node-not-ready'> = {
  id: 'node-not-ready',
  summary: CAUSES['node-not-ready'],
  stage: 'node-ready',
  decisive: {
    what: "the Node's Ready condition and its message, past the registration grace",
    pattern: /Ready=False|not Ready|NotReady/,
  },
  fix: (ctx) => ({
    manual: ctx.host
      ? [
          `oc describe node ${ctx.host}   # the Ready condition's message names what is missing (network plugin, kubelet, disk)`,
          'oc get co network; oc get pods -n openshift-multus -o wide',
        ]
      : [],
    notes: ['The MCS and its certificates did their part: the host joined. What is left is on the node.'],
  }),
  probeNextSteps: () => ['oc get nodes; oc describe node <name>'],
  remedy: {
    plan: false,
    why: "a Node that is not Ready needs its own diagnosis (network plugin, kubelet); it is past the MCS's part",
  },
};
