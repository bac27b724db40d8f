/**
 * The TLS handshake as the worker's crypto/tls client starts it, but with OpenSSL told to accept
 * anything: the verdict is never OpenSSL's, it is pki/verifyChain's (Go semantics) on the chain
 * captured here. The TCP socket is wrapped in a Duplex that sees the server's first bytes, so
 * a plain-HTTP answer or a non-TLS record is reported the way Go reports it.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { parseCertificate } from '../pki/parse.js';
import type { CertInfo } from '../pki/types.js';
import { ServerFlightRecorder, servedCertificates, serverHandshakeSecret } from './served-certificates.js';
import { FetchDeadline } from './deadline.js';
import { ProbeFailure } from './failure.js';
import {
  EOF,
  NOT_A_TLS_HANDSHAKE,
  PLAIN_HTTP_RESPONSE,
  SSLV2_HANDSHAKE,
  TLS_HANDSHAKE_TIMEOUT,
  joinHostPort,
  readError,
  remoteAlertText,
} from './go-errors.js';

/**
 * The only certificate in OpenSSL's trust store during the handshake. Node's
 * getPeerCertificate(true) completes the served chain with issuers from the trust store; with
 * the anchors (or Node's bundled roots) there, a root the server never sent would show up as
 * served. This self-signed certificate (public part only; its key was thrown away) signs
 * nothing, so every certificate in the walk came from the server.
 */
const INERT_TRUST_ANCHOR = `-----BEGIN CERTIFICATE-----
MIIB0TCCAXegAwIBAgIUOCNjLu2+B/3ddGdXSOCYsaVX7i4wCgYIKoZIzj0EAwIw
PTE7MDkGA1UEAwwybWNzLWRvY3RvciBwbGFjZWhvbGRlciB0cnVzdCBzdG9yZSAo
c2lnbnMgbm90aGluZykwIBcNMjYxMTIzMjEzOTUzWhgPMjEyNjEwMzAyMTM5NTNa
MD0xOzA5BgNVBAMMMm1jcy1kb2N0b3IgcGxhY2Vob2xkZXIgdHJ1c3Qgc3RvcmUg
KHNpZ25zIG5vdGhpbmcpMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHMauDQMd
l4xtD20N4WnF9TNDlPsU+P2aXyxo0Y+LWsa0mYlsUluYTrbnH9VMaqTWgxHznfW7
RYqLccQOkfF8OKNTMFEwHQYDVR0OBBYEFB1bkO5B0ohE3xoA2/D6Gv+BblarMB8G
A1UdIwQYMBaAFB1bkO5B0ohE3xoA2/D6Gv+BblarMA8GA1UdEwEB/wQFMAMBAf8w
CgYIKoZIzj0EAwIDSAAwRQIhAKYPbBdOTjvakDWotvCZ3PKPherUmbnBN4aPBe5R
7MZWAiBGuwVpfYHfx4jPtKqCDz3a5I93FO3114qS8Eek7sfOIQ==
-----END CERTIFICATE-----
`;

type FirstRecord = 'pending' | 'tls' | 'http' | 'not-tls';

const BANNER_BYTES = 120;

/** Greetings of servers that speak first, so the report can say what answers instead of the MCS. */
const BANNERS: Array<[RegExp, string]> = [
  [/^SSH-/, 'an SSH server'],
  [/^220[ -].*(?:FTP|FileZilla)/i, 'an FTP server'],
  [/^220[ -]/, 'an SMTP or FTP server'],
  [/^\+OK/, 'a POP3 server'],
  [/^\* OK/, 'an IMAP server'],
  [/^RFB \d/, 'a VNC server'],
  [/^-ERR|^\+PONG|^-NOAUTH/, 'a Redis server'],
  [/mysql_native_password|caching_sha2_password/, 'a MySQL server'],
];

/**
 * What the server sent instead of TLS, quoted (printable ASCII kept, other bytes as \xNN) and
 * named when it is a known greeting: a port that answers with a banner is some other service.
 */
export function describeBanner(bytes: Buffer): string {
  const firstLine = bytes.subarray(
    0,
    Math.max(1, bytes.indexOf(0x0a) === -1 ? bytes.length : bytes.indexOf(0x0a)),
  );
  let shown = '';
  for (const b of firstLine) {
    if (b === 0x0d) continue;
    shown +=
      b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  const text = firstLine.toString('latin1');
  const known = BANNERS.find(([re]) => re.test(text))?.[1];
  return `"${shown}"${known ? ` (${known})` : ''}`;
}

/**
 * A Duplex over the TCP socket that holds back the server's first 5 bytes until it knows
 * whether they start a TLS record (crypto/tls readRecordOrCCS: type handshake or alert,
 * version < 0x1000) or an HTTP response (net/http checks for "HTTP/").
 */
export class FirstRecordWatcher extends Duplex {
  firstRecord: FirstRecord = 'pending';
  rawReset = false;
  /** Everything the server sent during the handshake, to read its Certificate message as sent. */
  readonly recorder = new ServerFlightRecorder();
  private held = Buffer.alloc(0);
  /** The server's first bytes when they were not TLS (at most BANNER_BYTES), to say what answered. */
  banner = Buffer.alloc(0);

  constructor(
    readonly raw: Socket,
    private readonly onRejected: () => void,
  ) {
    super();
    raw.on('data', (chunk: Buffer) => this.onData(chunk));
    raw.on('end', () => {
      if (this.held.length > 0) this.push(this.held);
      this.held = Buffer.alloc(0);
      this.push(null);
    });
    raw.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') this.rawReset = true;
      this.destroy(err);
    });
  }

  private onData(chunk: Buffer): void {
    this.recorder.add(chunk);
    if (this.firstRecord === 'pending') {
      this.held = Buffer.concat([this.held, chunk]);
      if (this.held.length < 5) return;
      const h = this.held;
      if (h.subarray(0, 5).toString('latin1') === 'HTTP/') this.firstRecord = 'http';
      else if ((h[0] === 0x16 || h[0] === 0x15) && ((h[1] ?? 0) << 8) + (h[2] ?? 0) < 0x1000)
        this.firstRecord = 'tls';
      else this.firstRecord = 'not-tls';
      if (this.firstRecord !== 'tls') {
        this.banner = Buffer.from(h.subarray(0, BANNER_BYTES));
        this.raw.pause();
        this.onRejected();
        return;
      }
      chunk = this.held;
      this.held = Buffer.alloc(0);
    }
    if (this.firstRecord !== 'tls') return;
    if (!this.push(chunk)) this.raw.pause();
  }

  override _read(): void {
    if (this.firstRecord !== 'http' && this.firstRecord !== 'not-tls') this.raw.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.raw.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.raw.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.raw.destroy();
    cb(err);
  }
}

export interface Handshake {
  tls: TLSSocket;
  /** The certificates the server sent, leaf first. */
  served: CertInfo[];
  /** 'exact': read from the Certificate message; 'issuer-walk': Node's walk (linked certificates only). */
  chainCapture: 'exact' | 'issuer-walk';
  /** The SNI sent (undefined for IP hosts, as Go). */
  sni?: string;
  protocol?: string;
  cipher?: string;
}

function parseServed(ders: Buffer[]): CertInfo[] {
  return ders.map((der, i) => {
    try {
      return parseCertificate(der, `certificate #${i} sent by the server`);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new ProbeFailure(
        'cert-invalid',
        `tls: failed to parse certificate from server: x509: ${msg.replace(/^cannot parse certificate: /, '')}`,
        'the server sent a certificate that cannot be parsed',
      );
    }
  });
}

/**
 * Fallback when the Certificate message cannot be read: walks Node's peer chain. Limitation: Node reorders what the server sent by issuer and drops
 * certificates that do not link to the leaf (e.g. an unrelated extra certificate or a second
 * cross-signed intermediate with the same subject); Go would keep them as candidate
 * intermediates. The inert trust anchor keeps non-served certificates out.
 */
function servedChain(peer: DetailedPeerCertificate): CertInfo[] {
  const ders: Buffer[] = [];
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = peer;
  while (cur?.raw && cur.raw.length > 0) {
    const key = cur.raw.toString('base64');
    if (seen.has(key)) break;
    seen.add(key);
    ders.push(cur.raw);
    cur = cur.issuerCertificate;
  }
  return parseServed(ders);
}

export interface HandshakeOptions {
  /** Go's ServerName: the URL host (IPv6 in brackets); no SNI is sent for IP literals. */
  serverName: string;
  isIpHost: boolean;
  stepMs: number;
  deadline: FetchDeadline;
}

export function tlsHandshake(raw: Socket, opts: HandshakeOptions): Promise<Handshake> {
  const limit = opts.deadline.limit(opts.stepMs);
  const remote = joinHostPort(raw.remoteAddress ?? '?', raw.remotePort ?? 0);
  const local = joinHostPort(raw.localAddress ?? '?', raw.localPort ?? 0);
  return new Promise((resolve, reject) => {
    let settled = false;
    // Set once tls.connect returns; the callbacks below run only after that (they are asynchronous).
    const handle: { sock?: TLSSocket } = {};
    const finish = (failure?: ProbeFailure, ok?: Handshake): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (failure) {
        handle.sock?.destroy();
        watcher.destroy();
        reject(failure);
      } else if (ok) resolve(ok);
    };
    const watcher = new FirstRecordWatcher(raw, () => {
      finish(
        watcher.firstRecord === 'http'
          ? new ProbeFailure(
              'plain-http',
              PLAIN_HTTP_RESPONSE,
              'the port answered with plain HTTP, not TLS (22624 is the MCS plain-HTTP port; 22623 must be TLS)',
            )
          : new ProbeFailure(
              'not-tls',
              watcher.banner[0] === 0x80 ? SSLV2_HANDSHAKE : NOT_A_TLS_HANDSHAKE,
              `the port answered with something other than TLS: it sent ${describeBanner(watcher.banner)}`,
            ),
      );
    });
    const timer = setTimeout(
      () =>
        finish(
          new ProbeFailure(
            'timeout',
            FetchDeadline.text(limit, TLS_HANDSHAKE_TIMEOUT),
            `the TCP connection to ${remote} opened, but the TLS handshake did not finish within ${limit.ms} ms`,
          ),
        ),
      Math.max(1, limit.ms),
    );
    const sock = tlsConnect({
      socket: watcher,
      // Go sends SNI = the URL host, except for IP literals; Node would otherwise default to "localhost".
      servername: opts.isIpHost ? '' : opts.serverName.replace(/\.$/, ''),
      rejectUnauthorized: false,
      ca: [INERT_TRUST_ANCHOR],
      minVersion: 'TLSv1.2',
    });
    handle.sock = sock;
    let handshakeSecret: Buffer | undefined;
    sock.on('keylog', (line: Buffer) => {
      handshakeSecret ??= serverHandshakeSecret(line);
    });
    sock.once('secureConnect', () => {
      try {
        const s = sock;
        watcher.recorder.stop();
        const protocol = s.getProtocol() ?? undefined;
        const cipher = s.getCipher()?.standardName ?? s.getCipher()?.name;
        const exact = servedCertificates(watcher.recorder.bytes(), {
          protocol,
          cipher,
          serverHandshakeSecret: handshakeSecret,
        });
        const served = exact ? parseServed(exact) : servedChain(s.getPeerCertificate(true));
        if (served.length === 0) {
          finish(new ProbeFailure('tls-handshake-failed', 'tls: server sent no certificates', undefined));
          return;
        }
        finish(undefined, {
          tls: s,
          served,
          chainCapture: exact ? 'exact' : 'issuer-walk',
          sni: opts.isIpHost ? undefined : opts.serverName.replace(/\.$/, ''),
          protocol,
          cipher: s.getCipher()?.name,
        });
      } catch (err) {
        finish(
          err instanceof ProbeFailure
            ? err
            : new ProbeFailure(
                'tls-handshake-failed',
                `tls: ${String(err)}`,
                'reading the served chain failed',
              ),
        );
      }
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      if (watcher.firstRecord === 'http' || watcher.firstRecord === 'not-tls') return; // already reported
      const alert = remoteAlertText(err.code);
      if (alert) {
        finish(
          new ProbeFailure('tls-handshake-failed', alert, `the server aborted the handshake: ${err.message}`),
        );
      } else if (watcher.rawReset) {
        finish(
          new ProbeFailure(
            'tls-handshake-failed',
            readError(local, remote, 'connection reset by peer'),
            'the server reset the connection during the TLS handshake',
          ),
        );
      } else if (err.code === 'ECONNRESET' || /disconnected before secure TLS/.test(err.message)) {
        finish(
          new ProbeFailure(
            'tls-handshake-failed',
            EOF,
            'the server closed the connection during the TLS handshake',
          ),
        );
      } else {
        finish(
          new ProbeFailure(
            'tls-handshake-failed',
            `tls: handshake failed (${err.message})`,
            `OpenSSL: ${err.code ?? ''} ${err.message} (Go's exact text may differ)`,
          ),
        );
      }
    });
  });
}
