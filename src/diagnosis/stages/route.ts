/** Stage 4: the route to the MCS on port 22623: pods Ready, the endpoint answering TLS, the host seen. */
import { MCO_NAMESPACE, MCS_TLS_SECRET } from '../../core/names.js';
import type { Evidence } from '../../core/report.js';
import { ips } from './format.js';
import { outcome, type CauseDraft, type HostContext, type StageOutcome } from './types.js';

const UNREACHABLE = new Set([
  'connection-refused',
  'timeout',
  'dns-error',
  'network-unreachable',
  'tls-handshake-failed',
]);
const PODS = `pods in ${MCO_NAMESPACE}`;
const TLS_SECRET = `secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET}`;

/** Why the serving secret keeps the MCS from starting, when it does: the fact that decides mcs-not-running or mcs-cert-corrupt. */
function secretProblem(ctx: HostContext): { corrupt: boolean; evidence: Evidence } | undefined {
  const sc = ctx.facts.servingCert;
  if (!sc.present && ctx.facts.snapshot.secrets.ok) {
    return {
      corrupt: false,
      evidence: { text: `${TLS_SECRET} does not exist: the MCS pods cannot mount it`, source: TLS_SECRET },
    };
  }
  if (!sc.present) return undefined;
  if (sc.keyState === 'mismatch' || sc.keyState === 'unparsable') {
    return {
      corrupt: true,
      evidence: { text: sc.keyProblem ?? `tls.key ${sc.keyState}`, source: TLS_SECRET },
    };
  }
  if (sc.certProblem && !sc.certProblem.includes('redacted')) {
    return { corrupt: true, evidence: { text: sc.certProblem, source: TLS_SECRET } };
  }
  const fatal = ctx.facts.mcs.fatal.find((f) => /tls:|x509:|private key|PEM/i.test(f.line));
  if (fatal)
    return { corrupt: true, evidence: { text: `fatal: ${fatal.line}`, source: `log of pod ${fatal.pod}` } };
  return undefined;
}

export function judgeRoute(ctx: HostContext): StageOutcome {
  const { facts, host, tls, fetched, rejections, fetchEvidence, rejectionEvidence } = ctx;
  const readyPods = facts.mcs.pods.filter((p) => p.ready);
  const podEvidence: Evidence[] = facts.mcs.pods.map((p) => ({
    text: `pod ${p.name}: ${p.ready ? 'Ready' : 'not Ready'}${p.waitingReason ? ` (${p.waitingReason}${p.waitingMessage ? `: ${p.waitingMessage}` : ''})` : ''}, ${p.restarts} restart(s)${p.lastTerminationMessage ? `, last exit: ${p.lastTerminationMessage.trim().split('\n').pop()}` : ''}`,
    source: PODS,
  }));
  for (const f of facts.mcs.fatal.slice(-2))
    podEvidence.push({ text: `fatal: ${f.line}`, source: `log of pod ${f.pod}` });
  const probe = tls?.probe;
  const probeFailed =
    probe?.ok && !probe.result.chain.length && probe.result.reason !== 'ok' ? probe.result : undefined;

  if (facts.mcs.podsRead.ok && facts.mcs.pods.length > 0 && readyPods.length === 0 && !fetched) {
    const detail = `no machine-config-server pod is Ready (${facts.mcs.pods.length} pods)`;
    const secret = secretProblem(ctx);
    const notRunning: CauseDraft = {
      id: 'mcs-not-running',
      confidence: 'confirmed',
      summary:
        secret && !secret.corrupt
          ? `no machine-config-server pod is Ready: ${TLS_SECRET} does not exist, so they cannot start`
          : 'no machine-config-server pod is Ready, so nothing answers on port 22623',
      stage: 'mcs-reachable',
      decisive: secret?.evidence ?? podEvidence[0] ?? { text: detail, source: PODS },
      evidence: podEvidence,
    };
    if (secret?.corrupt) {
      // The pods crash because of the secret: one root cause, the pods are its consequence.
      return outcome(
        [{ id: 'mcs-reachable', status: 'fail', detail, evidence: podEvidence }],
        [
          {
            id: 'mcs-cert-corrupt',
            confidence: 'confirmed',
            summary: 'the MCS cannot load its serving certificate and key, so its pods crash',
            stage: 'mcs-reachable',
            decisive: secret.evidence,
            evidence: [],
            consequences: [{ id: 'mcs-not-running', summary: detail, evidence: podEvidence }],
          },
        ],
      );
    }
    return outcome([{ id: 'mcs-reachable', status: 'fail', detail, evidence: podEvidence }], [notRunning]);
  }
  if (probeFailed && UNREACHABLE.has(probeFailed.reason)) {
    const decisive: Evidence = {
      text: probeFailed.ignitionError ?? probeFailed.reason,
      source: `probe of ${probeFailed.url} from this machine`,
    };
    return outcome(
      [
        {
          id: 'mcs-reachable',
          status: 'fail',
          detail: `${probeFailed.reason} from this machine`,
          evidence: [decisive],
        },
      ],
      [
        {
          id: 'mcs-unreachable',
          confidence: 'confirmed',
          summary: `${probeFailed.url} cannot be reached (${probeFailed.reason})`,
          stage: 'mcs-reachable',
          decisive,
          evidence: readyPods.length
            ? [
                {
                  text: `${readyPods.length} MCS pod(s) are Ready: the pods run, the route to them does not`,
                  source: PODS,
                },
              ]
            : [],
        },
      ],
    );
  }
  if (probeFailed?.reason === 'plain-http' || probeFailed?.reason === 'not-tls') {
    const plain = probeFailed.reason === 'plain-http';
    const decisive: Evidence = {
      text:
        (probeFailed.ignitionError ?? (plain ? 'http: server gave HTTP response to HTTPS client' : '')) +
        (probeFailed.detail && !plain ? ` (${probeFailed.detail})` : ''),
      source: `probe of ${probeFailed.url}`,
    };
    return outcome(
      [
        {
          id: 'mcs-reachable',
          status: 'fail',
          detail: plain
            ? 'plain HTTP answers on the TLS port'
            : 'something other than TLS answers on the port',
          evidence: [decisive],
        },
      ],
      [
        {
          id: 'mcs-not-tls',
          confidence: 'confirmed',
          summary: `something other than the TLS MCS answers on ${probeFailed.url}`,
          stage: 'mcs-reachable',
          decisive,
          evidence: [],
        },
      ],
    );
  }
  if (fetched || rejections.length > 0) {
    return outcome([
      {
        id: 'mcs-reachable',
        status: 'pass',
        detail:
          rejections.length && !fetched
            ? 'the host reached the MCS (its handshakes are logged)'
            : 'the host reached the MCS',
        evidence: [...fetchEvidence, ...rejectionEvidence],
      },
    ]);
  }
  if (probe?.ok && probe.result.chain.length > 0) {
    return outcome([
      {
        id: 'mcs-reachable',
        status: 'pass',
        detail: `reachable from this machine (${probe.result.address ?? probe.result.host}:${probe.result.port}); not seen from the host`,
        evidence: [{ text: 'TLS handshake completed', source: `probe of ${probe.result.url}` }],
      },
    ]);
  }
  // "Never seen" is evidence only when every MCS log, the Nodes and the CSRs were read.
  if (
    facts.mcs.logsRead > 0 &&
    facts.mcs.logsUnread.length === 0 &&
    facts.snapshot.nodes.ok &&
    facts.snapshot.csrs.ok &&
    host.ips.length > 0 &&
    readyPods.length > 0
  ) {
    const decisive: Evidence = {
      text: `no request and no TLS handshake from ${ips(host)} in ${facts.mcs.logsRead} MCS log(s), while ${readyPods.length} MCS pod(s) are Ready`,
      source: 'logs of the machine-config-server pods',
    };
    return outcome(
      [
        {
          id: 'mcs-reachable',
          status: 'fail',
          detail: `the MCS never saw ${ips(host)}`,
          evidence: [decisive],
        },
      ],
      [
        {
          id: 'mcs-unreachable',
          confidence: 'likely',
          summary: `the MCS pods never saw a connection from ${host.name} (${ips(host)})`,
          stage: 'mcs-reachable',
          decisive,
          evidence: [],
        },
      ],
    );
  }
  return outcome([
    {
      id: 'mcs-reachable',
      status: 'unknown',
      detail:
        facts.mcs.logsRead === 0
          ? 'no MCS log could be read and the endpoint was not probed'
          : 'the host address is unknown',
      evidence: [],
    },
  ]);
}
