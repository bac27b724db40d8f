/**
 * What makes a fix safe: it is killed with SIGKILL at each step in turn and a rerun finishes it
 * or `restore` puts every object back as it was; no object is lost. A read-only context fails
 * before anything changes and names the permission; kubectl agrees on what it may do. A rogue
 * CSR created with kubectl is never approved, and the output says why.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { createCsrPem } from '../../src/sim/controllers/host/csr-request.js';
import type { KubeObject } from '../../src/sim/kube/types.js';
import { servedLeaf } from '../../src/probes/served-leaf.js';
import { parseCertificates } from '../../src/pki/parse.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { fixApply, fixApplyArgs, HOST, kubectl, SPEED, verifyReady } from '../helpers/fix.js';

const execFileAsync = promisify(execFile);
let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-fix-safety-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** What a restore must bring back: the fields a person set, not what the server stamps. */
function essence(o: KubeObject | undefined): unknown {
  if (!o) return undefined;
  const { status: _s, metadata, ...rest } = o as KubeObject & { status?: unknown };
  return { ...rest, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} };
}

const WATCHED = [
  ['secrets', 'openshift-machine-config-operator', 'machine-config-server-tls'],
  ['secrets', 'openshift-machine-config-operator', 'machine-config-server-ca'],
  ['configmaps', 'openshift-machine-config-operator', 'machine-config-server-ca'],
  ['configmaps', 'kube-system', 'root-ca'],
  ['secrets', 'openshift-machine-api', 'worker-user-data'],
  ['secrets', 'openshift-machine-api', 'master-user-data'],
  ['baremetalhosts', 'openshift-machine-api', HOST],
] as const;

function snapshot(cluster: SimCluster): Map<string, unknown> {
  const store = cluster.ctx.store;
  const out = new Map<string, unknown>();
  for (const [plural, ns, name] of WATCHED) {
    const type = store.types.find((t) => t.plural === plural)!;
    out.set(`${plural}/${ns}/${name}`, essence(store.get(type, ns, name)));
  }
  return out;
}

/** The certificate the MCS serves at the API VIP, and the one in its secret (SHA-256 fingerprints). */
async function servedAndStored(cluster: SimCluster): Promise<{ served: string; stored: string }> {
  const { network } = cluster;
  const leaf = await servedLeaf(network.apiVip, network.mcsPort, network.apiIntName, 5_000);
  assert.ok(leaf.ok, leaf.ok ? '' : leaf.message);
  const store = cluster.ctx.store;
  const secret = store.get(
    store.type('secrets', ''),
    'openshift-machine-config-operator',
    'machine-config-server-tls',
  );
  const pem = Buffer.from(String((secret?.data as Record<string, string>)['tls.crt']), 'base64').toString(
    'utf8',
  );
  return { served: leaf.fingerprint256, stored: parseCertificates(pem, 'tls.crt')[0]!.fingerprintSha256 };
}

/**
 * Runs `fix --apply` and sends `signal` as soon as it announces step `step`. SIGKILL ends it
 * there; SIGINT (Ctrl-C) lets it finish that step and stop.
 */
function fixSignalledAt(
  kubeconfig: string,
  backupDir: string,
  step: number,
  signal: 'SIGKILL' | 'SIGINT' = 'SIGKILL',
): Promise<{ out: string; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...fixApplyArgs(kubeconfig, backupDir)], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let sent = false;
    const safety = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const onData = (b: Buffer) => {
      out += b.toString('utf8');
      if (!sent && new RegExp(`^\\[${step}/\\d+\\]`, 'm').test(out)) {
        sent = true;
        child.kill(signal);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, got) => {
      clearTimeout(safety);
      if (!sent) reject(new Error(`the fix ended before step ${step}:\n${out}`));
      else resolve({ out, code, signal: got });
    });
  });
}

describe('SIGKILL at each step of the mcs-cert-expired fix (4.12, 9 steps)', () => {
  for (let step = 1; step <= 9; step++) {
    const recovery =
      step % 2 === 1 ? 'a rerun finishes the fix and the host joins' : 'restore puts every object back';
    test(`killed at step ${step}: ${recovery}; no object lost`, async () => {
      const cluster = await startSimCluster({ scenario: 'mcs-cert-expired', version: '4.12', speed: SPEED });
      try {
        await waitForHostOutcome(cluster.ctx, HOST, 60_000);
        const original = snapshot(cluster);
        const originalServed = (await servedAndStored(cluster)).served;
        const backupDir = join(tmp, `killed-${step}`);
        const killed = await fixSignalledAt(cluster.kubeconfigPath, backupDir, step);
        assert.equal(killed.signal, 'SIGKILL');
        // No object lost: everything that existed before exists now, or is in the backup.
        const now = snapshot(cluster);
        for (const [key, value] of original) {
          if (value !== undefined && now.get(key) === undefined) {
            assert.ok(key.includes('machine-config-server-tls'), `${key} disappeared`);
          }
        }
        if (step % 2 === 1) {
          const rerun = await fixApply(cluster.kubeconfigPath, backupDir);
          assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
          assert.match(rerun.stdout, /Resuming the mcs-cert-expired fix/);
          assert.match(rerun.stdout, /Fix applied/);
          await verifyReady(cluster.kubeconfigPath);
        } else {
          const restore = await runCli([
            'restore',
            backupDir,
            '--kubeconfig',
            cluster.kubeconfigPath,
            '--yes',
          ]);
          assert.equal(restore.code, 0, restore.stdout + restore.stderr);
          const back = snapshot(cluster);
          for (const [key, value] of original) assert.deepEqual(back.get(key), value, `${key} after restore`);
          // 4.12 loads its certificate only at start: a restored secret is served once the pods restart.
          if (
            restore.stdout.includes(
              'restored secret openshift-machine-config-operator/machine-config-server-tls',
            ) ||
            restore.stdout.includes(
              'recreated secret openshift-machine-config-operator/machine-config-server-tls',
            )
          ) {
            assert.match(restore.stdout, /MCS: 3 of 3 MCS pods serve the restored certificate/);
          }
          const served = await servedAndStored(cluster);
          assert.equal(
            served.served,
            originalServed,
            'the MCS serves the certificate it served before the fix',
          );
          assert.equal(served.served, served.stored);
          // A restored fix is not resumed from its half-done manifest: it starts again elsewhere.
          const resumed = await fixApply(cluster.kubeconfigPath, backupDir);
          assert.equal(resumed.code, 2);
          assert.match(resumed.stderr, /was undone by restore on .*: it cannot be resumed/);
        }
      } finally {
        await cluster.close();
      }
    });
  }
});

describe('Ctrl-C', () => {
  test('SIGINT during a step: the step is finished, the fix stops before the next one, and a rerun finishes it', async () => {
    const cluster = await startSimCluster({ scenario: 'mcs-cert-expired', version: '4.12', speed: SPEED });
    try {
      await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const backupDir = join(tmp, 'interrupted');
      const r = await fixSignalledAt(cluster.kubeconfigPath, backupDir, 4, 'SIGINT');
      assert.equal(r.signal, null, r.out);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /interrupt: finishing the current step, then stopping/);
      assert.match(r.out, /ok: 3 of 3 MCS pods serve the new certificate/);
      assert.match(r.out, /interrupted: stopping before step 5 of 9; the cluster is as step 4 left it/);
      assert.match(r.out, /Stopped after 4 of 9 steps \(interrupted\)/);
      const rerun = await fixApply(cluster.kubeconfigPath, backupDir);
      assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
      assert.equal((rerun.stdout.match(/skipped: done by an earlier run of this fix/g) ?? []).length, 4);
      await verifyReady(cluster.kubeconfigPath);
    } finally {
      await cluster.close();
    }
  });
});

describe('restore after a finished fix', () => {
  test('mcs-ca-mismatch on 4.12: every changed object is as it was (server-set fields aside)', async () => {
    const cluster = await startSimCluster({ scenario: 'mcs-ca-mismatch', version: '4.12', speed: SPEED });
    try {
      await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const original = snapshot(cluster);
      const backupDir = join(tmp, 'ca-mismatch-restore');
      const fix = await fixApply(cluster.kubeconfigPath, backupDir);
      assert.equal(fix.code, 0, fix.stdout + fix.stderr);
      assert.notDeepEqual(
        snapshot(cluster).get('secrets/openshift-machine-api/worker-user-data'),
        original.get('secrets/openshift-machine-api/worker-user-data'),
      );
      const restore = await runCli(['restore', backupDir, '--kubeconfig', cluster.kubeconfigPath, '--yes']);
      assert.equal(restore.code, 0, restore.stdout + restore.stderr);
      assert.match(restore.stdout, /Every object is back as it was/);
      const back = snapshot(cluster);
      for (const [key, value] of original) assert.deepEqual(back.get(key), value, `${key} after restore`);
    } finally {
      await cluster.close();
    }
  });

  test('clock-behind: restore sets the BMC clock back where it was (3 years behind), as the real curl reads it', async () => {
    const cluster = await startSimCluster({ scenario: 'clock-behind', speed: SPEED });
    try {
      await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const host = cluster.ctx.hosts.get(HOST)!;
      const password = cluster.seed.hosts.find((h) => h.name === HOST)!.bmc.password;
      // The BMC clock minus ours, in days, as a Redfish client reads it.
      const offsetDays = async (): Promise<number> => {
        const { stdout } = await execFileAsync(
          'curl',
          ['-sSk', '--max-time', '10', '-u', `admin:${password}`, `${host.bmcUrl}/redfish/v1/Managers/BMC`],
          { encoding: 'utf8' },
        );
        const dateTime = (JSON.parse(stdout) as { DateTime: string }).DateTime;
        return (Date.parse(dateTime) - Date.now()) / 86_400_000;
      };
      assert.ok(Math.abs((await offsetDays()) + 3 * 365) < 1, 'the scenario starts 3 years behind');
      const backupDir = join(tmp, 'clock-restore');
      const fix = await fixApply(cluster.kubeconfigPath, backupDir);
      assert.equal(fix.code, 0, fix.stdout + fix.stderr);
      assert.ok(Math.abs(await offsetDays()) < 1, 'the fix set the clock to now');
      const restore = await runCli(['restore', backupDir, '--kubeconfig', cluster.kubeconfigPath, '--yes']);
      assert.equal(restore.code, 0, restore.stdout + restore.stderr);
      assert.match(restore.stdout, /Restoring \d+ object\(s\) and 1 BMC clock\(s\)/);
      assert.match(restore.stdout, /restored BMC clock of openshift-machine-api\/worker-0: reads \S+ again/);
      assert.ok(Math.abs((await offsetDays()) + 3 * 365) < 1, 'restore put the clock back 3 years');
      assert.ok(!(restore.stdout + fix.stdout).includes(password), 'the BMC password was printed');
    } finally {
      await cluster.close();
    }
  });

  test('bad input: a directory that is not a backup, a damaged manifest, an unknown cause, a bad duration', async () => {
    const r = await runCli(['restore', tmp, '--yes']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not an mcs-doctor backup \(no manifest\.json\)/);
    const damaged = join(tmp, 'damaged');
    await mkdir(damaged, { recursive: true });
    await writeFile(join(damaged, 'manifest.json'), '{"schemaVersion": 1, "objects": [');
    const d = await runCli(['restore', damaged, '--yes']);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /manifest\.json is not valid JSON/);
    assert.doesNotMatch(d.stderr, /\n\s+at /, 'no stack trace');
    const cause = await runCli(['fix', 'mcs-cert-broken']);
    assert.equal(cause.code, 2);
    assert.match(cause.stderr, /"mcs-cert-broken" is not a root-cause id/);
    assert.match(cause.stderr, /use one of: mcs-cert-expired, /);
    const duration = await runCli(['fix', '--wait-timeout', 'soon']);
    assert.equal(duration.code, 2);
    assert.match(duration.stderr, /--wait-timeout "soon" is not a duration/);
  });
});

describe('permissions', () => {
  test('the read-only context: fix --apply fails before changing anything and names the permissions; kubectl auth can-i agrees', async () => {
    const cluster = await startSimCluster({ scenario: 'mcs-cert-expired', version: '4.12', speed: SPEED });
    try {
      await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const writes = cluster.api.stats().byVerb;
      const before = snapshot(cluster);
      const backupDir = join(tmp, 'read-only');
      const r = await runCli([
        'fix',
        '--kubeconfig',
        cluster.kubeconfigPath,
        '--context',
        'read-only',
        '--host',
        HOST,
        '--apply',
        '--yes',
        '--backup-dir',
        backupDir,
      ]);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stderr, /this context may not carry out the fix; nothing was changed/);
      assert.match(r.stderr, /create secrets in namespace openshift-machine-config-operator/);
      assert.match(r.stderr, /patch baremetalhosts\.metal3\.io in namespace openshift-machine-api/);
      assert.deepEqual(snapshot(cluster), before);
      assert.deepEqual(cluster.api.stats().byVerb['PUT'] ?? 0, writes['PUT'] ?? 0);
      await assert.rejects(() => stat(backupDir), /ENOENT/);
      const unconfirmed = await runCli([
        'fix',
        '--kubeconfig',
        cluster.kubeconfigPath,
        '--host',
        HOST,
        '--apply',
      ]);
      assert.equal(unconfirmed.code, 2, unconfirmed.stdout + unconfirmed.stderr);
      assert.match(unconfirmed.stderr, /--apply needs confirmation and stdin is not a terminal/);
      assert.deepEqual(snapshot(cluster), before);

      const kc = cluster.kubeconfigPath;
      const canI = (context: string) =>
        kubectl([
          '--kubeconfig',
          kc,
          '--context',
          context,
          'auth',
          'can-i',
          'update',
          'secrets',
          '-n',
          'openshift-machine-config-operator',
        ]).then(
          (x) => x.stdout.trim(),
          (e: { stdout: string }) => e.stdout.trim(),
        );
      assert.equal(await canI('admin'), 'yes');
      assert.equal(await canI('read-only'), 'no');
    } finally {
      await cluster.close();
    }
  });
});

/** Runs the CLI on a pseudo-terminal (script(1)) and answers its [y/N] question with `answer`. */
function onTerminal(args: string[], answer: string): Promise<{ out: string; asked: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'script',
      [
        '-qec',
        `stty cols 200; ${process.execPath} ${CLI_PATH} ${args.join(' ')}; echo "exit=$?"`,
        '/dev/null',
      ],
      { env: { ...process.env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let asked = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      if (!asked && out.includes('[y/N]')) {
        asked = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ out, asked });
    });
  });
}

describe('confirmation on a terminal', () => {
  test('fix --apply asks first: "n" changes nothing and writes no backup; "y" applies; restore asks too', async () => {
    const cluster = await startSimCluster({ scenario: 'mcs-cert-expired', version: '4.12', speed: SPEED });
    try {
      await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const kc = cluster.kubeconfigPath;
      const before = snapshot(cluster);
      const backupDir = join(tmp, 'asked');
      const args = ['fix', '--kubeconfig', kc, '--host', HOST, '--apply', '--backup-dir', backupDir];
      const no = await onTerminal(args, 'n');
      assert.ok(no.asked, no.out);
      assert.match(
        no.out,
        /Apply 8 change step\(s\) to https:\/\/\S+ \(context admin, cluster sim\)\? \[y\/N\]/,
      );
      assert.match(no.out, /Nothing was changed\.\s+exit=0/);
      assert.deepEqual(snapshot(cluster), before);
      await assert.rejects(() => stat(backupDir), /ENOENT/);

      const yes = await onTerminal(args, 'y');
      assert.match(yes.out, /Fix applied\.[\s\S]*exit=0/);
      assert.notDeepEqual(snapshot(cluster), before);

      const restore = await onTerminal(['restore', backupDir, '--kubeconfig', kc], 'y');
      assert.match(
        restore.out,
        /Put these objects back on https:\/\/\S+ \(context admin, cluster sim\)\? \[y\/N\]/,
      );
      assert.match(restore.out, /Every object is back as it was\.\s+exit=0/);
      assert.deepEqual(snapshot(cluster), before);
    } finally {
      await cluster.close();
    }
  });
});

describe('rogue CSRs', () => {
  test('csr-pending on 4.16: a CSR for worker-0 created by another user with kubectl is never approved, and the output says why', async () => {
    const cluster = await startSimCluster({ scenario: 'csr-pending', speed: SPEED });
    try {
      await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      const kc = cluster.kubeconfigPath;
      const rogue = {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: 'rogue-worker-0' },
        spec: {
          request: Buffer.from(
            await createCsrPem({ commonName: 'system:node:worker-0', organization: ['system:nodes'] }),
          ).toString('base64'),
          signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
          usages: ['digital signature', 'client auth'],
        },
      };
      // Two more, each wrong in another way as well: a CN naming another node, and a serving
      // CSR for worker-0 whose SANs reach beyond worker-0's addresses.
      const otherNode = {
        ...rogue,
        metadata: { name: 'rogue-other-node' },
        spec: {
          ...rogue.spec,
          request: Buffer.from(
            await createCsrPem({ commonName: 'system:node:worker-9', organization: ['system:nodes'] }),
          ).toString('base64'),
        },
      };
      const wideSans = {
        ...rogue,
        metadata: { name: 'rogue-sans' },
        spec: {
          request: Buffer.from(
            await createCsrPem({
              commonName: 'system:node:worker-0',
              organization: ['system:nodes'],
              dnsNames: ['worker-0', 'evil.example.test'],
              ipAddresses: ['192.0.2.99'],
            }),
          ).toString('base64'),
          signerName: 'kubernetes.io/kubelet-serving',
          usages: ['digital signature', 'key encipherment', 'server auth'],
        },
      };
      const file = join(tmp, 'rogue.json');
      await writeFile(
        file,
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [rogue, otherNode, wideSans] }),
      );
      await kubectl(['--kubeconfig', kc, 'create', '--validate=false', '-f', file]);
      // Before the fix, on a terminal: the stages redrawn in place, then the timeout with where it stopped.
      // Not spawnSync: the simulated cluster runs in this process and must keep answering.
      const tty = await new Promise<{ stdout: string }>((resolve, reject) => {
        const child = spawn(
          'script',
          [
            '-qec',
            `stty cols 200; ${process.execPath} ${CLI_PATH} verify --kubeconfig ${kc} --host ${HOST} --watch --timeout 4s --interval 1s; echo "exit=$?"`,
            '/dev/null',
          ],
          { env: { ...process.env, TERM: 'xterm' }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('error', reject);
        child.on('close', () => {
          clearTimeout(timer);
          resolve({ stdout });
        });
      });
      assert.match(tty.stdout, /\[x\] BareMetalHost provisioned/);
      assert.match(
        tty.stdout,
        /\[ \] kubelet client CSR approved\s+pending: csr-\S+ passes the identity checks \(--approve-csrs approves it\)/,
      );
      assert.match(tty.stdout, /not approved: rogue-worker-0/);
      assert.ok(
        tty.stdout.includes('\u001b[9A\u001b[J'),
        'the stage block (and the three refusals) is redrawn in place',
      );
      assert.match(tty.stdout, /worker-0 is not Ready after 4s: it stopped at "kubelet client CSR approved"/);
      assert.match(tty.stdout, /Next diagnosis: csr-pending/);
      assert.match(tty.stdout, /exit=1/);

      const fix = await runCli(
        ['fix', '--kubeconfig', kc, '--host', HOST, '--apply', '--yes', '--backup-dir', join(tmp, 'rogue')],
        {
          killAfterMs: 150_000,
        },
      );
      assert.equal(fix.code, 0, fix.stdout + fix.stderr);
      assert.match(
        fix.stdout,
        /not approved: rogue-worker-0 \(client, system:node:worker-0, from system:admin\): requested by system:admin, not the node-bootstrapper/,
      );
      assert.match(
        fix.stdout,
        /not approved: rogue-other-node \(client, system:node:worker-9, from system:admin\): .*CN system:node:worker-9 is not a name host worker-0 registers as/,
      );
      assert.match(
        fix.stdout,
        /not approved: rogue-sans \(serving, system:node:worker-0, from system:admin\): .*DNS SANs evil\.example\.test are not addresses of worker-0/,
      );
      assert.match(
        fix.stdout,
        /not approved: rogue-sans .*IP SANs 192\.0\.2\.99 are not addresses of worker-0/,
      );
      for (const name of ['rogue-worker-0', 'rogue-other-node', 'rogue-sans']) {
        const { stdout } = await kubectl([
          '--kubeconfig',
          kc,
          'get',
          'csr',
          name,
          '-o',
          'jsonpath={.status.conditions}',
        ]);
        assert.equal(stdout.trim(), '', `${name} has no condition: still pending`);
      }
      const verify = await runCli([
        'verify',
        '--kubeconfig',
        kc,
        '--host',
        HOST,
        '--watch',
        '--timeout',
        '60s',
        '--interval',
        '1s',
        '--approve-csrs',
      ]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /not approved: rogue-worker-0/);
    } finally {
      await cluster.close();
    }
  });
});
