/**
 * The join pipeline of one host, stage by stage, from the facts: each stage pass / fail /
 * unknown / not reached (or in progress), and the causes behind the first failing stage, each
 * with the evidence that decides it. Later stages that already passed prove earlier ones (a
 * host whose Node exists did fetch its config), so a must-gather without a BMC clock still
 * gives a complete picture for a joined host.
 */
import { nodeRegisteredRecently, type HostFacts } from '../checks/facts/hosts.js';
import { bmcTargetOf, isJoined, type Facts } from '../checks/facts/index.js';
import { assessTls, type TlsAssessment } from '../checks/facts/tls.js';
import { formatRFC3339 } from '../pki/gotime.js';
import type { VerifyResult } from '../pki/types.js';
import type { CauseId } from './causes.js';
import { fixFor } from './fixes.js';
import type {
  Confidence,
  Evidence,
  HostDiagnosis,
  RankedCause,
  Stage,
  StageId,
  StageStatus,
} from './model.js';

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

const REGISTRATION_ERRORS = new Set([
  'registration error',
  'inspection error',
  'power management error',
  'detach error',
]);
const EARLY_STATES = new Set([
  '',
  'registering',
  'inspecting',
  'match profile',
  'preparing',
  'unmanaged',
  'powering off before delete',
]);
const PROVISIONED = new Set(['provisioned', 'externally provisioned']);

interface CauseDraft {
  id: CauseId;
  confidence: Confidence;
  summary: string;
  stage: StageId;
  evidence: Evidence[];
}

function certText(v: VerifyResult | undefined): string {
  return v ? (v.ok ? 'verifies' : (v.error ?? v.reason)) : 'not evaluated';
}

function ips(h: HostFacts): string {
  return h.ips.length > 0 ? h.ips.join(', ') : '(no address known)';
}

export function diagnoseHost(facts: Facts, host: HostFacts): HostDiagnosis {
  const bmhRef = `baremetalhost ${host.namespace}/${host.name}`;
  const book = new StageBook();
  const causes: CauseDraft[] = [];
  const set = book.set.bind(book);
  const cause = (d: CauseDraft): void => void causes.push(d);

  const fetches = facts.mcs.fetches.filter((f) => host.ips.includes(f.ip));
  const rejections = facts.mcs.handshakeErrors.filter((e) => host.ips.includes(e.ip));
  const joinedEvidence = host.node !== undefined || host.csrs.length > 0;
  const bmhEvidence: Evidence[] = [
    {
      text: `state ${host.state || '(none)'}${host.operationalStatus ? `, operationalStatus ${host.operationalStatus}` : ''}`,
      source: bmhRef,
    },
  ];
  if (host.errorType)
    bmhEvidence.push({
      text: `errorType ${host.errorType}: ${host.errorMessage ?? ''}`.trim(),
      source: bmhRef,
    });
  for (const e of host.events.slice(-3)) {
    bmhEvidence.push({
      text: `event ${String(e['reason'] ?? '')}: ${String(e['message'] ?? '')}`,
      source: `events of ${bmhRef}`,
    });
  }

  // 1 and 2: the BareMetalHost itself.
  let reachedBoot = false;
  if (host.errorType && (REGISTRATION_ERRORS.has(host.errorType) || EARLY_STATES.has(host.state))) {
    set('bmh-registered', 'fail', `${host.errorType}: ${host.errorMessage ?? ''}`.trim(), bmhEvidence);
    cause({
      id: 'bmh-stuck',
      confidence: 'confirmed',
      summary: `${host.name} is stuck in ${host.state || 'registration'}: ${host.errorType}`,
      stage: 'bmh-registered',
      evidence: bmhEvidence,
    });
  } else if (host.state === 'unmanaged') {
    set('bmh-registered', 'fail', 'unmanaged: the BMH has no usable BMC address or credentials', bmhEvidence);
    cause({
      id: 'bmh-stuck',
      confidence: 'confirmed',
      summary: `${host.name} is unmanaged (no BMC details)`,
      stage: 'bmh-registered',
      evidence: bmhEvidence,
    });
  } else if (EARLY_STATES.has(host.state)) {
    set('bmh-registered', 'in-progress', host.state || 'no state yet', bmhEvidence);
  } else {
    set('bmh-registered', 'pass', `state ${host.state}`, bmhEvidence);
    if (PROVISIONED.has(host.state)) {
      set(
        'bmh-provisioned',
        'pass',
        `${host.state}${host.userDataRef ? ` with user-data ${host.userDataRef.name}` : ''}`,
        bmhEvidence,
      );
      reachedBoot = true;
    } else if (host.errorType) {
      set('bmh-provisioned', 'fail', `${host.errorType}: ${host.errorMessage ?? ''}`, bmhEvidence);
      cause({
        id: 'bmh-stuck',
        confidence: 'confirmed',
        summary: `${host.name} failed in ${host.state}: ${host.errorType}`,
        stage: 'bmh-provisioned',
        evidence: bmhEvidence,
      });
    } else if (host.state === 'provisioning' || host.consumer || host.imageUrl) {
      set(
        'bmh-provisioned',
        'in-progress',
        host.state === 'provisioning' ? 'provisioning' : `${host.state}, waiting to be provisioned`,
        bmhEvidence,
      );
    } else {
      set('bmh-provisioned', 'not-reached', `${host.state}: no Machine claims this host`, bmhEvidence);
    }
  }

  let tls: TlsAssessment | undefined;
  if (reachedBoot) {
    tls = assessTls(facts, host);
    diagnoseBoot(facts, host, tls, { fetches, rejections, joinedEvidence }, book, cause);
  } else if (
    book.status('bmh-provisioned') === 'in-progress' ||
    book.status('bmh-registered') === 'in-progress'
  ) {
    // Not booted yet: say now what its Ignition will say when it does.
    tls = assessTls(facts, host);
    predictFetch(facts, host, tls, book, cause);
  }

  const pipeline = STAGES.map(
    ({ id, title }) =>
      book.get(id) ?? { id, title, status: 'not-reached' as const, detail: '', evidence: [] },
  );
  // Nothing after a failing stage can have happened, whatever a stale object says.
  const firstFail = pipeline.findIndex((s) => s.status === 'fail');
  if (firstFail >= 0) {
    for (let i = firstFail + 1; i < pipeline.length; i++) {
      const s = pipeline[i]!;
      if (s.status === 'unknown' || s.status === 'in-progress') pipeline[i] = { ...s, status: 'not-reached' };
    }
  }
  const firstFailingStage = firstFail >= 0 ? pipeline[firstFail]!.id : null;
  const order: Record<Confidence, number> = { confirmed: 0, likely: 1, possible: 2 };
  const stageIndex = (id: StageId): number => STAGES.findIndex((s) => s.id === id);
  causes.sort(
    (a, b) => order[a.confidence] - order[b.confidence] || stageIndex(a.stage) - stageIndex(b.stage),
  );
  const pointerRef = tls?.pointer.origin;
  const ranked: RankedCause[] = causes.map((c, i) => ({
    id: c.id,
    host: host.name,
    rank: i + 1,
    confidence: c.confidence,
    summary: c.summary,
    stage: c.stage,
    evidence: c.evidence,
    fix: fixFor(c.id, {
      host: host.name,
      namespace: host.namespace,
      version: facts.cluster.version,
      bmc: bmcTargetOf(host, facts),
      userDataSecret: pointerRef,
      pointerCaEntries: tls?.pointer.pointer?.certificateAuthorities.length,
    }),
  }));
  const outcome = isJoined(host)
    ? 'joined'
    : ranked.length > 0
      ? 'failing'
      : pipeline.some((s) => s.status === 'unknown')
        ? 'unknown'
        : 'joining';
  return { host: host.name, namespace: host.namespace, outcome, pipeline, firstFailingStage, causes: ranked };
}

/** For a host still being provisioned: the verdict its Ignition will reach, from the same facts. */
function predictFetch(
  facts: Facts,
  host: HostFacts,
  tls: TlsAssessment,
  book: StageBook,
  cause: (d: CauseDraft) => void,
): void {
  const pointer = tls.pointer.pointer;
  const verdict =
    tls.now && !tls.now.ok
      ? { at: facts.now, v: tls.now }
      : tls.atHostClock && !tls.atHostClock.ok
        ? { at: tls.clock.at!, v: tls.atHostClock }
        : undefined;
  if (pointer && pointer.major === 2) {
    const ev: Evidence[] = [
      {
        text: `the pointer config is spec ${pointer.specVersion}; Ignition 2.x refuses it`,
        source: tls.pointer.origin,
      },
    ];
    book.set(
      'host-clock',
      'not-reached',
      `predicted to fail: Ignition refuses the spec ${pointer.specVersion} pointer`,
      ev,
    );
    cause({
      id: 'pointer-unsupported-version',
      confidence: 'likely',
      summary: `predicted: when ${host.name} boots, its Ignition will refuse the spec ${pointer.specVersion} pointer`,
      stage: 'host-clock',
      evidence: ev,
    });
    return;
  }
  if (!verdict || !tls.chain[0]) return;
  const id: CauseId =
    verdict.at !== facts.now
      ? 'worker-clock-skew'
      : verdict.v.reason === 'cert-expired'
        ? 'mcs-cert-expired'
        : verdict.v.reason === 'unknown-authority'
          ? 'mcs-ca-mismatch'
          : verdict.v.reason === 'hostname-mismatch'
            ? 'mcs-san-mismatch'
            : 'mcs-cert-invalid';
  const ev: Evidence[] = [
    {
      text: `at ${verdict.at === facts.now ? 'now' : `the host clock ${formatRFC3339(verdict.at)}`}: ${verdict.v.error ?? verdict.v.reason}`,
      source: verdict.at === facts.now ? 'Go crypto/x509 rules' : tls.clock.detail,
    },
    { text: `pointer ${tls.url ?? '?'} with the CAs of ${tls.pointer.origin}`, source: tls.pointer.origin },
  ];
  book.set('tls-verified', 'not-reached', `predicted to fail: ${verdict.v.error ?? verdict.v.reason}`, ev);
  cause({
    id,
    confidence: 'likely',
    summary: `predicted: when ${host.name} boots, its Ignition will fail: ${verdict.v.error ?? verdict.v.reason}`,
    stage: 'tls-verified',
    evidence: ev,
  });
}

function diagnoseBoot(
  facts: Facts,
  host: HostFacts,
  tls: TlsAssessment,
  seen: {
    fetches: Facts['mcs']['fetches'];
    rejections: Facts['mcs']['handshakeErrors'];
    joinedEvidence: boolean;
  },
  book: StageBook,
  cause: (d: CauseDraft) => void,
): void {
  const set = book.set.bind(book);
  const { fetches, rejections, joinedEvidence } = seen;
  const fetchEvidence: Evidence[] = fetches.slice(-2).map((f) => ({
    text: `Pool ${f.pool} requested by ${f.ip} User-Agent "${f.userAgent}"${f.time ? ` at ${f.time}` : ''}`,
    source: `log of pod ${f.pod}`,
  }));
  const rejectionEvidence: Evidence[] = rejections.length
    ? [
        {
          text: `${rejections.length} TLS handshake error(s) from ${rejections[0]!.ip}: ${rejections[rejections.length - 1]!.error}${rejections[rejections.length - 1]!.time ? ` (last ${rejections[rejections.length - 1]!.time})` : ''}`,
          source: `log of pod ${rejections[rejections.length - 1]!.pod}`,
        },
      ]
    : [];
  const fetched = fetches.length > 0 || joinedEvidence;

  // 3: the boot: Ignition 2.x (every boot image since RHCOS 4.6) refuses a spec-2 pointer before fetching anything.
  const pointer = tls.pointer.pointer;
  if (pointer && pointer.major === 2 && !fetched) {
    const ev: Evidence[] = [
      {
        text: `the pointer config is spec ${pointer.specVersion}; Ignition 2.x accepts only spec 3.x and logs "Ignition failed: unsupported config version"`,
        source: tls.pointer.origin,
      },
    ];
    set('host-clock', 'fail', `Ignition refuses the spec ${pointer.specVersion} pointer`, ev);
    cause({
      id: 'pointer-unsupported-version',
      confidence: 'confirmed',
      summary: `${host.name}'s pointer config is spec ${pointer.specVersion}, which its Ignition does not accept`,
      stage: 'host-clock',
      evidence: ev,
    });
    return;
  }
  const clock = tls.clock;
  if (clock.at) {
    const offset = Math.round((clock.at.getTime() - facts.now.getTime()) / 1000);
    set(
      'host-clock',
      'pass',
      `${formatRFC3339(clock.at)} (${offset >= 0 ? '+' : ''}${humanSeconds(offset)} from this machine)`,
      [{ text: clock.detail, source: clock.source === 'bmc' ? `BMC of ${host.name}` : '--host-clock' }],
    );
  } else if (fetched) {
    set(
      'host-clock',
      'pass',
      'not read, but the host fetched its config, so its clock was inside the certificate validity',
      fetchEvidence,
    );
  } else {
    set('host-clock', 'unknown', clock.detail, []);
  }

  // 4: the route to the MCS.
  const readyPods = facts.mcs.pods.filter((p) => p.ready);
  const podEvidence: Evidence[] = facts.mcs.pods.map((p) => ({
    text: `pod ${p.name}: ${p.ready ? 'Ready' : 'not Ready'}${p.waitingReason ? ` (${p.waitingReason}${p.waitingMessage ? `: ${p.waitingMessage}` : ''})` : ''}, ${p.restarts} restart(s)${p.lastTerminationMessage ? `, last exit: ${p.lastTerminationMessage.trim().split('\n').pop()}` : ''}`,
    source: `pods in openshift-machine-config-operator`,
  }));
  for (const f of facts.mcs.fatal.slice(-2))
    podEvidence.push({ text: `fatal: ${f.line}`, source: `log of pod ${f.pod}` });
  const probe = tls.probe;
  const probeFailed =
    probe?.ok && !probe.result.chain.length && probe.result.reason !== 'ok' ? probe.result : undefined;
  const servingBroken =
    facts.servingCert.present &&
    (facts.servingCert.keyState === 'mismatch' ||
      facts.servingCert.keyState === 'unparsable' ||
      (facts.servingCert.certProblem !== undefined && !facts.servingCert.certProblem.includes('redacted')) ||
      facts.mcs.fatal.some((f) => /tls:|x509:|private key|PEM/i.test(f.line)));

  if (facts.mcs.podsRead.ok && facts.mcs.pods.length > 0 && readyPods.length === 0 && !fetched) {
    set(
      'mcs-reachable',
      'fail',
      `no machine-config-server pod is Ready (${facts.mcs.pods.length} pods)`,
      podEvidence,
    );
    if (servingBroken) {
      const ev: Evidence[] = [];
      if (facts.servingCert.keyProblem)
        ev.push({
          text: facts.servingCert.keyProblem,
          source: 'secret openshift-machine-config-operator/machine-config-server-tls',
        });
      if (facts.servingCert.certProblem)
        ev.push({
          text: facts.servingCert.certProblem,
          source: 'secret openshift-machine-config-operator/machine-config-server-tls',
        });
      cause({
        id: 'mcs-cert-corrupt',
        confidence: 'confirmed',
        summary: 'the MCS cannot load its serving certificate and key, so its pods crash',
        stage: 'mcs-reachable',
        evidence: [...ev, ...podEvidence],
      });
    } else {
      cause({
        id: 'mcs-not-running',
        confidence: 'confirmed',
        summary: 'no machine-config-server pod is Ready, so nothing answers on port 22623',
        stage: 'mcs-reachable',
        evidence: podEvidence,
      });
    }
  } else if (
    probeFailed &&
    ['connection-refused', 'timeout', 'dns-error', 'network-unreachable', 'tls-handshake-failed'].includes(
      probeFailed.reason,
    )
  ) {
    const ev: Evidence[] = [
      {
        text: probeFailed.ignitionError ?? probeFailed.reason,
        source: `probe of ${probeFailed.url} from this machine`,
      },
    ];
    set('mcs-reachable', 'fail', `${probeFailed.reason} from this machine`, ev);
    cause({
      id: 'mcs-unreachable',
      confidence: 'confirmed',
      summary: `${probeFailed.url} cannot be reached (${probeFailed.reason})`,
      stage: 'mcs-reachable',
      evidence: [
        ...ev,
        ...(readyPods.length
          ? [
              {
                text: `${readyPods.length} MCS pod(s) are Ready: the pods run, the route to them does not`,
                source: 'pods in openshift-machine-config-operator',
              },
            ]
          : []),
      ],
    });
  } else if (probeFailed?.reason === 'plain-http') {
    set('mcs-reachable', 'fail', 'plain HTTP answers on the TLS port', [
      { text: probeFailed.ignitionError ?? '', source: `probe of ${probeFailed.url}` },
    ]);
    cause({
      id: 'mcs-not-tls',
      confidence: 'confirmed',
      summary: 'something other than the TLS MCS answers on port 22623',
      stage: 'mcs-reachable',
      evidence: [],
    });
  } else if (fetched || rejections.length > 0) {
    set(
      'mcs-reachable',
      'pass',
      rejections.length && !fetched
        ? `the host reached the MCS (its handshakes are logged)`
        : 'the host reached the MCS',
      [...fetchEvidence, ...rejectionEvidence],
    );
  } else if (probe?.ok && probe.result.chain.length > 0) {
    set(
      'mcs-reachable',
      'pass',
      `reachable from this machine (${probe.result.address ?? probe.result.host}:${probe.result.port}); not seen from the host`,
      [{ text: `TLS handshake completed`, source: `probe of ${probe.result.url}` }],
    );
  } else if (
    // "Never seen" is evidence only when every MCS log, the Nodes and the CSRs were read.
    facts.mcs.logsRead > 0 &&
    facts.mcs.logsUnread.length === 0 &&
    facts.snapshot.nodes.ok &&
    facts.snapshot.csrs.ok &&
    host.ips.length > 0 &&
    readyPods.length > 0
  ) {
    const ev: Evidence[] = [
      {
        text: `no request and no TLS handshake from ${ips(host)} in ${facts.mcs.logsRead} MCS log(s), while ${readyPods.length} MCS pod(s) are Ready`,
        source: 'logs of the machine-config-server pods',
      },
    ];
    set('mcs-reachable', 'fail', `the MCS never saw ${ips(host)}`, ev);
    cause({
      id: 'mcs-unreachable',
      confidence: 'likely',
      summary: `the MCS pods never saw a connection from ${host.name} (${ips(host)})`,
      stage: 'mcs-reachable',
      evidence: ev,
    });
  } else {
    set(
      'mcs-reachable',
      'unknown',
      facts.mcs.logsRead === 0
        ? 'no MCS log could be read and the endpoint was not probed'
        : 'the host address is unknown',
      [],
    );
  }
  if (book.status('mcs-reachable') === 'fail') return;

  // 5: TLS verification as the worker does it.
  const chainRef =
    tls.chainSource === 'endpoint'
      ? `the chain served at ${tls.url}`
      : 'secret openshift-machine-config-operator/machine-config-server-tls';
  const leaf = tls.chain[0];
  const tlsEvidence: Evidence[] = [];
  if (leaf) {
    tlsEvidence.push({
      text: `serving certificate ${leaf.subject}, issuer ${leaf.issuer}, valid ${formatRFC3339(leaf.notBefore)} to ${formatRFC3339(leaf.notAfter)}, SANs ${[...leaf.dnsNames.map((d) => `DNS:${d}`), ...leaf.ipAddresses.map((i) => `IP:${i}`)].join(', ') || '(none)'}`,
      source: chainRef,
    });
  }
  if (tls.anchorsFrom === 'pointer') {
    tlsEvidence.push({
      text: `pointer CAs: ${tls.anchors.map((a) => `${a.subject} (key ${a.spkiSha256.slice(0, 23)}...)`).join('; ') || '(none)'}; URL ${tls.url ?? '?'}`,
      source: tls.pointer.origin,
    });
  } else if (tls.pointer.problem) {
    tlsEvidence.push({
      text: `pointer: ${tls.pointer.problem}; the cluster's CA sources stand in for it`,
      source: tls.pointer.origin,
    });
  }
  if (
    facts.servingCert.chain[0] &&
    leaf &&
    tls.chainSource === 'endpoint' &&
    facts.servingCert.chain[0].fingerprintSha256 !== leaf.fingerprintSha256
  ) {
    tlsEvidence.push({
      text: `the endpoint serves a different certificate (serial ${leaf.serialHex}) than the secret holds (serial ${facts.servingCert.chain[0].serialHex}): the MCS pods have not loaded the secret`,
      source: chainRef,
    });
  }
  const now = tls.now;
  const atClock = tls.atHostClock;
  const anchorsKnown = tls.anchorsFrom === 'pointer';
  const byCluster = tls.anchorsFrom === 'cluster-cas';
  if (!now || !leaf) {
    set(
      'tls-verified',
      'unknown',
      tls.chain.length === 0
        ? 'no serving certificate could be read (endpoint or secret)'
        : 'the URL host is unknown',
      tlsEvidence,
    );
  } else if (!now.ok) {
    tlsEvidence.push({
      text: `at ${formatRFC3339(facts.now)} (now): ${certText(now)}`,
      source: 'Go crypto/x509 rules',
    });
    const conf: Confidence =
      anchorsKnown || now.reason === 'cert-expired' || now.reason === 'hostname-mismatch'
        ? 'confirmed'
        : 'likely';
    if (now.reason === 'cert-expired' && leaf.notAfter.getTime() < facts.now.getTime()) {
      set(
        'tls-verified',
        'fail',
        `the serving certificate expired ${formatRFC3339(leaf.notAfter)}`,
        tlsEvidence,
      );
      cause({
        id: 'mcs-cert-expired',
        confidence: 'confirmed',
        summary: `the MCS serving certificate expired on ${formatRFC3339(leaf.notAfter)}`,
        stage: 'tls-verified',
        evidence: tlsEvidence,
      });
    } else if (now.reason === 'unknown-authority') {
      set(
        'tls-verified',
        'fail',
        byCluster
          ? "no cluster CA verifies the served chain (the pointer's CAs are unknown)"
          : "the pointer's CAs do not verify the served chain",
        tlsEvidence,
      );
      cause({
        id: 'mcs-ca-mismatch',
        confidence: conf,
        summary: byCluster
          ? "the served chain is not signed by the cluster's CAs"
          : `the CAs in ${tls.pointer.origin} do not verify the served chain`,
        stage: 'tls-verified',
        evidence: tlsEvidence,
      });
    } else if (now.reason === 'hostname-mismatch') {
      set('tls-verified', 'fail', `the certificate does not cover ${tls.urlHost}`, tlsEvidence);
      cause({
        id: 'mcs-san-mismatch',
        confidence: 'confirmed',
        summary: `the serving certificate does not cover ${tls.urlHost}, the host in the pointer URL`,
        stage: 'tls-verified',
        evidence: tlsEvidence,
      });
    } else {
      set('tls-verified', 'fail', now.error ?? now.reason, tlsEvidence);
      cause({
        id: 'mcs-cert-invalid',
        confidence: conf,
        summary: now.error ?? now.reason,
        stage: 'tls-verified',
        evidence: tlsEvidence,
      });
    }
  } else if (atClock && !atClock.ok) {
    tlsEvidence.push({
      text: `at the host clock ${formatRFC3339(tls.clock.at!)}: ${certText(atClock)}`,
      source: tls.clock.detail,
    });
    tlsEvidence.push({
      text: `at ${formatRFC3339(facts.now)} (now): verifies`,
      source: 'Go crypto/x509 rules',
    });
    set('tls-verified', 'fail', `valid now, not at the host clock: ${atClock.error ?? atClock.reason}`, [
      ...tlsEvidence,
      ...rejectionEvidence,
    ]);
    cause({
      id: 'worker-clock-skew',
      confidence: 'confirmed',
      summary: `${host.name}'s clock (${formatRFC3339(tls.clock.at!)}) is outside the certificate validity`,
      stage: 'tls-verified',
      evidence: [...tlsEvidence, ...rejectionEvidence],
    });
  } else if (rejections.length > 0 && fetches.length === 0 && !joinedEvidence) {
    // The host reached the MCS and rejected the certificate, though the chain verifies now for its URL.
    tlsEvidence.push({
      text: `at ${formatRFC3339(facts.now)} (now): the chain verifies${anchorsKnown ? " with the pointer's CAs" : " with the cluster's CAs"}`,
      source: 'Go crypto/x509 rules',
    });
    const ev = [
      ...rejectionEvidence,
      ...tlsEvidence,
      { text: `the host clock is unknown: ${tls.clock.detail}`, source: host.name },
    ];
    set(
      'tls-verified',
      'fail',
      'the host rejects the certificate (its handshakes fail), yet the chain verifies now',
      ev,
    );
    if (anchorsKnown) {
      cause({
        id: 'worker-clock-skew',
        confidence: 'likely',
        summary: `${host.name} rejects a chain that verifies now with its pointer's CAs: its clock is the likely reason`,
        stage: 'tls-verified',
        evidence: ev,
      });
      cause({
        id: 'mcs-ca-mismatch',
        confidence: 'possible',
        summary: 'or the pointer on its config drive differs from the secret (provisioned before a change)',
        stage: 'tls-verified',
        evidence: [],
      });
    } else {
      cause({
        id: 'mcs-ca-mismatch',
        confidence: 'likely',
        summary: `${host.name} rejects the served chain; its pointer's CAs could not be read`,
        stage: 'tls-verified',
        evidence: ev,
      });
      cause({
        id: 'worker-clock-skew',
        confidence: 'possible',
        summary: 'or its clock is outside the certificate validity',
        stage: 'tls-verified',
        evidence: [],
      });
    }
  } else {
    tlsEvidence.push({
      text: `at ${formatRFC3339(facts.now)} (now): verifies${atClock ? `; at the host clock ${formatRFC3339(tls.clock.at!)}: verifies` : ''}`,
      source: anchorsKnown ? tls.pointer.origin : 'cluster CA sources',
    });
    set(
      'tls-verified',
      byCluster && !fetched ? 'unknown' : 'pass',
      byCluster && !fetched
        ? "verifies with the cluster's CAs; the pointer's own CAs are unknown (give --pointer)"
        : 'the chain verifies for the URL host',
      tlsEvidence,
    );
  }
  if (book.status('tls-verified') === 'fail') return;

  // 6: the config itself.
  const http = probe?.ok ? probe.result.http : undefined;
  if (fetched) {
    set(
      'config-served',
      'pass',
      fetches.length ? `served to ${host.name}` : 'the host has CSRs or a Node, so it got its config',
      fetchEvidence,
    );
  } else if (http && http.status !== 200) {
    const id: CauseId = http.status === 404 ? 'mcs-config-not-found' : 'mcs-server-error';
    set('config-served', 'fail', `HTTP ${http.status} ${http.statusText}`, [
      { text: `GET result: ${http.statusText}`, source: `probe of ${tls.url}` },
    ]);
    cause({
      id,
      confidence: 'confirmed',
      summary: `the MCS answers ${http.status} for ${tls.url}`,
      stage: 'config-served',
      evidence: [],
    });
  } else if (http) {
    set(
      'config-served',
      'pass',
      `HTTP 200 from this machine (Ignition ${http.ignitionVersion ?? '?'}); not yet requested by the host`,
      [],
    );
  } else {
    set(
      'config-served',
      book.status('tls-verified') === 'pass' ? 'in-progress' : 'unknown',
      'no request from the host in the MCS logs yet',
      [],
    );
  }

  // 7, 8, 9: the kubelet's CSRs and the Node.
  const csrStage = (id: 'client-csr' | 'serving-csr', kind: 'client' | 'serving'): void => {
    const mine = host.csrs.filter((c) => c.kind === kind);
    const ev = mine.map((c) => ({
      text: `${c.name}: ${c.state} (${c.commonName ?? c.username})`,
      source: 'certificatesigningrequests',
    }));
    if (mine.some((c) => c.state === 'issued' || c.state === 'approved'))
      set(id, 'pass', `${mine.filter((c) => c.state !== 'pending').length} approved`, ev);
    else if (mine.some((c) => c.state === 'pending')) {
      const pending = facts.hosts.flatMap((h) => h.csrs).filter((c) => c.state === 'pending').length;
      set(id, 'fail', `${mine.filter((c) => c.state === 'pending').length} pending`, ev);
      cause({
        id: 'csr-pending',
        confidence: 'confirmed',
        summary: `${host.name} fetched its config; its ${kind} CSR waits for approval`,
        stage: id,
        evidence: [
          ...ev,
          { text: `${pending} node CSR(s) pending in the cluster`, source: 'certificatesigningrequests' },
        ],
      });
    } else if (mine.some((c) => c.state === 'denied' || c.state === 'failed')) {
      set(id, 'fail', 'denied', ev);
      cause({
        id: 'csr-pending',
        confidence: 'likely',
        summary: `${host.name}'s ${kind} CSR was denied`,
        stage: id,
        evidence: ev,
      });
    } else if (host.node && host.nodeReady)
      set(id, 'pass', 'the Node is Ready, so its certificate was issued', []);
    else if (fetched) set(id, 'in-progress', 'no CSR yet', []);
    else set(id, 'not-reached', '', []);
  };
  csrStage('client-csr', 'client');
  csrStage('serving-csr', 'serving');
  if (host.node) {
    const ev = [
      {
        text: `Node ${host.node.metadata.name} Ready=${host.nodeReady ? 'True' : 'False'}${host.nodeReadyMessage ? `: ${host.nodeReadyMessage}` : ''}`,
        source: `node ${host.node.metadata.name}`,
      },
    ];
    const registeredMs = facts.now.getTime() - Date.parse(host.node.metadata.creationTimestamp ?? '');
    if (host.nodeReady) set('node-ready', 'pass', `Node ${host.node.metadata.name} is Ready`, ev);
    else if (nodeRegisteredRecently(host, facts.now)) {
      // A node is NotReady for a while after it registers, until its network plugin starts.
      set(
        'node-ready',
        'in-progress',
        `Node ${host.node.metadata.name} registered ${Math.round(registeredMs / 1000)} s ago, not Ready yet`,
        ev,
      );
    } else {
      set('node-ready', 'fail', `Node ${host.node.metadata.name} is not Ready`, ev);
      cause({
        id: 'node-not-ready',
        confidence: 'confirmed',
        summary: `${host.name} registered Node ${host.node.metadata.name}, which is not Ready`,
        stage: 'node-ready',
        evidence: ev,
      });
    }
  } else set('node-ready', fetched ? 'in-progress' : 'not-reached', '', []);
}

class StageBook {
  private readonly stages = new Map<StageId, Stage>();

  set(id: StageId, status: StageStatus, detail: string, evidence: Evidence[] = []): void {
    this.stages.set(id, { id, title: STAGES.find((s) => s.id === id)!.title, status, detail, evidence });
  }

  get(id: StageId): Stage | undefined {
    return this.stages.get(id);
  }

  status(id: StageId): StageStatus | undefined {
    return this.stages.get(id)?.status;
  }
}

function humanSeconds(s: number): string {
  const a = Math.abs(s);
  const sign = s < 0 ? '-' : '';
  if (a < 120) return `${sign}${a}s`;
  if (a < 7200) return `${sign}${Math.round(a / 60)}m`;
  if (a < 172800) return `${sign}${Math.round(a / 3600)}h`;
  return `${sign}${Math.round(a / 86400)}d`;
}
