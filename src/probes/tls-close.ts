/**
 * Closing a TLS connection the way a polite client does: finish writing what the handshake left
 * queued (TLS 1.3's client Finished), send close_notify, and wait for the server to close its
 * side. Destroying the socket right after the handshake instead throws the queued Finished away:
 * the server never completes its handshake, and Go's net/http logs
 * `http: TLS handshake error from <this machine>: EOF`, a line that reads like a worker failing.
 * A server that completed the handshake and reads close_notify before any request logs nothing.
 */
import type { TLSSocket } from 'node:tls';

/** How long to wait for the server to answer close_notify before dropping the connection. */
export const CLOSE_TIMEOUT_MS = 1_000;

export function closeTls(socket: TLSSocket, timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, Math.max(1, timeoutMs));
    socket.once('close', done);
    socket.on('error', done);
    // Read what the server still sends (TLS 1.3 session tickets, its own close_notify) so its FIN is seen.
    socket.on('data', () => {});
    socket.resume();
    socket.end();
  });
}
