/**
 * Every command speaks kubectl's flag grammar and treats an input that names nothing as an
 * error: through the built CLI, as a user runs it, against a simulated cluster where a cluster
 * is needed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { runCli } from '../helpers/cli.js';
import { HOST, SPEED } from '../helpers/fix.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-grammar-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const COMMANDS = [
  ['diagnose'],
  ['fix'],
  ['restore'],
  ['verify'],
  ['probe'],
  ['explain'],
  ['context'],
  ['sim', 'start'],
  ['sim', 'list'],
  ['sim', 'must-gather'],
  ['sim', 'console'],
];

describe('help and unknown commands', () => {
  test('--help of every command: no noise (no "(default: [])"), cluster flags grouped as kubectl names them', async () => {
    for (const cmd of COMMANDS) {
      const r = await runCli([...cmd, '--help']);
      assert.equal(r.code, 0, `${cmd.join(' ')}: ${r.stderr}`);
      assert.ok(!r.stdout.includes('(default: [])'), `${cmd.join(' ')} --help:\n${r.stdout}`);
      assert.ok(!/choices: .*output format|output format: .*choices/.test(r.stdout), r.stdout);
    }
    for (const cmd of ['diagnose', 'fix', 'restore', 'verify', 'context']) {
      const r = await runCli([cmd, '--help']);
      assert.match(r.stdout, /Cluster options \(as kubectl/);
      for (const flag of [
        '--kubeconfig <path>',
        '--context <name>',
        '--cluster <name>',
        '--user <name>',
        '-s, --server <url>',
        '--token <token>',
        '-n, --namespace <ns>',
        '--insecure-skip-tls-verify',
        '--certificate-authority <path>',
        '--as <user>',
        '--as-group <group>',
        '--request-timeout <duration>',
        '-o, --output <format>',
      ]) {
        assert.ok(r.stdout.includes(flag), `${cmd} --help lacks ${flag}`);
      }
    }
  });

  test('a subcommand that does not exist is exit 2 and says so, even with --help', async () => {
    const r = await runCli(['sim', 'stop', '--help']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'error: unknown command "mcs-doctor sim stop"\n  where: command line\n  what to do: mcs-doctor sim has: start, list, must-gather, console\n',
    );
    const top = await runCli(['diagnoze']);
    assert.equal(top.code, 2);
    assert.match(top.stderr, /^error: unknown command "mcs-doctor diagnoze"/);
  });
});

describe('explain: input that is not a log', () => {
  test('a binary file and random bytes: exit 2, what was wrong and what to give', async () => {
    const random = join(tmp, 'random.bin');
    await writeFile(random, randomBytes(64 * 1024));
    for (const file of ['/bin/ls', random]) {
      const r = await runCli(['explain', file]);
      assert.equal(r.code, 2, `${file}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        /^error: expected console or journal text, got binary data \(\d+% of the first bytes are not text\)\n {2}where: /,
      );
      assert.match(r.stderr, /what to do: give the console or journal text/);
      assert.equal(r.stdout, '');
    }
  });

  test('an empty file and text with no Ignition fetch: exit 4, nothing to judge', async () => {
    const empty = join(tmp, 'empty.log');
    await writeFile(empty, '');
    const other = join(tmp, 'kubelet.log');
    await writeFile(
      other,
      'Dec 03 05:00:00 host kubelet[1]: Started kubelet\nDec 03 05:00:01 host systemd[1]: Reached target\n',
    );
    for (const file of [empty, other]) {
      const r = await runCli(['explain', file]);
      assert.equal(r.code, 4, `${file}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /Nothing to judge: no Ignition fetch in this text/);
      const j = await runCli(['explain', file, '-o', 'yaml']);
      assert.equal(j.code, 4);
      assert.match(j.stdout, /^schemaVersion: 1\ncommand: explain\nverdict: inconclusive\n/);
    }
    const stdin = await runCli(['explain', '-'], { stdin: '' });
    assert.equal(stdin.code, 4);
  });
});

describe('kubeconfig mistakes are errors, never another cluster', () => {
  test('an unknown --context lists the known ones; a broken kubeconfig names its line; nothing at all says how to log in', async () => {
    const good = join(tmp, 'good.kubeconfig');
    await writeFile(
      good,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user:\n    token: t0ps3cret\ncontexts:\n- name: prod\n  context: {cluster: c, user: u}\ncurrent-context: prod\n',
    );
    const ctx = await runCli(['context', '--kubeconfig', good, '--context', 'staging']);
    assert.equal(ctx.code, 2);
    assert.equal(
      ctx.stderr,
      `error: context "staging" does not exist\n  where: --context (${good})\n  what to do: use one of: prod\n`,
    );
    const broken = join(tmp, 'broken.kubeconfig');
    await writeFile(broken, 'apiVersion: v1\nclusters:\n- name: c\n  cluster: {server: [\n');
    const b = await runCli(['diagnose'], { env: { KUBECONFIG: broken } });
    assert.equal(b.code, 2);
    assert.match(
      b.stderr,
      new RegExp(`^error: ${broken} is not valid YAML: .*\\n  where: ${broken}, line \\d+\\n`),
    );
    const bin = join(tmp, 'binary.kubeconfig');
    await writeFile(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    const nb = await runCli(['fix', '--kubeconfig', bin]);
    assert.equal(nb.code, 2);
    assert.match(nb.stderr, /is not a kubeconfig: it holds binary data/);
    const missing = await runCli(['context'], { env: { KUBECONFIG: `${join(tmp, 'nope')}:${good}` } });
    assert.equal(missing.code, 0, missing.stderr);
    assert.match(missing.stdout, /kubeconfig: +.*good\.kubeconfig \(missing, skipped: .*nope\)/);
    assert.ok(!missing.stdout.includes('t0ps3cret'), 'the token is never printed');
    const noneAtAll = await runCli(['verify', '--host', HOST], {
      env: { KUBECONFIG: join(tmp, 'nope'), HOME: tmp },
    });
    assert.equal(noneAtAll.code, 2);
    assert.match(
      noneAtAll.stderr,
      /^error: no kubeconfig found: KUBECONFIG=.*nope gives no cluster \(missing: .*nope\)/,
    );
  });
});

describe('on a simulated cluster', () => {
  let cluster: SimCluster;
  let kc: string;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'mcs-cert-expired', speed: SPEED });
    kc = cluster.kubeconfigPath;
    await waitForHostOutcome(cluster.ctx, HOST, 60_000);
  });
  after(async () => {
    await cluster?.close();
  });

  test('--host that names no BareMetalHost: exit 2 with the closest names, on diagnose, fix and verify', async () => {
    for (const cmd of ['diagnose', 'fix', 'verify']) {
      const r = await runCli([cmd, '--kubeconfig', kc, '--host', 'wroker-0']);
      assert.equal(r.code, 2, `${cmd}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        /^error: there is no BareMetalHost named wroker-0\n {2}where: --host\n {2}what to do: did you mean worker-0\b/,
        cmd,
      );
      assert.equal(r.stdout, '', `${cmd} printed a report for a host that does not exist`);
    }
    const elsewhere = await runCli(['diagnose', '--kubeconfig', kc, '--host', HOST, '-n', 'default']);
    assert.equal(elsewhere.code, 2);
    assert.match(
      elsewhere.stderr,
      /in namespace default\n.*\n {2}what to do: it is in namespace openshift-machine-api: use -n openshift-machine-api/,
    );
  });

  test('--request-timeout takes kubectl durations (30s, 1m, 0 = no limit, a bare number of seconds); -n names the host namespace', async () => {
    for (const t of ['30s', '1m', '0', '20', '--request-timeout=45s']) {
      const args = t.startsWith('--') ? [t] : ['--request-timeout', t];
      const r = await runCli([
        'diagnose',
        '--kubeconfig',
        kc,
        ...args,
        '--host',
        HOST,
        '-n',
        'openshift-machine-api',
        '-o',
        'json',
      ]);
      assert.equal(r.code, 1, `${t}: ${r.stderr}`);
      assert.equal((JSON.parse(r.stdout) as { causes: { id: string }[] }).causes[0]?.id, 'mcs-cert-expired');
    }
    const bad = await runCli(['fix', '--kubeconfig', kc, '--request-timeout', '1.5']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: --request-timeout "1\.5" is not a duration: a fraction needs a unit/);
  });

  test('the fix plan names the API server, context and cluster first, in text, JSON and YAML', async () => {
    const server = /https:\/\/127\.\d+\.\d+\.\d+:6443/.exec(
      cluster.kubeconfigPath ? (await import('node:fs')).readFileSync(kc, 'utf8') : '',
    )![0];
    const text = await runCli(['fix', '--kubeconfig', kc, '--host', HOST]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    assert.match(lines[0]!, /^Fix plan: mcs-cert-expired on worker-0/);
    assert.equal(lines[1], `Cluster: ${server} (context admin, cluster sim), user admin`);
    for (const format of ['json', 'yaml']) {
      const r = await runCli(['fix', '--kubeconfig', kc, '--host', HOST, '-o', format]);
      assert.equal(r.code, 0, r.stderr);
      const doc = (format === 'json' ? JSON.parse(r.stdout) : (await import('yaml')).parse(r.stdout)) as {
        target: Record<string, string>;
        steps: unknown[];
      };
      assert.deepEqual(doc.target, {
        server,
        context: 'admin',
        cluster: 'sim',
        user: 'admin',
        namespace: 'openshift-machine-api',
      });
      assert.ok(Object.keys(doc).indexOf('target') < Object.keys(doc).indexOf('steps'));
    }
  });

  test('verify and restore report as JSON and YAML with the target they talked to', async () => {
    const v = await runCli(['verify', '--kubeconfig', kc, '--host', HOST, '-o', 'json']);
    assert.equal(v.code, 1, v.stderr);
    const vj = JSON.parse(v.stdout) as {
      target: { context: string };
      host: string;
      namespace: string;
      ready: boolean;
      stoppedAt: string;
    };
    assert.equal(vj.target.context, 'admin');
    assert.equal(vj.host, HOST);
    assert.equal(vj.namespace, 'openshift-machine-api');
    assert.equal(vj.ready, false);
    assert.equal(vj.stoppedAt, 'ignition');
    const vy = await runCli(['verify', '--kubeconfig', kc, '--host', HOST, '-o', 'yaml']);
    assert.match(vy.stdout, /^schemaVersion: 1\ntarget:\n {2}server: https:/);

    const missing = await runCli(['restore', join(tmp, 'no-backup'), '--kubeconfig', kc, '-o', 'json']);
    assert.equal(missing.code, 2, missing.stderr);
  });
});
