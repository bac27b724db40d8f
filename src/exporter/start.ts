/**
 * `mcs-doctor exporter` put together: the cluster source opened (a bad kubeconfig fails here,
 * before anything listens), the HTTP server listening, then the collections. By default the
 * collections run in a worker thread, so a scrape is never queued behind judging 1000 hosts or
 * behind that work's garbage collections; where no worker file sits beside the code (the single
 * executable), they run on the main thread, sliced, as `--collector-thread main` asks.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UserError, type ExitCodeValue } from '../core/errors.js';
import { openLiveSource, type LiveSourceOptions } from '../sources/live.js';
import { WatchedSource } from '../sources/watched.js';
import { startCollector, type CollectorOptions } from './collector.js';
import type { CollectorWorkerData, ErrorData, FromCollector, ToCollector } from './collector-protocol.js';
import { logfmt } from './logfmt.js';
import { startMetricsServer, type ApiStats, type ListenAddress, type MetricsServer } from './serve.js';

export type CollectorThread = 'worker' | 'main';

export interface ExporterOptions {
  source: LiveSourceOptions;
  collector: CollectorOptions;
  listen: ListenAddress;
  thread: CollectorThread;
  log: (line: string) => void;
}

export interface RunningExporter {
  url: string;
  /** The cluster, as the source names it. */
  location: string;
  /** Where the collections run: `main` when asked, or when no worker file could be found. */
  thread: CollectorThread;
  firstCollection: Promise<void>;
  /** Resolves if the collector worker dies: the exporter cannot go on (its pod is restarted). */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/** How long a stopping worker may take to close its watches before it is terminated. */
const STOP_GRACE_MS = 10_000;

const NO_STATS: ApiStats = { byKind: { list: 0, watch: 0, log: 0 }, watchRestarts: 0, relists: 0 };

/** The worker's entry beside this file: .js when built, .ts when run from source. */
function workerEntry(): URL | undefined {
  for (const name of ['collector-worker.js', 'collector-worker.ts']) {
    const url = new URL(`./${name}`, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

function raised(e: ErrorData): Error {
  if (e.exitCode === undefined) return Object.assign(new Error(e.message), { name: e.name });
  const err = new UserError(e.message, { where: e.where, hint: e.hint }, e.exitCode as ExitCodeValue);
  err.name = e.name;
  return err;
}

export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const entry = options.thread === 'worker' ? workerEntry() : undefined;
  if (options.thread === 'worker' && !entry)
    options.log(
      logfmt('info', 'collections run on the main thread', {
        reason: 'no collector-worker.js beside the code (a single executable)',
      }),
    );
  return entry ? startInWorker(entry, options) : startOnMainThread(options);
}

async function startOnMainThread(options: ExporterOptions): Promise<RunningExporter> {
  const { log } = options;
  const source = new WatchedSource(await openLiveSource(options.source), {
    onNote: (n) =>
      log(logfmt(n.kind === 'relist' ? 'info' : 'warn', n.kind, { what: n.what, error: n.message })),
  });
  let server: MetricsServer;
  try {
    server = await startMetricsServer(options.listen, () => source.stats());
  } catch (err) {
    await source.close();
    throw err;
  }
  const collector = startCollector(source, options.collector, (p) => server.publish(p), log);
  return {
    url: server.url,
    location: source.location,
    thread: 'main',
    firstCollection: server.firstCollection,
    failed: new Promise<Error>(() => {}),
    async stop() {
      await server.close();
      await collector.stop();
    },
  };
}

async function startInWorker(entry: URL, options: ExporterOptions): Promise<RunningExporter> {
  const { log } = options;
  const data: CollectorWorkerData = { source: options.source, collector: options.collector };
  const worker = new Worker(entry, { workerData: data, stdout: false, stderr: false });
  const send = (m: ToCollector): void => worker.postMessage(m);
  let stats = NO_STATS;
  let server: MetricsServer | undefined;
  let stopping = false;
  let onFailed: (err: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => (onFailed = resolve));
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
  });
  /** Asks the worker to close its watches and end; terminates it if it has not within the grace time. */
  const stopWorker = async (): Promise<void> => {
    stopping = true;
    send({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
    await worker.terminate();
  };

  const opened = new Promise<string>((resolve, reject) => {
    worker.on('message', (m: FromCollector) => {
      if (m.type === 'opened') resolve(m.location);
      else if (m.type === 'fatal') reject(raised(m.error));
      else if (m.type === 'log') log(m.line);
      else if (m.type === 'stats') stats = m.stats;
      else if (m.type === 'collection') server?.publish(m.published);
    });
    worker.on('error', (err) => {
      reject(err);
      log(logfmt('error', 'the collector worker failed', { error: err.message }));
      onFailed(err);
    });
    worker.on('exit', (code) => {
      reject(new Error(`the collector worker exited (code ${code}) before it opened the cluster source`));
      if (!stopping) onFailed(new Error(`the collector worker exited with code ${code}`));
    });
  });

  let location: string;
  try {
    location = await opened;
    server = await startMetricsServer(options.listen, () => stats);
  } catch (err) {
    await stopWorker();
    throw err;
  }
  send({ type: 'start' });
  const running = server;
  return {
    url: running.url,
    location,
    thread: 'worker',
    firstCollection: running.firstCollection,
    failed,
    async stop() {
      stopping = true;
      await running.close();
      await stopWorker();
    },
  };
}
