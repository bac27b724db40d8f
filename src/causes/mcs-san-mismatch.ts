import { CAUSES } from '../core/causes.js';
import { NO_SKIP_VERIFY_NOTE, restartMcsByHand } from './reprovision.js';
import { REGENERATE, type CauseModule } from './types.js';

export const mcsSanMismatch: CauseModule<'mcs-san-mismatch'> = {
  id: 'mcs-san-mismatch',
  summary: CAUSES['mcs-san-mismatch'],
  stage: 'tls-verified',
  decisive: {
    what: "the certificate's SANs against the host in the pointer's URL (DNS name or IP)",
    pattern: /x509: certificate is valid for|doesn't contain any IP SANs|does not cover/,
  },
  fix: (ctx) => ({
    manual: [
      'oc get infrastructure cluster -o jsonpath={.status.apiServerInternalURI}',
      '# either point the user-data URL at a name or VIP the certificate covers, or regenerate the certificate:',
      REGENERATE,
      ...restartMcsByHand(ctx),
    ],
    notes: [
      'The serving certificate covers the api-int name and the API VIPs from Infrastructure.',
      NO_SKIP_VERIFY_NOTE,
    ],
  }),
  probeNextSteps: (p) => [
    `the certificate does not cover "${p.host}"; the URL host must be one of its DNS SANs (or IP SANs for an IP)`,
    "oc get infrastructure cluster -o jsonpath='{.status.apiServerInternalURI} {.status.platformStatus.baremetal.apiServerInternalIPs}'",
    `${REGENERATE}  (SANs come from the Infrastructure object)`,
    "or point the pointer config's merge source at a host the certificate covers",
  ],
  remedy: { plan: true },
};
