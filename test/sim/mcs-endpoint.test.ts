/** The simulated MCS endpoint, exercised with real HTTP(S) requests from node. */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';

type HttpsOptions = RequestOptions & { ALPNProtocols: string[] };
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { issueCertificate, type IssuedCert } from '../../src/pki/issue.js';
import { startMcsEndpoint, type McsEndpoint } from '../../src/sim/mcs/index.js';
import { leafOptions } from '../helpers/oracle-pki.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** SHA-256 fingerprint of the leaf the server presented (TLS only). */
  peerFingerprint?: string;
  alpn?: string | false | null;
}

interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  plain?: boolean;
  port?: number;
}

let root: IssuedCert;
let leaf: IssuedCert;
let mcs: McsEndpoint;

function send(r: Req): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const common = {
      host: '127.0.0.1',
      port: r.port ?? (r.plain ? mcs.insecurePort : mcs.port),
      method: r.method ?? 'GET',
      path: r.path,
      headers: r.headers,
      agent: false as const,
      timeout: 5000,
    };
    const req = r.plain
      ? httpRequest(common)
      : // Offer h2 first, as Go clients do: the server must still pick HTTP/1.1.
        httpsRequest({
          ...common,
          ca: root.certPem,
          servername: 'localhost',
          ALPNProtocols: ['h2', 'http/1.1'],
        } as HttpsOptions);
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const socket = res.socket as import('node:tls').TLSSocket;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          peerFingerprint: r.plain ? undefined : socket.getPeerCertificate().fingerprint256,
          alpn: r.plain ? undefined : socket.alpnProtocol,
        });
      });
    });
    req.end();
  });
}

const IGNITION_ACCEPT = 'application/vnd.coreos.ignition+json;version=3.3.0, */*;q=0.1';

describe('simulated machine-config-server endpoint', () => {
  before(async () => {
    root = await issueCertificate({
      subject: 'CN=root-ca, OU=openshift',
      notBefore: new Date('2015-01-01T00:00:00Z'),
      notAfter: new Date('2045-01-01T00:00:00Z'),
      isCA: true,
    });
    leaf = await issueCertificate(leafOptions(root, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }));
    mcs = await startMcsEndpoint({
      host: '127.0.0.1',
      tls: { certChainPem: leaf.certPem, keyPem: leaf.keyPem },
      insecurePort: 0,
      maxSpec3Minor: 4,
    });
  });
  after(async () => {
    await mcs?.close();
  });

  test('serves the worker config in the spec version Ignition asks for, over HTTP/1.1', async () => {
    const reply = await send({
      path: '/config/worker',
      headers: { Accept: IGNITION_ACCEPT, 'User-Agent': 'Ignition/2.14.0' },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.equal(reply.alpn, 'http/1.1');
    const config = JSON.parse(reply.body) as {
      ignition: { version: string };
      storage: { files: Array<{ path: string; contents: { source: string } }> };
    };
    assert.equal(config.ignition.version, '3.3.0');
    const paths = config.storage.files.map((f) => f.path);
    assert.deepEqual(paths, [
      '/etc/kubernetes/kubeconfig',
      '/etc/machine-config-daemon/node-annotations.json',
    ]);
    const kubeconfig = decodeURIComponent(
      config.storage.files[0]?.contents.source.replace(/^data:,/, '') ?? '',
    );
    assert.match(kubeconfig, /server: https:\/\/127\.0\.0\.1:6443\n/);
    assert.match(kubeconfig, /token: [A-Za-z0-9_-]{40,}\n/);
  });

  test('serves exactly the chain it was given', async () => {
    const reply = await send({ path: '/healthz' });
    assert.equal(reply.peerFingerprint, leaf.cert.fingerprintSha256);
  });

  test('curl without Accept gets spec 2.2.0; a newer 3.x is capped at the configured maximum', async () => {
    const plain = await send({ path: '/config/worker' });
    assert.equal((JSON.parse(plain.body) as { ignition: { version: string } }).ignition.version, '2.2.0');
    const newer = await send({
      path: '/config/worker',
      headers: { Accept: 'application/vnd.coreos.ignition+json;version=3.5.0' },
    });
    assert.equal((JSON.parse(newer.body) as { ignition: { version: string } }).ignition.version, '3.4.0');
  });

  test('unsupported Ignition version in Accept: 400 with an empty body', async () => {
    const reply = await send({
      path: '/config/worker',
      headers: { Accept: 'application/vnd.coreos.ignition+json;version=1.0.0' },
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.body, '');
  });

  test('status codes: HEAD ok, POST 405, /healthz 200, other paths 404, unknown pool 500 with empty body', async () => {
    const head = await send({ method: 'HEAD', path: '/config/master' });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers['content-length']) > 0);
    assert.equal(head.body, '');
    assert.equal((await send({ method: 'POST', path: '/config/worker' })).status, 405);
    assert.equal((await send({ path: '/healthz' })).status, 200);
    assert.equal((await send({ method: 'DELETE', path: '/healthz' })).status, 405);
    assert.equal((await send({ path: '/' })).status, 404);
    assert.equal((await send({ path: '/configs/worker' })).status, 404);
    const unknown = await send({ path: '/config/infra' });
    assert.equal(unknown.status, 500);
    assert.equal(unknown.body, '');
    // path.Base: the last element names the pool.
    assert.equal((await send({ path: '/config/anything/worker' })).status, 200);
  });

  test('logs like the real MCS (klog header, api.go lines)', async () => {
    await send({
      path: '/config/worker',
      headers: { Accept: IGNITION_ACCEPT, 'User-Agent': 'Ignition/2.11.0' },
    });
    await send({ path: '/config/infra', headers: { 'User-Agent': 'curl/8.5.0' } });
    const lines = mcs.logLines();
    assert.match(
      lines[0] ?? '',
      new RegExp(
        `^I\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}       1 api\\.go:65\\] Launching server on :${mcs.port}$`,
      ),
    );
    assert.match(lines[1] ?? '', new RegExp(`api\\.go:65\\] Launching server on :${mcs.insecurePort}$`));
    const requested = lines.filter((l) => l.includes('User-Agent:"Ignition/2.11.0"'));
    assert.equal(requested.length, 1);
    assert.match(
      requested[0] ?? '',
      /^I\d{4} \d{2}:\d{2}:\d{2}\.\d{6} {7}1 api\.go:110\] Pool worker requested by address:"127\.0\.0\.1:\d+" User-Agent:"Ignition\/2\.11\.0" Accept-Header: "application\/vnd\.coreos\.ignition\+json;version=3\.3\.0, \*\/\*;q=0\.1"$/,
    );
    const error = lines.find((l) => l.startsWith('E') && l.includes('api.go:129'));
    assert.match(
      error ?? '',
      /^E\d{4} [\d:.]+ {7}1 api\.go:129\] couldn't get config for req: \{infra 0xc[0-9a-f]+\}, error: could not fetch pool\. err: machineconfigpool\.machineconfiguration\.openshift\.io "infra" not found$/,
    );
  });

  test('the plain-HTTP twin serves the same handler', async () => {
    const reply = await send({ path: '/config/worker', plain: true, headers: { Accept: IGNITION_ACCEPT } });
    assert.equal(reply.status, 200);
    assert.equal((JSON.parse(reply.body) as { ignition: { version: string } }).ignition.version, '3.3.0');
    assert.equal((await send({ path: '/healthz', plain: true })).status, 200);
  });

  test('fault switches: forced status, plain HTTP on the TLS port, silence', async () => {
    try {
      mcs.setFaults({ configStatus: 404 });
      const notFound = await send({ path: '/config/worker' });
      assert.equal(notFound.status, 404);
      assert.equal((await send({ path: '/healthz' })).status, 200);

      mcs.setFaults({ plainHttpOnSecurePort: true });
      const plain = await send({ path: '/healthz', plain: true, port: mcs.port });
      assert.equal(plain.status, 200);

      mcs.setFaults({ silentOnSecurePort: true });
      const answered = await new Promise<boolean>((resolve) => {
        const socket = connect(mcs.port, '127.0.0.1', () =>
          socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'),
        );
        socket.on('data', () => resolve(true));
        socket.on('error', () => resolve(true));
        // A bounded wait, not a timing assertion: the point is that nothing ever comes back.
        setTimeout(() => {
          socket.destroy();
          resolve(false);
        }, 300);
      });
      assert.equal(answered, false);
    } finally {
      mcs.setFaults({});
    }
  });

  test('reload() swaps the served certificate; nothing else does', async () => {
    const next = await issueCertificate(leafOptions(root, { dnsNames: ['localhost'] }));
    assert.equal((await send({ path: '/healthz' })).peerFingerprint, leaf.cert.fingerprintSha256);
    mcs.reload({ certChainPem: next.certPem, keyPem: next.keyPem });
    assert.equal((await send({ path: '/healthz' })).peerFingerprint, next.cert.fingerprintSha256);
    assert.equal(mcs.servedChainPem(), next.certPem);
  });
});

test('binds loopback only', async () => {
  for (const host of ['0.0.0.0', '::', '192.0.2.1', 'localhost', 'example.com']) {
    await assert.rejects(
      startMcsEndpoint({ host, tls: { certChainPem: '', keyPem: '' } }),
      /refusing to bind .*loopback IP addresses only/,
    );
  }
});

test('close() ends open connections, including silent ones', async () => {
  const ca = await issueCertificate({
    subject: 'CN=ca',
    notBefore: new Date('2015-01-01T00:00:00Z'),
    notAfter: new Date('2045-01-01T00:00:00Z'),
    isCA: true,
  });
  const cert = await issueCertificate(leafOptions(ca));
  const endpoint = await startMcsEndpoint({
    host: '127.0.0.2',
    tls: { certChainPem: cert.certPem, keyPem: cert.keyPem },
    faults: { silentOnSecurePort: true },
  });
  const closed = new Promise<void>((resolve, reject) => {
    const socket = connect(endpoint.port, '127.0.0.2');
    socket.on('connect', () => void endpoint.close());
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  await closed;
  await endpoint.close();
});
