/** What a broken MCS secret does to the pods, the VIP and the ClusterOperator. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { test } from 'node:test';
import { issueCertificate } from '../../../../src/pki/issue.js';
import { httpsGet, podLog, pods, rootCa, startFixture, tlsData, waitFor } from './fixture.js';

const MCO_NS = 'openshift-machine-config-operator';

function connectOutcome(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

test('missing secret: pods stay Pending in ContainerCreating with repeated FailedMount events; the VIP refuses', async () => {
  const f = await startFixture({ tlsSecret: 'missing' });
  try {
    const events = await waitFor('FailedMount repeated', () => {
      const list = f.ctx.store
        .list(f.ctx.store.type('events', ''), { namespace: MCO_NS })
        .items.filter((e) => e.reason === 'FailedMount');
      return list.length === 3 && list.every((e) => Number(e.count) >= 2) ? list : undefined;
    });
    for (const e of events) {
      assert.equal(e.type, 'Warning');
      assert.equal(
        e.message,
        'MountVolume.SetUp failed for volume "certs" : secret "machine-config-server-tls" not found',
      );
      assert.deepEqual((e.source as { component: string }).component, 'kubelet');
    }
    for (const pod of pods(f.ctx)) {
      const status = pod.status as {
        phase: string;
        containerStatuses: Array<{ state: { waiting?: { reason: string } }; ready: boolean }>;
      };
      assert.equal(status.phase, 'Pending');
      assert.equal(status.containerStatuses[0]?.state.waiting?.reason, 'ContainerCreating');
      assert.equal(status.containerStatuses[0]?.ready, false);
    }
    assert.equal(f.mco.vipListening(), false);
    assert.equal(await connectOutcome(f.ctx.network.apiVip, 22623), 'ECONNREFUSED');
    // The secret appears: the kubelet's next mount retry starts the containers and the VIP opens.
    f.ctx.store.create(f.ctx.store.type('secrets', ''), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'machine-config-server-tls', namespace: MCO_NS },
      type: 'kubernetes.io/tls',
      data: tlsData(f.serving),
    });
    await waitFor('pods ready after the secret appears', () => f.mco.mcsEndpoints().length === 3, 15000);
    assert.equal(
      (await httpsGet(`https://${f.ctx.network.apiVip}:22623/healthz`, f.root.certPem)).status,
      200,
    );
  } finally {
    await f.stop();
  }
});

test('key not matching the cert: the Go server exits, CrashLoopBackOff, previous log has the error; ClusterOperator degrades then recovers', async () => {
  const root = await rootCa();
  const other = await issueCertificate({
    subject: 'CN=other',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 3600_000),
  });
  // A fast clock: the operator's 10-minute rollout wait is ~0.3 s here.
  const f = await startFixture({ version: '4.16', speed: 2000, tlsSecret: {} });
  try {
    const secretType = f.ctx.store.type('secrets', '');
    f.ctx.store.mutate(secretType, MCO_NS, 'machine-config-server-tls', (s) => {
      s.data = tlsData(f.serving, other);
    });
    // The first containers saw an empty secret (no files); later restarts read the mismatched pair.
    const pod = await waitFor('restartCount >= 2', () =>
      pods(f.ctx).find((p) => {
        const cs = (p.status as { containerStatuses?: Array<{ restartCount: number }> })
          .containerStatuses?.[0];
        return (cs?.restartCount ?? 0) >= 2;
      }),
    );
    const cs = (
      pod.status as {
        phase: string;
        containerStatuses: Array<{
          ready: boolean;
          state: { waiting?: { reason: string; message: string }; running?: unknown };
          lastState: { terminated?: { exitCode: number; reason: string; message: string } };
        }>;
      }
    ).containerStatuses[0];
    assert.equal(cs?.ready, false);
    assert.equal(cs?.lastState.terminated?.exitCode, 1);
    assert.equal(cs?.lastState.terminated?.reason, 'Error');
    const previous = podLog(f.ctx, pod.metadata.name, true) + podLog(f.ctx, pod.metadata.name);
    assert.match(
      previous,
      /F\d{4} [\d:.]+ {7}1 api\.go:74\] failed to load serving cert: tls: private key does not match public key\n/,
    );
    assert.match(previous, /Launching server on :22623/);
    await waitFor('CrashLoopBackOff', () =>
      pods(f.ctx).some(
        (p) =>
          (p.status as { containerStatuses?: Array<{ state: { waiting?: { reason: string } } }> })
            .containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff',
      ),
    );
    const backOff = f.ctx.store
      .list(f.ctx.store.type('events', ''), { namespace: MCO_NS })
      .items.find((e) => e.reason === 'BackOff');
    assert.match(
      String(backOff?.message),
      /^Back-off restarting failed container machine-config-server in pod machine-config-server-\w{5}_openshift-machine-config-operator\(/,
    );
    assert.equal(await connectOutcome(f.ctx.network.apiVip, 22623), 'ECONNREFUSED');

    const coType = f.ctx.store.type('clusteroperators', 'config.openshift.io');
    const degraded = await waitFor('Degraded=True', () => {
      const c = (
        f.ctx.store.get(coType, undefined, 'machine-config')?.status as {
          conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
        }
      )?.conditions?.find((x) => x.type === 'Degraded');
      return c?.status === 'True' ? c : undefined;
    });
    assert.equal(degraded.reason, 'MachineConfigServerFailed');
    assert.match(
      degraded.message ?? '',
      /^Failed to resync 4\.16\.0 because: error during waitForDaemonsetRollout: \[context deadline exceeded, daemonset machine-config-server is not ready\. status: \(desired: 3, updated: 3, ready: 0, unavailable: 3\)\]$/,
    );

    // Fixed secret: the next restart loads it; the operator clears Degraded.
    f.ctx.store.mutate(secretType, MCO_NS, 'machine-config-server-tls', (s) => {
      s.data = tlsData(f.serving);
    });
    await waitFor('recovered', () => f.mco.mcsEndpoints().length === 3, 20000);
    await waitFor(
      'Degraded=False',
      () =>
        (
          f.ctx.store.get(coType, undefined, 'machine-config')?.status as {
            conditions?: Array<{ type: string; status: string }>;
          }
        )?.conditions?.find((x) => x.type === 'Degraded')?.status === 'False',
    );
    assert.equal((await httpsGet(`https://${f.ctx.network.apiVip}:22623/healthz`, root.certPem)).status, 200);
  } finally {
    await f.stop();
  }
});

test("vip 'refuse': nothing listens on the VIP's :22623 though the pods serve", async () => {
  const f = await startFixture({ vip: 'refuse' });
  try {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    assert.equal(await connectOutcome(f.ctx.network.apiVip, 22623), 'ECONNREFUSED');
  } finally {
    await f.stop();
  }
});

test("vip 'blackhole': the VIP accepts and never answers", async () => {
  const f = await startFixture({ vip: 'blackhole' });
  try {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = connect(22623, f.ctx.network.apiVip, () => socket.write('\x16\x03\x01\x00\x05hello'));
      socket.on('data', () => resolve(true));
      socket.on('error', () => resolve(true));
      // A bounded wait, not a timing assertion: nothing ever comes back.
      setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 300);
    });
    assert.equal(answered, false);
  } finally {
    await f.stop();
  }
});

function opensslVerifyFail(host: string, port: number, caFile: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(
      'openssl',
      ['s_client', '-connect', `${host}:${port}`, '-CAfile', caFile, '-verify_return_error'],
      {
        stdio: ['ignore', 'ignore', 'ignore'],
      },
    );
    const timer = setTimeout(() => child.kill(), 5000);
    child.on('error', () => resolve());
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test('handshake failures are in the MCS log the way Go net/http writes them, with the client address', async (t) => {
  const f = await startFixture();
  try {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    const ip = f.ctx.network.masterIps[0] as string;
    const pod = pods(f.ctx).find((p) => (p.status as { podIP: string }).podIP === ip);
    assert.ok(pod);
    // A client that connects and hangs up: EOF.
    await new Promise<void>((resolve) => {
      const s = connect({ host: ip, port: 22623, localAddress: f.ctx.network.hostIp(3) }, () => s.end());
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    await waitFor('EOF line', () => podLog(f.ctx, pod.metadata.name).includes('EOF'));
    assert.match(
      podLog(f.ctx, pod.metadata.name),
      new RegExp(
        `\\n\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} http: TLS handshake error from ${f.ctx.network.hostIp(3).replace(/\./g, '\\.')}:\\d+: EOF\\n`,
      ),
    );
    // A client that rejects the certificate sends an alert; OpenSSL's is "unknown ca" (48).
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'mco-test-'));
    try {
      const wrong = await issueCertificate({
        subject: 'CN=wrong',
        isCA: true,
        notBefore: new Date(Date.now() - 1000),
        notAfter: new Date(Date.now() + 3600_000),
      });
      writeFileSync(join(dir, 'ca.pem'), wrong.certPem);
      const which = spawn('openssl', ['version']);
      const available = await new Promise<boolean>((resolve) => {
        which.on('error', () => resolve(false));
        which.on('exit', (code) => resolve(code === 0));
      });
      if (!available) {
        t.diagnostic('openssl not installed: the alert case is not exercised');
        return;
      }
      await opensslVerifyFail(ip, 22623, join(dir, 'ca.pem'));
      await waitFor('alert line', () => podLog(f.ctx, pod.metadata.name).includes('remote error'));
      assert.match(
        podLog(f.ctx, pod.metadata.name),
        /http: TLS handshake error from 127\.\d+\.\d+\.\d+:\d+: remote error: tls: unknown certificate authority\n/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await f.stop();
  }
});
