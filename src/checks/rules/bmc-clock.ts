import type { Finding } from '../../core/report.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import {
  CLOCK_DRIFT_WARNING_MS,
  clockOffsetText,
  judgeClock,
  referenceClockName,
  type ClockJudgement,
} from '../facts/clock.js';
import { assessTls } from '../facts/tls.js';
import { finding, type Check } from '../types.js';

function validity(o: NonNullable<ClockJudgement['atClock']>): string {
  return `${o.cert.subject} is valid ${formatRFC3339(o.cert.notBefore)} to ${formatRFC3339(o.cert.notAfter)}`;
}

export const bmcClock: Check = {
  meta: {
    id: 'bmc-clock',
    title: 'BMC clocks over Redfish',
    docs: "Ignition verifies at the host's clock, which comes from its BMC/RTC, before NTP. The Manager's DateTime over Redfish (credentials from the BMH's secret, disableCertificateVerification honoured), or --host-clock, against the real time (this machine's clock, or the must-gather's time offline): a clock is wrong only when it is off by more than a minute and that offset is what puts it outside the serving certificate's validity. A right clock next to an expired certificate passes: the certificate is at fault.",
    needs: ['secrets (BMC credentials) in the BMH namespace', 'network access to the BMCs (live only)'],
  },
  run(facts) {
    const out: Finding[] = [];
    const reference = referenceClockName(facts.sourceKind);
    for (const h of facts.selected) {
      const c = facts.clockOf(h);
      if (!c.at) {
        if (c.bmc)
          out.push(finding('unknown', `${h.name}: ${c.bmc.ok ? c.detail : c.bmc.message}`, { host: h.name }));
        else out.push(finding('skip', `${h.name}: ${c.detail}`, { host: h.name }));
        continue;
      }
      const tls = assessTls(facts, h);
      const j = judgeClock(tls.chain, c.at, facts.now);
      const what =
        c.bmc?.ok && c.source === 'bmc'
          ? `BMC clock ${c.bmc.dateTime}`
          : `clock ${formatRFC3339(c.at)} (--host-clock)`;
      const head = `${h.name}: ${what} (${clockOffsetText(j.offsetMs, facts.sourceKind)})`;
      const evidence = [
        c.bmc?.ok && c.source === 'bmc'
          ? { text: `DateTime ${c.bmc.dateTime}`, source: `Redfish ${c.bmc.manager}` }
          : { text: `host clock ${formatRFC3339(c.at)}`, source: '--host-clock' },
        ...(j.atClock
          ? [
              {
                text: validity(j.atClock),
                source: tls.chainSource === 'endpoint' ? 'served chain' : 'secret machine-config-server-tls',
              },
            ]
          : []),
      ];
      const drift = Math.abs(j.offsetMs) > CLOCK_DRIFT_WARNING_MS;
      switch (j.verdict) {
        case 'no-certificate':
          out.push(
            finding(drift ? 'warn' : 'pass', `${head}; no serving certificate to compare it with`, {
              host: h.name,
              evidence,
            }),
          );
          break;
        case 'inside':
          out.push(
            finding(
              drift ? 'warn' : 'pass',
              `${head}, inside the serving certificate validity${drift ? `, but off from ${reference}` : ''}`,
              { host: h.name, evidence },
            ),
          );
          break;
        case 'clock-wrong':
          out.push(
            finding(
              'fail',
              `${head}, outside the serving certificate validity (${j.atClock!.side === 'expired' ? 'after' : 'before'} it: ${validity(j.atClock!)}), which includes ${reference}: the clock is wrong`,
              { host: h.name, cause: 'worker-clock-skew', evidence },
            ),
          );
          break;
        case 'certificate-outside':
          out.push(
            finding(
              'pass',
              `${head}: clock right; the certificate itself is ${j.atReference!.side === 'expired' ? 'expired' : 'not yet valid'}: see mcs-serving-cert`,
              { host: h.name, evidence },
            ),
          );
          break;
        case 'both':
          out.push(
            finding(
              'warn',
              `${head}: the clock is off, and the certificate is ${j.atReference!.side === 'expired' ? 'expired' : 'not yet valid'} at ${reference} too (see mcs-serving-cert)${j.offsetMs < 0 ? '; a certificate renewed now would not be valid at this clock either: set the clock as well' : ''}`,
              { host: h.name, evidence },
            ),
          );
          break;
        case 'at-the-edge':
          out.push(
            finding(
              'warn',
              `${head}: the clock is right, but the certificate's validity ${j.atClock!.side === 'expired' ? 'ends' : 'starts'} within a minute of ${reference} (${validity(j.atClock!)})`,
              { host: h.name, evidence },
            ),
          );
          break;
      }
    }
    if (out.length === 0) out.push(finding('skip', 'no host to read a BMC clock for'));
    return out;
  },
};
