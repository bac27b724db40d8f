/**
 * The simulated cluster's Kubernetes API over HTTPS, serving an ObjectStore: bearer tokens
 * (admin, read-only), discovery, get/list (selectors, limit/continue), watch streams resuming
 * from a resourceVersion, create/update/patch/delete with the apiserver's Status errors,
 * status/approval subresources, pod logs, server-side Tables for kubectl, and faults.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { assertLoopback } from '../mcs/loopback.js';
import type { ObjectStore } from '../kube/store.js';
import { setMaxListeners } from 'node:events';
import type { LogBook } from '../linelog.js';
import { ACCESS_REVIEW_PATH, handleAccessReview } from './access-review.js';
import { authenticate, type ApiTokens, type Identity } from './auth.js';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './api-discovery.js';
import { handleResourceRequest, requestVerb, type ResourceRoute } from './api-resources.js';
import { injectedEtcdError, type ApiFaults } from './faults.js';
import { openApiDocument, openApiRoot } from './openapi.js';
import { ApiError, resourceNotFound, sendError, sendJson } from './status.js';

export interface ApiServerOptions {
  store: ObjectStore;
  /** Loopback address to bind. */
  host: string;
  port?: number;
  tls: { certPem: string; keyPem: string };
  tokens: ApiTokens;
  podLogs: LogBook;
  faults?: ApiFaults;
  random?: () => number;
  /** Non-Kubernetes paths (the simulator's console endpoint); return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, identity: Identity) => boolean | Promise<boolean>;
}

export interface ApiStats {
  requests: number;
  byVerb: Record<string, number>;
  /**
   * Resource requests as the RBAC authorizer sees them, counted: `user|verb|group|resource|namespace`
   * (resource with its subresource, `pods/log`; namespace empty cluster-wide).
   */
  byAccess: Record<string, number>;
}

/** The RBAC attributes of a resource request (k8s.io/apiserver's RequestInfoFactory), as one key. */
function accessKey(user: string, method: string, url: URL, route: ResourceRoute): string {
  // A method the apiserver has no verb for is refused (405) before RBAC; counted under its own name.
  const verb = requestVerb(method, url, route) ?? method.toLowerCase();
  const resource = route.subresource ? `${route.plural}/${route.subresource}` : route.plural;
  return [user, verb, route.group, resource, route.namespace ?? ''].join('|');
}

export interface ApiServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  setFaults(faults: ApiFaults): void;
  stats(): ApiStats;
  resetStats(): void;
  close(): Promise<void>;
}

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.5',
  gitCommit: '9894294ef13a5b32803e3ca2c0d620a088cc84d1',
  gitTreeState: 'clean',
  buildDate: '2025-05-15T09:20:14Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/readyz', '/livez']);

/** `/api/v1/...` or `/apis/<group>/<version>/...` -> the resource route, or undefined. */
export function parseResourcePath(path: string): ResourceRoute | undefined {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1] as string;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1] as string;
    version = segs[2] as string;
    rest = segs.slice(3);
  } else {
    return undefined;
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    return {
      group,
      version,
      namespace: rest[1],
      plural: rest[2] as string,
      name: rest[3],
      subresource: rest[4],
      extra: rest.length > 5,
    };
  }
  return {
    group,
    version,
    plural: rest[0] as string,
    name: rest[1],
    subresource: rest[2],
    extra: rest.length > 3,
  };
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  assertLoopback(opts.host);
  let faults: ApiFaults = { ...opts.faults };
  const random = opts.random ?? Math.random;
  const stats: ApiStats = { requests: 0, byVerb: {}, byAccess: {} };
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  // One listener per open watch and followed log: a client may hold more than Node's default of 10.
  setMaxListeners(0, closing.signal);
  let address = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    const path = url.pathname;
    let identity: Identity | undefined;
    try {
      identity = authenticate(req, opts.tokens);
    } catch (err) {
      sendError(res, err, req.headers.accept);
      return;
    }
    if (path === '/version') return sendJson(res, 200, VERSION_INFO);
    if (PUBLIC_PATHS.has(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (!identity) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    if (opts.extraRoutes && (await opts.extraRoutes(req, res, identity))) return;
    if (path === ACCESS_REVIEW_PATH) return handleAccessReview(req, res, identity);
    const types = opts.store.types;
    if (path === '/api' || path === '/api/') return sendJson(res, 200, apiVersions(address));
    if (path === '/apis' || path === '/apis/') return sendJson(res, 200, apiGroupList(types));
    const segs = path.split('/').filter(Boolean);
    if (segs[0] === 'api' && segs.length === 2) {
      const doc = apiResourceList(types, '', segs[1] as string);
      if (!doc) throw resourceNotFound();
      return sendJson(res, 200, doc);
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      const doc = apiGroupDocument(types, segs[1] as string);
      if (!doc) throw resourceNotFound();
      return sendJson(res, 200, doc);
    }
    if (segs[0] === 'apis' && segs.length === 3) {
      const doc = apiResourceList(types, segs[1] as string, segs[2] as string);
      if (!doc) throw resourceNotFound();
      return sendJson(res, 200, doc);
    }
    if (path === '/openapi/v3' || path === '/openapi/v3/') {
      return sendJson(res, 200, openApiRoot(types, VERSION_INFO.gitVersion));
    }
    if (path.startsWith('/openapi/v3/')) {
      // The ?hash= is only a cache key for the client; the current document is always served.
      const doc = openApiDocument(types, path.slice('/openapi/v3/'.length), VERSION_INFO.gitVersion);
      if (!doc) throw resourceNotFound();
      return sendJson(res, 200, doc);
    }
    const route = parseResourcePath(path);
    if (!route) throw resourceNotFound();
    stats.requests += 1;
    const verbKey = `${req.method ?? 'GET'}`;
    stats.byVerb[verbKey] = (stats.byVerb[verbKey] ?? 0) + 1;
    const access = accessKey(identity.user, req.method ?? 'GET', url, route);
    stats.byAccess[access] = (stats.byAccess[access] ?? 0) + 1;
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.errorRate && random() < faults.errorRate) throw injectedEtcdError();
    await handleResourceRequest({
      req,
      res,
      url,
      route,
      identity,
      store: opts.store,
      podLogs: opts.podLogs,
      watchDropMs: faults.watchDropMs,
      closing: closing.signal,
    });
  };

  const server: Server = createServer(
    { cert: opts.tls.certPem, key: opts.tls.keyPem, minVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] },
    (req, res) => {
      handle(req, res).catch((err: unknown) => sendError(res, err, req.headers.accept));
    },
  );
  server.requestTimeout = 0; // watches and followed logs stay open; headers still have a limit
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {});

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
  const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  address = `${hostInUrl}:${port}`;
  return {
    url: `https://${address}`,
    host: opts.host,
    port,
    setFaults(next) {
      faults = { ...next };
    },
    stats: () => ({ requests: stats.requests, byVerb: { ...stats.byVerb }, byAccess: { ...stats.byAccess } }),
    resetStats() {
      stats.requests = 0;
      stats.byVerb = {};
      stats.byAccess = {};
    },
    async close() {
      closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
