/**
 * The Go differential: builds test/oracle/go-x509 with the system's Go 1.19, runs every case
 * through it in one process, runs the same case through src/pki, and compares verdict, exact
 * error text, root parse verdicts and the chains found.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificates } from '../../../src/pki/parse.js';
import { verifyChain } from '../../../src/pki/verify.js';
import type { CertInfo } from '../../../src/pki/types.js';
import { generateCase, type GeneratedCase } from './generate.js';

export const GO = '/usr/lib/go-1.19/bin/go';
const ORACLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../oracle/go-x509');

export interface Verdict {
  ok: boolean;
  error: string;
  chains: string[][];
  rootErrors: string[];
}

export interface Disagreement {
  case: GeneratedCase;
  go: Verdict;
  ours: Verdict;
}

export interface DifferentialReport {
  cases: number;
  agreed: number;
  disagreements: Disagreement[];
  /** Go's error text (or "ok") -> count. */
  texts: Map<string, number>;
  seconds: { generate: number; go: number; ours: number; total: number };
}

/** Builds the oracle into a temp dir (its own GOCACHE and GOPATH, no network). */
export function buildOracle(): { bin: string; cleanup: () => void } {
  if (!existsSync(GO)) {
    throw new Error(
      `${GO} is missing: the Go differential needs Go 1.19 (CI installs the Debian package golang-1.19-go; run 'apt-get install golang-1.19-go')`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-gox509-'));
  const bin = join(dir, 'gox509');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    GOCACHE: join(dir, 'cache'),
    GOPATH: join(dir, 'gopath'),
    GOFLAGS: '',
    GOPROXY: 'off',
    GONOSUMDB: '*',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
  };
  const r = spawnSync(GO, ['build', '-o', bin, '.'], { cwd: ORACLE_DIR, env, encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`building the Go oracle failed (exit ${r.status}): ${r.stderr}${r.error ?? ''}`);
  }
  return { bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runGo(bin: string, cases: GeneratedCase[]): Verdict[] {
  const input = cases
    .map((c) =>
      JSON.stringify({
        id: String(c.index),
        chain: c.chain,
        roots: c.roots,
        host: c.host,
        at: c.at.toISOString(),
      }),
    )
    .join('\n');
  // TZ=UTC: an initramfs runs in UTC, and Go's time parsing consults the local zone.
  const r = spawnSync(bin, [], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { PATH: process.env.PATH, TZ: 'UTC' },
  });
  if (r.status !== 0) throw new Error(`the Go oracle failed (exit ${r.status}): ${r.stderr}${r.error ?? ''}`);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== cases.length)
    throw new Error(`the Go oracle answered ${lines.length} of ${cases.length} cases`);
  return lines.map((l) => {
    const o = JSON.parse(l) as { ok: boolean; error?: string; chains: string[][]; rootErrors: string[] };
    return { ok: o.ok, error: o.error ?? '', chains: o.chains, rootErrors: o.rootErrors };
  });
}

const PARSE_PREFIX = /^cannot parse certificate: /;
const hex = (c: CertInfo): string => c.fingerprintSha256.replace(/:/g, '').toLowerCase();

/** src/pki's verdict, with parse failures named as src/probes/tls.ts names them. */
export function runOurs(c: GeneratedCase): Verdict {
  const rootErrors: string[] = [];
  const roots: CertInfo[] = [];
  for (const [i, pem] of c.roots.entries()) {
    try {
      roots.push(...parseCertificates(pem, `root #${i}`));
      rootErrors.push('');
    } catch (err) {
      rootErrors.push(`x509: ${(err as Error).message.replace(PARSE_PREFIX, '')}`);
    }
  }
  const chain: CertInfo[] = [];
  for (const [i, pem] of c.chain.entries()) {
    try {
      chain.push(...parseCertificates(pem, `certificate #${i} sent by the server`));
    } catch (err) {
      const msg = (err as Error).message.replace(PARSE_PREFIX, '');
      return {
        ok: false,
        error: `tls: failed to parse certificate from server: x509: ${msg}`,
        chains: [],
        rootErrors,
      };
    }
  }
  const r = verifyChain({ chain, roots, host: c.host, at: c.at });
  return { ok: r.ok, error: r.error ?? '', chains: r.chains.map((ch) => ch.map(hex)), rootErrors };
}

function same(a: Verdict, b: Verdict): boolean {
  return (
    a.ok === b.ok &&
    a.error === b.error &&
    JSON.stringify(a.chains) === JSON.stringify(b.chains) &&
    JSON.stringify(a.rootErrors) === JSON.stringify(b.rootErrors)
  );
}

/** A text with its variable parts (times, names, numbers) folded, to count error kinds. */
export function textKind(text: string): string {
  if (text === '') return 'ok';
  // Keep the reason an unknown authority names (the hint), fold only the candidate's name.
  const hint =
    /^x509: certificate signed by unknown authority \(possibly because of "((?:[^"\\]|\\.)*)" while trying to verify candidate authority certificate "(?:[^"\\]|\\.)*"\)$/.exec(
      text,
    );
  if (hint)
    return `x509: certificate signed by unknown authority (possibly because of «${textKind(JSON.parse(`"${hint[1]}"`) as string)}» ...)`;
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)/g, '<time>')
    .replace(/"(?:[^"\\]|\\.)*"/g, '<q>')
    .replace(/valid for .*, not .*/, 'valid for <names>, not <host>')
    .replace(/for (\S+) because/, 'for <ip> because')
    .replace(/wanted to match .*/, 'wanted to match <host>')
    .replace(/length \d+/, 'length <n>')
    .replace(/mask [0-9a-f]+/, 'mask <hex>');
}

export function runDifferential(seed: number, count: number, bin: string): DifferentialReport {
  const t0 = performance.now();
  const cases: GeneratedCase[] = [];
  for (let i = 0; i < count; i++) cases.push(generateCase(seed, i));
  const t1 = performance.now();
  const goVerdicts = runGo(bin, cases);
  const t2 = performance.now();
  const disagreements: Disagreement[] = [];
  const texts = new Map<string, number>();
  let agreed = 0;
  for (const [i, c] of cases.entries()) {
    const go = goVerdicts[i] as Verdict;
    let ours: Verdict;
    try {
      ours = runOurs(c);
    } catch (err) {
      ours = {
        ok: false,
        error: `(threw) ${(err as Error).stack ?? String(err)}`,
        chains: [],
        rootErrors: [],
      };
    }
    const kind = textKind(go.error);
    texts.set(kind, (texts.get(kind) ?? 0) + 1);
    if (same(go, ours)) agreed++;
    else disagreements.push({ case: c, go, ours });
  }
  const t3 = performance.now();
  return {
    cases: count,
    agreed,
    disagreements,
    texts,
    seconds: {
      generate: (t1 - t0) / 1000,
      go: (t2 - t1) / 1000,
      ours: (t3 - t2) / 1000,
      total: (t3 - t0) / 1000,
    },
  };
}

export function describeDisagreement(d: Disagreement, seed: number): string {
  const show = (v: Verdict): string =>
    `${v.ok ? 'ok' : 'FAIL'} ${JSON.stringify(v.error)} chains=${JSON.stringify(v.chains.map((c) => c.map((x) => x.slice(0, 8))))}${v.rootErrors.some((e) => e) ? ` rootErrors=${JSON.stringify(v.rootErrors)}` : ''}`;
  return [
    `case #${d.case.index} (seed ${seed}, reproduce with generateCase(${seed}, ${d.case.index})): ${d.case.description}`,
    `  host ${JSON.stringify(d.case.host)} at ${d.case.at.toISOString()}`,
    `  go:   ${show(d.go)}`,
    `  ours: ${show(d.ours)}`,
  ].join('\n');
}
