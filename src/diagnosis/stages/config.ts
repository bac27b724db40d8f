/** Stage 6: the MCS serves /config/<pool> (HTTP 200 with an Ignition config). */
import type { Evidence } from '../model.js';
import { outcome, type Earlier, type HostContext, type StageOutcome } from './types.js';

export function judgeConfig(ctx: HostContext, earlier: Earlier): StageOutcome {
  const { host, tls, fetched, fetches, fetchEvidence } = ctx;
  if (fetched) {
    return outcome([
      {
        id: 'config-served',
        status: 'pass',
        detail: fetches.length
          ? `served to ${host.name}`
          : 'the host has CSRs or a Node, so it got its config',
        evidence: fetchEvidence,
      },
    ]);
  }
  const http = tls?.probe?.ok ? tls.probe.result.http : undefined;
  if (http && http.status !== 200) {
    const decisive: Evidence = {
      text: `HTTP ${http.status} ${http.statusText} for ${tls?.url}`,
      source: `probe of ${tls?.url}`,
    };
    return outcome(
      [
        {
          id: 'config-served',
          status: 'fail',
          detail: `HTTP ${http.status} ${http.statusText}`,
          evidence: [decisive],
        },
      ],
      [
        {
          id: http.status === 404 ? 'mcs-config-not-found' : 'mcs-server-error',
          confidence: 'confirmed',
          summary: `the MCS answers ${http.status} for ${tls?.url}`,
          stage: 'config-served',
          decisive,
          evidence: [],
        },
      ],
    );
  }
  if (http) {
    return outcome([
      {
        id: 'config-served',
        status: 'pass',
        detail: `HTTP 200 from this machine (Ignition ${http.ignitionVersion ?? '?'}); not yet requested by the host`,
        evidence: [],
      },
    ]);
  }
  return outcome([
    {
      id: 'config-served',
      status: earlier('tls-verified') === 'pass' ? 'in-progress' : 'unknown',
      detail: 'no request from the host in the MCS logs yet',
      evidence: [],
    },
  ]);
}
