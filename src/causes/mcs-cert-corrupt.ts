import { CAUSES } from '../core/causes.js';
import { regenerateByHand } from './mcs-cert-expired.js';
import { MCO, REGENERATE, type CauseModule } from './types.js';

export const mcsCertCorrupt: CauseModule<'mcs-cert-corrupt'> = {
  id: 'mcs-cert-corrupt',
  summary: CAUSES['mcs-cert-corrupt'],
  stage: 'mcs-reachable',
  decisive: {
    what: 'the secret machine-config-server-tls: a certificate or key that does not parse, or a key that does not match',
    pattern:
      /does not match|is not the private key|does not parse|cannot be parsed|unparsable|not a PEM|no PEM|has no tls\.(crt|key)|tls: /,
  },
  fix: regenerateByHand,
  probeNextSteps: () => [
    `oc -n ${MCO} get secret machine-config-server-tls -o yaml  (tls.crt and tls.key must parse and match)`,
    REGENERATE,
  ],
  remedy: { plan: true },
};
