/**
 * A real Prometheus (Debian `prometheus`) for the tests: on 127.0.0.1, a temporary storage
 * directory, scraping one exporter every second and evaluating the PrometheusRule's rules every
 * second. `for:` is set to 0s in its copy of the rules (promtool's unit tests cover the `for`
 * durations; here what counts is which alert an exporter's real series make fire).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { httpGet, ruleGroups, waitFor } from './exporter.js';

export const PROMETHEUS = '/usr/bin/prometheus';

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

export interface PrometheusProcess {
  url: string;
  /** An instant query's result: one entry per series. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  alerts(): Promise<Alert[]>;
  /** Waits until the rules were evaluated on samples scraped after `since` (ms). */
  evaluatedAfter(since: number): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(target: string): Promise<PrometheusProcess> {
  const groups = ruleGroups();
  for (const g of groups.groups) for (const r of g.rules) if (r.alert) r.for = '0s';
  return launchPrometheus(
    {
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: ['rules.yaml'],
      scrape_configs: [{ job_name: 'mcs-doctor-exporter', static_configs: [{ targets: [target] }] }],
    },
    { 'rules.yaml': YAML.stringify(groups) },
  );
}

/**
 * Prometheus with this configuration (prometheus.yml) and these files beside it (rule files),
 * in a temporary directory, on a free port of 127.0.0.1; resolves once it is ready.
 */
export async function launchPrometheus(
  config: object,
  files: Record<string, string> = {},
): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-prometheus-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'prometheus.yml'), YAML.stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      // Nothing but loopback: no remote write, no service discovery beyond the static target.
      '--query.lookback-delta=5s',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString('utf8')).slice(-20_000)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 600_000);
  const exited = new Promise<void>((r) => child.on('exit', () => (clearTimeout(killer), r())));
  const api = async <T>(path: string): Promise<T> => {
    const r = await httpGet(`${url}${path}`);
    assert.equal(r.status, 200, r.body);
    return (JSON.parse(r.body) as { data: T }).data;
  };
  try {
    await waitFor(
      'Prometheus ready',
      async () => {
        if (child.exitCode !== null) assert.fail(`prometheus exited: ${log}`);
        return (await httpGet(`${url}/-/ready`).catch(() => ({ status: 0 }))).status === 200;
      },
      60_000,
    );
  } catch (err) {
    // Never ready: stopped here, as the caller has nothing to stop.
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    query: async (expr) =>
      (
        await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
          `/api/v1/query?query=${encodeURIComponent(expr)}`,
        )
      ).result,
    alerts: async () => (await api<{ alerts: Alert[] }>('/api/v1/alerts')).alerts,
    async evaluatedAfter(since) {
      await waitFor('a scrape after the time given', async () => {
        const t = await api<{ activeTargets: Array<{ lastScrape: string; health: string }> }>(
          '/api/v1/targets',
        );
        return (
          t.activeTargets.length > 0 &&
          t.activeTargets.every((x) => x.health === 'up' && Date.parse(x.lastScrape) > since)
        );
      });
      const scraped = Date.now();
      await waitFor('every rule group evaluated after that scrape', async () => {
        const r = await api<{ groups: Array<{ lastEvaluation: string }> }>('/api/v1/rules');
        return r.groups.length > 0 && r.groups.every((g) => Date.parse(g.lastEvaluation) > scraped);
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
