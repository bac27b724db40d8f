import { CAUSES } from '../core/causes.js';
import { reprovisionByHand } from './reprovision.js';
import type { CauseModule } from './types.js';

export const pointerUnsupportedVersion: CauseModule<'pointer-unsupported-version'> = {
  id: 'pointer-unsupported-version',
  summary: CAUSES['pointer-unsupported-version'],
  stage: 'host-clock',
  decisive: {
    what: "the pointer config's spec version against what the boot image's Ignition accepts",
    pattern: /spec \d+\.\d+|unsupported config version/,
  },
  fix: (ctx) => ({
    manual: [
      "# rewrite the user-data pointer as spec 3 ('merge' instead of 'append'), as the MCO boot-image controller does",
      ...reprovisionByHand(ctx),
    ],
    notes: ['Ignition 2.x (RHCOS 4.6+ boot images) accepts only spec-3 pointer configs.'],
  }),
  probeNextSteps: () => [
    'Ignition 2.x (RHCOS 4.6+ boot images) accepts only spec-3 pointer configs; spec 2 works only with old boot images (Ignition 0.x, RHCOS < 4.6)',
    "let the MCO boot-image controller upgrade the stub to spec 3 (oc get machineconfiguration cluster -o yaml: managedBootImages), or rewrite worker-user-data with a spec-3 pointer ('merge' instead of 'append')",
    'if the host really boots an RHCOS < 4.6 image: mcs-doctor probe --legacy-ignition ...',
  ],
  remedy: { plan: true },
};
