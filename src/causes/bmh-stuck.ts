import { CAUSES } from '../core/causes.js';
import type { CauseModule } from './types.js';

export const bmhStuck: CauseModule<'bmh-stuck'> = {
  id: 'bmh-stuck',
  summary: CAUSES['bmh-stuck'],
  stage: 'bmh-registered',
  decisive: {
    what: "the BareMetalHost's state, errorType and errorMessage",
    pattern: /state |errorType|unmanaged/,
  },
  fix: (ctx) => ({
    manual: ctx.host
      ? [
          `oc -n ${ctx.namespace} get bmh ${ctx.host} -o yaml`,
          `oc -n ${ctx.namespace} get events --field-selector involvedObject.name=${ctx.host}`,
        ]
      : [],
    notes: [
      'Check the BMC address, credentials secret and reachability of the BMC from the provisioning network.',
    ],
  }),
  probeNextSteps: () => ['oc get bmh -A  (the host never reached provisioning: see its errorMessage)'],
  remedy: { plan: true },
};
