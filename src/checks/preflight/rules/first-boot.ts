import type { Finding } from '../../../core/report.js';
import { formatRFC3339 } from '../../../pki/gotime.js';
import { finding } from '../../types.js';
import type { PreflightCheck } from '../types.js';
import { ignitionEvidence, predictedText } from './ignition-downloadable.js';

export const firstBootIgnition: PreflightCheck = {
  meta: {
    id: 'first-boot-ignition',
    title: "Each waiting host's first boot: its Ignition at its BMC clock",
    docs: "For every BareMetalHost not yet provisioned (registering, inspecting, available, preparing, provisioning) and every --host: the pointer it will get (its own user-data, else its MachineSet's) fetched as its boot image's Ignition does, at the clock of its BMC (Redfish Manager DateTime; this machine's clock when it cannot be read). The finding is the line its console will show.",
    needs: [
      'baremetalhosts.metal3.io',
      'secrets (BMC credentials) in the BMH namespace',
      'network access to the BMCs and the MCS (live only)',
    ],
  },
  run(pf) {
    if (pf.facts.sourceKind !== 'live')
      return [finding('skip', 'offline: nothing is probed from a must-gather')];
    const out: Finding[] = [];
    for (const w of pf.waiting) {
      const h = w.host;
      for (const { key, fetch } of w.predictions) {
        const clock =
          w.clock.source === 'bmc'
            ? `at its BMC clock ${formatRFC3339(fetch.at)}`
            : `at this machine's clock (${w.clock.detail})`;
        out.push(
          finding(
            fetch.verdict === 'ok'
              ? w.clock.source === 'bmc'
                ? 'pass'
                : 'warn'
              : fetch.verdict === 'unknown'
                ? 'unknown'
                : 'fail',
            `${h.name} (${h.state || 'no state'}), with secret ${key}, ${clock}: ${predictedText(fetch)}`,
            {
              host: h.name,
              evidence: [
                { text: w.clock.detail, source: `baremetalhost ${h.namespace}/${h.name}` },
                ...ignitionEvidence(fetch, `Ignition ${pf.bootImage.ignitionVersion}`),
              ],
            },
          ),
        );
      }
    }
    if (out.length === 0)
      out.push(
        finding('skip', 'no BareMetalHost waits for its first boot (give --host NAME for one that does)'),
      );
    return out;
  },
};
