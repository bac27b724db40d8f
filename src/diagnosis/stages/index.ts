/**
 * The join pipeline of one host, stage by stage: each stage module judges its own stages from
 * the host's context and names the causes it finds, with the fact that decides each first. The
 * first failing stage stops the walk; later stages are "not reached". A joined host is judged by
 * what it did, never reported as failing because of what its pointer would meet today.
 */
import { bmcTargetOf, isJoined, type Facts } from '../../checks/facts/index.js';
import type { HostFacts } from '../../checks/facts/hosts.js';
import { assessTls } from '../../checks/facts/tls.js';
import { fixFor } from '../../causes/index.js';
import type {
  Confidence,
  Evidence,
  HostDiagnosis,
  RankedCause,
  Stage,
  StageId,
  StageStatus,
} from '../../core/report.js';
import { judgeBmh } from './bmh.js';
import { judgeBoot } from './boot.js';
import { judgeConfig, judgeConfigPath } from './config.js';
import { judgeCsrs } from './csrs.js';
import { judgeNode } from './node.js';
import { predictFetch } from './predict.js';
import { judgeRoute } from './route.js';
import { judgeTls } from './tls.js';
import type { CauseDraft, HostContext, StageOutcome } from './types.js';

export const STAGES: ReadonlyArray<{ id: StageId; title: string }> = [
  { id: 'bmh-registered', title: 'BMH registered and inspected' },
  { id: 'bmh-provisioned', title: 'Provisioned (user-data written to the config drive)' },
  { id: 'host-clock', title: 'Host boots, Ignition reads its pointer; BMC clock' },
  { id: 'mcs-reachable', title: 'Route to the MCS on port 22623' },
  { id: 'tls-verified', title: "TLS: served chain vs the pointer's CAs at the host clock" },
  { id: 'config-served', title: 'MCS serves /config/worker' },
  { id: 'client-csr', title: 'Kubelet client CSR approved' },
  { id: 'serving-csr', title: 'Kubelet serving CSR approved' },
  { id: 'node-ready', title: 'Node Ready' },
];

/** The same fact read in several places (or logged many times) is one line with a count. */
export function groupEvidence(evidence: Evidence[]): Evidence[] {
  const seen = new Map<string, { e: Evidence; n: number }>();
  for (const e of evidence) {
    const key = `${e.text}\u0000${e.source ?? ''}`;
    const s = seen.get(key);
    if (s) s.n++;
    else seen.set(key, { e, n: 1 });
  }
  return [...seen.values()].map(({ e, n }) => (n > 1 ? { ...e, text: `${e.text} (${n} times)` } : e));
}

export function hostContext(facts: Facts, host: HostFacts): HostContext {
  const bmhRef = `baremetalhost ${host.namespace}/${host.name}`;
  const fetches = facts.mcs.fetches.filter((f) => host.ips.includes(f.ip));
  const rejections = facts.mcs.handshakeErrors.filter((e) => host.ips.includes(e.ip));
  const joinedEvidence = host.node !== undefined || host.csrs.length > 0;
  const bmhEvidence: Evidence[] = [
    {
      text: `state ${host.state || '(none)'}${host.operationalStatus ? `, operationalStatus ${host.operationalStatus}` : ''}`,
      source: bmhRef,
    },
  ];
  if (host.errorType) {
    bmhEvidence.push({
      text: `errorType ${host.errorType}: ${host.errorMessage ?? ''}`.trim(),
      source: bmhRef,
    });
  }
  for (const e of host.events.slice(-3)) {
    bmhEvidence.push({
      text: `event ${String(e['reason'] ?? '')}: ${String(e['message'] ?? '')}`,
      source: `events of ${bmhRef}`,
    });
  }
  const last = rejections[rejections.length - 1];
  return {
    facts,
    host,
    fetches,
    rejections,
    joinedEvidence,
    fetched: fetches.length > 0 || joinedEvidence,
    fetchEvidence: fetches.slice(-2).map((f) => ({
      text: `Pool ${f.pool} requested by ${f.ip} User-Agent "${f.userAgent}"${f.time ? ` at ${f.time}` : ''}`,
      source: `log of pod ${f.pod}`,
    })),
    rejectionEvidence: last
      ? [
          {
            text: `${rejections.length} TLS handshake error(s) from ${last.ip}: ${last.error}${last.time ? ` (last ${last.time})` : ''}`,
            source: `log of pod ${last.pod}`,
          },
        ]
      : [],
    bmhEvidence,
  };
}

const ORDER: Record<Confidence, number> = { confirmed: 0, likely: 1, possible: 2 };

export function diagnoseHost(facts: Facts, host: HostFacts): HostDiagnosis {
  let ctx = hostContext(facts, host);
  const stages = new Map<StageId, Stage>();
  const drafts: CauseDraft[] = [];
  const earlier = (id: StageId): StageStatus | undefined => stages.get(id)?.status;
  const title = (id: StageId): string => {
    if (id !== 'config-served') return STAGES.find((s) => s.id === id)!.title;
    // The pool the host asks for: from its pointer's URL, else its role's.
    const pool =
      /\/config\/([^/?#]+)/.exec(ctx.tls?.url ?? '')?.[1] ?? (host.role === 'master' ? 'master' : 'worker');
    return `MCS serves /config/${pool}`;
  };
  const take = (o: StageOutcome): boolean => {
    for (const v of o.verdicts)
      stages.set(v.id, { ...v, title: title(v.id), evidence: groupEvidence(v.evidence) });
    drafts.push(...o.causes);
    return o.verdicts.some((v) => v.status === 'fail');
  };

  const bmh = judgeBmh(ctx);
  take(bmh);
  if (bmh.next === 'boot') {
    ctx = { ...ctx, tls: assessTls(facts, host) };
    const walk = [
      judgeBoot,
      judgeConfigPath,
      judgeRoute,
      ctx.joinedEvidence ? joinedTls : judgeTls,
      (c: HostContext) => judgeConfig(c, earlier),
      judgeCsrs,
      judgeNode,
    ];
    for (const judge of walk) if (take(judge(ctx))) break;
  } else if (bmh.next === 'predict') {
    ctx = { ...ctx, tls: assessTls(facts, host) };
    take(predictFetch(ctx));
  }

  const pipeline: Stage[] = STAGES.map(
    ({ id }) =>
      stages.get(id) ?? { id, title: title(id), status: 'not-reached' as const, detail: '', evidence: [] },
  );
  // Nothing after a failing stage can have happened, whatever a stale object says.
  const firstFail = pipeline.findIndex((s) => s.status === 'fail');
  if (firstFail >= 0) {
    for (let i = firstFail + 1; i < pipeline.length; i++) {
      const s = pipeline[i]!;
      if (s.status === 'unknown' || s.status === 'in-progress') pipeline[i] = { ...s, status: 'not-reached' };
    }
  }
  const stageIndex = (id: StageId): number => STAGES.findIndex((s) => s.id === id);
  drafts.sort(
    (a, b) => ORDER[a.confidence] - ORDER[b.confidence] || stageIndex(a.stage) - stageIndex(b.stage),
  );
  const tls = ctx.tls;
  const causes: RankedCause[] = drafts.map((c, i) => ({
    id: c.id,
    host: host.name,
    rank: i + 1,
    confidence: c.confidence,
    summary: c.summary,
    stage: c.stage,
    evidence: groupEvidence([c.decisive, ...c.evidence]),
    ...(c.consequences?.length
      ? { consequences: c.consequences.map((q) => ({ ...q, evidence: groupEvidence(q.evidence) })) }
      : {}),
    fix: fixFor(c.id, {
      host: host.name,
      namespace: host.namespace,
      version: facts.cluster.version,
      role: host.role,
      bmc: bmcTargetOf(host, facts),
      userDataSecret: tls?.pointer.origin,
      pointerCaEntries: tls?.pointer.pointer?.certificateAuthorities.length,
      approverRefusal: c.approverRefusal,
    }),
  }));
  const outcome = isJoined(host)
    ? 'joined'
    : causes.length > 0
      ? 'failing'
      : pipeline.some((s) => s.status === 'unknown')
        ? 'unknown'
        : 'joining';
  return {
    host: host.name,
    namespace: host.namespace,
    outcome,
    pipeline,
    firstFailingStage: firstFail >= 0 ? pipeline[firstFail]!.id : null,
    causes,
  };
}

/**
 * A joined host passed TLS when it fetched its config; what its pointer would meet today is a
 * note (the cluster-wide causes say what it means for the next worker), never its failure.
 */
function joinedTls(ctx: HostContext): StageOutcome {
  const today = judgeTls(ctx);
  const failing = today.causes[0];
  return {
    verdicts: [
      {
        id: 'tls-verified',
        status: 'pass',
        detail: 'the host fetched its config and joined',
        evidence: failing
          ? [{ ...failing.decisive, text: `today its pointer would fail: ${failing.decisive.text}` }]
          : (today.verdicts[0]?.evidence ?? []),
      },
    ],
    causes: [],
  };
}
