/**
 * `mcs-doctor exporter` against the simulated cluster at N hosts (scenario healthy, `sim start`
 * in a process of its own, as are the exporter and this measuring loop): API requests per minute
 * in steady state (the exporter's own count of every request it sent, after the first three
 * collections), `/metrics` latency (a scrape every 100 ms for the whole window, collections
 * running or not), resident memory, and collection time. Figures only.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseAllDocuments } from 'yaml';
import { startSim } from './diagnose.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/**
 * The environment manifests/exporter/deployment.yaml gives the exporter's container (NODE_OPTIONS,
 * MALLOC_ARENA_MAX): how it is deployed.
 */
export function deployedEnv(): Record<string, string> {
  const text = readFileSync(join(ROOT, 'manifests', 'exporter', 'deployment.yaml'), 'utf8');
  const env: Record<string, string> = {};
  for (const doc of parseAllDocuments(text)) {
    const d = doc.toJS() as {
      spec?: {
        template?: { spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> } };
      };
    };
    for (const c of d.spec?.template?.spec?.containers ?? [])
      for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  }
  return env;
}

export interface ExporterBenchFigures {
  hosts: number;
  /** Where the collections ran (`--collector-thread`). */
  thread: 'worker' | 'main';
  /** The exporter's environment beyond this process's (NODE_OPTIONS, MALLOC_ARENA_MAX); {} for Node's and glibc's defaults. */
  env: string;
  interval: string;
  windowSeconds: number;
  collectionsInWindow: number;
  apiRequestsInWindow: number;
  apiRequestsPerMinute: string;
  watchesHeld: number;
  firstCollectionSeconds: number;
  collectionSecondsMedian: number;
  collectionSecondsMax: number;
  metricsBytes: number;
  scrapes: number;
  scrapeP50Ms: number;
  scrapeP95Ms: number;
  scrapeMaxMs: number;
  /** Scrapes that started while no collection ran, and while one did. */
  scrapeP95BetweenCollectionsMs: number;
  scrapeP95DuringCollectionsMs: number;
  rssMb: number;
  peakRssMb: number;
}

function get(url: string): Promise<{ ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

function metric(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

export async function benchExporter(
  hosts: number,
  windowSeconds = 60,
  interval = '15s',
  env: Record<string, string> = deployedEnv(),
  thread: 'worker' | 'main' = 'worker',
): Promise<ExporterBenchFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-bench-exporter-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const stopSim = await startSim(hosts, kubeconfig, 'healthy');
  const child = spawn(
    process.execPath,
    [
      CLI,
      'exporter',
      '--kubeconfig',
      kubeconfig,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      interval,
      '--collector-thread',
      thread,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', ...env } },
  );
  let log = '';
  child.stderr.on('data', (b: Buffer) => (log += b.toString()));
  try {
    let url: string | undefined;
    for (let i = 0; i < 600 && !url; i++) {
      url = /metrics=(http:\/\/\S+)\/metrics/.exec(log)?.[1];
      if (!url) await sleep(100);
    }
    if (!url) throw new Error(`the exporter did not start: ${log}`);
    // Steady state: after three collections (the lists, the watches and the log follows are up).
    let text = '';
    for (let i = 0; i < 3000; i++) {
      text = (await get(`${url}/metrics`)).body;
      if ((metric(text, 'mcs_doctor_collections_total') ?? 0) >= 3) break;
      await sleep(200);
    }
    const firstCollectionSeconds = Number(/seconds=([\d.]+)/.exec(log)?.[1] ?? NaN);
    const collectionsBefore = metric(text, 'mcs_doctor_collections_total') ?? 0;
    const watchesHeld = metric(text, 'mcs_doctor_kube_api_requests_total', 'kind="watch"') ?? 0;
    const requests = (t: string): number =>
      ['list', 'watch', 'log'].reduce(
        (n, kind) => n + (metric(t, 'mcs_doctor_kube_api_requests_total', `kind="${kind}"`) ?? 0),
        0,
      );
    const requestsBefore = requests(text);
    const started = Date.now();
    const latencies: number[] = [];
    const startedAt: number[] = [];
    let metricsBytes = 0;
    while (Date.now() - started < windowSeconds * 1000) {
      startedAt.push(Date.now());
      const r = await get(`${url}/metrics`);
      latencies.push(r.ms);
      metricsBytes = r.body.length;
      text = r.body;
      await sleep(100);
    }
    const elapsedMin = (Date.now() - started) / 60_000;
    const apiRequests = requests(text) - requestsBefore;
    const durations = [...log.matchAll(/msg="collection done" hosts=\d+ seconds=([\d.]+)/g)]
      .map((m) => Number(m[1]))
      .slice(1)
      .sort((a, b) => a - b);
    // Which scrapes overlapped a collection: from each "collection done" line's time and seconds.
    const busy = [
      ...log.matchAll(/time=(\S+) level=info msg="collection done" hosts=\d+ seconds=([\d.]+)/g),
    ].map((m) => [Date.parse(m[1]!) - Number(m[2]) * 1000, Date.parse(m[1]!)] as const);
    const during: number[] = [];
    const between: number[] = [];
    latencies.forEach((ms, i) =>
      (busy.some(([a, b]) => startedAt[i]! + ms >= a && startedAt[i]! <= b) ? during : between).push(ms),
    );
    during.sort((a, b) => a - b);
    between.sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    return {
      hosts,
      thread,
      env: Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      interval,
      windowSeconds,
      collectionsInWindow: (metric(text, 'mcs_doctor_collections_total') ?? 0) - collectionsBefore,
      apiRequestsInWindow: apiRequests,
      apiRequestsPerMinute: (apiRequests / elapsedMin).toFixed(2),
      watchesHeld,
      firstCollectionSeconds,
      collectionSecondsMedian: durations[Math.floor(durations.length / 2)] ?? NaN,
      collectionSecondsMax: durations[durations.length - 1] ?? NaN,
      metricsBytes,
      scrapes: latencies.length,
      scrapeP50Ms: Number(percentile(latencies, 50).toFixed(2)),
      scrapeP95Ms: Number(percentile(latencies, 95).toFixed(2)),
      scrapeMaxMs: Number(latencies[latencies.length - 1]!.toFixed(2)),
      scrapeP95BetweenCollectionsMs: between.length ? Number(percentile(between, 95).toFixed(2)) : NaN,
      scrapeP95DuringCollectionsMs: during.length ? Number(percentile(during, 95).toFixed(2)) : NaN,
      rssMb: procStatus(child.pid!, 'VmRSS'),
      peakRssMb: procStatus(child.pid!, 'VmHWM'),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    stopSim();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/exporter.ts [HOSTS] [SECONDS] [deployed|defaults] [worker|main]`: this
// benchmark alone, the exporter run with the environment manifests/exporter gives it or with
// Node's and glibc's defaults, its collections in a worker thread (the default) or on the main thread.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchExporter(
    Number(process.argv[2] ?? 1000),
    Number(process.argv[3] ?? 60),
    '15s',
    process.argv[4] === 'defaults' ? {} : deployedEnv(),
    process.argv[5] === 'main' ? 'main' : 'worker',
  );
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(28)} ${String(v)}`);
}
