import { CAUSES } from '../core/causes.js';
import { regenerateByHand } from './mcs-cert-expired.js';
import { REGENERATE, type CauseModule } from './types.js';

export const mcsCertInvalid: CauseModule<'mcs-cert-invalid'> = {
  id: 'mcs-cert-invalid',
  summary: CAUSES['mcs-cert-invalid'],
  stage: 'tls-verified',
  decisive: {
    what: "Go's verdict on the served chain (usage, constraints, a CA that may not sign)",
    pattern: /x509: /,
  },
  fix: regenerateByHand,
  probeNextSteps: (p) => [
    `openssl s_client -connect ${p.host}:${p.port} -servername ${p.host} -showcerts  (inspect the served chain)`,
    REGENERATE,
  ],
  remedy: {
    plan: false,
    why: 'which certificate is wrong, and why, decides the fix; regenerate by hand once it is understood',
  },
};
