/**
 * The simulated cluster's object store: what etcd + the apiserver's registry do for us.
 * One global resourceVersion counter, uids, creationTimestamp, generation bumps on spec
 * changes, optimistic concurrency on update, a bounded event history so watches can resume
 * from a resourceVersion (410 Gone when it is too old), and synchronous change listeners.
 * Every object going in or out is a deep copy: callers can never mutate stored state.
 */
import { randomUUID } from 'node:crypto';
import { RESOURCE_TYPES, findResourceType, resourceKey } from './resources.js';
import { apiVersionOf, type KubeObject, type ResourceType, type WatchEvent } from './types.js';

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Gone' | 'BadRequest';

const CODES: Record<StoreErrorReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  Gone: 410,
  BadRequest: 400,
};

/** An API error with the reason and HTTP code a Kubernetes `Status` carries. */
export class StoreError extends Error {
  readonly code: number;
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string },
  ) {
    super(message);
    this.name = 'StoreError';
    this.code = CODES[reason];
  }
}

export interface ListOptions {
  /** Only this namespace (namespaced types); omitted = all namespaces. */
  namespace?: string;
  filter?: (obj: KubeObject) => boolean;
}

export interface WatchOptions extends ListOptions {
  /** Resume after this resourceVersion; omitted or "0" = start with ADDED for every current object. */
  resourceVersion?: string;
}

export interface StoreChange {
  type: ResourceType;
  event: WatchEvent;
}

interface HistoryEntry {
  rv: number;
  key: string;
  event: WatchEvent;
}

const DEFAULT_HISTORY = 200_000;

/** `plural.group` for messages, as the apiserver writes it (`baremetalhosts.metal3.io`, core: `pods`). */
export function qualifiedResource(t: ResourceType): string {
  return resourceKey(t);
}

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function specOf(obj: KubeObject): string {
  const rest: Record<string, unknown> = { ...obj };
  delete rest.metadata;
  delete rest.status;
  delete rest.apiVersion;
  delete rest.kind;
  return JSON.stringify(rest);
}

export class ObjectStore {
  private readonly byType = new Map<string, Map<string, KubeObject>>();
  private readonly history: HistoryEntry[] = [];
  private historyStart = 0;
  private rv = 1;
  private readonly watchers = new Map<string, Set<(event: WatchEvent) => void>>();
  private readonly changeListeners = new Set<(change: StoreChange) => void>();
  /** listShared's order per type, dropped at every write of the type (emit). */
  private readonly sortedCache = new Map<string, readonly KubeObject[]>();

  constructor(
    readonly types: readonly ResourceType[] = RESOURCE_TYPES,
    private readonly now: () => Date = () => new Date(),
    private readonly historyLimit = DEFAULT_HISTORY,
  ) {
    for (const t of types) this.byType.set(resourceKey(t), new Map());
  }

  /** The type for a plural/kind/short name, e.g. `bmh`; throws when unknown. */
  type(name: string, group?: string): ResourceType {
    const t = findResourceType(name, group, this.types);
    if (!t) throw new StoreError('NotFound', `the server doesn't have a resource type "${name}"`);
    return t;
  }

  /** The current (latest) resourceVersion, as a list's `metadata.resourceVersion`. */
  resourceVersion(): string {
    return String(this.rv);
  }

  get(t: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.objects(t).get(objectKey(t.namespaced ? namespace : undefined, name));
    return obj ? clone(obj) : undefined;
  }

  /** Like get, but a missing object is the apiserver's 404. */
  mustGet(t: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.get(t, namespace, name);
    if (!obj) throw this.notFound(t, name);
    return obj;
  }

  /** Items sorted by namespace then name (etcd key order), and the resourceVersion of the list. */
  list(t: ResourceType, opts: ListOptions = {}): { items: KubeObject[]; resourceVersion: string } {
    const items: KubeObject[] = [];
    for (const obj of this.objects(t).values()) {
      if (t.namespaced && opts.namespace !== undefined && obj.metadata.namespace !== opts.namespace) continue;
      if (opts.filter && !opts.filter(obj)) continue;
      items.push(clone(obj));
    }
    items.sort((a, b) => compareKeys(a, b));
    return { items, resourceVersion: this.resourceVersion() };
  }

  /**
   * Like list(), without copies: for callers that only read and serialise (the API's list
   * answers), where cloning 1000 objects per request costs more than the request itself.
   * The objects must not be changed.
   */
  listShared(
    t: ResourceType,
    opts: ListOptions = {},
  ): { items: readonly KubeObject[]; resourceVersion: string } {
    const sorted = this.sortedObjects(t);
    const byNamespace = t.namespaced && opts.namespace !== undefined;
    if (!byNamespace && !opts.filter) return { items: sorted, resourceVersion: this.resourceVersion() };
    const items: KubeObject[] = [];
    for (const obj of sorted) {
      if (byNamespace && obj.metadata.namespace !== opts.namespace) continue;
      if (opts.filter && !opts.filter(obj)) continue;
      items.push(obj);
    }
    return { items, resourceVersion: this.resourceVersion() };
  }

  /**
   * A type's objects in key order, sorted once and kept until the type's next write: a client
   * paging through 10,000 secrets (limit/continue) asks for the same order twenty times.
   */
  private sortedObjects(t: ResourceType): readonly KubeObject[] {
    const typeKey = resourceKey(t);
    let sorted = this.sortedCache.get(typeKey);
    if (!sorted) {
      const entries = [...this.objects(t)];
      entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      sorted = entries.map((e) => e[1]);
      this.sortedCache.set(typeKey, sorted);
    }
    return sorted;
  }

  count(t: ResourceType): number {
    return this.objects(t).size;
  }

  create(t: ResourceType, input: KubeObject): KubeObject {
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    const meta = (obj.metadata ??= { name: '' });
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!meta.name) {
      throw new StoreError(
        'Invalid',
        `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          kind: t.kind,
          group: t.group,
        },
      );
    }
    if (t.namespaced) {
      if (!meta.namespace)
        throw new StoreError(
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      if (!this.objects(this.type('namespaces', '')).has(meta.namespace) && this.hasNamespaceType()) {
        throw new StoreError('NotFound', `namespaces "${meta.namespace}" not found`, {
          name: meta.namespace,
          kind: 'namespaces',
        });
      }
    } else {
      delete meta.namespace;
    }
    const key = objectKey(meta.namespace, meta.name);
    const objects = this.objects(t);
    if (objects.has(key)) {
      throw new StoreError('AlreadyExists', `${qualifiedResource(t)} "${meta.name}" already exists`, {
        name: meta.name,
        group: t.group,
        kind: t.plural,
      });
    }
    meta.uid = randomUUID();
    meta.creationTimestamp ??= isoSeconds(this.now());
    meta.generation = 1;
    meta.resourceVersion = String(++this.rv);
    objects.set(key, obj);
    this.emit(t, key, { type: 'ADDED', object: obj });
    return clone(obj);
  }

  /**
   * Replaces an object. A resourceVersion in the input must match the stored one (409 Conflict
   * otherwise). For types with a status subresource, a main-resource update keeps the stored
   * status and a `status` update changes only the status, as the apiserver does.
   */
  update(t: ResourceType, input: KubeObject, opts: { subresource?: 'status' | 'approval' } = {}): KubeObject {
    const name = input.metadata?.name;
    const namespace = t.namespaced ? input.metadata?.namespace : undefined;
    if (!name) throw new StoreError('Invalid', `${t.kind} "" is invalid: metadata.name: Required value`);
    const key = objectKey(namespace, name);
    const objects = this.objects(t);
    const current = objects.get(key);
    if (!current) throw this.notFound(t, name);
    const wanted = input.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== current.metadata.resourceVersion) {
      throw new StoreError(
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: t.group, kind: t.plural },
      );
    }
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = clone(current);
      if ('status' in input) next.status = clone(input.status);
      else delete next.status;
    } else if (opts.subresource === 'approval') {
      next = clone(current);
      const status = (input.status ?? {}) as Record<string, unknown>;
      next.status = {
        ...((current.status as Record<string, unknown>) ?? {}),
        conditions: clone(status.conditions),
      };
    } else {
      next = clone(input);
      next.apiVersion = apiVersionOf(t);
      next.kind = t.kind;
      if (t.subresources.includes('status')) {
        if ('status' in current) next.status = clone(current.status);
        else delete next.status;
      }
    }
    // Server-owned metadata stays the server's.
    next.metadata = {
      ...next.metadata,
      name,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      generation: current.metadata.generation,
    };
    if (t.namespaced) next.metadata.namespace = namespace;
    else delete next.metadata.namespace;
    if (current.metadata.deletionTimestamp)
      next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    if (specOf(next) !== specOf(current)) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    if (
      JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: '' } }) ===
      JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: '' } })
    ) {
      return clone(current); // a no-op write does not bump the resourceVersion, as the apiserver does
    }
    next.metadata.resourceVersion = String(++this.rv);
    objects.set(key, next);
    this.emit(t, key, { type: 'MODIFIED', object: next });
    return clone(next);
  }

  /**
   * Read-modify-write for in-process controllers: `change` edits a copy (or returns a new
   * object); the result is written without a resourceVersion check. Returns undefined when the
   * object does not exist.
   */
  mutate(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    change: (obj: KubeObject) => KubeObject | void,
    opts: { subresource?: 'status' } = {},
  ): KubeObject | undefined {
    const current = this.get(t, namespace, name);
    if (!current) return undefined;
    const next = change(current) ?? current;
    delete next.metadata.resourceVersion;
    if (!opts.subresource && t.subresources.includes('status')) {
      // controllers own both halves: write spec/metadata, then status
      const written = this.update(t, next);
      return 'status' in next
        ? this.update(t, { ...written, status: next.status }, { subresource: 'status' })
        : written;
    }
    return this.update(t, next, opts);
  }

  /** Creates or replaces (controllers, scenarios). */
  apply(t: ResourceType, obj: KubeObject): KubeObject {
    const existing = this.get(t, obj.metadata.namespace, obj.metadata.name);
    if (!existing) {
      const created = this.create(t, obj);
      if (t.subresources.includes('status') && 'status' in obj) {
        return this.update(t, { ...created, status: obj.status }, { subresource: 'status' });
      }
      return created;
    }
    return this.mutate(t, obj.metadata.namespace, obj.metadata.name, () => ({
      ...clone(obj),
      metadata: { ...obj.metadata },
    })) as KubeObject;
  }

  delete(t: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const key = objectKey(t.namespaced ? namespace : undefined, name);
    const objects = this.objects(t);
    const current = objects.get(key);
    if (!current) throw this.notFound(t, name);
    objects.delete(key);
    const gone = clone(current);
    gone.metadata.resourceVersion = String(++this.rv);
    gone.metadata.deletionTimestamp ??= isoSeconds(this.now());
    this.emit(t, key, { type: 'DELETED', object: gone });
    return clone(gone);
  }

  /**
   * Streams changes of one type. Without a resourceVersion (or "0") it first sends ADDED for
   * every matching object; with one it replays what happened after it, or throws 410 Gone when
   * the history no longer reaches back that far. Returns the function that stops the watch.
   */
  watch(t: ResourceType, opts: WatchOptions, listener: (event: WatchEvent) => void): () => void {
    const matches = (obj: KubeObject): boolean =>
      (!t.namespaced || opts.namespace === undefined || obj.metadata.namespace === opts.namespace) &&
      (!opts.filter || opts.filter(obj));
    const backlog: WatchEvent[] = [];
    const rvText = opts.resourceVersion;
    if (rvText === undefined || rvText === '' || rvText === '0') {
      for (const obj of this.list(t, opts).items) backlog.push({ type: 'ADDED', object: obj });
    } else {
      const from = Number(rvText);
      if (!Number.isInteger(from) || from < 0) {
        throw new StoreError('BadRequest', `invalid resource version: ${rvText}`);
      }
      // Every write takes the next resourceVersion, so the kept history covers [historyStart, rv].
      if (from + 1 < this.historyStart) {
        throw new StoreError('Gone', `too old resource version: ${from} (${this.historyStart - 1})`);
      }
      const typeKey = resourceKey(t);
      for (const h of this.history) {
        if (h.rv > from && h.key.startsWith(`${typeKey}|`) && matches(h.event.object)) {
          backlog.push({ type: h.event.type, object: clone(h.event.object) });
        }
      }
    }
    const wrapped = (event: WatchEvent): void => {
      if (matches(event.object)) listener({ type: event.type, object: clone(event.object) });
    };
    const set = this.watchers.get(resourceKey(t)) ?? new Set();
    this.watchers.set(resourceKey(t), set);
    set.add(wrapped);
    for (const event of backlog) listener(event);
    return () => set.delete(wrapped);
  }

  /** Every change to every type (controllers that react to several kinds). */
  onChange(listener: (change: StoreChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private hasNamespaceType(): boolean {
    return this.types.some((t) => t.group === '' && t.plural === 'namespaces');
  }

  private objects(t: ResourceType): Map<string, KubeObject> {
    const map = this.byType.get(resourceKey(t));
    if (!map) throw new StoreError('NotFound', `the server doesn't have a resource type "${t.plural}"`);
    return map;
  }

  private notFound(t: ResourceType, name: string): StoreError {
    return new StoreError('NotFound', `${qualifiedResource(t)} "${name}" not found`, {
      name,
      group: t.group,
      kind: t.plural,
    });
  }

  private emit(t: ResourceType, key: string, event: WatchEvent): void {
    this.sortedCache.delete(resourceKey(t));
    const rv = Number(event.object.metadata.resourceVersion);
    this.history.push({
      rv,
      key: `${resourceKey(t)}|${key}`,
      event: { type: event.type, object: clone(event.object) },
    });
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.historyStart = (dropped[dropped.length - 1]?.rv ?? this.historyStart) + 1;
    }
    for (const w of this.watchers.get(resourceKey(t)) ?? []) {
      try {
        w(event);
      } catch {
        // a broken watcher must not break the write
      }
    }
    for (const l of this.changeListeners) {
      try {
        l({ type: t, event: { type: event.type, object: clone(event.object) } });
      } catch {
        // same
      }
    }
  }
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const ka = objectKey(a.metadata.namespace, a.metadata.name);
  const kb = objectKey(b.metadata.namespace, b.metadata.name);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The apiserver's 5-character generateName suffix alphabet. */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += SUFFIX_CHARS[Math.floor(Math.random() * SUFFIX_CHARS.length)];
  return out;
}

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
