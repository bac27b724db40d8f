/**
 * workerFetch against real TLS servers on 127.0.0.1: each verdict, with Go's and Ignition's
 * exact texts, what the server received (SNI, request bytes), and the chain captured.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { workerFetch } from '../../src/probes/fetch.js';
import { IGNITION_LEGACY_ACCEPT } from '../../src/probes/ignition-client.js';
import type { FetchOptions } from '../../src/probes/types.js';
import { VERSION } from '../../src/version.js';
import { buildProbePki, DAY, type ProbePki } from './pki.js';
import {
  IGNITION_BODY,
  closedPort,
  startNxdomainDns,
  startPlainHttpServer,
  startSilentServer,
  startTlsServer,
  type TestServer,
} from './servers.js';

let pki: ProbePki;
const servers: TestServer[] = [];
let tmp: string;

before(async () => {
  pki = await buildProbePki();
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-probe-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(tmp, { recursive: true, force: true });
});

async function serve(...args: Parameters<typeof startTlsServer>): Promise<TestServer> {
  const s = await startTlsServer(...args);
  servers.push(s);
  return s;
}
const okConfig = (): { status: number; body: string } => ({ status: 200, body: IGNITION_BODY() });
const url = (port: number, host = 'localhost'): string => `https://${host}:${port}/config/worker`;
const fetchWith = (o: Partial<FetchOptions> & { url: string }): ReturnType<typeof workerFetch> =>
  workerFetch({ anchors: [pki.root.cert], timeoutMs: 5000, ...o });

describe('workerFetch: TLS verdicts (Go crypto/x509 at the worker clock)', () => {
  test('valid chain: 200 with an Ignition config, exact request bytes and SNI as Ignition sends them', async () => {
    const s = await serve([pki.leaf], pki.leaf, okConfig);
    const r = await fetchWith({ url: url(s.port) });
    assert.equal(r.verdict, 'ok');
    assert.equal(r.reason, 'ok');
    assert.equal(r.ignitionError, undefined);
    assert.equal(r.http?.status, 200);
    assert.equal(r.http?.ignitionVersion, '3.3.0');
    assert.equal(r.address, '127.0.0.1');
    assert.equal(s.seen.length, 1);
    assert.equal(s.seen[0]?.sni, 'localhost');
    assert.deepEqual(s.sniSeen, ['localhost']);
    assert.equal(
      s.seen[0]?.head,
      'GET /config/worker HTTP/1.1\r\n' +
        `Host: localhost:${s.port}\r\n` +
        `User-Agent: Ignition/2.14.0 mcs-doctor/${VERSION}\r\n` +
        'Accept: application/vnd.coreos.ignition+json;version=3.3.0, */*;q=0.1\r\n' +
        'Accept-Encoding: identity\r\n\r\n',
    );
  });

  test('the chain is captured with the intermediate the server sent, and verifies to the root', async () => {
    const s = await serve([pki.leafViaIntermediate, pki.intermediate], pki.leafViaIntermediate, okConfig);
    const r = await fetchWith({ url: url(s.port) });
    assert.equal(r.verdict, 'ok');
    assert.deepEqual(
      r.chain.map((c) => c.subject),
      ['CN=api-int.test.invalid (via intermediate)', 'CN=mcs-intermediate'],
    );
    assert.equal(r.verification?.anchor?.spkiSha256, pki.root.cert.spkiSha256);
  });

  test('the chain is captured even when it does not verify (root not sent, never added from the anchors)', async () => {
    const s = await serve([pki.leafViaIntermediate], pki.leafViaIntermediate, okConfig);
    const r = await fetchWith({ url: url(s.port) });
    assert.equal(r.reason, 'unknown-authority');
    assert.deepEqual(
      r.chain.map((c) => c.subject),
      ['CN=api-int.test.invalid (via intermediate)'],
    );
    assert.equal(s.seen.length, 0, 'no HTTP request after a failed verification');
  });

  test('expired leaf: Go text, retried by Ignition; --at in the past makes it valid', async () => {
    const s = await serve([pki.expiredLeaf], pki.expiredLeaf, okConfig);
    const at = new Date('2030-01-02T03:04:05Z');
    const r = await fetchWith({ url: url(s.port), at: new Date(pki.now) });
    assert.equal(r.verdict, 'fail');
    assert.equal(r.reason, 'cert-expired');
    assert.equal(
      r.ignitionError,
      `GET error: Get "${url(s.port)}": x509: certificate has expired or is not yet valid: current time ${new Date(pki.now).toISOString().replace(/\.\d+Z$/, 'Z')} is after ${pki.expiredLeaf.cert.notAfter.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    );
    assert.equal(r.ignitionFinal, 'Ignition failed: unable to fetch resource in time');
    assert.ok(at);
    const past = await fetchWith({ url: url(s.port), at: new Date(pki.now - 10 * DAY) });
    assert.equal(past.verdict, 'ok');
  });

  test('not yet valid leaf: Go text; --at in the future makes it valid', async () => {
    const s = await serve([pki.futureLeaf], pki.futureLeaf, okConfig);
    const r = await fetchWith({ url: url(s.port) });
    assert.equal(r.reason, 'cert-not-yet-valid');
    assert.match(
      r.ignitionError ?? '',
      /x509: certificate has expired or is not yet valid: current time \S+Z is before \S+Z$/,
    );
    const future = await fetchWith({ url: url(s.port), at: new Date(pki.now + 10 * DAY) });
    assert.equal(future.verdict, 'ok');
  });

  test('anchor with the same subject but another key: unknown authority', async () => {
    const s = await serve([pki.leaf], pki.leaf, okConfig);
    const r = await fetchWith({ url: url(s.port), anchors: [pki.rootImpostor.cert] });
    assert.equal(r.reason, 'unknown-authority');
    // Go 1.19 names the candidate it tried when subjects match but the signature does not.
    assert.equal(
      r.ignitionError,
      `GET error: Get "${url(s.port)}": x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "root-ca")`,
    );
  });

  test('IP URL without IP SANs: hostname mismatch, and no SNI sent (as Go for IP literals)', async () => {
    const s = await serve([pki.leaf], pki.leaf, okConfig);
    const r = await fetchWith({ url: url(s.port, '127.0.0.1') });
    assert.equal(r.reason, 'hostname-mismatch');
    assert.equal(
      r.ignitionError,
      `GET error: Get "${url(s.port, '127.0.0.1')}": x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs`,
    );
    assert.equal(r.sni, undefined);
    assert.equal(s.connections, 1);
    assert.deepEqual(s.sniSeen, [], 'no SNI in the ClientHello');
  });

  test('DNS name not in the SANs: Go lists the valid names', async () => {
    const s = await serve([pki.leaf], pki.leaf, okConfig);
    const r = await fetchWith({
      url: url(s.port, 'api-int.other.invalid'),
      resolve: new Map([['api-int.other.invalid', '127.0.0.1']]),
    });
    assert.equal(r.reason, 'hostname-mismatch');
    assert.match(
      r.ignitionError ?? '',
      /x509: certificate is valid for localhost, api-int\.test\.invalid, not api-int\.other\.invalid$/,
    );
    assert.deepEqual(s.sniSeen, ['api-int.other.invalid']);
  });
});

describe('workerFetch: HTTP outcomes', () => {
  test('404: GET result: Not Found, Ignition gives up at once', async () => {
    const s = await serve([pki.leaf], pki.leaf, () => ({ status: 404, body: '' }));
    const r = await fetchWith({ url: url(s.port) });
    assert.equal(r.reason, 'not-found');
    assert.equal(r.ignitionError, 'GET result: Not Found');
    assert.equal(r.ignitionFinal, 'Ignition failed: resource not found');
    assert.equal(r.http?.status, 404);
  });

  test('500: GET result: Internal Server Error, retried until the timeout', async () => {
    const s = await serve([pki.leaf], pki.leaf, () => ({ status: 500, body: '' }));
    const r = await fetchWith({ url: url(s.port) });
    assert.equal(r.reason, 'http-error');
    assert.equal(r.ignitionError, 'GET result: Internal Server Error');
    assert.equal(r.ignitionFinal, 'Ignition failed: unable to fetch resource in time');
  });

  test('200 with something that is not an Ignition config', async () => {
    const s = await serve([pki.leaf], pki.leaf, () => ({
      status: 200,
      body: '<html>hi</html>',
      contentType: 'text/html',
    }));
    const r = await fetchWith({ url: url(s.port) });
    assert.equal(r.reason, 'not-ignition');
    assert.equal(r.ignitionFinal, 'Ignition failed: config is not valid');
    assert.equal(r.http?.contentType, 'text/html');
  });

  test('legacy Ignition 0.x: its Accept header, and a spec-2 config is accepted', async () => {
    const s = await serve([pki.leaf], pki.leaf, (head) => ({
      status: 200,
      body: IGNITION_BODY(head.includes('version=2.2.0') ? '2.2.0' : '3.3.0'),
    }));
    const r = await fetchWith({ url: url(s.port), legacyIgnition: true });
    assert.equal(r.verdict, 'ok');
    assert.equal(r.http?.ignitionVersion, '2.2.0');
    assert.ok(s.seen[0]?.head.includes(`\r\nAccept: ${IGNITION_LEGACY_ACCEPT}\r\n`));
  });

  test('a server that never sends response headers: net/http: timeout awaiting response headers', async () => {
    const s = await serve([pki.leaf], pki.leaf, () => 'never');
    const r = await fetchWith({ url: url(s.port), timeoutMs: 5000, responseHeaderTimeoutMs: 300 });
    assert.equal(r.reason, 'timeout');
    assert.equal(
      r.ignitionError,
      `GET error: Get "${url(s.port)}": net/http: timeout awaiting response headers`,
    );
    assert.equal(s.seen.length, 1, 'the request did arrive');
  });
});

describe('workerFetch: transport failures', () => {
  test('connection refused: Go dial error with the address', async () => {
    const port = await closedPort();
    const r = await fetchWith({ url: url(port) });
    assert.equal(r.reason, 'connection-refused');
    assert.equal(
      r.ignitionError,
      `GET error: Get "${url(port)}": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    assert.equal(r.ignitionFinal, 'Ignition failed: unable to fetch resource in time');
    assert.deepEqual(r.chain, []);
  });

  test('plain HTTP on the port: http: server gave HTTP response to HTTPS client', async () => {
    const s = await startPlainHttpServer();
    servers.push(s);
    const r = await fetchWith({ url: url(s.port) });
    assert.equal(r.reason, 'plain-http');
    assert.equal(
      r.ignitionError,
      `GET error: Get "${url(s.port)}": http: server gave HTTP response to HTTPS client`,
    );
  });

  test('TCP accepted, TLS never answered: the TLS handshake timeout', async () => {
    const s = await startSilentServer();
    servers.push(s);
    const r = await fetchWith({ url: url(s.port), timeoutMs: 300 });
    assert.equal(r.reason, 'timeout');
    assert.equal(r.ignitionError, `GET error: Get "${url(s.port)}": net/http: TLS handshake timeout`);
  });

  test("TCP accepted, TLS never answered, the pointer's httpTotal ends first: context deadline exceeded", async () => {
    const s = await startSilentServer();
    servers.push(s);
    const r = await fetchWith({ url: url(s.port), timeoutMs: 5000, totalTimeoutMs: 300 });
    assert.equal(r.reason, 'timeout');
    assert.equal(r.ignitionError, `GET error: Get "${url(s.port)}": context deadline exceeded`);
  });

  test('--resolve override: the name is dialled at the given IP, SNI and Host keep the name', async () => {
    const s = await serve([pki.leaf], pki.leaf, okConfig);
    const u = url(s.port, 'api-int.test.invalid');
    const r = await fetchWith({ url: u, resolve: new Map([['api-int.test.invalid', '127.0.0.1']]) });
    assert.equal(r.verdict, 'ok');
    assert.equal(r.resolvedFrom, 'override');
    assert.equal(r.address, '127.0.0.1');
    assert.equal(s.seen[0]?.sni, 'api-int.test.invalid');
    assert.ok(s.seen[0]?.head.includes(`\r\nHost: api-int.test.invalid:${s.port}\r\n`));
  });

  test('a name in the hosts file is used before DNS', async () => {
    const s = await serve([pki.leaf], pki.leaf, okConfig);
    const hostsFile = join(tmp, 'hosts');
    await writeFile(hostsFile, '# test\n127.0.0.1   api-int.test.invalid  other\n');
    const r = await fetchWith({
      url: url(s.port, 'API-INT.test.invalid'),
      hostsFile,
      dnsServers: ['127.0.0.1:9'],
    });
    assert.equal(r.resolvedFrom, 'hosts');
    assert.equal(r.verdict, 'ok', 'case-insensitive match, as Go');
    assert.ok(
      s.seen[0]?.head.includes(`\r\nHost: API-INT.test.invalid:${s.port}\r\n`),
      'Host keeps the case as written',
    );
  });

  test('NXDOMAIN: dial tcp: lookup NAME on SERVER: no such host', async () => {
    const dns = await startNxdomainDns();
    try {
      const hostsFile = join(tmp, 'hosts-empty');
      await writeFile(hostsFile, '');
      const u = 'https://api-int.nowhere.invalid:22623/config/worker';
      const r = await fetchWith({ url: u, hostsFile, dnsServers: [`127.0.0.1:${dns.port}`] });
      assert.equal(r.reason, 'dns-error');
      assert.equal(
        r.ignitionError,
        `GET error: Get "${u}": dial tcp: lookup api-int.nowhere.invalid on 127.0.0.1:${dns.port}: no such host`,
      );
      assert.ok(dns.queries.includes('api-int.nowhere.invalid'));
    } finally {
      await dns.close();
    }
  });
});
