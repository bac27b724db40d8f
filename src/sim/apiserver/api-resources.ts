/** The verbs on `/api/v1/...` and `/apis/<g>/<v>/...` resource paths. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { qualifiedResource, type ObjectStore, StoreError } from '../kube/store.js';
import { LogBook } from '../linelog.js';
import { apiVersionOf, type KubeObject, type ResourceType, type WatchEvent } from '../kube/types.js';
import { authorize, type Identity } from './auth.js';
import { applyPatch, decodePatchBody, isApplyPatch } from './patch.js';
import {
  acceptedEncodings,
  canDecodeProtobuf,
  decodeProtobuf,
  PROTOBUF,
  ProtobufError,
} from './protobuf-codec.js';
import { selectorFilter } from './selectors.js';
import {
  ApiError,
  badRequest,
  failureStatus,
  methodNotAllowed,
  notAcceptable,
  resourceNotFound,
  sendJson,
  sendNegotiated,
  unsupportedMediaType,
} from './status.js';
import { validateCustomResource } from './crd.js';
import { TABLE_CONTENT_TYPE, toTable, wantsTable } from './api-tables.js';

export interface ResourceRoute {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
  /** More path segments than any route has. */
  extra?: boolean;
}

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  route: ResourceRoute;
  identity: Identity;
  store: ObjectStore;
  podLogs: LogBook;
  watchDropMs?: number;
  closing: AbortSignal;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Groups the apiserver compiles in (strategic merge patch, protobuf); the others are CRDs. */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'certificates.k8s.io',
  'rbac.authorization.k8s.io',
  'networking.k8s.io',
]);

function findType(store: ObjectStore, route: ResourceRoute): ResourceType {
  const t = store.types.find(
    (x) => x.group === route.group && x.version === route.version && x.plural === route.plural,
  );
  if (!t) throw resourceNotFound();
  return t;
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * A create, update or delete body: JSON, or protobuf (kubectl's typed clients) for the kinds
 * with a protobuf table; `expected` is the kind the URL takes (and its apiVersion).
 */
async function readBody(
  req: IncomingMessage,
  expected: { kind: string; apiVersion?: string },
): Promise<unknown> {
  const raw = await readRaw(req);
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType === PROTOBUF) {
    if (raw.length === 0) return undefined;
    if (!canDecodeProtobuf(expected.kind)) throw unsupportedMediaType(['application/json']);
    try {
      return decodeProtobuf(raw, expected);
    } catch (err) {
      throw err instanceof ProtobufError ? badRequest(err.message) : err;
    }
  }
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

function isObject(v: unknown): v is KubeObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `fieldValidation=Strict` (kubectl's default): an undeclared field of a custom resource is refused, not pruned. */
function strictFields(url: URL): boolean {
  return url.searchParams.get('fieldValidation') === 'Strict';
}

function dryRun(url: URL): boolean {
  return url.searchParams.getAll('dryRun').includes('All');
}

interface ContinueToken {
  rv: string;
  start: string;
}

function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof parsed.start !== 'string' || typeof parsed.rv !== 'string') throw new Error('shape');
    return parsed;
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
}

/**
 * The `scale` subresource as the apiserver serves it for a custom resource with
 * subresources.scale (MachineSet: spec.replicas, status.replicas, status.labelSelector): an
 * autoscaling/v1 Scale, whatever the resource's own kind. `kubectl scale` reads and patches it.
 */
function scaleOf(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (obj.status ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

function writeScale(r: ResourceRequest, t: ResourceType, body: unknown): void {
  const replicas = isObject(body) ? (body.spec as { replicas?: unknown } | undefined)?.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    throw badRequest('spec.replicas of a Scale must be a whole number of 0 or more');
  const { store, route } = r;
  const current = store.mustGet(t, route.namespace, route.name as string);
  const next = { ...current, spec: { ...(current.spec ?? {}), replicas } };
  const written = dryRun(r.url) ? next : store.update(t, next);
  sendNegotiated(r.res, 200, scaleOf(written), r.req.headers.accept);
}

function sendObject(r: ResourceRequest, code: number, t: ResourceType, obj: KubeObject): void {
  if (wantsTable(r.req.headers.accept)) {
    sendJson(
      r.res,
      code,
      toTable(t, [obj], { resourceVersion: obj.metadata.resourceVersion }),
      TABLE_CONTENT_TYPE,
    );
  } else sendNegotiated(r.res, code, obj, r.req.headers.accept);
}

function list(r: ResourceRequest, t: ResourceType): void {
  const { url, store, route } = r;
  const filter = selectorFilter(url.searchParams, t);
  const { items, resourceVersion } = store.listShared(t, { namespace: route.namespace, filter });
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${limitText}`);
  const cont = url.searchParams.get('continue');
  let page = items;
  if (cont) {
    const token = decodeContinue(cont);
    // The items are in key order: the page starts after the token's key (binary search).
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keyOf(items[mid] as KubeObject) > token.start) hi = mid;
      else lo = mid + 1;
    }
    page = items.slice(lo);
  }
  const meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = {
    resourceVersion,
  };
  if (limit > 0 && page.length > limit) {
    const last = page[limit - 1] as KubeObject;
    meta.continue = Buffer.from(JSON.stringify({ rv: resourceVersion, start: keyOf(last) })).toString(
      'base64url',
    );
    meta.remainingItemCount = page.length - limit;
    page = page.slice(0, limit);
  }
  if (wantsTable(r.req.headers.accept)) {
    sendJson(r.res, 200, toTable(t, page, meta), TABLE_CONTENT_TYPE);
    return;
  }
  const body = { kind: t.listKind, apiVersion: apiVersionOf(t), metadata: meta, items: page };
  sendNegotiated(r.res, 200, body, r.req.headers.accept);
}

function watch(r: ResourceRequest, t: ResourceType): void {
  const { url, store, route, res, req } = r;
  const filter = selectorFilter(url.searchParams, t);
  const table = wantsTable(req.headers.accept);
  // Watch events are streamed as JSON only (protobuf watch framing is not implemented).
  if (!table && !acceptedEncodings(req.headers.accept).includes('json')) throw notAcceptable();
  const events: WatchEvent[] = [];
  let stop: (() => void) | undefined;
  let started = false;
  const write = (event: WatchEvent): void => {
    if (!started) {
      events.push(event);
      return;
    }
    const object =
      table && event.type !== 'ERROR' && event.type !== 'BOOKMARK'
        ? toTable(t, [event.object], {})
        : event.object;
    res.write(`${JSON.stringify({ type: event.type, object })}\n`);
  };
  res.writeHead(200, {
    'Content-Type': table ? TABLE_CONTENT_TYPE : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // Clients (client-node's Watch) wait for the headers before they return the watch.
  res.flushHeaders();
  try {
    stop = store.watch(
      t,
      {
        namespace: route.namespace,
        filter,
        resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
      },
      write,
    );
  } catch (err) {
    if (err instanceof StoreError && err.reason === 'Gone') {
      res.end(`${JSON.stringify({ type: 'ERROR', object: failureStatus(410, 'Expired', err.message) })}\n`);
      return;
    }
    throw err;
  }
  started = true;
  for (const e of events.splice(0)) write(e);
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    stop?.();
    for (const timer of timers) clearTimeout(timer);
    r.closing.removeEventListener('abort', finish);
    if (!res.writableEnded) res.end();
  };
  const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? 0);
  if (timeoutSeconds > 0) timers.push(setTimeout(finish, timeoutSeconds * 1000));
  if (r.watchDropMs) {
    timers.push(
      setTimeout(() => {
        stop?.();
        res.destroy(); // abrupt, as a dropped connection or an apiserver restart
      }, r.watchDropMs),
    );
  }
  if (url.searchParams.get('allowWatchBookmarks') === 'true') {
    const bookmark = setInterval(() => {
      res.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { kind: t.kind, apiVersion: apiVersionOf(t), metadata: { resourceVersion: store.resourceVersion() } } })}\n`,
      );
    }, 30_000);
    timers.push(bookmark as unknown as NodeJS.Timeout);
  }
  r.closing.addEventListener('abort', finish, { once: true });
  req.on('close', finish);
  res.on('close', finish);
}

function podLog(r: ResourceRequest, t: ResourceType): void {
  const { store, route, url, res } = r;
  const pod = store.mustGet(t, route.namespace, route.name as string);
  const containers = (
    ((pod.spec as { containers?: { name: string }[] })?.containers ?? []) as { name: string }[]
  ).map((c) => c.name);
  let container = url.searchParams.get('container') ?? undefined;
  if (!container) {
    if (containers.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]`,
      );
    }
    container = containers[0];
  } else if (containers.length && !containers.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  }
  const previous = url.searchParams.get('previous') === 'true';
  const log = r.podLogs.find(LogBook.podKey(route.namespace ?? '', pod.metadata.name, container as string));
  const lines = log?.lines({ previous }) ?? (previous ? undefined : []);
  if (!lines)
    throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
  const tail = url.searchParams.get('tailLines');
  const since = Number(url.searchParams.get('sinceSeconds') ?? 0);
  const timestamps = url.searchParams.get('timestamps') === 'true';
  const cutoff = since > 0 ? Date.now() - since * 1000 : 0;
  let selected = lines.filter((l) => l.time.getTime() >= cutoff);
  if (tail !== null && Number(tail) >= 0)
    selected = selected.slice(Math.max(0, selected.length - Number(tail)));
  const format = (l: { time: Date; text: string }): string =>
    `${timestamps ? `${l.time.toISOString().replace('Z', '000000Z')} ` : ''}${l.text}\n`;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  for (const l of selected) res.write(format(l));
  if (url.searchParams.get('follow') !== 'true' || !log || previous) {
    res.end();
    return;
  }
  const unfollow = log.follow((l) => res.write(format(l)));
  const end = (): void => {
    unfollow();
    if (!res.writableEnded) res.end();
  };
  r.closing.addEventListener('abort', end, { once: true });
  r.req.on('close', end);
}

function checkNamespace(route: ResourceRoute, t: ResourceType, body: KubeObject): void {
  if (!t.namespaced) return;
  if (!route.namespace)
    throw badRequest(`the server could not find the requested resource (post ${t.plural})`);
  const given = body.metadata?.namespace;
  if (given && given !== route.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  body.metadata = { ...body.metadata, namespace: route.namespace };
}

interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/** DeleteOptions.preconditions, checked as the registry does (409 on a mismatch). */
function checkPreconditions(t: ResourceType, current: KubeObject, pre: DeleteOptions['preconditions']): void {
  const failed = (what: string, wanted: string, have: string | undefined): ApiError =>
    new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(t)} "${current.metadata.name}": Precondition failed: ${what} in precondition: ${wanted}, ${what} in object meta: ${have ?? ''}`,
      { name: current.metadata.name, group: t.group, kind: t.plural },
    );
  if (pre?.uid && pre.uid !== current.metadata.uid) throw failed('UID', pre.uid, current.metadata.uid);
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw failed('ResourceVersion', pre.resourceVersion, current.metadata.resourceVersion);
  }
}

/**
 * What the registries do to every written object before storing it. Secrets: `stringData` is
 * write-only, merged into `data` (base64), and `type` defaults to Opaque.
 */
function prepareWrite(t: ResourceType, obj: KubeObject): void {
  if (t.group === '' && t.kind === 'Secret') {
    const stringData = obj.stringData as Record<string, string> | undefined;
    if (stringData && typeof stringData === 'object') {
      const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(stringData))
        data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      obj.data = data;
    }
    delete obj.stringData;
    if (!obj.type) obj.type = 'Opaque';
  }
}

/** POST, or a server-side apply of an object that does not exist yet. */
function create(r: ResourceRequest, t: ResourceType, body: KubeObject): void {
  const { store, url, identity } = r;
  if (t.kind === 'CertificateSigningRequest') {
    // The apiserver records who asked (the CSR registry's PrepareForCreate): a client cannot claim another requester.
    const spec = ((body as { spec?: Record<string, unknown> }).spec ??= {});
    spec['username'] = identity.user;
    spec['groups'] = [...identity.groups];
  }
  prepareWrite(t, body);
  validateCustomResource(t, body, strictFields(url));
  if (dryRun(url)) {
    if (store.get(t, body.metadata?.namespace, body.metadata?.name ?? '')) {
      throw new ApiError(
        409,
        'AlreadyExists',
        `${qualifiedResource(t)} "${body.metadata.name}" already exists`,
      );
    }
    return sendObject(r, 201, t, { ...body, apiVersion: apiVersionOf(t), kind: t.kind });
  }
  return sendObject(r, 201, t, store.create(t, body));
}

/** A server-side apply request: a fieldManager, and a whole object of this kind and name. */
function checkApplyRequest(r: ResourceRequest, t: ResourceType, body: unknown): void {
  if (!r.url.searchParams.get('fieldManager')) {
    throw new ApiError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    );
  }
  const obj = body as Partial<KubeObject>;
  if (obj.apiVersion !== apiVersionOf(t)) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion ?? ''}) does not match the expected API version (${apiVersionOf(t)})`,
    );
  }
  if (obj.kind !== t.kind) {
    throw badRequest(`the kind in the data (${obj.kind ?? ''}) does not match the expected kind (${t.kind})`);
  }
  const name = obj.metadata?.name;
  if (name !== r.route.name) {
    throw badRequest(
      `the name of the object (${name ?? ''}) does not match the name on the URL (${r.route.name})`,
    );
  }
}

/** The RBAC verb of a resource request (k8s.io/apiserver's RequestInfoFactory); undefined for a method it has none for. */
export function requestVerb(method: string, url: URL, route: ResourceRoute): string | undefined {
  if (method === 'GET' || method === 'HEAD') {
    if (route.name) return 'get';
    const watch = url.searchParams.get('watch');
    return watch === 'true' || watch === '1' ? 'watch' : 'list';
  }
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return route.name ? 'delete' : 'deletecollection';
  return undefined;
}

export async function handleResourceRequest(r: ResourceRequest): Promise<void> {
  const { req, route, store, identity, url } = r;
  if (route.extra) throw resourceNotFound();
  const t = findType(store, route);
  if (t.namespaced === false && route.namespace !== undefined) throw resourceNotFound();
  const sub = route.subresource;
  if (sub !== undefined && !t.subresources.includes(sub)) throw resourceNotFound();
  const verb = requestVerb(req.method ?? 'GET', url, route);
  if (!verb) throw methodNotAllowed();
  authorize(identity, { verb, type: t, namespace: route.namespace, name: route.name, subresource: sub });

  switch (verb) {
    case 'get': {
      if (sub === 'log') return podLog(r, t);
      const obj = store.mustGet(t, route.namespace, route.name as string);
      if (sub === 'scale') return sendNegotiated(r.res, 200, scaleOf(obj), req.headers.accept);
      return sendObject(r, 200, t, obj);
    }
    case 'list':
      return list(r, t);
    case 'watch':
      return watch(r, t);
    case 'create': {
      if (route.name) throw methodNotAllowed();
      const body = await readBody(req, { kind: t.kind, apiVersion: apiVersionOf(t) });
      if (!isObject(body)) throw badRequest('the body of a create must be an object');
      checkNamespace(route, t, body);
      return create(r, t, body);
    }
    case 'update': {
      if (sub === 'scale')
        return writeScale(r, t, await readBody(req, { kind: 'Scale', apiVersion: 'autoscaling/v1' }));
      const body = await readBody(req, { kind: t.kind, apiVersion: apiVersionOf(t) });
      if (!isObject(body)) throw badRequest('the body of an update must be an object');
      if (body.metadata?.name && body.metadata.name !== route.name) {
        throw badRequest(
          `the name of the object (${body.metadata.name}) does not match the name on the URL (${route.name})`,
        );
      }
      body.metadata = { ...body.metadata, name: route.name as string };
      checkNamespace(route, t, body);
      prepareWrite(t, body);
      validateCustomResource(t, body, strictFields(url));
      const subresource = sub === 'status' || sub === 'approval' ? sub : undefined;
      if (dryRun(url)) return sendObject(r, 200, t, body);
      return sendObject(r, 200, t, store.update(t, body, { subresource }));
    }
    case 'patch': {
      const contentType = req.headers['content-type'] ?? '';
      const builtIn = BUILT_IN_GROUPS.has(t.group);
      const body = decodePatchBody(contentType, await readRaw(req), { builtIn });
      const apply = isApplyPatch(contentType);
      if (apply) checkApplyRequest(r, t, body);
      if (sub === 'scale') {
        const scale = scaleOf(store.mustGet(t, route.namespace, route.name as string));
        return writeScale(r, t, applyPatch(scale, contentType, body, { builtIn: true }));
      }
      const current = apply
        ? store.get(t, route.namespace, route.name as string)
        : store.mustGet(t, route.namespace, route.name as string);
      if (!current) {
        // Server-side apply creates what does not exist yet (not through a subresource).
        if (sub) throw resourceNotFound();
        const obj = structuredClone(body) as KubeObject;
        obj.metadata = { ...obj.metadata, name: route.name as string };
        checkNamespace(route, t, obj);
        return create(r, t, obj);
      }
      const patched = applyPatch(current, contentType, body, { builtIn });
      if (!isObject(patched)) throw badRequest('the patch did not produce an object');
      patched.metadata = {
        ...patched.metadata,
        name: current.metadata.name,
        namespace: current.metadata.namespace,
      };
      prepareWrite(t, patched);
      validateCustomResource(t, patched, strictFields(url));
      if (dryRun(url)) return sendObject(r, 200, t, patched);
      const subresource = sub === 'status' || sub === 'approval' ? sub : undefined;
      if (
        !subresource &&
        t.subresources.includes('status') &&
        JSON.stringify(patched.status) !== JSON.stringify(current.status)
      ) {
        // A main-resource patch cannot change status (the apiserver drops it); keep it explicit.
        patched.status = current.status;
      }
      return sendObject(r, 200, t, store.update(t, patched, { subresource }));
    }
    case 'delete': {
      const options = (await readBody(req, { kind: 'DeleteOptions' })) as DeleteOptions | undefined;
      if (options !== undefined && !isObject(options))
        throw badRequest('the body of a delete must be an object');
      const current = store.mustGet(t, route.namespace, route.name as string);
      checkPreconditions(t, current, options?.preconditions);
      if (dryRun(url) || options?.dryRun?.includes('All')) return sendObject(r, 200, t, current);
      return sendObject(r, 200, t, store.delete(t, route.namespace, route.name as string));
    }
    case 'deletecollection': {
      const filter = selectorFilter(url.searchParams, t);
      const { items } = store.list(t, { namespace: route.namespace, filter });
      if (!dryRun(url)) for (const o of items) store.delete(t, o.metadata.namespace, o.metadata.name);
      const body = { kind: t.listKind, apiVersion: apiVersionOf(t), metadata: {}, items };
      return sendNegotiated(r.res, 200, body, req.headers.accept);
    }
  }
}
