/**
 * The certificate a TLS server presents, without judging it: what a fix compares with the secret
 * it just wrote to learn whether the server loaded it. One connection, a timeout, no retries.
 */
import { connect } from 'node:tls';

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
    const done = (v: ServedLeaf) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(
      () => done({ ok: false, message: `no TLS handshake within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      if (!cert || !cert.fingerprint256)
        return done({ ok: false, message: 'the server sent no certificate' });
      done({ ok: true, fingerprint256: cert.fingerprint256, notAfter: new Date(cert.valid_to) });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, message: e.code ?? e.message }));
  });
}
