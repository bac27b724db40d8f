/**
 * The exporter's HTTP side: /metrics answers from the last published collection (rendered once
 * when it finished, so a scrape costs a copy of that text and the process metrics), /healthz (the
 * process answers) and /readyz (a first collection is done). It does no collecting itself: the
 * collector (collector.ts), on this thread or in its worker, publishes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../core/errors.js';
import type { WatchedStats } from '../sources/watched.js';
import { VERSION } from '../version.js';
import type { Published } from './collector.js';
import type { ErrorKind } from './collect.js';
import { liveMetrics } from './metrics.js';

export interface ListenAddress {
  /** undefined: every interface (`:9464`). */
  host?: string;
  port: number;
}

/** The source's request counts, as the collector last reported them. */
export type ApiStats = Pick<WatchedStats, 'byKind' | 'watchRestarts' | 'relists'>;

export interface MetricsServer {
  /** `http://127.0.0.1:9464`: where it listens (the port the system chose for port 0). */
  url: string;
  /** A collection's text replaces the last one; its failed reads are counted. */
  publish(p: Published): void;
  /** Resolves when the first collection is published. */
  firstCollection: Promise<void>;
  close(): Promise<void>;
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

export async function startMetricsServer(
  listenAt: ListenAddress,
  apiStats: () => ApiStats,
): Promise<MetricsServer> {
  const live = liveMetrics(VERSION, apiStats);
  let collected: Uint8Array = new Uint8Array(0);
  let ready = false;
  let markFirst: () => void = () => {};
  const firstCollection = new Promise<void>((resolve) => (markFirst = resolve));
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
  const address = await listen(server, listenAt);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    firstCollection,
    publish(p) {
      collected = p.rendered;
      for (const [kind, n] of Object.entries(p.errors) as Array<[ErrorKind, number]>)
        if (n > 0) live.errors.inc({ kind }, n);
      live.collections.inc();
      ready = true;
      markFirst();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
