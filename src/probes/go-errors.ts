/**
 * The texts Go 1.19's net, net/http and crypto/tls print, as Ignition logs them. Kept in one
 * place so that `probe`, `explain` and the docs agree on every byte.
 * Sources: go1.19 src/net/net.go (OpError.Error), net/dnsclient_unix.go and net/net.go
 * (DNSError.Error), net/http/transport.go (TLS handshake and header timeouts, the
 * "server gave HTTP response" check), net/http/status.go (StatusText), crypto/tls/alert.go.
 */
import { goQuote } from '../pki/goquote.js';

/** `host:port` as Go's net.JoinHostPort writes it (IPv6 in brackets). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** url.Error as http.Client.Do returns it: `Get "<url>": <err>`. Ignition prefixes `GET error: `. */
export function getErrorLine(url: string, err: string): string {
  return `GET error: Get ${goQuote(url)}: ${err}`;
}

/** net.OpError for a failed connect: `dial tcp 10.0.0.1:22623: connect: connection refused`. */
export function dialError(address: string, port: number, err: string): string {
  return `dial tcp ${joinHostPort(address, port)}: ${err}`;
}

/** A failed lookup as the dialer reports it: `dial tcp: lookup api-int.x on 10.0.0.1:53: no such host`. */
export function lookupError(host: string, server: string | undefined, err: string): string {
  return server ? `dial tcp: lookup ${host} on ${server}: ${err}` : `dial tcp: lookup ${host}: ${err}`;
}

/** Linux errno -> the syscall error text Go prints after `connect: ` (syscall.Errno.Error, from strerror). */
const CONNECT_ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ECONNRESET: 'connection reset by peer',
  EHOSTDOWN: 'host is down',
  ENETDOWN: 'network is down',
};

export function connectErrnoText(code: string | undefined): string {
  return CONNECT_ERRNO_TEXT[code ?? ''] ?? `connect error ${code ?? 'unknown'}`;
}

export function connectErrorText(code: string | undefined): string {
  return `connect: ${connectErrnoText(code)}`;
}

/** Go's timeout error (os.ErrDeadlineExceeded / poll.errTimeout). */
export const IO_TIMEOUT = 'i/o timeout';
/** context.DeadlineExceeded: what http.Client returns when the request context (Ignition's httpTotal) ends. */
export const CONTEXT_DEADLINE_EXCEEDED = 'context deadline exceeded';
/** net/http transport: TLSHandshakeTimeout elapsed (Ignition sets 10 s). */
export const TLS_HANDSHAKE_TIMEOUT = 'net/http: TLS handshake timeout';
/** net/http transport: ResponseHeaderTimeout elapsed (Ignition: timeouts.httpResponseHeaders, default 10 s). */
export const RESPONSE_HEADER_TIMEOUT = 'net/http: timeout awaiting response headers';
/** net/http transport: the first TLS record was "HTTP/". */
export const PLAIN_HTTP_RESPONSE = 'http: server gave HTTP response to HTTPS client';
/** crypto/tls RecordHeaderError for a first record that is neither a handshake nor an alert. */
export const NOT_A_TLS_HANDSHAKE = 'tls: first record does not look like a TLS handshake';
/** crypto/tls readRecordOrCCS: a first byte of 0x80 (an SSLv2 record header) before the handshake. */
export const SSLV2_HANDSHAKE = 'tls: unsupported SSLv2 handshake received';
/** The connection ended before a complete response: Go returns io.EOF. */
export const EOF = 'EOF';

/** `read tcp 127.0.0.1:40000->127.0.0.1:22623: read: connection reset by peer`. */
export function readError(local: string, remote: string, err: string): string {
  return `read tcp ${local}->${remote}: read: ${err}`;
}

/** crypto/tls alert.go alertText, keyed by the alert's OpenSSL name (as in Node's ERR_SSL_*_ALERT_* codes). */
const TLS_ALERT_TEXT: Record<string, string> = {
  CLOSE_NOTIFY: 'close notify',
  UNEXPECTED_MESSAGE: 'unexpected message',
  BAD_RECORD_MAC: 'bad record MAC',
  DECRYPTION_FAILED: 'decryption failed',
  RECORD_OVERFLOW: 'record overflow',
  DECOMPRESSION_FAILURE: 'decompression failure',
  HANDSHAKE_FAILURE: 'handshake failure',
  BAD_CERTIFICATE: 'bad certificate',
  UNSUPPORTED_CERTIFICATE: 'unsupported certificate',
  CERTIFICATE_REVOKED: 'revoked certificate',
  CERTIFICATE_EXPIRED: 'expired certificate',
  CERTIFICATE_UNKNOWN: 'unknown certificate',
  ILLEGAL_PARAMETER: 'illegal parameter',
  UNKNOWN_CA: 'unknown certificate authority',
  ACCESS_DENIED: 'access denied',
  DECODE_ERROR: 'error decoding message',
  DECRYPT_ERROR: 'error decrypting message',
  EXPORT_RESTRICTION: 'export restriction',
  PROTOCOL_VERSION: 'protocol version not supported',
  INSUFFICIENT_SECURITY: 'insufficient security level',
  INTERNAL_ERROR: 'internal error',
  INAPPROPRIATE_FALLBACK: 'inappropriate fallback',
  USER_CANCELLED: 'user canceled',
  NO_RENEGOTIATION: 'no renegotiation',
  MISSING_EXTENSION: 'missing extension',
  UNSUPPORTED_EXTENSION: 'unsupported extension',
  CERTIFICATE_UNOBTAINABLE: 'certificate unobtainable',
  UNRECOGNIZED_NAME: 'unrecognized name',
  BAD_CERTIFICATE_STATUS_RESPONSE: 'bad certificate status response',
  BAD_CERTIFICATE_HASH_VALUE: 'bad certificate hash value',
  UNKNOWN_PSK_IDENTITY: 'unknown PSK identity',
  CERTIFICATE_REQUIRED: 'certificate required',
  NO_APPLICATION_PROTOCOL: 'no application protocol',
};

/**
 * A TLS alert the server sent, from Node's error code (e.g. ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE,
 * ERR_SSL_TLSV1_UNRECOGNIZED_NAME): Go prints `remote error: tls: handshake failure`.
 */
export function remoteAlertText(nodeCode: string | undefined): string | undefined {
  const m = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_(?:ALERT_)?([A-Z_]+)$/.exec(nodeCode ?? '');
  const text = m?.[1] ? TLS_ALERT_TEXT[m[1]] : undefined;
  return text ? `remote error: tls: ${text}` : undefined;
}

/** go1.19 net/http status.go StatusText (differs from Node's STATUS_CODES for 413, 414, 416, 418). */
const GO_STATUS_TEXT: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  207: 'Multi-Status',
  208: 'Already Reported',
  226: 'IM Used',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Entity',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  510: 'Not Extended',
  511: 'Network Authentication Required',
};

/** http.StatusText: "" for a code Go does not know (Ignition then logs `GET result: `). */
export function goStatusText(status: number): string {
  return GO_STATUS_TEXT[status] ?? '';
}

/**
 * Ignition 2.14's final lines (internal/resource/http.go, config/shared/errors).
 * Transport errors and 5xx are retried until httpTotal ends (forever without it), then ErrTimeout.
 */
export const IGNITION_FINAL = {
  timeout: 'Ignition failed: unable to fetch resource in time',
  notFound: 'Ignition failed: resource not found',
  failed: 'Ignition failed: failed to fetch resource',
  unsupportedVersion: 'Ignition failed: unsupported config version',
  invalid: 'Ignition failed: config is not valid',
  empty: 'Ignition failed: not a config (empty)',
} as const;
