/**
 * The collector worker's entry: it opens the cluster source itself (the kubeconfig flags arrive
 * as data), says where it is connected, waits for `start` (the main thread listens first), then
 * runs the collections and posts each one's text, its log lines and the source's request counts.
 * Judging 1000 hosts and the garbage it leaves happen here, never on the thread that answers
 * /metrics.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import { openLiveSource } from '../sources/live.js';
import { WatchedSource } from '../sources/watched.js';
import { startCollector } from './collector.js';
import type { CollectorWorkerData, FromCollector, ToCollector } from './collector-protocol.js';
import { logfmt } from './logfmt.js';

/** How often the source's request counts are checked for a change worth posting. */
const STATS_EVERY_MS = 1000;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('collector-worker.js runs as a worker thread of `mcs-doctor exporter`');
  const post = (m: FromCollector, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const data = workerData as CollectorWorkerData;
  let source: WatchedSource;
  try {
    source = new WatchedSource(await openLiveSource(data.source), {
      onNote: (n) =>
        post({
          type: 'log',
          line: logfmt(n.kind === 'relist' ? 'info' : 'warn', n.kind, { what: n.what, error: n.message }),
        }),
    });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({
      type: 'fatal',
      error: {
        name: e.name,
        message: e.message,
        ...(e instanceof UserError ? { where: e.where, hint: e.hint, exitCode: e.exitCode } : {}),
      },
    });
    return;
  }
  post({ type: 'opened', location: source.location });

  let lastStats = '';
  const postStats = (): void => {
    const { byKind, watchRestarts, relists } = source.stats();
    const text = JSON.stringify({ byKind, watchRestarts, relists });
    if (text === lastStats) return;
    lastStats = text;
    post({ type: 'stats', stats: { byKind, watchRestarts, relists } });
  };
  const statsTimer = setInterval(postStats, STATS_EVERY_MS);
  let collector: ReturnType<typeof startCollector> | undefined;
  port.on('message', (m: ToCollector) => {
    if (m.type === 'start' && !collector) {
      collector = startCollector(
        source,
        data.collector,
        (published) => {
          postStats();
          post({ type: 'collection', published }, [published.rendered.buffer as ArrayBuffer]);
        },
        (line) => post({ type: 'log', line }),
      );
    } else if (m.type === 'stop') {
      clearInterval(statsTimer);
      // Closing the port lets the thread end, which the main thread waits for.
      void (collector?.stop() ?? source.close()).finally(() => port.close());
    }
  });
}

await main();
