import { CAUSES } from '../core/causes.js';
import { regenerateByHand } from './mcs-cert-expired.js';
import { REGENERATE, type CauseModule } from './types.js';

export const mcsCertExpiring: CauseModule<'mcs-cert-expiring'> = {
  id: 'mcs-cert-expiring',
  summary: CAUSES['mcs-cert-expiring'],
  stage: null,
  decisive: {
    what: "the serving certificate's notAfter, within the warning threshold",
    pattern: /expires .*in \d+ days?/,
  },
  fix: regenerateByHand,
  probeNextSteps: () => [`${REGENERATE}  (before it expires: every new worker would fail)`],
  remedy: { plan: true },
};
