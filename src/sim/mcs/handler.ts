/**
 * The request handler of the machine-config-server (MCO pkg/server/api.go APIHandler.ServeHTTP,
 * with the mux of NewAPIServer), shared by the TLS listener (22623) and its plain-HTTP twin
 * (22624), exactly as the real server shares it:
 *  - `/healthz`: 200; any path outside `/config/` and `/healthz`: the mux's defaultHandler, 404
 *    with no body and no log line (the only 404 a cluster MCS gives a GET);
 *  - `/config/<anything>`: the pool is `path.Base` of the path; `Pool ... requested by` is logged,
 *    the Accept header picks the spec (400 when unsupported), then GetConfig: an unknown pool or a
 *    missing rendered MachineConfig is an error, logged as `couldn't get config for req: ...` and
 *    answered 500 with no body, on every release from 4.1 to 4.19 (cluster_server.go GetConfig).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { chooseSpecVersion } from './accept.js';
import { DEFAULT_MCS_DIALECT, formatPoolName, formatPoolRequest, type McsLogDialect } from './dialect.js';
import { buildPoolConfig, type PoolContent } from './ignition-config.js';
import { goQuote } from '../../pki/goquote.js';
import { joinHostPort } from '../../probes/go-errors.js';
import type { KlogSink } from './klog.js';

/** What GetConfig found for a pool: the rendered config it serves, or its error text. */
export type ConfigLookup = { ok: true; rendered?: string } | { ok: false; error: string };

export interface HandlerSettings {
  pools: ReadonlySet<string>;
  content: PoolContent;
  /** Highest spec 3 minor the server can serve (3.5 at MCO HEAD; lower on older OpenShift). */
  maxSpec3Minor: number;
  /** When set, every /config request gets this status with an empty body (a fault switch). */
  forcedConfigStatus?: number;
  /**
   * GetConfig against the cluster's objects (pool, then its rendered MachineConfig); when absent,
   * a pool exists when it is in `pools`.
   */
  getConfig?: (pool: string) => ConfigLookup;
  /** The release's log format (file:line, quoting); default DEFAULT_MCS_DIALECT. */
  dialect?: McsLogDialect;
}

function empty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': '0' });
  res.end();
}

/** The lister's NotFound error for a pool, wrapped as GetConfig wraps it. */
export function poolNotFound(pool: string): string {
  return `could not fetch pool. err: machineconfigpool.machineconfiguration.openshift.io ${goQuote(pool)} not found`;
}

function lookup(settings: HandlerSettings, pool: string): ConfigLookup {
  if (settings.getConfig) return settings.getConfig(pool);
  return settings.pools.has(pool) ? { ok: true } : { ok: false, error: poolNotFound(pool) };
}

export function handleMcsRequest(
  req: IncomingMessage,
  res: ServerResponse,
  settings: HandlerSettings,
  log: KlogSink,
): void {
  const dialect = settings.dialect ?? DEFAULT_MCS_DIALECT;
  const method = req.method ?? 'GET';
  const getOrHead = method === 'GET' || method === 'HEAD';
  // Go's ServeMux matches on the cleaned path; the query string is not part of it.
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/healthz') return empty(res, getOrHead ? 200 : 405);
  if (!path.startsWith('/config/')) return empty(res, getOrHead ? 404 : 405);
  if (!getOrHead) return empty(res, 405);

  const pool = posix.basename(path);
  const userAgent = req.headers['user-agent'] ?? '';
  const accept = req.headers.accept ?? '';
  log.write(
    'I',
    dialect.poolRequestedSource,
    `Pool ${formatPoolName(dialect, pool)} requested by address:${goQuote(joinHostPort(req.socket.remoteAddress ?? '', req.socket.remotePort ?? 0))} User-Agent:${goQuote(userAgent)} Accept-Header: ${goQuote(accept)}`,
  );

  const choice = chooseSpecVersion(accept, settings.maxSpec3Minor);
  if (!choice.ok) {
    log.write('E', dialect.acceptErrorSource, choice.error);
    return empty(res, 400);
  }
  if (settings.forcedConfigStatus !== undefined) return empty(res, settings.forcedConfigStatus);
  const found = lookup(settings, pool);
  if (!found.ok) {
    // The docs say an unknown pool is a 404; the code answers every GetConfig error with a 500.
    log.write(
      'E',
      dialect.getConfigErrorSource,
      `couldn't get config for req: ${formatPoolRequest(dialect, pool)}, error: ${found.error}`,
    );
    return empty(res, 500);
  }

  const config = buildPoolConfig(pool, choice.version, settings.content, found.rendered);
  const body = Buffer.from(JSON.stringify(config), 'utf8');
  res.writeHead(200, { 'Content-Length': String(body.length), 'Content-Type': 'application/json' });
  res.end(method === 'HEAD' ? undefined : body);
}
