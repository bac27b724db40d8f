/**
 * The request handler of the machine-config-server (MCO pkg/server/api.go), shared by the TLS
 * listener (22623) and its plain-HTTP twin (22624), exactly as the real server shares it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chooseSpecVersion } from './accept.js';
import { buildPoolConfig, type PoolContent } from './ignition-config.js';
import { goQuote } from '../../pki/goquote.js';
import { joinHostPort } from '../../probes/go-errors.js';
import type { KlogSink } from './klog.js';

export interface HandlerSettings {
  pools: ReadonlySet<string>;
  content: PoolContent;
  /** Highest spec 3 minor the server can serve (3.5 at MCO HEAD; lower on older OpenShift). */
  maxSpec3Minor: number;
  /** When set, every /config request gets this status with an empty body (a fault switch). */
  forcedConfigStatus?: number;
}

function empty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': '0' });
  res.end();
}

// Go's %v of poolRequest{machineConfigPool, version *semver.Version}: the pointer prints as an address.
function goPoolRequest(pool: string): string {
  return `{${pool} 0xc${randomBytes(4).toString('hex').padStart(9, '0')}}`;
}

export function handleMcsRequest(
  req: IncomingMessage,
  res: ServerResponse,
  settings: HandlerSettings,
  log: KlogSink,
): void {
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
    'api.go:110',
    `Pool ${pool} requested by address:${goQuote(joinHostPort(req.socket.remoteAddress ?? '', req.socket.remotePort ?? 0))} User-Agent:${goQuote(userAgent)} Accept-Header: ${goQuote(accept)}`,
  );

  const choice = chooseSpecVersion(accept, settings.maxSpec3Minor);
  if (!choice.ok) {
    log.write('E', 'api.go:115', choice.error);
    return empty(res, 400);
  }
  if (settings.forcedConfigStatus !== undefined) return empty(res, settings.forcedConfigStatus);
  if (!settings.pools.has(pool)) {
    // The pool lister's NotFound error becomes a 500 with no body (docs say 404; the code does not).
    log.write(
      'E',
      'api.go:129',
      `couldn't get config for req: ${goPoolRequest(pool)}, error: machineconfigpool.machineconfiguration.openshift.io ${goQuote(pool)} not found`,
    );
    return empty(res, 500);
  }

  const body = Buffer.from(JSON.stringify(buildPoolConfig(pool, choice.version, settings.content)), 'utf8');
  res.writeHead(200, { 'Content-Length': String(body.length), 'Content-Type': 'application/json' });
  res.end(method === 'HEAD' ? undefined : body);
}
