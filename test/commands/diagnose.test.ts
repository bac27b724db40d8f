/**
 * `mcs-doctor diagnose` through the built CLI, as a user runs it: against every simulated
 * scenario live (a kubeconfig and real HTTP), again on the same cluster written as a
 * must-gather (with the host's own pointer), on the real must-gather archive, with the
 * read-only context, with API faults, and with malformed input.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { listScenarios } from '../../src/sim/scenarios/index.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { writeMustGather } from '../../src/sim/must-gather/write.js';
import type { KubeObject } from '../../src/sim/kube/types.js';
import type { DiagnoseReport } from '../../src/core/report.js';
import type { CauseId } from '../../src/core/causes.js';
import { CAUSE_MODULES } from '../../src/causes/index.js';
import { runCli } from '../helpers/cli.js';

const SPEED = 300;
const REAL_MUST_GATHER = join('..', 'shared', 'data', 'must-gather', 'must-gather-metal.tar.xz');

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-diagnose-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function report(stdout: string): DiagnoseReport {
  return JSON.parse(stdout) as DiagnoseReport;
}

/**
 * Where a must-gather cannot tell the cause apart, and what it says instead. A plain-HTTP answer
 * on the MCS port leaves no trace in any object or log (the plain port logs nothing for a TLS
 * hello): offline the MCS simply never saw the host. Only a live probe, or the worker's console
 * through `explain`, shows `http: server gave HTTP response to HTTPS client`.
 */
const OFFLINE_CAUSE: Record<string, string> = { 'mcs-not-tls': 'mcs-unreachable' };

/** Writes the cluster as a must-gather; returns the root (the image directory). */
/** Exit 0, healthy and no cause when none is expected; else exit 1 with the expected cause first. */
function assertFirstCause(
  r: { code: number | null; stdout: string; stderr: string },
  expected: string | null,
): DiagnoseReport {
  const j = report(r.stdout);
  if (expected === null) {
    assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(j.causes, null, 1)}`);
    assert.equal(j.verdict, 'healthy');
    assert.deepEqual(j.causes, []);
  } else {
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      j.causes[0]?.id,
      expected,
      JSON.stringify(j.causes.map((c) => [c.id, c.confidence, c.summary])),
    );
    // The block starts with the fact that decides the cause, as its module describes it.
    const decisive = CAUSE_MODULES[expected as CauseId].decisive;
    assert.match(
      j.causes[0]!.evidence[0]?.text ?? '(no evidence)',
      decisive.pattern,
      `${expected}: the first evidence line should be ${decisive.what}`,
    );
  }
  return j;
}

async function writeClusterMustGather(cluster: SimCluster, dir: string): Promise<string> {
  const objects: KubeObject[] = [];
  for (const type of cluster.ctx.store.types) objects.push(...cluster.ctx.store.list(type).items);
  const { root } = await writeMustGather(
    { objects, podLogs: cluster.ctx.podLogs, version: cluster.version, now: new Date() },
    dir,
  );
  return root;
}

/** The host's pointer: its config drive, or (never provisioned) the user-data secret its BMH names. */
function hostPointer(cluster: SimCluster, host: string): string {
  const drive = cluster.ctx.hosts.get(host)?.configDrive;
  if (drive) return drive;
  const secret = cluster.ctx.store
    .list(cluster.ctx.store.type('secrets', ''))
    .items.find((s) => s.metadata.name === 'worker-user-data-managed');
  return Buffer.from(String((secret?.['data'] as Record<string, string>)['userData']), 'base64').toString(
    'utf8',
  );
}

// Latent scenarios have nothing failing yet: test/commands/preflight.test.ts runs them.
for (const scenario of listScenarios().filter((s) => !s.latent)) {
  describe(`diagnose: scenario ${scenario.name}`, () => {
    let cluster: SimCluster;
    const host = scenario.host ?? 'worker-0';
    let mustGather: string;
    let pointerFile: string;

    before(async () => {
      cluster = await startSimCluster({ scenario: scenario.name, speed: SPEED });
      await waitForHostOutcome(cluster.ctx, host, 60_000);
      mustGather = join(tmp, scenario.name);
      await mkdir(mustGather, { recursive: true });
      await writeClusterMustGather(cluster, mustGather);
      // The pointer the host was provisioned with, as an administrator would export it.
      pointerFile = join(tmp, `${scenario.name}-pointer.ign`);
      await writeFile(pointerFile, hostPointer(cluster, host));
    });
    after(async () => {
      await cluster?.close();
    });

    test(`live: names ${scenario.expectedCause ?? 'no cause'} first for ${host}`, async () => {
      const r = await runCli([
        'diagnose',
        '--kubeconfig',
        cluster.kubeconfigPath,
        '--host',
        host,
        '-o',
        'json',
      ]);
      const j = assertFirstCause(r, scenario.expectedCause);
      if (scenario.expectedCause !== null) {
        assert.ok(j.causes[0]?.host === host || j.causes[0]?.host === null);
        assert.ok(j.causes[0]!.evidence.length > 0, 'the cause carries its evidence');
        assert.match(
          j.causes[0]!.fix.command,
          CAUSE_MODULES[scenario.expectedCause as CauseId].remedy.plan
            ? /^mcs-doctor fix /
            : /^# no mcs-doctor fix: /,
        );
      }
      assert.equal(j.schemaVersion, 1);
      assert.equal(j.hosts[0]?.pipeline.length, 9);
      assert.ok(j.source.requests < 25, `API requests: ${j.source.requests}`);
    });

    const offline = OFFLINE_CAUSE[scenario.name] ?? scenario.expectedCause;
    test(`must-gather with --pointer: names ${offline ?? 'no cause'} first for ${host}`, async () => {
      const r = await runCli([
        'diagnose',
        '--must-gather',
        mustGather,
        '--pointer',
        pointerFile,
        '--host',
        host,
        '-o',
        'json',
      ]);
      const j = assertFirstCause(r, offline);
      assert.equal(j.source.kind, 'must-gather');
      if (scenario.expectedCause === 'worker-clock-skew') {
        // Without a BMC clock the MCS logs make it likely; the host's clock makes it certain.
        assert.equal(j.causes[0]?.confidence, 'likely');
        const clock = cluster.ctx.hosts.get(host)!.clock.now().toISOString();
        const withClock = report(
          (
            await runCli([
              'diagnose',
              '--must-gather',
              mustGather,
              '--pointer',
              pointerFile,
              '--host',
              host,
              '--host-clock',
              clock,
              '-o',
              'json',
            ])
          ).stdout,
        );
        assert.equal(withClock.causes[0]?.id, 'worker-clock-skew');
        assert.equal(withClock.causes[0]?.confidence, 'confirmed');
      }
      assert.ok(
        j.unchecked.some((u) => u.includes('a must-gather')),
        'says what offline data cannot show',
      );
    });
  });
}

describe('diagnose: the real must-gather (OCP 4.9, platform None)', () => {
  test('read from the .tar.xz itself: serving cert, worker fetches, no BMHs, what redaction hid', async () => {
    const r = await runCli(['diagnose', '--must-gather', REAL_MUST_GATHER, '-o', 'json']);
    assert.ok(r.code === 0 || r.code === 4, r.stderr);
    assert.equal(r.stderr.includes('    at '), false, 'no stack trace');
    const j = report(r.stdout);
    assert.equal(j.cluster.platform, 'None');
    assert.match(j.cluster.version ?? '', /^4\.9\./);
    const serving = j.certificates.find((c) => c.label === 'MCS serving certificate');
    assert.equal(serving?.issuer, 'CN=root-ca, OU=openshift');
    assert.equal(serving?.notBefore.slice(0, 4), '2021');
    assert.equal(serving?.notAfter.slice(0, 4), '2031');
    const certCheck = j.checks.find((c) => c.id === 'mcs-serving-cert')!;
    assert.ok(
      certCheck.findings.some((f) =>
        f.message.startsWith('covers api-int.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com'),
      ),
    );
    const logs = j.checks.find((c) => c.id === 'mcs-logs')!;
    assert.ok(logs.findings.some((f) => f.message.includes('User-Agent Ignition/2.11.0')));
    const bmh = j.checks.find((c) => c.id === 'bmh-state')!;
    assert.match(bmh.findings[0]!.message, /no BareMetalHosts on this cluster \(platform None\)/);
    assert.ok(j.unchecked.some((u) => u.includes('redacts userData')));
    assert.ok(j.unchecked.some((u) => u.includes('redacts tls.key')));
    const text = await runCli(['diagnose', '--must-gather', REAL_MUST_GATHER]);
    assert.ok(text.stdout.includes('Certificate timeline'));
    assert.ok(!text.stdout.includes('\u001b['), 'no colour when not a TTY');
  });
});

describe('diagnose on a terminal', () => {
  test('colour and a progress line on stderr (run under script(1), a real pseudo-terminal)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { CLI_PATH } = await import('../helpers/cli.js');
    const { stdout: out } = spawnSync(
      'script',
      ['-qec', `${process.execPath} ${CLI_PATH} diagnose --must-gather ${REAL_MUST_GATHER}`, '/dev/null'],
      { env: { ...process.env, NO_COLOR: '', TERM: 'xterm' }, encoding: 'utf8', timeout: 60_000 },
    );
    assert.ok(out.includes('\u001b[1mmcs-doctor diagnose: '), 'bold verdict on a TTY');
    assert.ok(out.includes('\r\u001b[Kreading '), 'progress lines, each erased by the next');
  });
});

describe('diagnose: formats, read-only, faults, bad input', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'mcs-cert-expired', speed: SPEED });
    await waitForHostOutcome(cluster.ctx, 'worker-0', 60_000);
  });
  after(async () => {
    await cluster?.close();
  });

  test('the read-only context diagnoses the same cause', async () => {
    const r = await runCli([
      'diagnose',
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--context',
      'read-only',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(report(r.stdout).causes[0]?.id, 'mcs-cert-expired');
  });

  test('an exec credential plugin, as oc login and cloud logins leave them, and KUBECONFIG', async () => {
    const kc = parseYaml(await readFile(cluster.kubeconfigPath, 'utf8')) as {
      clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
      users: Array<{ name: string; user: { token: string } }>;
    };
    const admin = kc.users.find((u) => u.name === 'admin') ?? kc.users[0]!;
    const plugin = join(tmp, 'token-plugin.sh');
    await writeFile(
      plugin,
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${admin.user.token}"}}'\n`,
    );
    await chmod(plugin, 0o700);
    const execKc = join(tmp, 'exec.kubeconfig');
    await writeFile(
      execKc,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: sim',
        '  cluster:',
        `    server: ${kc.clusters[0]!.cluster.server}`,
        `    certificate-authority-data: ${kc.clusters[0]!.cluster['certificate-authority-data']}`,
        'users:',
        '- name: exec-user',
        '  user:',
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${plugin}`,
        '      interactiveMode: Never',
        'contexts:',
        '- name: exec',
        '  context: {cluster: sim, user: exec-user}',
        'current-context: exec',
        '',
      ].join('\n'),
    );
    const r = await runCli(['diagnose', '-o', 'json'], { env: { KUBECONFIG: execKc } });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(report(r.stdout).causes[0]?.id, 'mcs-cert-expired');
    assert.ok(!r.stdout.includes(admin.user.token), 'the token is not in the report');
  });

  test('markdown, junit, yaml and html carry the cause', async () => {
    const md = await runCli(['diagnose', '--kubeconfig', cluster.kubeconfigPath, '-o', 'markdown']);
    assert.match(md.stdout, /^# mcs-doctor diagnose: problem/);
    assert.ok(md.stdout.includes('`mcs-cert-expired`'));
    assert.ok(md.stdout.includes('| Stage | Status | Detail |'));
    const junit = await runCli(['diagnose', '--kubeconfig', cluster.kubeconfigPath, '-o', 'junit']);
    assert.match(
      junit.stdout,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="mcs-doctor diagnose" tests="\d+" failures="[1-9]\d*"/,
    );
    assert.equal((junit.stdout.match(/<testcase classname="mcs-doctor.checks"/g) ?? []).length, 16);
    const yaml = await runCli(['diagnose', '--kubeconfig', cluster.kubeconfigPath, '-o', 'yaml']);
    assert.match(yaml.stdout, /^schemaVersion: 1\n/m);
    const html = await runCli(['diagnose', '--kubeconfig', cluster.kubeconfigPath, '-o', 'html']);
    assert.match(html.stdout, /^<!DOCTYPE html>/);
    assert.ok(html.stdout.includes('<code>mcs-cert-expired</code>'));
    assert.ok(!html.stdout.includes('<script'));
  });

  test('API faults: a partial report and never a false healthy', async () => {
    // Some reads fail even after a retry: the cause may still be proven, else the verdict is inconclusive.
    cluster.api.setFaults({ errorRate: 0.4 });
    try {
      for (let run = 0; run < 3; run++) {
        const r = await runCli(['diagnose', '--kubeconfig', cluster.kubeconfigPath, '-o', 'json']);
        assert.ok(r.code === 1 || r.code === 4, `exit ${r.code}: ${r.stderr}`);
        const j = report(r.stdout);
        if (r.code === 4) {
          assert.equal(j.verdict, 'inconclusive');
          assert.ok(j.checks.some((c) => c.status === 'unknown'));
        } else assert.equal(j.causes[0]?.id, 'mcs-cert-expired');
      }
    } finally {
      cluster.api.setFaults({});
    }
    // Every read fails: nothing is known, and the report says so.
    cluster.api.setFaults({ errorRate: 1 });
    try {
      const r = await runCli([
        'diagnose',
        '--kubeconfig',
        cluster.kubeconfigPath,
        '--request-timeout',
        '5',
        '-o',
        'json',
      ]);
      assert.ok(r.code === 3 || r.code === 4, `exit ${r.code}: ${r.stderr}`);
      if (r.code === 4) assert.equal(report(r.stdout).verdict, 'inconclusive');
      else assert.match(r.stderr, /^error: /);
      assert.equal(r.stderr.includes('    at '), false);
    } finally {
      cluster.api.setFaults({});
    }
  });

  test('a kubeconfig pointing nowhere: exit 3, what and where, no stack trace', async () => {
    const kc = join(tmp, 'nowhere.kubeconfig');
    await writeFile(
      kc,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: abc\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n',
    );
    const r = await runCli(['diagnose', '--kubeconfig', kc]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^error: cannot reach the API server at https:\/\/127\.0\.0\.1:1/);
    assert.ok(r.stderr.includes('what to do:'));
    assert.equal(r.stderr.includes('    at '), false);
    assert.ok(!r.stderr.includes('abc'), 'the token is not printed');
  });

  test('malformed input: missing kubeconfig, broken YAML in a must-gather, not a must-gather, bad flags', async () => {
    const home = join(tmp, 'empty-home');
    await mkdir(home, { recursive: true });
    const none = await runCli(['diagnose'], { env: { KUBECONFIG: '', HOME: home } });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /^error: no kubeconfig found/);
    assert.ok(none.stderr.includes('--must-gather PATH'));

    const missing = await runCli(['diagnose', '--kubeconfig', join(tmp, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /kubeconfig .*nope does not exist/);

    const broken = join(tmp, 'broken-mg');
    const root = await writeClusterMustGather(cluster, broken);
    const image = join(
      root,
      (await readdir(root)).find((n) => n.startsWith('quay-'))!,
    );
    await writeFile(
      join(image, 'cluster-scoped-resources', 'core', 'nodes', 'master-1.yaml'),
      'metadata:\n  name: [unclosed\n',
    );
    const b = await runCli(['diagnose', '--must-gather', broken, '-o', 'json']);
    assert.equal(b.code, 1, b.stderr + b.stdout.slice(0, 600)); // the cause is still found; the broken file is reported
    const bj = report(b.stdout);
    assert.ok(
      bj.inputErrors.some(
        (e) => e.includes('cluster-scoped-resources/core/nodes/master-1.yaml') && /line \d+/.test(e),
      ),
      JSON.stringify(bj.inputErrors),
    );

    const plainDir = join(tmp, 'not-a-must-gather');
    await mkdir(join(plainDir, 'logs'), { recursive: true });
    await writeFile(join(plainDir, 'logs', 'notes.txt'), 'hello');
    const notMg = await runCli(['diagnose', '--must-gather', plainDir]);
    assert.equal(notMg.code, 2);
    assert.match(notMg.stderr, /is not a must-gather/);

    const badClock = await runCli(['diagnose', '--must-gather', broken, '--host-clock', 'yesterday']);
    assert.equal(badClock.code, 2);
    assert.match(badClock.stderr, /--host-clock "yesterday" is not an ISO 8601 time/);
  });
});
