/** Stage 5: TLS as the worker judges it: the served chain against the pointer's CAs, for its URL host, at its clock. */
import { causeOfVerification } from '../../causes/index.js';
import { MCO_NAMESPACE, MCS_TLS_SECRET } from '../../core/names.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import type { Confidence, Evidence } from '../../core/report.js';
import { certText } from './format.js';
import { referenceTimeLabel } from '../../checks/facts/clock.js';
import { outcome, type CauseDraft, type HostContext, type StageOutcome } from './types.js';

export function judgeTls(ctx: HostContext): StageOutcome {
  const { facts, host, tls, fetched, fetches, rejections, joinedEvidence, rejectionEvidence } = ctx;
  if (!tls) return outcome([{ id: 'tls-verified', status: 'unknown', detail: 'not judged', evidence: [] }]);
  const when = referenceTimeLabel(facts.sourceKind);
  const chainRef =
    tls.chainSource === 'endpoint'
      ? `the chain served at ${tls.url}`
      : `secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET}`;
  const leaf = tls.chain[0];
  const evidence: Evidence[] = [];
  if (leaf) {
    evidence.push({
      text: `serving certificate ${leaf.subject}, issuer ${leaf.issuer}, valid ${formatRFC3339(leaf.notBefore)} to ${formatRFC3339(leaf.notAfter)}, SANs ${[...leaf.dnsNames.map((d) => `DNS:${d}`), ...leaf.ipAddresses.map((i) => `IP:${i}`)].join(', ') || '(none)'}`,
      source: chainRef,
    });
  }
  const anchorsKnown = tls.anchorsFrom === 'pointer';
  const byCluster = tls.anchorsFrom === 'cluster-cas';
  if (anchorsKnown) {
    evidence.push({
      text: `pointer CAs: ${tls.anchors.map((a) => `${a.subject} (key ${a.spkiSha256.slice(0, 23)}...)`).join('; ') || '(none)'}; URL ${tls.url ?? '?'}`,
      source: tls.pointer.origin,
    });
  } else if (tls.pointer.problem) {
    evidence.push({
      text: `pointer: ${tls.pointer.problem}; the cluster's CA sources stand in for it`,
      source: tls.pointer.origin,
    });
  }
  const secretLeaf = facts.servingCert.chain[0];
  if (
    secretLeaf &&
    leaf &&
    tls.chainSource === 'endpoint' &&
    secretLeaf.fingerprintSha256 !== leaf.fingerprintSha256
  ) {
    evidence.push({
      text: `the endpoint serves a different certificate (serial ${leaf.serialHex}) than the secret holds (serial ${secretLeaf.serialHex}): the MCS pods have not loaded the secret`,
      source: chainRef,
    });
  }
  const now = tls.now;
  const atClock = tls.atHostClock;
  if (!now || !leaf) {
    return outcome([
      {
        id: 'tls-verified',
        status: 'unknown',
        detail:
          tls.chain.length === 0
            ? 'no serving certificate could be read (endpoint or secret)'
            : 'the URL host is unknown',
        evidence,
      },
    ]);
  }
  const fail = (detail: string, draft: Omit<CauseDraft, 'stage'>, stageEvidence = evidence): StageOutcome =>
    outcome(
      [{ id: 'tls-verified', status: 'fail', detail, evidence: [draft.decisive, ...stageEvidence] }],
      [{ ...draft, stage: 'tls-verified' }],
    );

  if (!now.ok) {
    const id = causeOfVerification(now.reason, { workerClock: false })!;
    const decisive: Evidence =
      id === 'mcs-cert-expired' && leaf.notAfter.getTime() < facts.now.getTime()
        ? {
            text: `expired ${formatRFC3339(leaf.notAfter)} (notAfter of ${leaf.subject}), before ${formatRFC3339(facts.now)} (${when}): ${certText(now)}`,
            source: chainRef,
          }
        : {
            text: `at ${formatRFC3339(facts.now)} (${when}): ${certText(now)}`,
            source: 'Go crypto/x509 rules',
          };
    const conf: Confidence =
      anchorsKnown || id === 'mcs-cert-expired' || id === 'mcs-san-mismatch' ? 'confirmed' : 'likely';
    switch (id) {
      case 'mcs-cert-expired':
        return fail(`the serving chain is expired: ${certText(now)}`, {
          id,
          confidence: 'confirmed',
          summary:
            leaf.notAfter.getTime() < facts.now.getTime()
              ? `the MCS serving certificate expired on ${formatRFC3339(leaf.notAfter)}`
              : `a certificate of the served chain is expired: ${certText(now)}`,
          decisive,
          evidence,
        });
      case 'mcs-ca-mismatch':
        return fail(
          byCluster
            ? "no cluster CA verifies the served chain (the pointer's CAs are unknown)"
            : "the pointer's CAs do not verify the served chain",
          {
            id,
            confidence: conf,
            summary: byCluster
              ? "the served chain is not signed by the cluster's CAs"
              : `the CAs in ${tls.pointer.origin} do not verify the served chain`,
            decisive: {
              text: `no pointer CA verifies the served chain: ${certText(now)}`,
              source: tls.pointer.origin,
            },
            evidence,
          },
        );
      case 'mcs-san-mismatch':
        return fail(`the certificate does not cover ${tls.urlHost}`, {
          id,
          confidence: 'confirmed',
          summary: `the serving certificate does not cover ${tls.urlHost}, the host in the pointer URL`,
          decisive: { text: `${certText(now)} (URL ${tls.url ?? '?'})`, source: chainRef },
          evidence,
        });
      default:
        return fail(now.error ?? now.reason, {
          id,
          confidence: conf,
          summary: now.error ?? now.reason,
          decisive,
          evidence,
        });
    }
  }
  if (atClock && !atClock.ok) {
    const decisive: Evidence = {
      text: `at the host clock ${formatRFC3339(tls.clock.at!)}: ${certText(atClock)}`,
      source: tls.clock.detail,
    };
    const rest = [
      ...evidence,
      { text: `at ${formatRFC3339(facts.now)} (${when}): verifies`, source: 'Go crypto/x509 rules' },
      ...rejectionEvidence,
    ];
    return fail(
      `valid ${when}, not at the host clock: ${atClock.error ?? atClock.reason}`,
      {
        id: causeOfVerification(atClock.reason, { workerClock: true, validNow: true })!,
        confidence: 'confirmed',
        summary: `${host.name}'s clock (${formatRFC3339(tls.clock.at!)}) is outside the certificate validity`,
        decisive,
        evidence: rest,
      },
      rest,
    );
  }
  if (rejections.length > 0 && fetches.length === 0 && !joinedEvidence) {
    // The host reached the MCS and rejected the certificate, though the chain verifies now for its URL.
    const decisive: Evidence = {
      text: `${host.name} rejects a chain that verifies ${when === 'now' ? 'now' : `at the ${when}`}${anchorsKnown ? " with its pointer's CAs" : " with the cluster's CAs"}: ${rejectionEvidence[0]?.text ?? `${rejections.length} TLS handshake error(s)`}`,
      source: rejectionEvidence[0]?.source ?? 'logs of the machine-config-server pods',
    };
    const rest = [...evidence, { text: `the host clock is unknown: ${tls.clock.detail}`, source: host.name }];
    const stage = [
      {
        id: 'tls-verified' as const,
        status: 'fail' as const,
        detail: 'the host rejects the certificate (its handshakes fail), yet the chain verifies now',
        evidence: [decisive, ...rest],
      },
    ];
    return anchorsKnown
      ? outcome(stage, [
          {
            id: 'worker-clock-skew',
            confidence: 'likely',
            summary: `${host.name} rejects a chain that verifies ${when === 'now' ? 'now' : `at the ${when}`} with its pointer's CAs: its clock is the likely reason`,
            stage: 'tls-verified',
            decisive,
            evidence: rest,
          },
          {
            id: 'mcs-ca-mismatch',
            confidence: 'possible',
            summary:
              'or the pointer on its config drive differs from the secret (provisioned before a change)',
            stage: 'tls-verified',
            decisive: { text: 'the config drive cannot be read from the cluster', source: host.name },
            evidence: [],
          },
        ])
      : outcome(stage, [
          {
            id: 'mcs-ca-mismatch',
            confidence: 'likely',
            summary: `${host.name} rejects the served chain; its pointer's CAs could not be read`,
            stage: 'tls-verified',
            decisive,
            evidence: rest,
          },
          {
            id: 'worker-clock-skew',
            confidence: 'possible',
            summary: 'or its clock is outside the certificate validity',
            stage: 'tls-verified',
            decisive: { text: `the host clock is unknown: ${tls.clock.detail}`, source: host.name },
            evidence: [],
          },
        ]);
  }
  evidence.push({
    text: `at ${formatRFC3339(facts.now)} (${when}): verifies${atClock ? `; at the host clock ${formatRFC3339(tls.clock.at!)}: verifies` : ''}`,
    source: anchorsKnown ? tls.pointer.origin : 'cluster CA sources',
  });
  return outcome([
    {
      id: 'tls-verified',
      status: byCluster && !fetched ? 'unknown' : 'pass',
      detail:
        byCluster && !fetched
          ? "verifies with the cluster's CAs; the pointer's own CAs are unknown (give --pointer)"
          : 'the chain verifies for the URL host',
      evidence,
    },
  ]);
}
