/**
 * The certificate a TLS server presents, without judging it: what a fix compares with the secret
 * it just wrote to learn whether the server loaded it. One connection, a timeout, no retries.
 * The handshake is completed and the connection closed with close_notify, so the server logs
 * nothing about this read (an MCS logs a handshake its client abandons as `TLS handshake error
 * ... EOF`); only a handshake that fails is a failure.
 */
import { connect } from 'node:tls';
import { closeTls } from './tls-close.js';

export type ServedLeaf =
  { ok: true; fingerprint256: string; notAfter: Date } | { ok: false; message: string };

export function servedLeaf(
  host: string,
  port: number,
  serverName: string,
  timeoutMs: number,
): Promise<ServedLeaf> {
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      servername: /^[\d.]+$|:/.test(serverName) ? undefined : serverName,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    let settled = false;
    const done = (v: ServedLeaf, graceful = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceful) void closeTls(socket).then(() => resolve(v));
      else {
        socket.destroy();
        resolve(v);
      }
    };
    const timer = setTimeout(
      () => done({ ok: false, message: `no TLS handshake within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      if (!cert || !cert.fingerprint256)
        return done({ ok: false, message: 'the server sent no certificate' }, true);
      done({ ok: true, fingerprint256: cert.fingerprint256, notAfter: new Date(cert.valid_to) }, true);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, message: e.code ?? e.message }));
  });
}
