/** For a host still being provisioned: the verdict its Ignition will reach when it boots, from the same facts. */
import { causeOfVerification } from '../../causes/index.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import type { Evidence } from '../../core/report.js';
import { referenceTimeLabel } from '../../checks/facts/clock.js';
import { outcome, type HostContext, type StageOutcome } from './types.js';

export function predictFetch(ctx: HostContext): StageOutcome {
  const { facts, host, tls } = ctx;
  if (!tls) return outcome([]);
  const pointer = tls.pointer.pointer;
  if (pointer && pointer.major === 2) {
    const decisive: Evidence = {
      text: `the pointer config is spec ${pointer.specVersion}; Ignition 2.x refuses it`,
      source: tls.pointer.origin,
    };
    return outcome(
      [
        {
          id: 'host-clock',
          status: 'not-reached',
          detail: `predicted to fail: Ignition refuses the spec ${pointer.specVersion} pointer`,
          evidence: [decisive],
        },
      ],
      [
        {
          id: 'pointer-unsupported-version',
          confidence: 'likely',
          summary: `predicted: when ${host.name} boots, its Ignition will refuse the spec ${pointer.specVersion} pointer`,
          stage: 'host-clock',
          decisive,
          evidence: [],
        },
      ],
    );
  }
  const verdict =
    tls.now && !tls.now.ok
      ? { atHostClock: false, at: facts.now, v: tls.now }
      : tls.atHostClock && !tls.atHostClock.ok
        ? { atHostClock: true, at: tls.clock.at!, v: tls.atHostClock }
        : undefined;
  if (!verdict || !tls.chain[0]) return outcome([]);
  const id = causeOfVerification(verdict.v.reason, {
    workerClock: verdict.atHostClock,
    validNow: verdict.atHostClock,
  });
  if (!id) return outcome([]);
  const decisive: Evidence = {
    text: `at ${verdict.atHostClock ? `the host clock ${formatRFC3339(verdict.at)}` : referenceTimeLabel(facts.sourceKind)}: ${verdict.v.error ?? verdict.v.reason}`,
    source: verdict.atHostClock ? tls.clock.detail : 'Go crypto/x509 rules',
  };
  return outcome(
    [
      {
        id: 'tls-verified',
        status: 'not-reached',
        detail: `predicted to fail: ${verdict.v.error ?? verdict.v.reason}`,
        evidence: [decisive],
      },
    ],
    [
      {
        id,
        confidence: 'likely',
        summary: `predicted: when ${host.name} boots, its Ignition will fail: ${verdict.v.error ?? verdict.v.reason}`,
        stage: 'tls-verified',
        decisive,
        evidence: [
          {
            text: `pointer ${tls.url ?? '?'} with the CAs of ${tls.pointer.origin}`,
            source: tls.pointer.origin,
          },
        ],
      },
    ],
  );
}
