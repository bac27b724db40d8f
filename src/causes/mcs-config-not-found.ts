import { CAUSES } from '../core/causes.js';
import type { CauseModule } from './types.js';

export const mcsConfigNotFound: CauseModule<'mcs-config-not-found'> = {
  id: 'mcs-config-not-found',
  summary: CAUSES['mcs-config-not-found'],
  stage: 'config-served',
  decisive: { what: 'the HTTP 404 the MCS answers for the URL the pointer asks', pattern: /404|Not Found/ },
  fix: () => ({
    manual: [
      'oc get machineconfigpool   # the URL path must be /config/<an existing pool>',
      "# correct the pointer's merge source in the user-data secret, then re-provision the host",
    ],
    notes: [],
  }),
  probeNextSteps: () => [
    'oc get machineconfigpool  (the URL path must be /config/<an existing pool>)',
    "check the pointer config's merge source path",
  ],
  remedy: { plan: false, why: 'the right pool is a decision for the administrator' },
};
