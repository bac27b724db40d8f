/**
 * The served chain is read from the server's Certificate message itself, in the order sent and
 * with certificates that do not link to the leaf: under TLS 1.2 (clear) and under each TLS 1.3
 * cipher suite (decrypted with the handshake secret Node's keylog gives).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { workerFetch } from '../../src/probes/fetch.js';
import { serverHandshakeSecret, servedCertificates } from '../../src/probes/served-certificates.js';
import { buildProbePki, type ProbePki } from './pki.js';
import { IGNITION_BODY, startTlsServer, type TestServer } from './servers.js';

let pki: ProbePki;
const servers: TestServer[] = [];
before(async () => {
  pki = await buildProbePki();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const SESSIONS: Array<[string, object]> = [
  ['TLS 1.2', { maxVersion: 'TLSv1.2' }],
  ['TLS 1.3 TLS_AES_128_GCM_SHA256', { ciphers: 'TLS_AES_128_GCM_SHA256' }],
  ['TLS 1.3 TLS_AES_256_GCM_SHA384', { ciphers: 'TLS_AES_256_GCM_SHA384' }],
  ['TLS 1.3 TLS_CHACHA20_POLY1305_SHA256', { ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }],
];

describe('served chain as sent', () => {
  for (const [name, tlsOptions] of SESSIONS) {
    test(`${name}: every certificate, in the order sent, including one that links to nothing`, async () => {
      // Sent: leaf, an unrelated CA, then the intermediate. Node's issuer walk would reorder and drop the stray one.
      const sent = [pki.leafViaIntermediate, pki.rootImpostor, pki.intermediate];
      const s = await startTlsServer(
        sent,
        pki.leafViaIntermediate,
        () => ({ status: 200, body: IGNITION_BODY('3.3.0') }),
        tlsOptions,
      );
      servers.push(s);
      const r = await workerFetch({
        url: `https://localhost:${s.port}/config/worker`,
        anchors: [pki.root.cert],
        timeoutMs: 5000,
      });
      assert.equal(r.verdict, 'ok', r.ignitionError);
      assert.equal(r.chainCapture, 'exact');
      assert.deepEqual(
        r.chain.map((c) => c.fingerprintSha256),
        sent.map((c) => c.cert.fingerprintSha256),
      );
      assert.equal(r.tlsProtocol, name.startsWith('TLS 1.2') ? 'TLSv1.2' : 'TLSv1.3');
    });
  }

  test('unreadable captures give no answer rather than a wrong one', () => {
    assert.equal(servedCertificates(Buffer.alloc(0), { protocol: 'TLSv1.2' }), undefined);
    assert.equal(
      servedCertificates(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), { protocol: 'TLSv1.3' }),
      undefined,
    );
    // A TLS 1.3 capture without the secret cannot be decrypted.
    assert.equal(
      servedCertificates(Buffer.from([22, 3, 3, 0, 4, 2, 0, 0, 0]), {
        protocol: 'TLSv1.3',
        cipher: 'TLS_AES_128_GCM_SHA256',
      }),
      undefined,
    );
  });

  test('keylog lines: only the server handshake secret is taken', () => {
    assert.deepEqual(
      serverHandshakeSecret('SERVER_HANDSHAKE_TRAFFIC_SECRET 0a0b 00ff10\n'),
      Buffer.from([0x00, 0xff, 0x10]),
    );
    assert.equal(serverHandshakeSecret('CLIENT_HANDSHAKE_TRAFFIC_SECRET 0a0b 00ff10\n'), undefined);
  });
});
