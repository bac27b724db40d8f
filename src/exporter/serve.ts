/**
 * The exporter's process: a collection every interval (one at a time), and an HTTP server that
 * answers /metrics from the last collection (rendered once when it finished, so a scrape costs
 * a string copy and the process metrics), /healthz (the process answers) and /readyz (a first
 * collection is done). Logs are logfmt lines on stderr and never carry a token, a key or a BMC
 * password: only names, counts and the API's or the network's own error texts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../core/errors.js';
import type { WatchedSource } from '../sources/watched.js';
import { VERSION } from '../version.js';
import { BmcBackoff } from './bmc-backoff.js';
import { collect, type ErrorKind } from './collect.js';
import { COLLECTED, liveMetrics, renderCollected, type Collected } from './metrics.js';
import { statusData } from './status.js';

export interface ListenAddress {
  /** undefined: every interface (`:9464`). */
  host?: string;
  port: number;
}

export interface ExporterOptions {
  source: WatchedSource;
  listen: ListenAddress;
  intervalMs: number;
  probe: boolean;
  resolve?: Map<string, string>;
  probeTimeoutMs: number;
  bmc: boolean;
  bmcConcurrency: number;
  /** Only the BareMetalHosts of this namespace (`-n`). */
  namespace?: string;
  /** After each collection: writes statusData() somewhere (--status-configmap); a failure is logged. */
  publishStatus?: (data: Record<string, string>) => Promise<void>;
  log: (line: string) => void;
}

export interface RunningExporter {
  /** `http://127.0.0.1:9464`: where it listens (the port the system chose for port 0). */
  url: string;
  /** Resolves when the first collection is done. */
  firstCollection: Promise<void>;
  stop(): Promise<void>;
}

/** One logfmt line: `time=... level=info msg="..." key=value`. */
export function logfmt(
  level: 'info' | 'warn' | 'error',
  msg: string,
  fields: Record<string, string | number> = {},
): string {
  const q = (v: string | number): string =>
    typeof v === 'number' || /^[\w.:/@-]+$/.test(v) ? String(v) : JSON.stringify(v);
  return [
    `time=${new Date().toISOString()}`,
    `level=${level}`,
    `msg=${JSON.stringify(msg)}`,
    ...Object.entries(fields).map(([k, v]) => `${k}=${q(v)}`),
  ].join(' ');
}

function listen(server: Server, address: ListenAddress): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const where = `${address.host ?? ''}:${address.port}`;
      reject(
        new UserError(
          err.code === 'EADDRINUSE'
            ? `cannot listen on ${where}: the address is in use`
            : `cannot listen on ${where}: ${err.message}`,
          { where: '--listen', hint: 'pick another port, e.g. --listen 127.0.0.1:9465' },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const { source, log } = options;
  const live = liveMetrics(VERSION, () => source.stats());
  let collected = Buffer.alloc(0);
  let ready = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void answer(req, res);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      const liveText = await live.registry.metrics();
      res.writeHead(200, { 'Content-Type': live.registry.contentType });
      if (req.method === 'HEAD') res.end();
      else {
        // The last collection as rendered then, and the process metrics of now.
        res.write(collected);
        res.end(liveText);
      }
    } else if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      res
        .writeHead(ready ? 200 : 503, { 'Content-Type': 'text/plain' })
        .end(ready ? 'ok\n' : 'the first collection is not done\n');
    } else {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end('not found: try /metrics, /healthz, /readyz\n');
    }
  };
  const address = await listen(server, options.listen);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const bmcReader = new BmcBackoff(options.bmcConcurrency, options.intervalMs);
  const stopping = new AbortController();
  let markFirst: () => void = () => {};
  const firstCollection = new Promise<void>((resolve) => (markFirst = resolve));

  const once = async (): Promise<void> => {
    const started = Date.now();
    let samples: Collected = new Map();
    let success = false;
    try {
      const c = await collect(source, {
        now: new Date(),
        probe: options.probe,
        resolve: options.resolve,
        probeTimeoutMs: options.probeTimeoutMs,
        bmc: options.bmc,
        bmcReader,
        namespace: options.namespace,
      });
      samples = c.collected;
      success = c.success;
      for (const [kind, list] of Object.entries(c.errors) as Array<[ErrorKind, string[]]>) {
        if (list.length) live.errors.inc({ kind }, list.length);
        for (const what of list.slice(0, 5)) log(logfmt('warn', 'collection error', { kind, error: what }));
        if (list.length > 5) log(logfmt('warn', 'more collection errors', { kind, count: list.length - 5 }));
      }
      const seconds = (Date.now() - started) / 1000;
      log(
        logfmt('info', 'collection done', {
          hosts: c.hosts,
          seconds: Number(seconds.toFixed(3)),
          success: success ? 1 : 0,
        }),
      );
      if (Date.now() - started > options.intervalMs)
        log(
          logfmt('warn', 'the collection took longer than --interval', {
            seconds,
            interval: options.intervalMs / 1000,
          }),
        );
    } catch (err) {
      // A bug, not the cluster: say so, keep serving the metrics that say collections fail.
      live.errors.inc({ kind: 'api' });
      log(logfmt('error', 'collection failed', { error: err instanceof Error ? err.message : String(err) }));
    }
    live.collections.inc();
    const finished = Date.now();
    samples.set(COLLECTED.collectionSuccess, [{ labels: {}, value: success ? 1 : 0 }]);
    samples.set(COLLECTED.lastCollection, [{ labels: {}, value: finished / 1000 }]);
    samples.set(COLLECTED.collectionDuration, [{ labels: {}, value: (finished - started) / 1000 }]);
    samples.set(COLLECTED.collectionInterval, [{ labels: {}, value: options.intervalMs / 1000 }]);
    collected = Buffer.from(await renderCollected(samples));
    if (options.publishStatus) {
      const data = statusData(samples, new Date(finished), success);
      await options
        .publishStatus(data)
        .catch((err: unknown) =>
          log(
            logfmt('warn', 'status not written', { error: err instanceof Error ? err.message : String(err) }),
          ),
        );
    }
    // Logs of pods no longer read (gone since) are not followed any more.
    source.sweepLogs(started - 1000);
    ready = true;
    markFirst();
  };

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const started = Date.now();
      await once();
      const wait = Math.max(0, options.intervalMs - (Date.now() - started));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  })();

  return {
    url,
    firstCollection,
    async stop() {
      stopping.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await source.close();
      await loop.catch(() => undefined);
      bmcReader.close();
    },
  };
}
