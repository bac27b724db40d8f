/** What the exporter tests share: the built CLI's exporter as a process, scrapes, the text format, the rules. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { CLI_PATH } from './cli.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const MANIFESTS = join(ROOT, 'manifests', 'exporter');
export const RULE_FILE = join(MANIFESTS, 'prometheusrule.yaml');
/** Where every runbook_url of the PrometheusRule starts: the docs of this repository. */
export const RUNBOOK_BASE = 'https://github.com/mcs-doctor/mcs-doctor/blob/main/';

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The rule groups of the PrometheusRule (its spec: a Prometheus rules file). */
export function ruleGroups(): { groups: Array<{ name: string; rules: Rule[] }> } {
  const doc = YAML.parse(readFileSync(RULE_FILE, 'utf8')) as { kind: string; spec: unknown };
  assert.equal(doc.kind, 'PrometheusRule');
  return doc.spec as { groups: Array<{ name: string; rules: Rule[] }> };
}

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format (0.0.4), as Prometheus reads it: one sample per line. */
export function parseMetrics(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The samples of one metric whose labels include `match`. */
export function samples(
  all: MetricSample[],
  name: string,
  match: Record<string, string> = {},
): MetricSample[] {
  return all.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample that matches; fails the test when there is not exactly one. */
export function value(all: MetricSample[], name: string, match: Record<string, string> = {}): number {
  const found = samples(all, name, match);
  assert.equal(found.length, 1, `${name}${JSON.stringify(match)}: ${found.length} samples`);
  return found[0]!.value;
}

/** One HTTP GET on loopback, with a 10 s limit. */
export function httpGet(url: string): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolvePromise({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: String(res.headers['content-type'] ?? ''),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls until `check` gives a value (a safety net, not a timed assertion). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  limitMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      assert.fail(`never happened: ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ExporterProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  child: ChildProcess;
  stderr(): string;
  scrape(): Promise<MetricSample[]>;
  metricsText(): Promise<string>;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `mcs-doctor exporter --listen 127.0.0.1:0 ARGS` from dist/, as a user runs it; resolves once
 * it says where it serves. Killed after `killAfterMs` whatever happens (a safety net).
 */
export async function startExporterCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  killAfterMs = 300_000,
  /** The program and its first arguments: the built CLI by default, or the single executable. */
  command: string[] = [process.execPath, CLI_PATH],
): Promise<ExporterProcess> {
  const [program, ...first] = command as [string, ...string[]];
  const child = spawn(program, [...first, 'exporter', '--listen', '127.0.0.1:0', ...args], {
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  child.stdout!.on('data', () => {});
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      r(code);
    }),
  );
  const url = await waitFor(
    'the exporter says where it serves',
    async () => {
      const m = /metrics=(http:\/\/[^ ]+)\/metrics/.exec(err);
      if (m) return m[1]!;
      if (child.exitCode !== null) assert.fail(`the exporter exited ${child.exitCode}: ${err}`);
      return undefined;
    },
    30_000,
  );
  const metricsText = async (): Promise<string> => {
    const r = await httpGet(`${url}/metrics`);
    assert.equal(r.status, 200);
    return r.body;
  };
  return {
    url,
    child,
    stderr: () => err,
    metricsText,
    scrape: async () => parseMetrics(await metricsText()),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
