import type { Finding } from '../../diagnosis/model.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import { finding, type Check } from '../types.js';

export const bmcClock: Check = {
  meta: {
    id: 'bmc-clock',
    title: 'BMC clocks over Redfish',
    docs: "Ignition verifies at the host's clock, which comes from its BMC/RTC, before NTP. The Manager's DateTime over Redfish (credentials from the BMH's secret, disableCertificateVerification honoured) shows a clock outside the certificate's validity.",
    needs: ['secrets (BMC credentials) in the BMH namespace', 'network access to the BMCs (live only)'],
  },
  run(facts) {
    const out: Finding[] = [];
    for (const h of facts.selected) {
      const c = facts.clockOf(h);
      if (c.source === 'user')
        out.push(
          finding('pass', `${h.name}: clock ${formatRFC3339(c.at!)} (--host-clock)`, { host: h.name }),
        );
      else if (c.bmc?.ok) {
        const off = Math.round(c.bmc.offsetMs / 1000);
        const leaf = facts.servingCert.chain[0];
        const inside = leaf
          ? c.at!.getTime() >= leaf.notBefore.getTime() && c.at!.getTime() <= leaf.notAfter.getTime()
          : true;
        out.push(
          finding(
            inside ? (Math.abs(off) > 300 ? 'warn' : 'pass') : 'fail',
            `${h.name}: BMC clock ${c.bmc.dateTime} (${off >= 0 ? '+' : ''}${off} s from this machine)${inside ? '' : ', outside the serving certificate validity'}`,
            {
              host: h.name,
              cause: inside ? undefined : 'worker-clock-skew',
              evidence: [{ text: `DateTime ${c.bmc.dateTime}`, source: `Redfish ${c.bmc.manager}` }],
            },
          ),
        );
      } else if (c.bmc) out.push(finding('unknown', `${h.name}: ${c.bmc.message}`, { host: h.name }));
      else out.push(finding('skip', `${h.name}: ${c.detail}`, { host: h.name }));
    }
    if (out.length === 0) out.push(finding('skip', 'no host to read a BMC clock for'));
    return out;
  },
};
