/**
 * Parsing certificates is most of the work of listing 10,000 TLS secrets (each one parsed as
 * Go parses it, about a tenth of a millisecond), so large lists are parsed on worker threads
 * while the main thread reads the next pages: one worker per core beyond the first, at most 4.
 * A worker that fails (or cannot start) is never an error: its values are parsed in-thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readPemValue, type PemJob, type PemValue } from './cert-pem.js';
import type { ParseRequest, ParseResponse } from './cert-parse-worker.js';

export interface PemParser {
  parse(jobs: PemJob[], all: boolean): Promise<PemValue[]>;
  close(): Promise<void>;
  /** Worker threads in use (0: in-thread). */
  readonly workers: number;
}

export function inThreadParser(): PemParser {
  return {
    workers: 0,
    parse: async (jobs, all) => jobs.map((j) => readPemValue(j.text, j.where, all)),
    close: async () => {},
  };
}

/** The worker's file: compiled .js beside this one, or the .ts source when run from source (tsx). */
function workerUrl(): URL | undefined {
  for (const ext of ['.js', '.ts']) {
    const url = new URL(`./cert-parse-worker${ext}`, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

interface Pending {
  resolve(values: PemValue[]): void;
  jobs: PemJob[];
  all: boolean;
  worker: Worker;
}

class WorkerPemParser implements PemParser {
  private readonly pool: Worker[] = [];
  private readonly inFlight = new Map<Worker, number>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private broken = false;

  constructor(url: URL, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url);
      worker.unref();
      this.inFlight.set(worker, 0);
      worker.on('message', (res: ParseResponse) => this.answer(worker, res));
      worker.on('error', () => this.fail(worker));
      worker.on('exit', () => this.fail(worker));
      this.pool.push(worker);
    }
  }

  get workers(): number {
    return this.pool.length;
  }

  parse(jobs: PemJob[], all: boolean): Promise<PemValue[]> {
    const worker = [...this.inFlight].sort((a, b) => a[1] - b[1])[0]?.[0];
    if (this.broken || !worker) return Promise.resolve(jobs.map((j) => readPemValue(j.text, j.where, all)));
    const id = this.nextId++;
    this.inFlight.set(worker, (this.inFlight.get(worker) ?? 0) + 1);
    return new Promise<PemValue[]>((resolve) => {
      this.pending.set(id, { resolve, jobs, all, worker });
      worker.postMessage({ id, jobs, all } satisfies ParseRequest);
    });
  }

  private answer(worker: Worker, res: ParseResponse): void {
    const p = this.pending.get(res.id);
    if (!p) return;
    this.pending.delete(res.id);
    this.inFlight.set(worker, Math.max(0, (this.inFlight.get(worker) ?? 1) - 1));
    p.resolve(res.values);
  }

  /** A worker died: what it had is parsed here, and no more work goes to any worker. */
  private fail(worker: Worker): void {
    this.inFlight.delete(worker);
    if (this.pending.size === 0 && this.broken) return;
    this.broken = true;
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      p.resolve(p.jobs.map((j) => readPemValue(j.text, j.where, p.all)));
    }
  }

  async close(): Promise<void> {
    this.broken = true;
    const workers = this.pool.splice(0);
    for (const w of workers) w.removeAllListeners('exit');
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }
}

/**
 * A parser for a list of about `expected` values: in-thread for small lists (a worker's start
 * costs more than it saves) or on one core; worker threads otherwise.
 */
export function openPemParser(expected: number, workers = availableParallelism() - 1): PemParser {
  const size = Math.min(4, workers);
  const url = workerUrl();
  if (expected < 1000 || size < 1 || !url) return inThreadParser();
  try {
    return new WorkerPemParser(url, size);
  } catch {
    return inThreadParser();
  }
}
