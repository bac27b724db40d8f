/**
 * The five failure scenarios of the MCS's answers and of the Node, on 4.12 and 4.19, seen as a
 * user sees them: the problem host's console (its Ignition lines), the MCS pods' logs, what a
 * real HTTPS client gets from the URL in the host's pointer, and the Node through the real
 * kubectl. (test/sim/cluster.test.ts runs them on their default version, with the real
 * Ignition as the oracle for the console lines.) One cluster at a time; every network call has
 * a timeout; everything is on loopback.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { parsePointer } from '../../../src/ignition/pointer.js';
import { startSimCluster, type SimCluster } from '../../../src/sim/cluster.js';
import { csrCommonName, waitForHostOutcome, type HostOutcome } from '../../../src/sim/settle.js';
import type { OpenShiftVersion } from '../../../src/sim/seed.js';

const SPEED = 300;
const HOST = 'worker-0';
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const VERSIONS: OpenShiftVersion[] = ['4.12', '4.19'];

interface Reply {
  status?: number;
  body?: string;
  error?: string;
}

/** GET `url` as a client trusting the pointer's CA would (node https; plain http for http://). */
function fetchUrl(url: string, caPem?: string): Promise<Reply> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const options = {
      host: u.hostname,
      port: Number(u.port),
      path: u.pathname,
      agent: false as const,
      timeout: 5_000,
      headers: { Accept: 'application/vnd.coreos.ignition+json;version=3.2.0, */*;q=0.1' },
      ...(caPem ? { ca: caPem } : {}),
    };
    const req = u.protocol === 'https:' ? httpsRequest(options) : httpRequest(options);
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.end();
  });
}

function kubectl(
  kubeconfig: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      [`--kubeconfig=${kubeconfig}`, '--request-timeout=20s', ...args],
      { timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

function mcsLog(cluster: SimCluster): string {
  return cluster.ctx.podLogs
    .keys()
    .filter((k) => k.includes('/machine-config-server-'))
    .map((k) => cluster.ctx.podLogs.find(k)?.text() ?? '')
    .join('');
}

function pointerOf(cluster: SimCluster): { url: string; caPem: string } {
  const drive = cluster.ctx.hosts.get(HOST)?.configDrive;
  assert.ok(drive, 'the host has a config drive');
  const pointer = parsePointer(drive, `config drive of ${HOST}`);
  const url = pointer.sources[0]?.url;
  const caPem = pointer.certificateAuthorities[0]?.certs[0]?.pem;
  assert.ok(url && caPem);
  return { url, caPem };
}

function hostIp(cluster: SimCluster): string {
  return cluster.ctx.hosts.get(HOST)?.ip ?? '';
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The scenario running on one version, started once for its tests. */
function onCluster(
  scenario: string,
  version: OpenShiftVersion,
  outcome: HostOutcome,
  tests: (get: () => SimCluster) => void,
): void {
  describe(`${scenario} on ${version}, as a user sees it`, () => {
    let cluster: SimCluster | undefined;
    before(async () => {
      cluster = await startSimCluster({ scenario, version, speed: SPEED });
      const seen = await waitForHostOutcome(cluster.ctx, HOST, 60_000);
      assert.equal(seen, outcome, cluster.console(HOST));
    });
    after(async () => {
      await cluster?.close();
    });
    tests(() => {
      assert.ok(cluster, 'cluster started');
      return cluster;
    });
  });
}

for (const version of VERSIONS) {
  onCluster('mcs-config-not-found', version, 'ignition-failing', (get) => {
    test('console: Ignition gets a 404 for /worker.ign and stops', () => {
      const text = get().console(HOST) ?? '';
      const { url } = pointerOf(get());
      assert.match(url, /:22623\/worker\.ign$/);
      assert.match(text, new RegExp(`ignition\\[\\d+\\]: INFO {5}: GET ${escape(url)}: attempt #1`));
      assert.match(text, /ignition\[\d+\]: INFO {5}: GET result: Not Found\n/);
      assert.match(text, /ignition\[\d+\]: CRITICAL : Ignition failed: resource not found\n/);
      // A 404 is not retried: one attempt per boot.
      assert.doesNotMatch(text, /attempt #2/);
    });

    test('the URL answers 404 with an empty body; /config/worker on the same server answers 200', async () => {
      const { url, caPem } = pointerOf(get());
      const reply = await fetchUrl(url, caPem);
      assert.equal(reply.status, 404, reply.error);
      assert.equal(reply.body, '');
      const right = await fetchUrl(url.replace('/worker.ign', '/config/worker'), caPem);
      assert.equal(right.status, 200, right.error);
    });

    test('the MCS logs nothing for the host (its default handler)', () => {
      assert.doesNotMatch(mcsLog(get()), new RegExp(`address:"${escape(hostIp(get()))}:`));
    });

    if (version === '4.19') {
      test("the cert rotator keeps the hand-written secret's CA on the MCS CA bundle", async () => {
        const s = get().ctx.store;
        const bundle = (
          s.get(s.type('configmaps', ''), 'openshift-machine-config-operator', 'machine-config-server-ca')
            ?.data as Record<string, string> | undefined
        )?.['ca-bundle.crt'];
        assert.ok(bundle);
        assert.equal(pointerOf(get()).caPem.trim(), bundle.trim());
      });
    }
  });

  onCluster('mcs-server-error', version, 'ignition-failing', (get) => {
    test('console: Ignition gets 500s and retries', () => {
      const text = get().console(HOST) ?? '';
      assert.match(
        text,
        /GET result: Internal Server Error\n[^\n]*GET https:\/\/[^\n]*\/config\/worker: attempt #2/,
      );
    });

    test('the URL answers 500 with an empty body', async () => {
      const { url, caPem } = pointerOf(get());
      const reply = await fetchUrl(url, caPem);
      assert.equal(reply.status, 500, reply.error);
      assert.equal(reply.body, '');
    });

    test(`the MCS logs the request and ${version}'s couldn't-get-config line for the deleted rendered config`, () => {
      const s = get().ctx.store;
      const pool = s.get(
        s.type('machineconfigpools', 'machineconfiguration.openshift.io'),
        undefined,
        'worker',
      );
      const missing = (pool?.status as { configuration: { name: string } }).configuration.name;
      const log = mcsLog(get());
      const ip = escape(hostIp(get()));
      const [requested, error] =
        version === '4.12'
          ? [
              `I\\d{4} [\\d:.]{15} {7}1 api\\.go:109\\] Pool worker requested by address:"${ip}:\\d+"`,
              `E\\d{4} [\\d:.]{15} {7}1 api\\.go:128\\] couldn't get config for req: \\{worker 0xc[0-9a-f]+\\}`,
            ]
          : [
              `I\\d{4} [\\d:.]{15} {7}1 api\\.go:126\\] Pool "worker" requested by address:"${ip}:\\d+"`,
              `E\\d{4} [\\d:.]{15} {7}1 api\\.go:145\\] couldn't get config for req: \\{machineConfigPool:worker version:0xc[0-9a-f]+\\}`,
            ];
      assert.match(log, new RegExp(requested));
      assert.match(
        log,
        new RegExp(
          `${error}, error: could not fetch config ${missing}, err: machineconfig\\.machineconfiguration\\.openshift\\.io "${missing}" not found\n`,
        ),
      );
    });
  });

  onCluster('mcs-not-tls', version, 'ignition-failing', (get) => {
    test("console: Go's plain-HTTP error on every attempt", () => {
      const { url } = pointerOf(get());
      const text = get().console(HOST) ?? '';
      assert.match(
        text,
        new RegExp(`GET error: Get "${escape(url)}": http: server gave HTTP response to HTTPS client\n`),
      );
      assert.match(text, /attempt #2/);
    });

    test('an HTTPS client fails the handshake; plain HTTP on the same port is served', async () => {
      const { url, caPem } = pointerOf(get());
      const tls = await fetchUrl(url, caPem);
      assert.equal(tls.status, undefined);
      assert.match(tls.error ?? '', /ERR_SSL_WRONG_VERSION_NUMBER|EPROTO|ERR_SSL_PACKET_LENGTH_TOO_LONG/);
      const plain = await fetchUrl(url.replace('https://', 'http://'));
      assert.equal(plain.status, 200, plain.error);
      assert.match(plain.body ?? '', /"ignition":\{"version":"3\.2\.0"\}/);
    });

    test('the MCS logs no request and no handshake from the host', () => {
      const log = mcsLog(get());
      const ip = escape(hostIp(get()));
      assert.doesNotMatch(log, new RegExp(`address:"${ip}:`));
      assert.doesNotMatch(log, new RegExp(`TLS handshake error from ${ip}:`));
    });
  });

  onCluster('mcs-cert-invalid', version, 'ignition-failing', (get) => {
    test("console: Go's incompatible key usage error, as this release's Ignition words it", () => {
      const { url } = pointerOf(get());
      const prefix = version === '4.12' ? '' : 'tls: failed to verify certificate: ';
      assert.match(
        get().console(HOST) ?? '',
        new RegExp(
          `GET error: Get "${escape(url)}": ${escape(prefix)}x509: certificate specifies an incompatible key usage\n`,
        ),
      );
    });

    test('an HTTPS client trusting the pointer CA refuses the certificate (OpenSSL: unsuitable purpose)', async () => {
      const { url, caPem } = pointerOf(get());
      const reply = await fetchUrl(url, caPem);
      assert.equal(reply.status, undefined);
      assert.equal(reply.error, 'INVALID_PURPOSE');
    });

    test("the MCS logs the host's bad-certificate alert", () => {
      assert.match(
        mcsLog(get()),
        new RegExp(
          `\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d http: TLS handshake error from ${escape(hostIp(get()))}:\\d+: remote error: tls: bad certificate\n`,
        ),
      );
    });
  });

  onCluster('node-not-ready', version, 'node-not-ready', (get) => {
    test(
      'kubectl shows the Node NotReady with the kubelet network message',
      { skip: !existsSync(KUBECTL) },
      async () => {
        const cluster = get();
        const table = await kubectl(cluster.kubeconfigPath, ['get', 'node', HOST]);
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, new RegExp(`^${HOST}\\s+NotReady\\s+worker\\s+`, 'm'));
        const message = await kubectl(cluster.kubeconfigPath, [
          'get',
          'node',
          HOST,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].message}',
        ]);
        assert.equal(message.code, 0, message.stderr);
        assert.match(
          message.stdout,
          /^container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: No CNI configuration file in \/etc\/kubernetes\/cni\/net\.d\/\. Has your network provider started\?$/,
        );
      },
    );

    test('the kubelet keeps posting NotReady: the heartbeat moves, the transition does not', async () => {
      const s = get().ctx.store;
      const ready = () =>
        (
          s.get(s.type('nodes', ''), undefined, HOST)?.status as {
            conditions: Array<{
              type: string;
              status: string;
              lastHeartbeatTime: string;
              lastTransitionTime: string;
            }>;
          }
        ).conditions.find((c) => c.type === 'Ready');
      const first = ready();
      assert.equal(first?.status, 'False');
      // nodeStatusReportFrequency is 5 simulated minutes: 1 s at this speed; give it a few.
      const deadline = Date.now() + 10_000;
      let later = ready();
      while (later?.lastHeartbeatTime === first?.lastHeartbeatTime && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        later = ready();
      }
      assert.notEqual(later?.lastHeartbeatTime, first?.lastHeartbeatTime);
      assert.equal(later?.status, 'False');
      assert.equal(later?.lastTransitionTime, first?.lastTransitionTime);
      const age = Date.now() - Date.parse(later?.lastTransitionTime ?? '');
      assert.ok(age > 30 * 60_000, 'NotReady since its registration, over half an hour ago');
    });

    test("the host joined: its CSRs are issued and its console shows the kubelet's start", () => {
      const s = get().ctx.store;
      const csrs = s
        .list(s.type('certificatesigningrequests', 'certificates.k8s.io'))
        .items.filter((c) => csrCommonName(c) === `system:node:${HOST}`);
      assert.deepEqual(csrs.map((c) => (c.spec as { signerName: string }).signerName).sort(), [
        'kubernetes.io/kube-apiserver-client-kubelet',
        'kubernetes.io/kubelet-serving',
      ]);
      for (const csr of csrs) {
        assert.ok((csr.status as { certificate?: string }).certificate, `${csr.metadata.name} issued`);
      }
      const text = get().console(HOST) ?? '';
      assert.match(text, /systemd\[1\]: Started Kubernetes Kubelet\.\n/);
      assert.match(text, new RegExp(`^${HOST} login: $`, 'm'));
    });
  });
}
