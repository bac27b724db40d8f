/**
 * diagnose end to end, as a library call: source -> snapshot -> facts -> checks -> per-host
 * pipelines -> ranked causes -> one Report. The verdict is never `healthy` by default: a
 * selected host with an unknown stage, or a check that could not read what it needs, makes it
 * `inconclusive` unless a cause was found.
 */
import { CHECKS } from '../checks/index.js';
import {
  buildFacts,
  isJoined,
  pointerAnchors,
  type DiagnoseOptions,
  type Facts,
} from '../checks/facts/index.js';
import type { CertInfo } from '../pki/types.js';
import { assessTls } from '../checks/facts/tls.js';
import { gatherSnapshot } from '../checks/snapshot.js';
import { ExitCode } from '../core/errors.js';
import { formatRFC3339 } from '../pki/gotime.js';
import type { ClusterSource } from '../sources/types.js';
import { VERSION } from '../version.js';
import type { CauseId } from '../core/causes.js';
import { causeOfFetch, fixFor } from '../causes/index.js';
import { machineUserDataRef } from '../checks/facts/machine-user-data.js';
import { itemsOf } from '../checks/snapshot.js';
import { MAPI_NAMESPACE } from '../core/names.js';
import type {
  CertificateTimeline,
  CheckResult,
  CheckStatus,
  DiagnoseReport,
  RankedCause,
  Verdict,
} from '../core/report.js';
import { referenceTimeLabel } from '../checks/facts/clock.js';
import { diagnoseHost } from './stages/index.js';

const WORST: CheckStatus[] = ['fail', 'unknown', 'warn', 'pass', 'skip'];

export async function diagnose(source: ClusterSource, options: DiagnoseOptions): Promise<DiagnoseReport> {
  return (await analyse(source, options)).report;
}

/** The report and the facts it was made from (fix plans from the same facts). */
export async function analyse(
  source: ClusterSource,
  options: DiagnoseOptions,
): Promise<{ report: DiagnoseReport; facts: Facts }> {
  const snapshot = await gatherSnapshot(source, options.onProgress);
  const facts = await buildFacts(snapshot, options);
  const checks: CheckResult[] = CHECKS.map((check) => {
    const started = Date.now();
    const findings = check.run(facts);
    const status = WORST.find((s) => findings.some((f) => f.status === s)) ?? 'skip';
    return { id: check.meta.id, title: check.meta.title, status, findings, durationMs: Date.now() - started };
  });
  const hosts = facts.selected.map((h) => diagnoseHost(facts, h));
  const causes = rankCauses(
    facts,
    hosts.flatMap((h) => h.causes),
  );
  const unchecked = uncheckedOf(facts);
  const inputErrors = inputErrorsOf(facts);

  const unknownStage = hosts.some(
    (h) => h.outcome !== 'joined' && h.pipeline.some((s) => s.status === 'unknown'),
  );
  const unknownCheck = checks.some((c) => c.status === 'unknown');
  const verdict: Verdict =
    causes.length > 0 ? 'problem' : unknownStage || unknownCheck ? 'inconclusive' : 'healthy';
  const exitCode =
    inputErrors.length > 0 && verdict !== 'problem'
      ? ExitCode.usage
      : verdict === 'problem'
        ? ExitCode.problem
        : verdict === 'inconclusive'
          ? ExitCode.inconclusive
          : ExitCode.healthy;
  const report: DiagnoseReport = {
    schemaVersion: 1,
    tool: { name: 'mcs-doctor', version: VERSION },
    generatedAt: new Date().toISOString(),
    source: {
      kind: source.kind,
      location: source.location,
      collectedAt: source.collectedAt.toISOString(),
      requests: source.stats().requests,
    },
    cluster: {
      version: facts.cluster.version,
      platform: facts.cluster.platform,
      apiServerInternalURI: facts.cluster.apiServerInternalURI,
      apiVips: facts.cluster.apiVips,
    },
    verdict,
    exitCode,
    causes,
    hosts,
    pipeline: hosts.flatMap((h) =>
      h.pipeline.map((s) => ({
        host: h.host,
        stage: s.id,
        title: s.title,
        status: s.status,
        detail: s.detail,
      })),
    ),
    checks,
    certificates: timelines(facts),
    unchecked,
    inputErrors,
  };
  return { report, facts };
}

/** Probe reasons that say the endpoint was not reached from here, which is not the workers' network. */
export const ROUTE_REASONS: ReadonlySet<string> = new Set([
  'dns-error',
  'timeout',
  'connection-refused',
  'network-unreachable',
  'tls-handshake-failed',
]);

/** Host causes first (confirmed before likely before possible), then cluster-wide warnings. */
function rankCauses(facts: Facts, hostCauses: RankedCause[]): RankedCause[] {
  const order = { confirmed: 0, likely: 1, possible: 2 } as const;
  const sorted = [...hostCauses].sort((a, b) => order[a.confidence] - order[b.confidence] || a.rank - b.rank);
  const clusterWide: RankedCause[] = [];
  const add = (id: CauseId, summary: string, evidence: RankedCause['evidence']): void => {
    if (sorted.some((c) => c.id === id)) return;
    clusterWide.push({
      id,
      host: null,
      rank: 0,
      confidence: 'confirmed',
      summary,
      stage: null,
      evidence,
      fix: fixFor(id, { host: null, namespace: MAPI_NAMESPACE, version: facts.cluster.version }),
    });
  };
  const leaf = facts.servingCert.chain[0];
  if (leaf) {
    const left = leaf.notAfter.getTime() - facts.now.getTime();
    const src = { source: 'secret openshift-machine-config-operator/machine-config-server-tls' };
    if (left < 0) {
      add(
        'mcs-cert-expired',
        `the MCS serving certificate expired on ${formatRFC3339(leaf.notAfter)}: no new worker can join`,
        [{ text: `expired ${formatRFC3339(leaf.notAfter)} (notAfter of ${leaf.subject})`, ...src }],
      );
    } else if (left < facts.options.expiryWarningDays * 86_400_000) {
      const days = Math.floor(left / 86_400_000);
      add(
        'mcs-cert-expiring',
        `the MCS serving certificate expires in ${days} days (${formatRFC3339(leaf.notAfter)}): workers added after that cannot join`,
        [
          {
            text: `expires ${formatRFC3339(leaf.notAfter)} (notAfter of ${leaf.subject}), in ${days} days (warning threshold ${facts.options.expiryWarningDays} days)`,
            ...src,
          },
        ],
      );
    }
  }
  if (facts.servingCert.keyState === 'mismatch' || facts.servingCert.keyState === 'unparsable') {
    add('mcs-cert-corrupt', facts.servingCert.keyProblem ?? 'the serving key is unusable', [
      {
        text: facts.servingCert.keyProblem ?? '',
        source: 'secret openshift-machine-config-operator/machine-config-server-tls',
      },
    ]);
  }
  const corrupt = [...sorted, ...clusterWide].find((c) => c.id === 'mcs-cert-corrupt');
  if (facts.mcs.podsRead.ok && facts.mcs.pods.length > 0 && facts.mcs.pods.every((p) => !p.ready)) {
    const pods = facts.mcs.pods.map((p) => ({
      text: `${p.name}: ${p.waitingReason ?? p.phase ?? 'not Ready'}`,
      source: 'pods in openshift-machine-config-operator',
    }));
    const summary = 'no machine-config-server pod is Ready';
    if (corrupt) {
      // The pods cannot start because of the secret: they are its consequence, not a second cause.
      if (!corrupt.consequences?.some((q) => q.id === 'mcs-not-running')) {
        corrupt.consequences = [
          ...(corrupt.consequences ?? []),
          { id: 'mcs-not-running', summary, evidence: pods },
        ];
      }
    } else if (!sorted.some((c) => c.consequences?.some((q) => q.id === 'mcs-not-running'))) {
      add('mcs-not-running', summary, pods);
    }
  }
  // Every pointer a MachineSet gives new hosts: one that fails is a cause even before a host uses it.
  for (const ms of itemsOf(facts.snapshot.machineSets)) {
    const ref = machineUserDataRef(ms);
    const secret = ref ? facts.userData.get(`${ref.namespace}/${ref.name}`) : undefined;
    const probe = secret?.pointer ? facts.probeFor(secret.pointer) : undefined;
    if (!secret || !probe?.ok || probe.result.verdict === 'ok') continue;
    // Only what the endpoint answers counts: a name this machine cannot resolve or reach says
    // nothing about the workers' network (the route stage of a host decides that).
    if (ROUTE_REASONS.has(probe.result.reason)) continue;
    const id = causeOfFetch(probe.result, null);
    if (!id || [...sorted, ...clusterWide].some((c) => c.id === id)) continue;
    add(
      id,
      `MachineSet ${ms.metadata.name} gives new hosts ${secret.ref}, whose fetch fails: ${probe.result.ignitionError ?? probe.result.reason}`,
      [
        {
          text: probe.result.ignitionError ?? probe.result.reason,
          source: `probe of ${probe.result.url} with the CAs of ${secret.ref}`,
        },
      ],
    );
  }
  // A served chain the diagnosed hosts' pointers cannot verify also breaks every future worker.
  if (facts.selected.length === 0) {
    for (const h of facts.hosts.filter((x) => isJoined(x) && x.role === 'worker').slice(0, 1)) {
      const t = assessTls(facts, h);
      if (t.now && !t.now.ok && t.anchorsFrom === 'pointer' && t.now.reason === 'unknown-authority') {
        add(
          'mcs-ca-mismatch',
          `the CAs in ${t.pointer.origin} do not verify the served chain: new workers will not join`,
          [{ text: t.now.error ?? '', source: t.pointer.origin }],
        );
      }
    }
  }
  return [...sorted, ...clusterWide].map((c, i) => ({ ...c, rank: i + 1 }));
}

function uncheckedOf(facts: Facts): string[] {
  const out: string[] = [];
  if (facts.redactsSecrets) {
    if (facts.servingCert.keyState === 'redacted')
      out.push('whether tls.key matches the serving certificate: a must-gather redacts tls.key');
    const redacted = [...facts.userData.values()].filter((s) => s.redacted).map((s) => s.name);
    if (redacted.length && !facts.options.pointer) {
      out.push(
        `the CAs and URL of the pointer configs (${redacted.join(', ')}): a must-gather redacts userData; pass the worker's pointer with --pointer FILE`,
      );
    }
    out.push('BMC clocks: a must-gather holds no BMC data; give --host-clock ISO for a host');
    out.push('the endpoint as served now: offline, the certificate comes from the secret, not from the MCS');
  }
  for (const h of facts.selected) {
    const c = facts.clockOf(h);
    if (!c.at && facts.sourceKind === 'live' && !isJoined(h))
      out.push(`${h.name}: host clock unknown (${c.detail})`);
  }
  return out;
}

function inputErrorsOf(facts: Facts): string[] {
  const s = facts.snapshot;
  const reads = [
    s.clusterVersions,
    s.infrastructures,
    s.clusterOperators,
    s.nodes,
    s.csrs,
    s.daemonSets,
    s.mcoPods,
    s.mcoConfigMaps,
    s.kubeSystemConfigMaps,
    s.secrets,
    s.bareMetalHosts,
    s.machines,
    s.machineSets,
    s.machineApiEvents,
  ];
  if (facts.sourceKind !== 'must-gather') return [];
  return reads.filter((r) => !r.ok && r.reason === 'error').map((r) => (r as { message: string }).message);
}

function timelines(facts: Facts): CertificateTimeline[] {
  const out: CertificateTimeline[] = [];
  const marks = [{ label: referenceTimeLabel(facts.sourceKind), at: facts.now.toISOString() }];
  for (const h of facts.selected) {
    const c = facts.clockOf(h);
    if (c.at) marks.push({ label: `${h.name} clock`, at: c.at.toISOString() });
  }
  const add = (
    label: string,
    cert: { subject: string; issuer: string; notBefore: Date; notAfter: Date },
  ): void => {
    out.push({
      label,
      subject: cert.subject,
      issuer: cert.issuer,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      marks,
    });
  };
  facts.servingCert.chain.forEach((c, i) =>
    add(i === 0 ? 'MCS serving certificate' : `served chain #${i}`, c),
  );
  for (const s of facts.caSources) for (const c of s.certs) add(s.ref, c);
  // What the worker meets: the chain the MCS endpoint served and the CAs its pointer trusts.
  // A certificate already listed gets the other place in `alsoIn`, never a second row.
  const seen = new Map<string, CertificateTimeline>();
  const all = [...facts.servingCert.chain, ...facts.caSources.flatMap((s) => s.certs)];
  all.forEach((c, i) => {
    if (!seen.has(c.der.toString('base64'))) seen.set(c.der.toString('base64'), out[i]!);
  });
  const addOnce = (label: string, cert: CertInfo): void => {
    const key = cert.der.toString('base64');
    const known = seen.get(key);
    if (known) {
      if (known.label !== label && !known.alsoIn?.includes(label)) (known.alsoIn ??= []).push(label);
      return;
    }
    add(label, cert);
    seen.set(key, out[out.length - 1]!);
  };
  for (const h of facts.selected) {
    const choice = facts.pointerFor(h);
    if (!choice.pointer) continue;
    const probe = facts.probeFor(choice.pointer);
    if (probe?.ok)
      probe.result.chain.forEach((c, i) =>
        addOnce(i === 0 ? `served at ${probe.result.url}` : `served at ${probe.result.url} #${i}`, c),
      );
    for (const ca of pointerAnchors(choice.pointer)) addOnce(`pointer CA (${choice.origin})`, ca);
  }
  return out;
}
