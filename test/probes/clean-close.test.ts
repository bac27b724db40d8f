/**
 * mcs-doctor's probes leave no trace that reads like a failing worker in the MCS log: a probe that
 * only reads the served certificate completes the TLS handshake and closes with close_notify, so
 * the server's handshake never fails (Go's net/http would log `http: TLS handshake error from
 * <this machine>: EOF`); and its HTTP fetches carry Ignition's Accept header and a User-Agent that
 * starts with `Ignition/<version>` and ends with the mcs-doctor mark. Real TLS servers on loopback.
 */
import assert from 'node:assert/strict';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { TLSSocket, createSecureContext, type SecureVersion } from 'node:tls';
import {
  isMcsDoctorUserAgent,
  IGNITION_SPEC3_ACCEPT,
  PROBE_USER_AGENT,
} from '../../src/probes/ignition-client.js';
import { workerFetch } from '../../src/probes/fetch.js';
import { servedLeaf } from '../../src/probes/served-leaf.js';
import { VERSION } from '../../src/version.js';
import { buildProbePki, type ProbePki } from './pki.js';
import { IGNITION_BODY, LOOPBACK } from './servers.js';

interface Observed {
  /** Server-side handshakes that failed (what Go's net/http logs as `TLS handshake error`). */
  handshakeErrors: string[];
  /** Server-side handshakes that completed. */
  secure: number;
  /** Connections whose client sent a TLS alert record after its ChangeCipherSpec (TLS 1.2: close_notify). */
  closedWithAlert: number;
  /** The request heads received. */
  heads: string[];
}

interface ObservingServer {
  port: number;
  seen: Observed;
  /** Resolves once every accepted connection is closed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** TLS records (type, length) in a byte stream, as far as it is complete. */
function recordTypes(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + 5 <= bytes.length; at += 5 + bytes.readUInt16BE(at + 3)) out.push(bytes[at]!);
  return out;
}

/**
 * A TLS server whose TCP bytes from the client are recorded, so that what the client sent at the
 * end is visible; like an MCS, it answers a GET with a config and logs failed handshakes.
 */
async function startObservingServer(pki: ProbePki, maxVersion: SecureVersion): Promise<ObservingServer> {
  const seen: Observed = { handshakeErrors: [], secure: 0, closedWithAlert: 0, heads: [] };
  const open = new Set<Socket>();
  const waiters: Array<() => void> = [];
  const context = createSecureContext({ cert: pki.leaf.certPem, key: pki.leaf.keyPem, maxVersion });
  const server: Server = createNetServer((raw) => {
    open.add(raw);
    raw.on('error', () => {});
    // Through a JS stream, so that the client's bytes can be recorded (a TLSSocket on a net.Socket reads its handle directly).
    const fromClient: Buffer[] = [];
    const pipe = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        raw.write(chunk, callback);
      },
      final(callback) {
        raw.end();
        callback();
      },
      destroy(err, callback) {
        raw.destroy();
        callback(err);
      },
    });
    raw.on('data', (chunk: Buffer) => {
      fromClient.push(chunk);
      pipe.push(chunk);
    });
    raw.on('end', () => pipe.push(null));
    const tls = new TLSSocket(pipe, { isServer: true, secureContext: context });
    let secure = false;
    tls.on('secure', () => {
      secure = true;
      seen.secure++;
    });
    tls.on('error', (err) => {
      if (!secure) seen.handshakeErrors.push(err.message);
    });
    let head = '';
    tls.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      seen.heads.push(head);
      const body = IGNITION_BODY();
      tls.end(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
    tls.on('end', () => tls.end());
    raw.on('close', () => {
      if (!secure) seen.handshakeErrors.push('closed before the handshake completed (EOF)');
      const types = recordTypes(Buffer.concat(fromClient));
      const ccs = types.indexOf(20);
      if (ccs >= 0 && types.slice(ccs + 1).includes(21)) seen.closedWithAlert++;
      open.delete(raw);
      if (open.size === 0) waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    seen,
    settled: () => (open.size === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let pki: ProbePki;
const servers: ObservingServer[] = [];
before(async () => {
  pki = await buildProbePki();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function serve(maxVersion: SecureVersion): Promise<ObservingServer> {
  const s = await startObservingServer(pki, maxVersion);
  servers.push(s);
  return s;
}

describe('a probe that only reads the served certificate completes the handshake and closes cleanly', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    test(`servedLeaf, ${version}: no server-side handshake error, ever`, async () => {
      const s = await serve(version);
      for (let i = 0; i < 10; i++) {
        const r = await servedLeaf(LOOPBACK, s.port, 'localhost', 5000);
        assert.equal(r.ok, true);
        if (r.ok) assert.equal(r.fingerprint256, pki.leaf.cert.fingerprintSha256);
      }
      await s.settled();
      assert.deepEqual(s.seen.handshakeErrors, []);
      assert.equal(s.seen.secure, 10);
      // TLS 1.2 alerts keep their record type after the ChangeCipherSpec: close_notify is visible.
      if (version === 'TLSv1.2') assert.equal(s.seen.closedWithAlert, 10);
    });

    test(`workerFetch with CAs that reject the chain, ${version}: the x509 verdict, no server-side handshake error`, async () => {
      const s = await serve(version);
      for (let i = 0; i < 5; i++) {
        const r = await workerFetch({
          url: `https://localhost:${s.port}/config/worker`,
          anchors: [pki.rootImpostor.cert],
          timeoutMs: 5000,
        });
        assert.equal(r.reason, 'unknown-authority');
      }
      await s.settled();
      assert.deepEqual(s.seen.handshakeErrors, []);
      assert.equal(s.seen.secure, 5);
      assert.deepEqual(s.seen.heads, [], 'nothing but the certificate was read');
      if (version === 'TLSv1.2') assert.equal(s.seen.closedWithAlert, 5);
    });
  }

  test('a handshake that fails is still reported (real evidence), not hidden by the clean close', async () => {
    const s = await serve('TLSv1.2');
    const r = await servedLeaf(LOOPBACK, s.port, 'localhost', 5000);
    assert.equal(r.ok, true);
    // A port where nothing speaks TLS: a failure with its reason.
    const plain = createNetServer((sock) => {
      sock.on('error', () => {});
      sock.resume();
      sock.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => plain.listen(0, LOOPBACK, resolve));
    try {
      const bad = await servedLeaf(LOOPBACK, (plain.address() as { port: number }).port, 'localhost', 5000);
      assert.deepEqual(bad, { ok: false, message: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });
});

describe("mcs-doctor's fetches are marked", () => {
  test("Ignition's Accept, a User-Agent that starts with Ignition/<version> and ends with mcs-doctor/<version>", async () => {
    const s = await serve('TLSv1.3');
    const r = await workerFetch({
      url: `https://localhost:${s.port}/config/worker`,
      anchors: [pki.root.cert],
      timeoutMs: 5000,
    });
    assert.equal(r.verdict, 'ok');
    assert.equal(PROBE_USER_AGENT, `Ignition/2.14.0 mcs-doctor/${VERSION}`);
    assert.deepEqual(r.request, { userAgent: PROBE_USER_AGENT, accept: IGNITION_SPEC3_ACCEPT });
    const head = s.seen.heads[0]!;
    assert.match(
      head,
      new RegExp(`\\r\\nUser-Agent: Ignition/2\\.14\\.0 mcs-doctor/${VERSION.replace(/\./g, '\\.')}\\r\\n`),
    );
    assert.ok(head.includes(`\r\nAccept: ${IGNITION_SPEC3_ACCEPT}\r\n`));
    assert.ok(isMcsDoctorUserAgent(PROBE_USER_AGENT));
    assert.ok(!isMcsDoctorUserAgent('Ignition/2.14.0'));
    await s.settled();
    assert.deepEqual(s.seen.handshakeErrors, []);
  });

  test('a User-Agent given by the caller (a simulated worker) is sent exactly as given', async () => {
    const s = await serve('TLSv1.3');
    await workerFetch({
      url: `https://localhost:${s.port}/config/worker`,
      anchors: [pki.root.cert],
      timeoutMs: 5000,
      userAgent: 'Ignition/2.11.0',
    });
    assert.match(s.seen.heads[0]!, /\r\nUser-Agent: Ignition\/2\.11\.0\r\n/);
  });
});
