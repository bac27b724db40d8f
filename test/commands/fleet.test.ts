/**
 * `mcs-doctor fleet` through the built CLI, as a user runs it, over 20 simulated clusters served
 * by this process (`startSimFleet`, what `sim start --clusters` runs): 18 clusters of different
 * scenarios and OpenShift versions, one reached as a user RBAC grants nothing, one address
 * nothing listens on. Every row is checked against what the simulator knows of its cluster (the
 * scenario's expected cause, the problem host's outcome, the certificate in the MCS secret, the
 * exporter it installed), never against what mcs-doctor printed before.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FleetReport, FleetRow } from '../../src/core/fleet.js';
import { MCO_NAMESPACE, MCS_TLS_SECRET } from '../../src/core/names.js';
import {
  startSimFleet,
  UNREACHABLE_SERVER,
  type SimFleet,
  type SimFleetMember,
} from '../../src/sim/fleet.js';
import { RELEASES } from '../../src/sim/scenarios/versions.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const CLUSTERS = 20;
let tmp: string;
let fleet: SimFleet;
let kubeconfig: string;
let dir: string;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-fleet-'));
  kubeconfig = join(tmp, 'kubeconfig');
  dir = join(tmp, 'kubeconfigs');
  fleet = await startSimFleet({
    clusters: CLUSTERS,
    speed: 300,
    kubeconfigOut: kubeconfig,
    kubeconfigDir: dir,
    settleMs: 90_000,
  });
});
after(async () => {
  await fleet?.close();
  await rm(tmp, { recursive: true, force: true });
});

function report(r: CliResult): FleetReport {
  try {
    return JSON.parse(r.stdout) as FleetReport;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

const fleetCli = (args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> =>
  runCli(['fleet', ...args], { env, killAfterMs: 180_000 });

/** notAfter of the leaf in secret machine-config-server-tls, as the simulated cluster holds it; null without one. */
function secretNotAfter(m: SimFleetMember): Date | null {
  const store = m.cluster!.ctx.store;
  const secret = store.get(store.type('secrets', ''), MCO_NAMESPACE, MCS_TLS_SECRET);
  const crt = (secret?.['data'] as Record<string, string> | undefined)?.['tls.crt'];
  if (!crt) return null;
  try {
    return new Date(new X509Certificate(Buffer.from(crt, 'base64')).validTo);
  } catch {
    return null;
  }
}

function assertRow(row: FleetRow, m: SimFleetMember, generatedAt: Date): void {
  const where = `${m.context}: ${JSON.stringify(row)}`;
  assert.equal(row.context, m.context);
  assert.equal(row.apiServer, m.server, where);
  if (m.kind === 'unreachable') {
    assert.equal(row.verdict, 'unreachable', where);
    assert.equal(row.exitCode, 3, where);
    assert.equal(row.reason, `unreachable: connect ECONNREFUSED ${new URL(UNREACHABLE_SERVER).host}`, where);
    assert.equal(row.exporter, 'unknown', where);
    assert.equal(row.openshiftVersion, null, where);
    return;
  }
  if (m.kind === 'forbidden') {
    assert.equal(row.verdict, 'forbidden', where);
    assert.equal(row.exitCode, 4, where);
    assert.match(
      row.reason ?? '',
      /^forbidden: clusterversions\.config\.openshift\.io "version" is forbidden: User "system:serviceaccount:mcs-doctor:no-access" cannot get resource "clusterversions"/,
      where,
    );
    assert.equal(row.exporter, 'unknown', where);
    assert.equal(row.top, null, where);
    return;
  }
  assert.equal(row.openshiftVersion, RELEASES[m.version!].full, where);
  assert.equal(row.exporter, m.exporter ? 'yes' : 'no', where);
  assert.equal(row.reason, null, where);
  if (m.expectedCause === null) {
    assert.equal(row.verdict, 'healthy', where);
    assert.equal(row.exitCode, 0, where);
    assert.equal(row.top, null, where);
    assert.deepEqual(row.failingHosts, [], where);
  } else {
    assert.equal(row.verdict, 'problem', where);
    assert.equal(row.exitCode, 1, where);
    assert.equal(row.top?.id, m.expectedCause, where);
    // The simulator's own account of the problem host: joined, or failing the way its scenario says.
    assert.ok(m.outcome, `${m.context}: the problem host never showed its scenario`);
    if (m.outcome === 'joined') {
      assert.ok(!row.failingHosts.includes(m.host!), where);
      assert.equal(row.top?.host, null, where);
    } else {
      assert.deepEqual(row.failingHosts, [m.host], where);
      assert.equal(row.top?.host, m.host, where);
    }
  }
  const notAfter = secretNotAfter(m);
  if (notAfter === null) {
    assert.equal(row.mcsCertDaysLeft, null, where);
  } else {
    assert.equal(row.mcsCertNotAfter, notAfter.toISOString(), where);
    // Judged at the start of the cluster's row, which is before the report's time.
    const day = 86_400_000;
    const latest = Math.floor((notAfter.getTime() - generatedAt.getTime()) / day);
    const earliest = Math.floor((notAfter.getTime() - generatedAt.getTime() + row.durationMs + 1000) / day);
    assert.ok(row.mcsCertDaysLeft === latest || row.mcsCertDaysLeft === earliest, where);
  }
}

describe('fleet diagnose over 20 simulated clusters', () => {
  let json: CliResult;
  before(async () => {
    json = await fleetCli(['--all-contexts', '--kubeconfig', kubeconfig, '-o', 'json']);
  });

  test('the simulated fleet: 20 contexts, several scenarios and versions, one unreachable, one forbidden', () => {
    const m = fleet.members;
    assert.equal(m.length, CLUSTERS);
    assert.equal(m.filter((x) => x.kind === 'unreachable').length, 1);
    assert.equal(m.filter((x) => x.kind === 'forbidden').length, 1);
    assert.ok(new Set(m.map((x) => x.scenario).filter(Boolean)).size >= 15);
    assert.deepEqual([...new Set(m.map((x) => x.version).filter(Boolean))].sort(), ['4.12', '4.16', '4.19']);
    assert.ok(m.some((x) => x.exporter) && m.some((x) => x.kind === 'cluster' && !x.exporter));
  });

  test('every row is what its cluster is; exit code the worst (1)', () => {
    const j = report(json);
    assert.equal(json.code, 1, json.stderr);
    assert.equal(json.stderr, '');
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.command, 'diagnose');
    assert.equal(j.exitCode, 1);
    assert.deepEqual(
      j.clusters.map((r) => r.context),
      fleet.members.map((m) => m.context),
      'one row per context, in the kubeconfig order',
    );
    const at = new Date(j.generatedAt);
    fleet.members.forEach((m, i) => assertRow(j.clusters[i]!, m, at));
    const problems = fleet.members.filter((m) => m.kind === 'cluster' && m.expectedCause).length;
    assert.deepEqual(j.summary, {
      clusters: CLUSTERS,
      healthy: fleet.members.filter((m) => m.kind === 'cluster' && !m.expectedCause).length,
      problem: problems,
      inconclusive: 0,
      notJudged: 2,
    });
    for (const r of j.clusters) assert.ok(r.requests > 0 || r.verdict === 'unreachable', r.context);
  });

  test('no token from the kubeconfig appears in any output', async () => {
    const tokens = fleet.members.flatMap((m) =>
      m.cluster ? [m.cluster.tokens.admin, m.cluster.tokens.readOnly, m.cluster.tokens.noAccess] : [],
    );
    for (const r of [json]) for (const t of tokens) assert.ok(!r.stdout.includes(t) && !r.stderr.includes(t));
  });
});

describe('fleet outputs', () => {
  const some = (): string[] => [
    '--contexts',
    fleet.members
      .filter((_, i) => i < 2 || i >= CLUSTERS - 2)
      .map((m) => m.context)
      .join(','),
    '--kubeconfig',
    kubeconfig,
  ];

  test('text: a kubectl-like table, the reasons, one summary line', async () => {
    const r = await fleetCli(some());
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(
      lines[0]!,
      /^CONTEXT\s+API SERVER\s+VERSION\s+VERDICT\s+CAUSE\s+HOST\s+FAILING\s+MCS CERT\s+EXPORTER$/,
    );
    const picked = fleet.members.filter((_, i) => i < 2 || i >= CLUSTERS - 2);
    picked.forEach((m, i) => assert.ok(lines[i + 1]!.startsWith(`${m.context} `), lines[i + 1]));
    assert.match(r.stdout, /-unreachable: unreachable: connect ECONNREFUSED 127\.255\.0\.5:6443\n/);
    assert.match(r.stdout, /-forbidden: forbidden: /);
    assert.match(
      r.stdout,
      /\nmcs-doctor fleet diagnose: 4 clusters: 1 healthy, 1 problem, 0 inconclusive, 2 not judged \(1 (forbidden|unreachable), 1 (forbidden|unreachable)\); exit 1\n$/,
    );
  });

  test('markdown: a table row per cluster, cells escaped', async () => {
    const r = await fleetCli([...some(), '-o', 'markdown']);
    assert.equal(r.code, 1, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| sim-'));
    assert.equal(rows.length, 4);
    for (const row of rows) assert.equal(row.split(' | ').length, 9, row);
    assert.match(r.stdout, /\*\*sim-\d+-forbidden\*\*: forbidden: /);
  });

  test('html: one self-contained page, a row per cluster, everything escaped', async () => {
    const r = await fleetCli([...some(), '-o', 'html']);
    assert.equal(r.code, 1, r.stderr);
    const html = r.stdout;
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(html, /<\/html>\n$/);
    assert.doesNotMatch(html, /<script|<link|\ssrc=|\shref=|@import|url\(/i, 'nothing fetched, nothing run');
    assert.equal(html.match(/<tr data-context="sim-/g)?.length, 4);
    // The API's message quotes "version": escaped, never raw inside the page.
    assert.match(html, /clusterversions\.config\.openshift\.io &quot;version&quot; is forbidden/);
    assert.doesNotMatch(html, /"version" is forbidden/);
  });
});

describe('fleet: which clusters', () => {
  test('--contexts keeps the order given; the exit code is the worst of those clusters', async () => {
    const healthy = fleet.members.find((m) => m.kind === 'cluster' && m.expectedCause === null)!;
    const unreachable = fleet.members.find((m) => m.kind === 'unreachable')!;
    const forbidden = fleet.members.find((m) => m.kind === 'forbidden')!;
    const run = async (names: SimFleetMember[]): Promise<FleetReport & { code: number | null }> => {
      const r = await fleetCli([
        '--contexts',
        names.map((m) => m.context).join(','),
        '--kubeconfig',
        kubeconfig,
        '-o',
        'json',
      ]);
      return { ...report(r), code: r.code };
    };
    const a = await run([healthy]);
    assert.equal(a.code, 0);
    const b = await run([forbidden, healthy]);
    assert.deepEqual(
      b.clusters.map((r) => r.context),
      [forbidden.context, healthy.context],
    );
    assert.equal(b.code, 4);
    const c = await run([healthy, forbidden, unreachable]);
    assert.equal(c.code, 3);
  });

  test('--kubeconfig-dir: every file at its current context, rows as with the contexts', async () => {
    const r = await fleetCli(['--kubeconfig-dir', dir, '-o', 'json', '--no-probe', '--no-bmc']);
    const j = report(r);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(j.clusters.map((x) => x.context).sort(), fleet.members.map((m) => m.context).sort());
    for (const row of j.clusters) {
      const m = fleet.members.find((x) => x.context === row.context)!;
      assert.equal(row.kubeconfig, join(dir, m.context));
      assert.equal(row.apiServer, m.server);
      if (m.kind === 'cluster') {
        assert.equal(row.openshiftVersion, RELEASES[m.version!].full, row.context);
        assert.equal(row.exporter, m.exporter ? 'yes' : 'no', row.context);
      } else assert.equal(row.verdict, m.kind, row.context);
    }
  });

  test('--all-contexts reads KUBECONFIG as kubectl does: missing files skipped, every context of the others', async () => {
    const stalled = await stallingServer();
    try {
      const extra = join(tmp, 'stalled.kubeconfig');
      await writeFile(
        extra,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{name: stalled, cluster: {server: "https://127.254.0.5:' +
            stalled.port +
            '", insecure-skip-tls-verify: true}}]',
          'users: [{name: stalled, user: {token: not-a-secret}}]',
          'contexts: [{name: stalled, context: {cluster: stalled, user: stalled}}]',
          'current-context: stalled',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      // A cluster that accepts the connection and never answers: a row "timeout", not a stall.
      const r = await fleetCli(
        [
          '--all-contexts',
          '--timeout',
          '3s',
          '--request-timeout',
          '0',
          '-o',
          'json',
          '--no-probe',
          '--no-bmc',
        ],
        {
          KUBECONFIG: `${join(tmp, 'missing')}:${extra}:${kubeconfig}`,
        },
      );
      const j = report(r);
      assert.equal(j.clusters.length, CLUSTERS + 1);
      assert.equal(j.clusters[0]!.context, 'stalled');
      assert.equal(j.clusters[0]!.verdict, 'timeout');
      assert.equal(j.clusters[0]!.exitCode, 3);
      assert.match(j.clusters[0]!.reason!, /^timeout: no result within 3 s/);
      assert.equal(r.code, 1, 'a problem found is worse than a cluster that did not answer');
    } finally {
      await stalled.close();
    }
  });
});

describe('fleet preflight and certs', () => {
  test('certs: the clusters whose MCS certificate expired are problems, with the days left of the secret', async () => {
    const r = await fleetCli(['certs', '--kubeconfig-dir', dir, '-o', 'json']);
    const j = report(r);
    assert.equal(j.command, 'certs');
    assert.equal(r.code, 1, r.stderr);
    for (const row of j.clusters) {
      const m = fleet.members.find((x) => x.context === row.context)!;
      if (m.kind !== 'cluster') {
        assert.equal(row.verdict, m.kind, row.context);
        continue;
      }
      const notAfter = secretNotAfter(m);
      if (notAfter && notAfter.getTime() < Date.parse(j.generatedAt)) {
        assert.equal(row.verdict, 'problem', row.context);
        assert.equal(row.top?.id, 'cert-expired', row.context);
        assert.match(
          row.top!.summary,
          /^Secret openshift-machine-config-operator\/machine-config-server-tls tls\.crt: expired/,
        );
        assert.ok(row.mcsCertDaysLeft! < 0, row.context);
      }
      if (m.scenario === 'healthy') assert.equal(row.verdict, 'healthy', row.context);
    }
  });

  test('preflight: each row says what `mcs-doctor preflight` says on that cluster alone', async () => {
    const picked = fleet.members.filter((m) => m.kind === 'cluster').slice(0, 5);
    const r = await fleetCli([
      'preflight',
      '--contexts',
      picked.map((m) => m.context).join(','),
      '--kubeconfig',
      kubeconfig,
      '-o',
      'json',
    ]);
    const j = report(r);
    assert.equal(j.command, 'preflight');
    const codes: number[] = [];
    for (const [i, m] of picked.entries()) {
      const one = await runCli([
        'preflight',
        '--kubeconfig',
        kubeconfig,
        '--context',
        m.context,
        '-o',
        'json',
      ]);
      const single = JSON.parse(one.stdout) as {
        exitCode: number;
        verdict: string;
        problems: string[];
        pointers: Array<{ cause?: string }>;
        hosts: Array<{ host: string; predictions: Array<{ cause?: string }> }>;
      };
      codes.push(one.code!);
      const row = j.clusters[i]!;
      assert.equal(row.context, m.context);
      assert.equal(row.exitCode, one.code, m.context);
      assert.equal(row.verdict, single.verdict === 'pass' ? 'healthy' : 'problem', m.context);
      if (single.problems.length === 0) {
        assert.equal(row.top, null, m.context);
        continue;
      }
      // The top is a cause preflight predicted, or the id of a check that failed.
      const causes = [
        ...single.pointers.map((p) => p.cause),
        ...single.hosts.flatMap((h) => h.predictions.map((p) => p.cause)),
      ].filter(Boolean);
      const checks = single.problems.map((p) => p.split(':')[0]);
      assert.ok(row.top, m.context);
      assert.ok(causes.includes(row.top.id) || checks.includes(row.top.id), `${m.context}: ${row.top.id}`);
    }
    assert.equal(r.code, Math.max(...codes));
  });
});

describe('fleet: bad input is exit 2 with a clear message, nothing contacted', () => {
  const noTrace = (r: CliResult): void => assert.ok(!r.stderr.includes('    at '), r.stderr);

  test('a missing --kubeconfig-dir', async () => {
    const r = await fleetCli(['--kubeconfig-dir', join(tmp, 'nope')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: cannot read --kubeconfig-dir .*nope: ENOENT/);
    noTrace(r);
  });

  test('an unknown context in --contexts', async () => {
    const r = await fleetCli(['--contexts', `${fleet.members[0]!.context},nope`, '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: context "nope" does not exist\n {2}where: --contexts/);
    noTrace(r);
  });

  test('a malformed kubeconfig in the directory names the file and the line', async () => {
    const bad = join(tmp, 'bad-dir');
    await mkdir(bad);
    await writeFile(join(bad, 'a'), 'apiVersion: v1\nclusters: [\n  - oops: : :\n', { mode: 0o600 });
    const r = await fleetCli(['--kubeconfig-dir', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: .*bad-dir\/a is not valid YAML/);
    noTrace(r);
  });

  test('selections that contradict each other, and bad numbers', async () => {
    for (const args of [
      ['--contexts', 'a', '--all-contexts'],
      ['--all-contexts', '--kubeconfig-dir', tmp],
      ['--all-contexts', '--context', 'a'],
      ['--concurrency', '0'],
      ['--timeout', 'soon'],
      ['diagnoze'],
    ]) {
      const r = await fleetCli([...args, '--kubeconfig', kubeconfig]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, /^error: /, args.join(' '));
      noTrace(r);
    }
  });
});

/** A TLS port that accepts connections and never says a word. */
async function stallingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.254.0.5', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
