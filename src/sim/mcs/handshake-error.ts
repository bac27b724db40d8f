/**
 * What Go's net/http server logs when a TLS handshake fails (`http: TLS handshake error from
 * <addr>: <err>`), from the error Node's server-side TLS socket reports. A client alert is
 * crypto/tls's `remote error: tls: <alert text>` (a Go worker rejecting the certificate sends
 * alert 42: `remote error: tls: bad certificate`); a client that hangs up mid-handshake is `EOF`.
 */
import { NOT_A_TLS_HANDSHAKE, EOF, readError, remoteAlertText } from '../../probes/go-errors.js';

interface NodeTlsError extends Error {
  code?: string;
  syscall?: string;
}

/**
 * The Go error text for a failed handshake, or undefined when Go logs nothing: a plain HTTP
 * request on the TLS port gets a 400 answer from net/http without a log line.
 */
export function goHandshakeError(
  err: NodeTlsError | undefined,
  local: string,
  peer: string,
): string | undefined {
  if (!err) return EOF;
  const code = err.code ?? '';
  const alert = remoteAlertText(code);
  if (alert) return alert;
  switch (code) {
    case 'ERR_SSL_HTTP_REQUEST':
      return undefined;
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_HTTPS_PROXY_REQUEST':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return NOT_A_TLS_HANDSHAKE;
    case 'ERR_SSL_UNSUPPORTED_PROTOCOL':
    case 'ERR_SSL_NO_PROTOCOLS_AVAILABLE':
      // The client offered only TLS 1.0/1.1 (the MCS requires 1.2); Go lists the offered versions in hex.
      return 'tls: client offered only unsupported versions: [302 301]';
    case 'ERR_SSL_NO_SHARED_CIPHER':
      return 'tls: no cipher suite supported by both client and server';
    case 'ECONNRESET':
      // A FIN before the handshake ended reads as io.EOF in Go; a real RST is a read error.
      return err.syscall === 'read' ? readError(local, peer, 'connection reset by peer') : EOF;
    case 'EPIPE':
      return `write tcp ${local}->${peer}: write: broken pipe`;
    default:
      return EOF;
  }
}
