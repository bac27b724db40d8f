/**
 * A live source that keeps the cluster in memory with list + watch, as client-go's informers
 * do, for a process that reads the same objects again and again (the exporter). The first
 * `list` of a type lists it once and starts a watch from the list's resourceVersion; every
 * later `list` answers from memory. A watch that ends (its timeoutSeconds, a dropped connection)
 * resumes from the last resourceVersion seen, with bookmarks keeping it fresh; only a 410 Gone
 * lists again. So the API requests per minute do not grow with time or with the number of
 * objects. MCS pod logs are followed (`follow=true`), not read again.
 *
 * Secrets are watched narrowly, as x509-certificate-exporter v4 does: kubernetes.io/tls secrets
 * cluster-wide (fieldSelector type=kubernetes.io/tls), and every secret of the namespaces the
 * facts read them from (the MCO's, the Machine API's, the BareMetalHosts'). What is kept is
 * trimmed (see trim): no managedFields, no Node status fields the checks never read, only the
 * hostname and NICs of a BareMetalHost's hardware, and no TLS private key outside the MCO's
 * namespace (only the MCS serving key is ever compared with its certificate).
 */
import { setMaxListeners } from 'node:events';
import { MAPI_NAMESPACE, MCO_NAMESPACE } from '../core/names.js';
import { UserError } from '../core/errors.js';
import { sleepUnlessAborted } from '../core/abortable-sleep.js';
import { collectionPath, statusMessage, withTypeOf, type LiveSource } from './live.js';
import { qualifiedName, RESOURCES } from './resources.js';
import type {
  ClusterSource,
  KubeObject,
  PodLogOptions,
  Read,
  ResourceRef,
  SourceStats,
  Unavailable,
} from './types.js';

/** The log lines kept per followed container: the same tail a one-off read takes. */
export const LOG_TAIL_LINES = 20_000;
/** A followed log that says nothing for this long is asked again (an idle MCS logs nothing). */
const LOG_IDLE_MS = 10 * 60_000;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 60_000;

export interface WatchedSourceOptions {
  /** A watch lasts this many seconds at most, drawn between the two (client-go: 5 to 10 minutes). */
  watchSeconds?: [number, number];
  /** Notes for the log: a watch that failed, a relist, a followed log that broke. */
  onNote?: (note: WatchNote) => void;
}

export interface WatchNote {
  kind: 'watch-error' | 'relist' | 'log-error';
  what: string;
  message: string;
}

export interface WatchedStats extends SourceStats {
  /** Requests by kind: list, watch, log (a follow or a one-off read). */
  byKind: Record<'list' | 'watch' | 'log', number>;
  /** Watches started again after they ended or broke. */
  watchRestarts: number;
  /** Lists made again because the API server no longer had the resourceVersion (410 Gone). */
  relists: number;
}

/** Fields of a Node's status no check reads: the image list, capacity, versions, volumes. */
const NODE_STATUS_UNREAD = [
  'images',
  'nodeInfo',
  'capacity',
  'allocatable',
  'daemonEndpoints',
  'volumesInUse',
  'volumesAttached',
  'config',
];
/** Fields of a BareMetalHost's status the exporter does not read (fix and verify read operationHistory from the API). */
const BMH_STATUS_UNREAD = ['operationHistory', 'triedCredentials', 'goodCredentials'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function without(o: unknown, keys: readonly string[]): Record<string, unknown> {
  const out = { ...(o as Record<string, unknown>) };
  for (const k of keys) delete out[k];
  return out;
}

/**
 * What is kept of an object: no managedFields, no last-applied-configuration annotation, no TLS
 * key outside the MCO; no Node status field that no check reads (images, capacity, nodeInfo...);
 * of a BareMetalHost's status not its operation history or credentials bookkeeping, and of its
 * inspected hardware only the hostname and NICs. At 1000 hosts the watches then hold 5.4 MB
 * of JSON instead of 7.2.
 */
function trim(ref: ResourceRef, o: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = o.metadata;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations)
    metadata.annotations = without(metadata.annotations, [LAST_APPLIED]) as Record<string, string>;
  const out: KubeObject = { ...o, metadata };
  const status = o['status'] as Record<string, unknown> | undefined;
  const type = qualifiedName(ref);
  if (type === 'nodes' && status) out['status'] = without(status, NODE_STATUS_UNREAD);
  if (type === qualifiedName(RESOURCES.bareMetalHosts) && status) {
    const kept = without(status, BMH_STATUS_UNREAD);
    const hardware = status['hardware'] as Record<string, unknown> | undefined;
    if (hardware && typeof hardware === 'object')
      kept['hardware'] = {
        ...(hardware['hostname'] !== undefined ? { hostname: hardware['hostname'] } : {}),
        ...(hardware['nics'] !== undefined ? { nics: hardware['nics'] } : {}),
      };
    out['status'] = kept;
  }
  if (type === 'secrets' && o.metadata.namespace !== MCO_NAMESPACE) {
    const data = o['data'] as Record<string, unknown> | undefined;
    if (data && 'tls.key' in data) out['data'] = without(data, ['tls.key']);
  }
  return out;
}

const keyOf = (o: KubeObject): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;

function backoff(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, failures - 1));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A list that could not be made, as the source's other reads say it. */
function unavailableOf(err: unknown, what: string): Unavailable {
  return { ok: false, reason: 'error', message: `${what}: ${messageOf(err)}` };
}

/** One type in one namespace (or all), listed once and then watched. */
class Informer {
  private readonly items = new Map<string, KubeObject>();
  private resourceVersion = '';
  private synced = false;
  /** Set while the watch is broken: the objects may be stale. */
  failing?: string;
  private loop?: Promise<void>;
  private listing?: Promise<Read<true>>;

  constructor(
    private readonly owner: WatchedSource,
    readonly ref: ResourceRef,
    readonly namespace: string | undefined,
    readonly fieldSelector: string | undefined,
  ) {}

  get what(): string {
    return `${qualifiedName(this.ref)}${this.namespace ? ` in ${this.namespace}` : ''}${this.fieldSelector ? ` (${this.fieldSelector})` : ''}`;
  }

  /** The objects: listed now the first time (and after a failed first list), from memory after. */
  async read(): Promise<Read<KubeObject[]>> {
    if (!this.synced) {
      // Callers that ask at the same time share one list.
      this.listing ??= this.list().finally(() => (this.listing = undefined));
      const listed = await this.listing;
      if (!listed.ok) return listed;
      this.loop ??= this.watchLoop();
    }
    return { ok: true, value: [...this.items.values()] };
  }

  private async list(): Promise<Read<true>> {
    this.owner.count('list');
    let listed;
    try {
      listed = await this.owner.live.listVersioned(
        this.ref,
        this.namespace,
        this.fieldSelector ? { fieldSelector: this.fieldSelector } : {},
      );
    } catch (err) {
      // Unreachable or refused credentials: a value here, the next collection tries again.
      if (err instanceof UserError) return unavailableOf(err, `list ${this.what}`);
      throw err;
    }
    if (!listed.ok) return listed;
    this.items.clear();
    for (const o of listed.value.items) this.items.set(keyOf(o), trim(this.ref, o));
    this.resourceVersion = listed.value.resourceVersion;
    this.synced = true;
    this.failing = undefined;
    return { ok: true, value: true };
  }

  private async watchLoop(): Promise<void> {
    const signal = this.owner.signal;
    let failures = 0;
    while (!signal.aborted) {
      const [min, max] = this.owner.watchSeconds;
      const seconds = Math.round(min + Math.random() * (max - min));
      const query = new URLSearchParams({
        watch: 'true',
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(seconds),
        resourceVersion: this.resourceVersion,
      });
      if (this.fieldSelector) query.set('fieldSelector', this.fieldSelector);
      let gone = false;
      let problem: string | undefined;
      try {
        this.owner.count('watch');
        const answer = await this.owner.live.stream(
          `${collectionPath(this.ref, this.namespace)}?${query.toString()}`,
          (line) => {
            if (this.apply(line) === 'gone') gone = true;
          },
          { idleTimeoutMs: (seconds + 60) * 1000, signal },
        );
        if (answer.status === 410) gone = true;
        else if (answer.status !== 0 && (answer.status < 200 || answer.status >= 300))
          problem = `HTTP ${answer.status}${statusMessage(answer.body) ? `: ${statusMessage(answer.body)}` : ''}`;
      } catch (err) {
        problem = messageOf(err);
      }
      if (signal.aborted) return;
      this.owner.restarted();
      if (gone) {
        this.owner.note({ kind: 'relist', what: this.what, message: 'resourceVersion too old (410 Gone)' });
        this.owner.relisted();
        const again = await this.list();
        if (!again.ok) problem = again.message;
      }
      if (problem) {
        failures++;
        this.failing = problem;
        this.owner.note({ kind: 'watch-error', what: this.what, message: problem });
        await sleepUnlessAborted(backoff(failures), signal);
      } else {
        failures = 0;
        this.failing = undefined;
      }
    }
  }

  /** One watch event into memory; 'gone' when the API server says the resourceVersion expired. */
  private apply(line: string): 'ok' | 'gone' {
    let event: { type?: string; object?: KubeObject & { code?: number } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return 'ok';
    }
    const o = event.object;
    if (!o || typeof o !== 'object') return 'ok';
    if (event.type === 'ERROR') return o.code === 410 ? 'gone' : 'ok';
    const rv = o.metadata?.resourceVersion;
    if (typeof rv === 'string' && rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK' || !o.metadata?.name) return 'ok';
    const key = keyOf(o);
    if (event.type === 'DELETED') this.items.delete(key);
    else if (event.type === 'ADDED' || event.type === 'MODIFIED')
      this.items.set(key, trim(this.ref, withTypeOf(this.ref, o)));
    return 'ok';
  }
}

/** RFC 3339 with up to nine fraction digits, as nanoseconds since the epoch (log timestamps). */
function nanos(ts: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** A container's log: its tail read once, then followed; the last LOG_TAIL_LINES lines kept. */
class LogFollower {
  private lines: string[] = [];
  private lastNs = 0n;
  /** The lines at lastNs: a follow from that second on must not repeat them. */
  private atLast = new Set<string>();
  private started?: Promise<Read<true>>;
  private readonly abort = new AbortController();
  usedAt = Date.now();
  /** When the tail was read: with no line yet, the follow starts from then. */
  private readAt = 0;

  constructor(
    private readonly owner: WatchedSource,
    private readonly path: string,
    readonly what: string,
    readonly generation: string,
  ) {
    setMaxListeners(0, this.abort.signal);
    owner.signal.addEventListener('abort', () => this.abort.abort(), { once: true });
  }

  async read(): Promise<Read<string>> {
    this.usedAt = Date.now();
    this.started ??= this.start();
    const first = await this.started;
    if (!first.ok) {
      this.started = undefined;
      return first;
    }
    return { ok: true, value: this.lines.length ? `${this.lines.join('\n')}\n` : '' };
  }

  stop(): void {
    this.abort.abort();
  }

  private add(line: string): void {
    const space = line.indexOf(' ');
    const ns = space > 0 ? nanos(line.slice(0, space)) : undefined;
    const text = ns === undefined ? line : line.slice(space + 1);
    if (ns !== undefined) {
      if (ns < this.lastNs || (ns === this.lastNs && this.atLast.has(text))) return;
      if (ns > this.lastNs) {
        this.lastNs = ns;
        this.atLast = new Set();
      }
      this.atLast.add(text);
    }
    this.lines.push(text);
    if (this.lines.length > LOG_TAIL_LINES * 1.25) this.lines = this.lines.slice(-LOG_TAIL_LINES);
  }

  private async start(): Promise<Read<true>> {
    this.owner.count('log');
    this.readAt = Date.now();
    let answer;
    try {
      answer = await this.owner.live.send({
        method: 'GET',
        path: `${this.path}&timestamps=true&tailLines=${LOG_TAIL_LINES}`,
      });
    } catch (err) {
      return unavailableOf(err, this.what);
    }
    if (answer.status < 200 || answer.status >= 300) {
      const status = statusMessage(answer.body);
      return {
        ok: false,
        reason: answer.status === 403 ? 'forbidden' : answer.status === 404 ? 'not-found' : 'error',
        message: `${this.what}: HTTP ${answer.status}${status ? `: ${status}` : ''}`,
        ...(answer.status === 403 ? { permission: 'get pods/log' } : {}),
      };
    }
    for (const line of answer.body.toString('utf8').split('\n')) if (line) this.add(line);
    void this.follow();
    return { ok: true, value: true };
  }

  /** Follows from the second of the last line seen; lines already kept are skipped. */
  private async follow(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      const from = this.lastNs > 0n ? Number(this.lastNs / 1_000_000n) : this.readAt;
      const since = Math.max(1, Math.ceil((Date.now() - from) / 1000) + 1);
      const path = `${this.path}&timestamps=true&follow=true&sinceSeconds=${since}`;
      let problem: string | undefined;
      try {
        this.owner.count('log');
        const answer = await this.owner.live.stream(path, (line) => this.add(line), {
          idleTimeoutMs: LOG_IDLE_MS,
          signal,
          accept: 'text/plain',
        });
        if (answer.status !== 0 && (answer.status < 200 || answer.status >= 300))
          problem = `HTTP ${answer.status}`;
      } catch (err) {
        // An idle log is asked again at once; a broken one after a pause.
        if (!(err instanceof Error && /nothing received/.test(err.message))) problem = messageOf(err);
      }
      if (signal.aborted) return;
      if (problem) {
        failures++;
        this.owner.note({ kind: 'log-error', what: this.what, message: problem });
        await sleepUnlessAborted(backoff(failures), signal);
      } else failures = 0;
    }
  }
}

export class WatchedSource implements ClusterSource {
  readonly kind = 'live' as const;
  readonly redactsSecrets = false;
  readonly location: string;
  readonly watchSeconds: [number, number];
  private readonly informers = new Map<string, Informer>();
  private readonly followers = new Map<string, LogFollower>();
  /** Previous containers' logs do not change: read once per pod and restart count. */
  private readonly previous = new Map<string, Read<string>>();
  private readonly abort = new AbortController();
  private readonly counts = { list: 0, watch: 0, log: 0 };
  private restarts = 0;
  private relists = 0;

  constructor(
    readonly live: LiveSource,
    private readonly options: WatchedSourceOptions = {},
  ) {
    this.location = live.location;
    this.watchSeconds = options.watchSeconds ?? [300, 600];
    // One listener per watch, per followed log and per pause: more than Node's default of 10.
    setMaxListeners(0, this.abort.signal);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Objects are current: the time of a read is now. */
  get collectedAt(): Date {
    return new Date();
  }

  count(kind: 'list' | 'watch' | 'log'): void {
    this.counts[kind]++;
  }

  restarted(): void {
    this.restarts++;
  }

  relisted(): void {
    this.relists++;
  }

  note(n: WatchNote): void {
    this.options.onNote?.(n);
  }

  private informer(ref: ResourceRef, namespace?: string, fieldSelector?: string): Informer {
    const ns = ref.namespaced ? namespace : undefined;
    const key = `${qualifiedName(ref)}|${ns ?? ''}|${fieldSelector ?? ''}`;
    let i = this.informers.get(key);
    if (!i) {
      i = new Informer(this, ref, ns, fieldSelector);
      this.informers.set(key, i);
    }
    return i;
  }

  async list(ref: ResourceRef, namespace?: string): Promise<Read<KubeObject[]>> {
    if (ref === RESOURCES.secrets && !namespace) return this.secrets();
    // Only BareMetalHost events are read (the hosts' registration and provisioning story).
    const selector = ref === RESOURCES.events ? 'involvedObject.kind=BareMetalHost' : undefined;
    return this.informer(ref, namespace, selector).read();
  }

  /**
   * Secrets "in all namespaces" as the facts use them: kubernetes.io/tls ones everywhere, and
   * every secret of the MCO's, the Machine API's and the BareMetalHosts' namespaces. When the
   * cluster-wide list is refused, so is this read: the snapshot then falls back to namespaces.
   */
  private async secrets(): Promise<Read<KubeObject[]>> {
    const tls = await this.informer(RESOURCES.secrets, undefined, 'type=kubernetes.io/tls').read();
    if (!tls.ok) return tls;
    const hosts = await this.informer(RESOURCES.bareMetalHosts).read();
    const namespaces = new Set([MCO_NAMESPACE, MAPI_NAMESPACE]);
    if (hosts.ok) for (const h of hosts.value) if (h.metadata.namespace) namespaces.add(h.metadata.namespace);
    const byKey = new Map(tls.value.map((o) => [keyOf(o), o]));
    for (const ns of namespaces) {
      const read = await this.informer(RESOURCES.secrets, ns).read();
      if (!read.ok) return read;
      for (const o of read.value) byKey.set(keyOf(o), o);
    }
    return { ok: true, value: [...byKey.values()] };
  }

  async podLog(
    namespace: string,
    pod: string,
    container: string,
    options: PodLogOptions = {},
  ): Promise<Read<string>> {
    const path = `/api/v1/namespaces/${namespace}/pods/${pod}/log?${new URLSearchParams({ container }).toString()}`;
    const what = `logs of ${namespace}/${pod} container ${container}`;
    // The container instance: a restart starts a new log (and the old one becomes "previous").
    const pods = await this.informer(RESOURCES.pods, namespace).read();
    const p = pods.ok ? pods.value.find((x) => x.metadata.name === pod) : undefined;
    const statuses = (p?.['status'] as { containerStatuses?: Array<{ name: string; restartCount?: number }> })
      ?.containerStatuses;
    const generation = `${p?.metadata.uid ?? ''}/${statuses?.find((c) => c.name === container)?.restartCount ?? 0}`;
    const key = `${namespace}/${pod}/${container}`;
    if (options.previous) {
      const cached = this.previous.get(`${key}@${generation}`);
      if (cached) return cached;
      this.count('log');
      const read = await this.live
        .podLog(namespace, pod, container, { previous: true })
        .catch((err) =>
          err instanceof UserError ? unavailableOf(err, `${what} (previous)`) : Promise.reject(err),
        );
      if (read.ok) this.previous.set(`${key}@${generation}`, read);
      return read;
    }
    let f = this.followers.get(key);
    if (f && f.generation !== generation) {
      f.stop();
      f = undefined;
    }
    if (!f) {
      f = new LogFollower(this, path, what, generation);
      this.followers.set(key, f);
    }
    return f.read();
  }

  /** Stops following the logs nobody read since `since` (pods that are gone). */
  sweepLogs(since: number): void {
    for (const [key, f] of this.followers) {
      if (f.usedAt < since) {
        f.stop();
        this.followers.delete(key);
      }
    }
    for (const key of this.previous.keys()) {
      const base = key.slice(0, key.indexOf('@'));
      if (!this.followers.has(base)) this.previous.delete(key);
    }
  }

  /** The watches that are broken right now, and why: their objects may be stale. */
  failing(): Array<{ what: string; message: string }> {
    return [...this.informers.values()]
      .filter((i) => i.failing !== undefined)
      .map((i) => ({ what: i.what, message: i.failing! }));
  }

  stats(): WatchedStats {
    const byKind = { ...this.counts };
    return {
      // Every HTTP request the live source sent, retries included.
      requests: this.live.stats().requests,
      byKind,
      watchRestarts: this.restarts,
      relists: this.relists,
    };
  }

  async close(): Promise<void> {
    this.abort.abort();
    for (const f of this.followers.values()) f.stop();
    await this.live.close();
  }
}
