/**
 * The exporter's collections: one every interval (one at a time), each rendered once in the
 * Prometheus text format when it finishes and handed to `publish`. Whoever serves /metrics only
 * copies that text. The loop runs where the source is: on the main thread, or in the collector
 * worker (collector-worker.ts), which keeps its judging and its garbage collections away from
 * the thread that answers scrapes.
 */
import type { WatchedSource } from '../sources/watched.js';
import { sleepUnlessAborted } from '../core/abortable-sleep.js';
import { BmcBackoff } from './bmc-backoff.js';
import { collect, type ErrorKind } from './collect.js';
import { COLLECTED, renderCollected, type Collected } from './metrics.js';
import { logfmt } from './logfmt.js';
import { statusData, writeStatus, type StatusRef } from './status.js';

export interface CollectorOptions {
  intervalMs: number;
  probe: boolean;
  resolve?: Map<string, string>;
  probeTimeoutMs: number;
  bmc: boolean;
  bmcConcurrency: number;
  /** Only the BareMetalHosts of this namespace (`-n`). */
  namespace?: string;
  /** `--status-configmap`: the ConfigMap patched with the verdict and findings after each collection. */
  status?: StatusRef;
}

/** What a collection hands over: its series as text, and how many reads failed by kind. */
export interface Published {
  /** UTF-8 text of the collected series; its own ArrayBuffer, so a worker can transfer it. */
  rendered: Uint8Array;
  errors: Record<ErrorKind, number>;
}

export interface RunningCollector {
  /** Closes the source (a collection under way ends with read errors) and waits for the loop to end. */
  stop(): Promise<void>;
}

export function startCollector(
  source: WatchedSource,
  options: CollectorOptions,
  publish: (p: Published) => void,
  log: (line: string) => void,
): RunningCollector {
  const bmcReader = new BmcBackoff(options.bmcConcurrency, options.intervalMs);
  const stopping = new AbortController();
  const encoder = new TextEncoder();

  const once = async (): Promise<void> => {
    const started = Date.now();
    let samples: Collected = new Map();
    let success = false;
    const errors: Record<ErrorKind, number> = { api: 0, watch: 0, 'mcs-probe': 0, bmc: 0 };
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
        errors[kind] = list.length;
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
      errors.api += 1;
      log(logfmt('error', 'collection failed', { error: err instanceof Error ? err.message : String(err) }));
    }
    const finished = Date.now();
    samples.set(COLLECTED.collectionSuccess, [{ labels: {}, value: success ? 1 : 0 }]);
    samples.set(COLLECTED.lastCollection, [{ labels: {}, value: finished / 1000 }]);
    samples.set(COLLECTED.collectionDuration, [{ labels: {}, value: (finished - started) / 1000 }]);
    samples.set(COLLECTED.collectionInterval, [{ labels: {}, value: options.intervalMs / 1000 }]);
    publish({ rendered: encoder.encode(await renderCollected(samples)), errors });
    if (options.status) {
      await writeStatus(source.live, options.status, statusData(samples, new Date(finished), success)).catch(
        (err: unknown) =>
          log(
            logfmt('warn', 'status not written', { error: err instanceof Error ? err.message : String(err) }),
          ),
      );
    }
    // Logs of pods no longer read (gone since) are not followed any more.
    source.sweepLogs(started - 1000);
  };

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const started = Date.now();
      await once();
      await sleepUnlessAborted(Math.max(0, options.intervalMs - (Date.now() - started)), stopping.signal);
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await source.close();
      await loop.catch(() => undefined);
      bmcReader.close();
    },
  };
}
