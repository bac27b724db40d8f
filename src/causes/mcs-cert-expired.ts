import { CAUSES } from '../core/causes.js';
import { NO_SKIP_VERIFY_NOTE, reprovisionByHand, restartMcsByHand } from './reprovision.js';
import { MCO, REGENERATE, UPDATE_CA, type CauseModule, type FixContext } from './types.js';

/** The fix shared by the serving-certificate causes: a new certificate, the CA into every pointer, the hosts re-provisioned. */
export function regenerateByHand(ctx: FixContext): { manual: string[]; notes: string[] } {
  const reloads = restartMcsByHand(ctx).length === 0;
  return {
    manual: [REGENERATE, ...restartMcsByHand(ctx), UPDATE_CA, ...reprovisionByHand(ctx)],
    notes: [
      reloads
        ? 'This cluster (4.19+) reloads the serving certificate without a restart.'
        : `Do not delete secret ${MCO}/machine-config-server-tls to "let it be recreated": before 4.19 nothing recreates it and new MCS pods cannot start.`,
      'The new CA must reach every pointer config: the user-data secrets, and hosts already provisioned only after re-provisioning.',
      NO_SKIP_VERIFY_NOTE,
    ],
  };
}

export const mcsCertExpired: CauseModule<'mcs-cert-expired'> = {
  id: 'mcs-cert-expired',
  summary: CAUSES['mcs-cert-expired'],
  stage: 'tls-verified',
  decisive: {
    what: "the served (or stored) certificate's notAfter, before now",
    pattern: /expired .*\(notAfter/,
  },
  fix: regenerateByHand,
  probeNextSteps: () => [
    `${REGENERATE}  (new serving cert; on <= 4.18 it also restarts the MCS pods, which do not reload)`,
    `${UPDATE_CA}  (the pointer secrets must trust the new CA)`,
    're-provision the host: a provisioned BareMetalHost keeps the user-data it was provisioned with',
  ],
  remedy: { plan: true },
};
