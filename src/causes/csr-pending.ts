import { CAUSES } from '../diagnosis/causes.js';
import type { CauseModule } from './types.js';

export const csrPending: CauseModule<'csr-pending'> = {
  id: 'csr-pending',
  summary: CAUSES['csr-pending'],
  stage: 'client-csr',
  decisive: {
    what: "the host's pending kubelet CSRs and why the machine-approver does not approve them",
    pattern: /pending|denied/,
  },
  fix: () => ({
    manual: [
      'oc get csr --sort-by=.metadata.creationTimestamp',
      '# approve only the CSRs of this host, after checking requester, CN system:node:<name> and SANs:',
      'oc adm certificate approve <csr-name>',
    ],
    notes: ['Never approve every pending CSR: a rogue CSR would get a node identity.'],
  }),
  probeNextSteps: () => ['oc get csr --sort-by=.metadata.creationTimestamp'],
  remedy: { plan: true },
};
