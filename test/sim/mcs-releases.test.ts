/**
 * The simulated MCS endpoint as each release writes and answers: the klog lines of 4.12, 4.16
 * and 4.19 (file:line, `%s`/`%q` pool, `%v`/`%+v` request), GetConfig errors as 500s, paths
 * outside /config/ as silent 404s, and its plain-HTTP port answering a TLS ClientHello the way
 * Go's net/http does. Every socket has a timeout; everything binds 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { issueCertificate, type IssuedCert } from '../../src/pki/issue.js';
import { parseCertificates } from '../../src/pki/parse.js';
import { workerFetch } from '../../src/probes/fetch.js';
import { mcsLogDialect } from '../../src/sim/mcs/dialect.js';
import { GO_BAD_REQUEST } from '../../src/sim/mcs/endpoint.js';
import { startMcsEndpoint, type McsEndpoint } from '../../src/sim/mcs/index.js';
import type { OpenShiftVersion } from '../../src/sim/seed.js';
import { leafOptions } from '../helpers/oracle-pki.js';

const ACCEPT = 'application/vnd.coreos.ignition+json;version=3.4.0, */*;q=0.1';
const MISSING = 'rendered-worker-0123456789abcdef0123456789abcdef';

let root: IssuedCert;
let leaf: IssuedCert;

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1',
      port,
      path,
      ca: root.certPem,
      servername: 'localhost',
      headers: { Accept: ACCEPT, 'User-Agent': 'Ignition/2.18.0' },
      agent: false,
      timeout: 5_000,
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.end();
  });
}

/** The first bytes a real TLS client sends (its ClientHello), captured from node's own client. */
async function captureClientHello(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk);
        socket.destroy();
        server.close();
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const client = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', timeout: 5_000 });
      client.on('error', () => {});
      client.on('timeout', () => {
        client.destroy();
        reject(new Error('no ClientHello'));
      });
    });
  });
}

/** Sends raw bytes and collects what comes back until the server closes (bounded). */
function exchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

before(async () => {
  root = await issueCertificate({
    subject: 'CN=root-ca, OU=openshift',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 3650 * 86_400_000),
    isCA: true,
  });
  leaf = await issueCertificate(leafOptions(root, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }));
});

const EXPECTED: Record<
  OpenShiftVersion,
  { launching: string; requested: RegExp; error: RegExp; tlsLine: boolean }
> = {
  '4.12': {
    launching: 'api.go:64',
    requested:
      /^I\d{4} [\d:.]{15} {7}1 api\.go:109\] Pool worker requested by address:"127\.0\.0\.1:\d+" User-Agent:"Ignition\/2\.18\.0" Accept-Header: "application\/vnd\.coreos\.ignition\+json;version=3\.4\.0, \*\/\*;q=0\.1"$/,
    error: new RegExp(
      String.raw`^E\d{4} [\d:.]{15} {7}1 api\.go:128\] couldn't get config for req: \{worker 0xc000[0-9a-f]{6}\}, error: could not fetch config ${MISSING}, err: machineconfig\.machineconfiguration\.openshift\.io "${MISSING}" not found$`,
    ),
    tlsLine: false,
  },
  '4.16': {
    launching: 'api.go:65',
    requested:
      /^I\d{4} [\d:.]{15} {7}1 api\.go:116\] Pool "worker" requested by address:"127\.0\.0\.1:\d+" User-Agent:"Ignition\/2\.18\.0"/,
    error: new RegExp(
      String.raw`^E\d{4} [\d:.]{15} {7}1 api\.go:135\] couldn't get config for req: \{machineConfigPool:worker version:0xc000[0-9a-f]{6}\}, error: could not fetch config ${MISSING}, err: machineconfig\.machineconfiguration\.openshift\.io "${MISSING}" not found$`,
    ),
    tlsLine: false,
  },
  '4.19': {
    launching: 'api.go:68',
    requested: /^I\d{4} [\d:.]{15} {7}1 api\.go:126\] Pool "worker" requested by address:"127\.0\.0\.1:\d+"/,
    error: new RegExp(
      String.raw`^E\d{4} [\d:.]{15} {7}1 api\.go:145\] couldn't get config for req: \{machineConfigPool:worker version:0xc000[0-9a-f]{6}\}, error: could not fetch config ${MISSING}`,
    ),
    tlsLine: true,
  },
};

for (const version of ['4.12', '4.16', '4.19'] as const) {
  describe(`MCS endpoint logging as release ${version}`, () => {
    let mcs: McsEndpoint;
    before(async () => {
      mcs = await startMcsEndpoint({
        host: '127.0.0.1',
        tls: { certChainPem: leaf.certPem, keyPem: leaf.keyPem },
        insecurePort: 0,
        dialect: mcsLogDialect(version),
        getConfig: (pool) =>
          pool === 'worker'
            ? {
                ok: false,
                error: `could not fetch config ${MISSING}, err: machineconfig.machineconfiguration.openshift.io "${MISSING}" not found`,
              }
            : { ok: true },
      });
    });
    after(async () => {
      await mcs?.close();
    });

    test('a GetConfig error is a 500 with an empty body and the release’s two lines', async () => {
      const reply = await get(mcs.port, '/config/worker');
      assert.equal(reply.status, 500);
      assert.equal(reply.body, '');
      const lines = mcs.logLines();
      const want = EXPECTED[version];
      assert.match(
        lines[0] ?? '',
        new RegExp(`${want.launching.replace('.', '\\.')}\\] Launching server on :${mcs.port}$`),
      );
      assert.match(lines.find((l) => l.includes('requested by')) ?? '', want.requested);
      assert.match(lines.find((l) => l.startsWith('E')) ?? '', want.error);
    });

    test('a path outside /config/ is the default handler’s 404: empty body, nothing logged', async () => {
      const before = mcs.logLines().length;
      const reply = await get(mcs.port, '/worker.ign');
      assert.equal(reply.status, 404);
      assert.equal(reply.body, '');
      assert.equal(mcs.logLines().length, before);
      assert.equal((await get(mcs.port, '/config/master')).status, 200);
    });
  });
}

test('4.19 logs its TLS settings line; the others do not', () => {
  assert.match(
    mcsLogDialect('4.19').tlsSettings?.message ?? '',
    /^Launching server with tls min version: VersionTLS12 & cipher suites \[TLS_AES_128_GCM_SHA256 /,
  );
  assert.equal(mcsLogDialect('4.19').versionSource, 'start.go:44');
  assert.equal(mcsLogDialect('4.12').tlsSettings, undefined);
  assert.equal(mcsLogDialect('4.16').tlsSettings, undefined);
});

describe('the plain-HTTP port (22624) getting a TLS ClientHello', () => {
  let mcs: McsEndpoint;
  before(async () => {
    mcs = await startMcsEndpoint({
      host: '127.0.0.1',
      tls: { certChainPem: leaf.certPem, keyPem: leaf.keyPem },
      insecurePort: 0,
    });
  });
  after(async () => {
    await mcs?.close();
  });

  test("answers Go net/http's 400 bytes and logs nothing", async () => {
    const hello = await captureClientHello();
    assert.equal(hello[0], 0x16, 'a TLS handshake record');
    const before = mcs.logLines().length;
    const answer = await exchange(mcs.insecurePort ?? 0, hello);
    assert.equal(answer, GO_BAD_REQUEST);
    assert.equal(mcs.logLines().length, before);
  });

  test("a Go-like client (the worker's fetch) reports Go's plain-HTTP error", async () => {
    const url = `https://127.0.0.1:${mcs.insecurePort ?? 0}/config/worker`;
    const result = await workerFetch({
      url,
      anchors: parseCertificates(root.certPem, 'root'),
      timeoutMs: 3_000,
      hostsFile: '/dev/null',
    });
    assert.equal(result.reason, 'plain-http');
    assert.equal(
      result.ignitionError,
      `GET error: Get "${url}": http: server gave HTTP response to HTTPS client`,
    );
  });

  test('node https fails the handshake on it', async () => {
    await assert.rejects(get(mcs.insecurePort ?? 0, '/config/worker'), (err: NodeJS.ErrnoException) => {
      assert.match(String(err.code), /ERR_SSL_WRONG_VERSION_NUMBER|EPROTO|ERR_SSL_PACKET_LENGTH_TOO_LONG/);
      return true;
    });
  });
});
