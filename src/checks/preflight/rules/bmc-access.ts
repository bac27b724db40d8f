import type { Finding } from '../../../core/report.js';
import { finding } from '../../types.js';
import type { PreflightCheck } from '../types.js';

export const bmcAccess: PreflightCheck = {
  meta: {
    id: 'bmc-access',
    title: "Each waiting host's BMC answers and accepts its credentials",
    docs: 'Provisioning and every reboot go through the BMC: for each waiting host and every --host, its spec.bmc.address read over Redfish with the credentials of its secret (disableCertificateVerification honoured): the BMC must answer and accept them. A BMC that is not Redfish (IPMI) cannot be read here: a warning, since its clock stays unknown.',
    needs: [
      'baremetalhosts.metal3.io',
      'secrets (BMC credentials) in the BMH namespace',
      'network access to the BMCs (live only)',
    ],
  },
  run(pf) {
    if (pf.facts.sourceKind !== 'live') return [finding('skip', 'offline: a must-gather holds no BMC')];
    if (!pf.options.bmc) return [finding('skip', 'not read (--no-bmc)')];
    const out: Finding[] = [];
    for (const w of pf.waiting) {
      const h = w.host;
      const b = w.bmc;
      const ref = `baremetalhost ${h.namespace}/${h.name}`;
      if (b?.ok) {
        out.push(
          finding(
            'pass',
            `${h.name}: BMC ${h.bmcAddress ?? ''} answers, credentials of secret ${h.credentialsName ?? '?'} accepted`,
            {
              host: h.name,
              evidence: [{ text: `Manager ${b.manager}`, source: ref }],
            },
          ),
        );
        continue;
      }
      const msg = b?.message ?? 'not read';
      const notRedfish = /not Redfish/.test(msg);
      out.push(
        finding(
          notRedfish ? 'warn' : 'fail',
          `${h.name}: ${msg}${h.errorType ? ` (BareMetalHost: ${h.errorType})` : ''}`,
          {
            host: h.name,
            cause: notRedfish ? undefined : 'bmh-stuck',
            evidence: [
              {
                text: `spec.bmc.address ${h.bmcAddress ?? '(none)'}, credentials ${h.credentialsName ?? '(none)'}`,
                source: ref,
              },
            ],
          },
        ),
      );
    }
    if (out.length === 0) out.push(finding('skip', 'no BareMetalHost waits for its first boot'));
    return out;
  },
};
