import { CAUSES } from '../core/causes.js';
import { bmcClockCommands } from '../metal3/bmc-commands.js';
import { NO_SKIP_VERIFY_NOTE } from './reprovision.js';
import type { CauseModule } from './types.js';

export const workerClockSkew: CauseModule<'worker-clock-skew'> = {
  id: 'worker-clock-skew',
  summary: CAUSES['worker-clock-skew'],
  stage: 'tls-verified',
  decisive: {
    what: "the host's clock (BMC DateTime over Redfish, or --host-clock) against the certificates' validity, while the chain verifies now",
    pattern:
      /at the host clock .*: x509: certificate has expired or is not yet valid|rejects a chain that verifies (now|at the must-gather time)/,
  },
  fix: (ctx) => ({
    manual: [
      ...(ctx.bmc
        ? bmcClockCommands(ctx.bmc)
        : [
            '# set the host clock in its BMC (Redfish: PATCH /redfish/v1/Managers/<id> {"DateTime": ...}) or its firmware setup',
          ]),
      ctx.host
        ? `oc -n ${ctx.namespace} annotate bmh ${ctx.host} 'reboot.metal3.io={"mode":"hard"}'   # power-cycle so Ignition runs again`
        : '# then power-cycle the host',
    ],
    notes: [
      'Ignition does not sync the clock before it fetches; a chrony MachineConfig only helps hosts that have joined.',
      NO_SKIP_VERIFY_NOTE,
    ],
  }),
  probeNextSteps: (p) => [
    `the host's clock (${p.at}) is outside the certificate validity; Ignition does not sync time before fetching`,
    'set the BMC clock through Redfish: PATCH /redfish/v1/Managers/<id> with {"DateTime": "<UTC now>"} (credentials from the BareMetalHost\'s bmc.credentialsName secret)',
    'or fix the clock in the BIOS/BMC UI, then power-cycle the host',
  ],
  remedy: { plan: true },
};
