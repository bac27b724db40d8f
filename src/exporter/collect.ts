/**
 * One collection: the snapshot from the watched source (no API request once the watches run),
 * diagnose's facts (the MCS probed with each user-data pointer's CAs, BMC clocks read with
 * backoff), the join pipeline of every BareMetalHost, and from those the samples of every
 * metric. Nothing here judges anew: the verdicts are diagnose's, computed by the same code.
 */
import { causeOfFetch, causeOfVerification } from '../causes/index.js';
import { buildFacts, isJoined, pointerUrl, type BmcReader, type Facts } from '../checks/facts/index.js';
import { judgeClock } from '../checks/facts/clock.js';
import { caSourceFacts } from '../checks/facts/ca-sources.js';
import type { HostFacts } from '../checks/facts/hosts.js';
import { SERVING_SECRET } from '../checks/facts/serving-cert.js';
import { assessPointer, assessTls } from '../checks/facts/tls.js';
import { tlsSecretLeaves } from '../checks/facts/tls-secrets.js';
import { gatherSnapshot, itemsOf, type Snapshot } from '../checks/snapshot.js';
import type { CauseId } from '../core/causes.js';
import { MCO_NAMESPACE } from '../core/names.js';
import { ROUTE_REASONS } from '../diagnosis/diagnose.js';
import { diagnoseHost } from '../diagnosis/stages/index.js';
import { countRecentPendingNodeCsrs, isPendingNodeCsr, maxPendingCsrs } from '../openshift/node-csrs.js';
import { parseNameDer } from '../pki/name.js';
import type { CertInfo } from '../pki/types.js';
import { probeReasonForVerify } from '../probes/fetch.js';
import type { FetchResult } from '../probes/types.js';
import type { ClusterSource, Read } from '../sources/types.js';
import { COLLECTED, type Collected, type MetricDef, type Sample } from './metrics.js';
import { slicer } from './slices.js';

export interface CollectOptions {
  now: Date;
  probe: boolean;
  resolve?: Map<string, string>;
  probeTimeoutMs: number;
  /** Read BMC clocks (through `bmcReader`, which backs off per BMC). */
  bmc: boolean;
  bmcReader: BmcReader & { retain?(hosts: readonly HostFacts[]): void };
  /** Only the BareMetalHosts of this namespace. */
  namespace?: string;
}

export type ErrorKind = 'api' | 'watch' | 'mcs-probe' | 'bmc';

export interface Collection {
  collected: Collected;
  /** Reads that failed, by kind, with what failed (for the log). */
  errors: Record<ErrorKind, string[]>;
  /** Every API read and watch was healthy. */
  success: boolean;
  hosts: number;
}

const seconds = (d: Date): number => d.getTime() / 1000;

/** x509-certificate-exporter's identity labels: CN of subject and issuer, the serial in decimal. */
function certLabels(c: CertInfo): Record<string, string> {
  let issuerCN = '';
  try {
    issuerCN = parseNameDer(c.rawIssuer).commonName ?? '';
  } catch {
    // An issuer name that does not parse has no CN to show.
  }
  return { subject_CN: c.subjectCommonName ?? '', issuer_CN: issuerCN, serial_number: c.serialDecimal };
}

/** `host:port` of a URL, as an endpoint label. */
function endpointOf(url: string | undefined): string {
  if (!url) return '';
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return '';
  }
}

const POOL = /\/config\/([^/?#]+)/;

class Samples {
  readonly collected: Collected = new Map();
  add(def: MetricDef, labels: Record<string, string>, value: number): void {
    let list = this.collected.get(def);
    if (!list) this.collected.set(def, (list = []));
    list.push({ labels, value } satisfies Sample);
  }
}

function readsOf(s: Snapshot): Array<[string, Read<unknown>]> {
  return [
    ['clusterversions', s.clusterVersions],
    ['infrastructures', s.infrastructures],
    ['clusteroperators', s.clusterOperators],
    ['nodes', s.nodes],
    ['certificatesigningrequests', s.csrs],
    ['daemonsets', s.daemonSets],
    ['pods', s.mcoPods],
    ['configmaps in openshift-machine-config-operator', s.mcoConfigMaps],
    ['configmaps in kube-system', s.kubeSystemConfigMaps],
    ['secrets', s.secrets],
    ['baremetalhosts', s.bareMetalHosts],
    ['machines', s.machines],
    ['machinesets', s.machineSets],
    ['events', s.machineApiEvents],
    ...s.mcsLogs.map((l): [string, Read<unknown>] => [`logs of ${l.pod}`, l.current]),
  ];
}

export async function collect(
  source: ClusterSource & { failing?(): Array<{ what: string; message: string }> },
  options: CollectOptions,
): Promise<Collection> {
  const errors: Record<ErrorKind, string[]> = { api: [], watch: [], 'mcs-probe': [], bmc: [] };
  const snapshot = await gatherSnapshot(source);
  for (const [what, read] of readsOf(snapshot)) {
    // A type the cluster does not serve (no Machine API on a UPI cluster) is nothing to read, not a failure.
    if (!read.ok && read.reason !== 'not-found') errors.api.push(`${what}: ${read.message}`);
  }
  for (const f of source.failing?.() ?? []) errors.watch.push(`watch of ${f.what}: ${f.message}`);
  const bmcResults = new Map<string, { ok: boolean; attempted: boolean }>();
  const reader: BmcReader = {
    concurrency: options.bmcReader.concurrency,
    agent: options.bmcReader.agent,
    // Every worker's BMC, joined or not: a clock is set right before a host is provisioned again.
    wants: (h) => options.bmc && h.role !== 'master' && (options.bmcReader.wants?.(h) ?? true),
    read: async (h, readNow) => {
      let attempted = false;
      const clock = await options.bmcReader.read(h, () => {
        attempted = true;
        return readNow();
      });
      bmcResults.set(`${h.namespace}/${h.name}`, { ok: clock.ok, attempted });
      return clock;
    },
  };
  const facts = await buildFacts(snapshot, {
    all: true,
    namespace: options.namespace,
    bmc: options.bmc ? 'always' : 'never',
    probe: options.probe,
    probeEveryUserData: true,
    resolve: options.resolve,
    expiryWarningDays: 30,
    now: options.now,
    probeTimeoutMs: options.probeTimeoutMs,
    bmcReader: reader,
    // Building the facts of 1000 hosts takes tens of milliseconds: a scrape gets in between steps.
    pause: slicer(),
  });
  const out = new Samples();
  servingCertificate(facts, out);
  pointers(facts, out, errors, options.probe);
  await hosts(facts, out, errors, bmcResults);
  csrs(facts, out);
  tlsSecrets(facts, out);
  options.bmcReader.retain?.(facts.hosts);
  return {
    collected: out.collected,
    errors,
    success: errors.api.length === 0 && errors.watch.length === 0,
    hosts: facts.hosts.length,
  };
}

function servingCertificate(facts: Facts, out: Samples): void {
  const secretLabels = { secret_namespace: MCO_NAMESPACE, secret_name: SERVING_SECRET };
  const leaf = facts.servingCert.chain[0];
  if (leaf) {
    const labels = { source: 'secret', ...secretLabels, endpoint: '', ...certLabels(leaf) };
    out.add(COLLECTED.servingNotBefore, labels, seconds(leaf.notBefore));
    out.add(COLLECTED.servingNotAfter, labels, seconds(leaf.notAfter));
    const managed = tlsSecretLeaves(facts).leaves.find(
      (l) => l.namespace === MCO_NAMESPACE && l.name === SERVING_SECRET,
    );
    const rotation = managed?.rotation;
    // Without a rotator's annotations, the point the MCO's rotator would renew it at: 80% of its validity.
    const refreshBy =
      rotation?.refreshBy ??
      new Date(leaf.notAfter.getTime() - (leaf.notAfter.getTime() - leaf.notBefore.getTime()) / 5);
    out.add(COLLECTED.servingRefresh, secretLabels, seconds(refreshBy));
    const state = rotation?.state ?? 'unmanaged';
    out.add(COLLECTED.servingRotated, { ...secretLabels, state }, state === 'rotated' ? 1 : 0);
  }
  // As served: one series per endpoint the probes reached, whatever the verification said.
  const served = new Map<string, CertInfo>();
  for (const secret of facts.userData.values()) {
    const probe = facts.probeFor(secret.pointer);
    if (!probe?.ok || !probe.result.chain[0]) continue;
    const endpoint = `${probe.result.host}:${probe.result.port}`;
    if (!served.has(endpoint)) served.set(endpoint, probe.result.chain[0]);
  }
  for (const [endpoint, cert] of served) {
    const labels = { source: 'served', secret_namespace: '', secret_name: '', endpoint, ...certLabels(cert) };
    out.add(COLLECTED.servingNotBefore, labels, seconds(cert.notBefore));
    out.add(COLLECTED.servingNotAfter, labels, seconds(cert.notAfter));
  }
}

/** The CAs the MCS serving certificate is signed by now: the MCO's bundle (4.19+, or after `oc adm ocp-certificates`), else the installer's root-ca. */
function mcsCaBundle(facts: Facts): CertInfo[] | undefined {
  const { sources } = caSourceFacts(facts.snapshot.kubeSystemConfigMaps, facts.snapshot.mcoConfigMaps, {
    ok: true,
    value: [],
  });
  const bundle = sources.find((s) => s.ref.includes('machine-config-server-ca'));
  const rootCa = sources.find((s) => s.ref.includes('root-ca'));
  const chosen = bundle ?? rootCa;
  return chosen && chosen.certs.length > 0 ? chosen.certs : undefined;
}

function pointers(facts: Facts, out: Samples, errors: Record<ErrorKind, string[]>, probing: boolean): void {
  const bundle = mcsCaBundle(facts);
  const bundleKeys = new Set(bundle?.map((c) => c.spkiSha256));
  const endpoints = new Map<string, string>();
  for (const secret of [...facts.userData.values()].sort((a, b) => a.ref.localeCompare(b.ref))) {
    const labels = { secret_namespace: secret.namespace, secret_name: secret.name };
    const p = secret.pointer;
    const url = p ? pointerUrl(p) : undefined;
    const verdict = (
      ok: boolean,
      reason: string,
      cause: CauseId | null,
      chainSource: 'served' | 'secret' | 'none',
    ): void =>
      out.add(
        COLLECTED.workerFetch,
        {
          ...labels,
          pool: POOL.exec(url ?? '')?.[1] ?? '',
          endpoint: endpointOf(url),
          chain_source: chainSource,
          reason,
          cause: ok ? '' : (cause ?? ''),
        },
        ok ? 1 : 0,
      );
    if (!p) {
      // Ignition cannot read it: no fetch at all.
      verdict(false, 'pointer-invalid', 'pointer-unsupported-version', 'none');
      continue;
    }
    for (const ca of p.certificateAuthorities) {
      const cert = ca.certs[0];
      if (!cert) continue;
      const caLabels = { ...labels, ...certLabels(cert) };
      out.add(COLLECTED.pointerCaNotAfter, caLabels, seconds(cert.notAfter));
      if (bundle) out.add(COLLECTED.pointerCaInBundle, caLabels, bundleKeys.has(cert.spkiSha256) ? 1 : 0);
    }
    if (p.major === 2) {
      verdict(false, 'unsupported-pointer-version', 'pointer-unsupported-version', 'none');
      continue;
    }
    const probe = facts.probeFor(p);
    if (probing && probe && !probe.ok) errors['mcs-probe'].push(`${url ?? secret.ref}: ${probe.message}`);
    const result: FetchResult | undefined = probe?.ok ? probe.result : undefined;
    if (result) {
      const endpoint = `${result.host}:${result.port}`;
      if (!endpoints.has(endpoint) || result.reason === 'ok') endpoints.set(endpoint, result.reason);
    }
    if (result && !ROUTE_REASONS.has(result.reason)) {
      verdict(result.verdict === 'ok', result.reason, causeOfFetch(result, null), 'served');
      continue;
    }
    // Not reached from here (a pod cannot reach 22623 on OpenShift): the chain in the secret, verified as the worker would.
    const tls = assessPointer(
      facts,
      { pointer: p, origin: secret.ref, redacted: false },
      { source: 'none', detail: '' },
    );
    if (tls.now) {
      const reason = probeReasonForVerify(tls.now.reason);
      verdict(tls.now.ok, reason, causeOfVerification(tls.now.reason, { workerClock: false }), 'secret');
    } else {
      // No chain anywhere: the MCS has no certificate to serve.
      const cause: CauseId = facts.servingCert.present ? 'mcs-cert-corrupt' : 'mcs-not-running';
      verdict(false, 'no-certificate', cause, 'none');
    }
  }
  for (const [endpoint, reason] of endpoints)
    out.add(
      COLLECTED.endpointProbe,
      { endpoint, reason },
      reason === 'ok' || !ROUTE_REASONS.has(reason) ? 1 : 0,
    );
}

async function hosts(
  facts: Facts,
  out: Samples,
  errors: Record<ErrorKind, string[]>,
  bmcResults: Map<string, { ok: boolean; attempted: boolean }>,
): Promise<void> {
  // A scrape waits for the host being judged, not for all of them.
  const pause = slicer();
  for (const h of facts.selected) {
    await pause();
    const labels = { bmh_namespace: h.namespace, bmh_name: h.name };
    const d = diagnoseHost(facts, h);
    out.add(
      COLLECTED.hostInfo,
      { ...labels, provisioning_state: h.state, role: h.role, outcome: d.outcome },
      1,
    );
    out.add(COLLECTED.hostWaiting, labels, waiting(h) ? 1 : 0);
    const cause = d.causes[0];
    out.add(
      COLLECTED.hostJoinFailing,
      {
        ...labels,
        stage: cause ? (d.firstFailingStage ?? cause.stage ?? '') : '',
        cause: cause?.id ?? '',
        predicted: cause && !d.firstFailingStage ? 'true' : 'false',
      },
      cause ? 1 : 0,
    );
    const read = bmcResults.get(`${h.namespace}/${h.name}`);
    const clock = facts.clockOf(h);
    if (read !== undefined) {
      out.add(COLLECTED.bmcReadSuccess, labels, read.ok ? 1 : 0);
      // Counted when the BMC was asked, not while it is being backed off.
      if (read.attempted && !read.ok && clock.bmc && !clock.bmc.ok)
        errors.bmc.push(`${h.namespace}/${h.name}: ${clock.bmc.message}`);
    }
    if (clock.source !== 'bmc' || !clock.at || !clock.bmc?.ok) continue;
    out.add(COLLECTED.bmcSkew, labels, clock.bmc.offsetMs / 1000);
    out.add(
      COLLECTED.bmcLastRead,
      labels,
      seconds(new Date(clock.bmc.bmcTime.getTime() - clock.bmc.offsetMs)),
    );
    const tls = assessTls(facts, h);
    if (tls.chain.length > 0) {
      const j = judgeClock(tls.chain, clock.at, facts.now);
      out.add(COLLECTED.bmcWithinValidity, labels, j.atClock ? 0 : 1);
    }
    if (tls.atHostClock)
      out.add(
        COLLECTED.hostChainAtClock,
        { ...labels, reason: probeReasonForVerify(tls.atHostClock.reason) },
        tls.atHostClock.ok ? 1 : 0,
      );
  }
}

/** A worker that has not joined: a spare waiting for a MachineSet, or one being provisioned. */
function waiting(h: HostFacts): boolean {
  return h.role !== 'master' && !isJoined(h);
}

function csrs(facts: Facts, out: Samples): void {
  const read = facts.snapshot.csrs;
  if (!read.ok) return;
  out.add(COLLECTED.csrsPending, {}, read.value.filter(isPendingNodeCsr).length);
  out.add(COLLECTED.csrsPendingRecent, {}, countRecentPendingNodeCsrs(read.value, facts.now));
  out.add(
    COLLECTED.approverLimit,
    {},
    maxPendingCsrs(itemsOf(facts.snapshot.machines).length, itemsOf(facts.snapshot.nodes).length),
  );
}

function tlsSecrets(facts: Facts, out: Samples): void {
  for (const l of tlsSecretLeaves(facts).leaves) {
    out.add(
      COLLECTED.tlsSecretNotAfter,
      {
        secret_namespace: l.namespace,
        secret_name: l.name,
        ...certLabels(l.leaf),
        managed: l.rotation.state === 'rotated' ? 'true' : 'false',
      },
      seconds(l.leaf.notAfter),
    );
  }
}
