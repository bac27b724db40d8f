/** Stage 3: the host boots and its Ignition reads the pointer; its clock, read from the BMC or given. */
import { formatRFC3339 } from '../../pki/gotime.js';
import type { Evidence } from '../../core/report.js';
import { clockOffsetText } from '../../checks/facts/clock.js';
import { outcome, type HostContext, type StageOutcome } from './types.js';

export function judgeBoot(ctx: HostContext): StageOutcome {
  const { facts, host, tls, fetched, fetchEvidence } = ctx;
  const pointer = tls?.pointer.pointer;
  // Ignition 2.x (every boot image since RHCOS 4.6) refuses a spec-2 pointer before fetching anything.
  if (tls && pointer && pointer.major === 2 && !fetched) {
    const decisive: Evidence = {
      text: `the pointer config is spec ${pointer.specVersion}; Ignition 2.x accepts only spec 3.x and logs "Ignition failed: unsupported config version"`,
      source: tls.pointer.origin,
    };
    return outcome(
      [
        {
          id: 'host-clock',
          status: 'fail',
          detail: `Ignition refuses the spec ${pointer.specVersion} pointer`,
          evidence: [decisive],
        },
      ],
      [
        {
          id: 'pointer-unsupported-version',
          confidence: 'confirmed',
          summary: `${host.name}'s pointer config is spec ${pointer.specVersion}, which its Ignition does not accept`,
          stage: 'host-clock',
          decisive,
          evidence: [],
        },
      ],
    );
  }
  const clock = tls?.clock ?? facts.clockOf(host);
  if (clock.at) {
    const offsetMs = clock.at.getTime() - facts.now.getTime();
    return outcome([
      {
        id: 'host-clock',
        status: 'pass',
        detail: `${formatRFC3339(clock.at)} (${clockOffsetText(offsetMs, facts.sourceKind)})`,
        evidence: [
          { text: clock.detail, source: clock.source === 'bmc' ? `BMC of ${host.name}` : '--host-clock' },
        ],
      },
    ]);
  }
  if (fetched) {
    return outcome([
      {
        id: 'host-clock',
        status: 'pass',
        detail: 'not read, but the host fetched its config, so its clock was inside the certificate validity',
        evidence: fetchEvidence,
      },
    ]);
  }
  return outcome([{ id: 'host-clock', status: 'unknown', detail: clock.detail, evidence: [] }]);
}
