/**
 * Every metric the exporter serves: name, help and label keys, in one place (the docs and the
 * dashboard are checked against it). Names follow Prometheus practice and the ecosystem: the
 * `mcs_doctor_` prefix, `_timestamp_seconds` for times, x509-certificate-exporter's label keys
 * where they mean the same (`secret_namespace`, `secret_name`, `subject_CN`, `issuer_CN`,
 * `serial_number`), `bmh_namespace`/`bmh_name` for BareMetalHosts, and never a bare
 * `namespace` label (Prometheus would rename it `exported_namespace`).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { slicer } from './slices.js';

export interface MetricDef {
  name: string;
  help: string;
  labels: readonly string[];
  type: 'gauge' | 'counter';
}

const CERT = ['subject_CN', 'issuer_CN', 'serial_number'] as const;
const HOST = ['bmh_namespace', 'bmh_name'] as const;
const SECRET = ['secret_namespace', 'secret_name'] as const;

function gauge(name: string, help: string, labels: readonly string[] = []): MetricDef {
  return { name: `mcs_doctor_${name}`, help, labels, type: 'gauge' };
}

function counter(name: string, help: string, labels: readonly string[] = []): MetricDef {
  return { name: `mcs_doctor_${name}`, help, labels, type: 'counter' };
}

/** Measured at each collection; /metrics serves the last collection's values. */
export const COLLECTED = {
  servingNotBefore: gauge(
    'mcs_serving_cert_not_before_timestamp_seconds',
    'notBefore of the MCS serving certificate, from secret machine-config-server-tls (source="secret") and as the MCS serves it (source="served", per endpoint)',
    ['source', ...SECRET, 'endpoint', ...CERT],
  ),
  servingNotAfter: gauge(
    'mcs_serving_cert_not_after_timestamp_seconds',
    'notAfter of the MCS serving certificate, from the secret and as served; emitted whether or not the chain verifies',
    ['source', ...SECRET, 'endpoint', ...CERT],
  ),
  servingRefresh: gauge(
    'mcs_serving_cert_refresh_timestamp_seconds',
    "When the serving certificate is due for renewal: the rotator's 80% point (library-go certrotation, the MCO's rotator on 4.19+), from its annotations when it has them, else from the certificate",
    SECRET,
  ),
  servingRotated: gauge(
    'mcs_serving_cert_rotated',
    '1 when a rotator renews the serving certificate in time (state="rotated"), 0 when nothing does (unmanaged: before 4.19, or 4.19+ without MachineSets) or it is late (overdue, stale-annotations)',
    [...SECRET, 'state'],
  ),
  workerFetch: gauge(
    'worker_fetch_success',
    "The predicted verdict of a worker's Ignition fetch with this user-data secret's pointer config (its URL and CAs), now: 1 ok, 0 fail; reason as probe names it, cause the root-cause id; chain_source says whether the chain was the one served (a real fetch) or the secret's (the MCS could not be reached from here)",
    [...SECRET, 'pool', 'endpoint', 'chain_source', 'reason', 'cause'],
  ),
  endpointProbe: gauge(
    'mcs_endpoint_probe_success',
    'Whether the MCS endpoint of a pointer answered the probe from where the exporter runs (1), or not (0, with the reason: connection-refused, timeout, dns-error...)',
    ['endpoint', 'reason'],
  ),
  pointerCaInBundle: gauge(
    'pointer_ca_in_bundle',
    "1 when this CA of a user-data secret's pointer config is in the MCS CA bundle (configmap machine-config-server-ca, else kube-system/root-ca), compared by key",
    [...SECRET, ...CERT],
  ),
  pointerCaNotAfter: gauge(
    'pointer_ca_not_after_timestamp_seconds',
    "notAfter of each CA in a user-data secret's pointer config",
    [...SECRET, ...CERT],
  ),
  hostInfo: gauge(
    'host_info',
    'One series per BareMetalHost: its provisioning state, role and join outcome (joined, joining, failing, unknown)',
    [...HOST, 'provisioning_state', 'role', 'outcome'],
  ),
  hostWaiting: gauge(
    'host_waiting',
    'A worker BareMetalHost whose Node is not Ready (spare, provisioning, or stuck): the next host to boot its Ignition',
    HOST,
  ),
  hostJoinFailing: gauge(
    'host_join_failing',
    '1 for a host with a root cause: its first failing join stage (or, predicted="true", the stage a spare host\'s first boot will fail at) and the cause; 0 with empty stage and cause otherwise',
    [...HOST, 'stage', 'cause', 'predicted'],
  ),
  bmcSkew: gauge(
    'bmc_clock_skew_seconds',
    "The host's BMC clock (Redfish Manager DateTime) minus the exporter's clock, when the last read succeeded",
    HOST,
  ),
  bmcReadSuccess: gauge(
    'bmc_clock_read_success',
    'Whether the last read of the BMC clock succeeded (reads back off per BMC after failures)',
    HOST,
  ),
  bmcLastRead: gauge(
    'bmc_clock_last_read_timestamp_seconds',
    'When the BMC clock was read, when that read succeeded',
    HOST,
  ),
  bmcWithinValidity: gauge(
    'bmc_clock_within_cert_validity',
    "1 when the host's BMC clock falls within the validity of every certificate of the MCS serving chain, 0 when it does not",
    HOST,
  ),
  hostChainAtClock: gauge(
    'host_chain_verified_at_clock',
    "Whether the MCS chain verifies with the host's pointer CAs, for its URL, at the host's BMC clock (1), or not (0, reason as Go's crypto/x509 rejects it)",
    [...HOST, 'reason'],
  ),
  csrsPending: gauge('node_csrs_pending', 'Node CSRs (kubelet client and serving) waiting for approval'),
  csrsPendingRecent: gauge(
    'node_csrs_pending_recent',
    'Pending node CSRs created within the last hour: what cluster-machine-approver counts against its limit',
  ),
  approverLimit: gauge(
    'machine_approver_pending_limit',
    'Above this many recent pending node CSRs the machine-approver approves none: max(Machines, Nodes) + 100',
  ),
  tlsSecretNotAfter: gauge(
    'tls_secret_not_after_timestamp_seconds',
    'notAfter of the leaf certificate of each kubernetes.io/tls secret (and of machine-config-server-tls); managed="true" when an OpenShift rotator renews it in time',
    [...SECRET, ...CERT, 'managed'],
  ),
  collectionSuccess: gauge(
    'collection_success',
    'Whether the last collection read everything it needs from the API (1) or some read or watch failed (0)',
  ),
  lastCollection: gauge('last_collection_timestamp_seconds', 'When the last collection finished'),
  collectionDuration: gauge('collection_duration_seconds', 'How long the last collection took'),
  collectionInterval: gauge('collection_interval_seconds', 'The time between two collections (--interval)'),
} as const satisfies Record<string, MetricDef>;

/** Counted over the exporter's life, and read at each scrape. */
export const LIVE = {
  collectionErrors: counter(
    'collection_errors_total',
    'Reads that failed during collections: kind="api" (a list refused or failed), "watch" (a broken watch), "mcs-probe", "bmc"',
    ['kind'],
  ),
  collections: counter('collections_total', 'Collections made'),
  apiRequests: counter(
    'kube_api_requests_total',
    'Requests to the Kubernetes API: kind="list", "watch" (each start of a watch), "log" (MCS logs, followed)',
    ['kind'],
  ),
  watchRestarts: counter(
    'kube_watch_restarts_total',
    'Watches started again (their timeout, or a dropped connection)',
  ),
  relists: counter('kube_relists_total', 'Lists made again after a watch was told 410 Gone'),
  buildInfo: gauge('build_info', 'The exporter build: mcs-doctor version and Node.js version', [
    'version',
    'node_version',
  ]),
} as const satisfies Record<string, MetricDef>;

export const ALL_METRICS: readonly MetricDef[] = [...Object.values(COLLECTED), ...Object.values(LIVE)];

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export type Collected = Map<MetricDef, Sample[]>;

/** prom-client's escaping: HELP text and label values (which also escape the double quote). */
const escapeText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (s: string): string => escapeText(s).replace(/"/g, '\\"');

/** prom-client's rendering of a value. */
function valueText(v: number): string {
  if (Number.isNaN(v)) return 'Nan';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

/**
 * One collection in the text format, rendered once: /metrics serves this string until the next
 * collection, so a scrape costs no work on the cluster and no parsing. The text is the one a
 * prom-client Registry of Gauges renders (same order, escaping and values; a label set given
 * twice keeps its first place and its last value; a gauge without labels and without a sample
 * shows 0), but built in slices, with turns of the event loop between them, so that a scrape
 * arriving meanwhile is not held up by the 10,000 series of 1000 hosts.
 */
export async function renderCollected(collected: Collected): Promise<string> {
  const pause = slicer();
  const blocks: string[] = [];
  for (const def of Object.values(COLLECTED)) {
    const { name } = def;
    const lines = [`# HELP ${name} ${escapeText(def.help)}`, `# TYPE ${name} gauge`];
    const samples = collected.get(def) ?? [];
    if (def.labels.length === 0) {
      // Unlabeled: one series, 0 until set, the last value set.
      lines.push(`${name} ${valueText(samples.length ? samples[samples.length - 1]!.value : 0)}`);
    } else {
      // prom-client's series key: the sorted label names with their values.
      const sorted = [...def.labels].sort();
      const series = new Map<string, string>();
      let n = 0;
      for (const s of samples) {
        if (++n % 64 === 0) await pause();
        const key = sorted.map((l) => `${l}:${s.labels[l] ?? ''},`).join('');
        const labels = def.labels.map((l) => `${l}="${escapeLabel(s.labels[l] ?? '')}"`).join(',');
        series.set(key, `${name}{${labels}} ${valueText(s.value)}`);
      }
      for (const line of series.values()) lines.push(line);
    }
    blocks.push(lines.join('\n'));
    await pause();
  }
  return `${blocks.join('\n\n')}\n`;
}

export interface LiveMetrics {
  registry: Registry;
  errors: Counter<'kind'>;
  collections: Counter;
}

/**
 * The metrics counted over the exporter's life, process metrics (prom-client's defaults:
 * resident memory, CPU, event loop lag) and build info, read at scrape time; the API request
 * counters come from the watched source when scraped.
 */
export function liveMetrics(
  version: string,
  apiStats: () => { byKind: Record<string, number>; watchRestarts: number; relists: number },
): LiveMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mcs_doctor_' });
  const errors = new Counter({
    name: LIVE.collectionErrors.name,
    help: LIVE.collectionErrors.help,
    labelNames: ['kind'],
    registers: [registry],
  });
  for (const kind of ['api', 'watch', 'mcs-probe', 'bmc']) errors.inc({ kind }, 0);
  const collections = new Counter({
    name: LIVE.collections.name,
    help: LIVE.collections.help,
    registers: [registry],
  });
  // Counters that mirror the source's own counts: brought up to them at each scrape.
  const mirror = (def: MetricDef, read: () => Array<[Record<string, string>, number]>): void => {
    const seen = new Map<string, number>();
    new Counter({
      name: def.name,
      help: def.help,
      labelNames: [...def.labels],
      registers: [registry],
      collect() {
        for (const [labels, total] of read()) {
          const key = JSON.stringify(labels);
          const delta = total - (seen.get(key) ?? 0);
          if (delta > 0 || !seen.has(key)) this.inc(labels, Math.max(0, delta));
          seen.set(key, total);
        }
      },
    });
  };
  mirror(LIVE.apiRequests, () =>
    Object.entries(apiStats().byKind).map(([kind, n]) => [{ kind }, n] as [Record<string, string>, number]),
  );
  mirror(LIVE.watchRestarts, () => [[{}, apiStats().watchRestarts]]);
  mirror(LIVE.relists, () => [[{}, apiStats().relists]]);
  new Gauge({
    name: LIVE.buildInfo.name,
    help: LIVE.buildInfo.help,
    labelNames: ['version', 'node_version'],
    registers: [registry],
  }).set({ version, node_version: process.version }, 1);
  return { registry, errors, collections };
}
