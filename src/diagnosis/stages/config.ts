/** Stage 6: the MCS serves /config/<pool> (HTTP 200 with an Ignition config). */
import type { Evidence } from '../../core/report.js';
import { outcome, type Earlier, type HostContext, type StageOutcome } from './types.js';

export function judgeConfig(ctx: HostContext, earlier: Earlier): StageOutcome {
  const { host, tls, fetches, fetchEvidence, joinedEvidence } = ctx;
  const served = fetches.filter((f) => !f.error);
  const failed = fetches.filter((f) => f.error);
  if (served.length === 0 && failed.length > 0 && !joinedEvidence) {
    const f = failed[failed.length - 1]!;
    const decisive: Evidence = {
      text: `HTTP 500 for /config/${f.pool} requested by ${f.ip}: couldn't get config: ${f.error}${failed.length > 1 ? ` (${failed.length} requests, none served)` : ''}`,
      source: `log of pod ${f.pod}`,
    };
    return outcome(
      [
        {
          id: 'config-served',
          status: 'fail',
          detail: `the MCS answered 500: ${f.error}`,
          evidence: [decisive],
        },
      ],
      [
        {
          id: 'mcs-server-error',
          confidence: 'confirmed',
          summary: `the MCS cannot render /config/${f.pool} for ${host.name}: ${f.error}`,
          stage: 'config-served',
          decisive,
          evidence: [],
        },
      ],
    );
  }
  if (served.length > 0 || joinedEvidence) {
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

/**
 * The MCS serves only /config/<pool> (and /healthz): a pointer that asks anything else gets 404
 * Not Found, which the MCS does not even log. Judged from the pointer itself, live or offline.
 */
export function judgeConfigPath(ctx: HostContext): StageOutcome {
  const url = ctx.tls?.url;
  if (!url || ctx.joinedEvidence) return outcome([]);
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return outcome([]);
  }
  if (/^\/config\/[^/]+$/.test(path)) return outcome([]);
  const decisive: Evidence = {
    text: `the pointer asks ${path}: the MCS serves only /config/<pool> and /healthz, so it answers 404 Not Found (and logs nothing)`,
    source: ctx.tls?.pointer.origin ?? url,
  };
  return outcome(
    [
      {
        id: 'mcs-reachable',
        status: 'unknown',
        detail: 'the MCS does not log a request it answers with 404',
        evidence: [],
      },
      { id: 'config-served', status: 'fail', detail: `404 Not Found for ${path}`, evidence: [decisive] },
    ],
    [
      {
        id: 'mcs-config-not-found',
        confidence: 'confirmed',
        summary: `${ctx.host.name}'s pointer asks ${url}, which the MCS answers with 404`,
        stage: 'config-served',
        decisive,
        evidence: [],
      },
    ],
  );
}
