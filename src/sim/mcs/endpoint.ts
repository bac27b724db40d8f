/**
 * A Machine Config Server endpoint on loopback: TLS on the secure port serving exactly the
 * chain it is given, an optional plain-HTTP twin (the 22624 listener), the real handler, klog
 * lines, and fault switches. The served certificate changes only through `reload()`: the real
 * MCS before 4.19 loads it once, so a new cert needs a pod restart, which `reload()` models.
 */
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { joinHostPort } from '../../probes/go-errors.js';
import { DEFAULT_MCS_DIALECT, type McsLogDialect } from './dialect.js';
import { handleMcsRequest, type ConfigLookup, type HandlerSettings } from './handler.js';
import { goHandshakeError } from './handshake-error.js';
import type { PoolContent } from './ignition-config.js';
import { KlogSink } from './klog.js';
import { assertLoopback } from './loopback.js';

export interface McsTlsMaterial {
  /** PEM certificates, leaf first, sent exactly as given. */
  certChainPem: string;
  keyPem: string;
}

/** Ways to break the endpoint on purpose (tests, demo, scenarios). All switchable at runtime. */
export interface McsFaults {
  /** Answer every /config request with this HTTP status and an empty body (e.g. 404, 500). */
  configStatus?: number;
  /** Speak plain HTTP on the TLS port (a misrouted VIP or a proxy in the way). */
  plainHttpOnSecurePort?: boolean;
  /** Accept TCP connections on the secure port and never answer (a black hole, for timeouts). */
  silentOnSecurePort?: boolean;
}

export interface McsEndpointOptions {
  /** Loopback IP literal to bind (127.0.0.0/8 or ::1); anything else is refused. */
  host: string;
  /** Secure (TLS) port; 0 picks a free one. */
  port?: number;
  tls: McsTlsMaterial;
  /** Port for the plain-HTTP twin (0 = free port); omitted = no twin. */
  insecurePort?: number;
  /** Pools that exist (default master and worker); other pools get the real 500. */
  pools?: string[];
  /**
   * GetConfig as the cluster MCS does it (pool, then its rendered MachineConfig), read on each
   * request as the real server reads its listers; overrides `pools`.
   */
  getConfig?: (pool: string) => ConfigLookup;
  /** The release's log lines (file:line, quoting); default DEFAULT_MCS_DIALECT. */
  dialect?: McsLogDialect;
  /** Highest spec 3 minor served (3.5 at MCO HEAD). */
  maxSpec3Minor?: number;
  /** Content of the served configs; defaults derive from the bound address. */
  content?: Partial<PoolContent>;
  faults?: McsFaults;
  /**
   * Called with each line the server writes, as it is written (lines are also kept, see
   * `logLines()`): klog lines and, like Go's http.Server without an ErrorLog, `log` package
   * lines such as `2026/11/23 10:00:00 http: TLS handshake error from 127.12.1.10:43822: EOF`.
   */
  onLogLine?: (line: string) => void;
}

export interface McsEndpoint {
  readonly host: string;
  readonly port: number;
  readonly insecurePort?: number;
  /** `https://host:port`, IPv6 in brackets. */
  readonly baseUrl: string;
  configUrl(pool?: string): string;
  /** The chain currently served, as given. */
  servedChainPem(): string;
  /** Loads new TLS material (a pod restart with a new secret); new handshakes use it. */
  reload(tls: McsTlsMaterial): void;
  setFaults(faults: McsFaults): void;
  /** The pools that exist now (the real server reads them from the pool lister on each request). */
  setPools(pools: string[]): void;
  /**
   * Serves a connection accepted elsewhere as if it had arrived on this server's port: what a
   * VIP held by this host does (keepalived puts the VIP on the master; the hostNetwork MCS
   * listens on every address), so the server sees the client's own address and port.
   */
  acceptConnection(socket: Socket, port: 'secure' | 'insecure'): void;
  logLines(): string[];
  logText(): string;
  /** Destroys every open socket and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** What Go's http.Server writes for a request it cannot read (server.go: conn.serve). */
export const GO_BAD_REQUEST =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request';
const GO_HEADERS_TOO_LARGE =
  'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large';

function goBadRequest(err: NodeJS.ErrnoException, socket: Socket | import('node:stream').Duplex): void {
  // isCommonNetReadError: a reset or EOF gets no reply.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(err.code === 'HPE_HEADER_OVERFLOW' ? GO_HEADERS_TOO_LARGE : GO_BAD_REQUEST);
}

function closeServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

export async function startMcsEndpoint(options: McsEndpointOptions): Promise<McsEndpoint> {
  assertLoopback(options.host);
  const host = options.host;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const log = new KlogSink(options.onLogLine);
  let tls = options.tls;
  let faults: McsFaults = { ...options.faults };
  const dialect = options.dialect ?? DEFAULT_MCS_DIALECT;
  const settings: HandlerSettings = {
    pools: new Set(options.pools ?? ['master', 'worker']),
    getConfig: options.getConfig,
    dialect,
    maxSpec3Minor: options.maxSpec3Minor ?? 5,
    content: {
      apiServerInternalUrl: options.content?.apiServerInternalUrl ?? `https://${hostInUrl}:6443`,
      bootstrapToken: options.content?.bootstrapToken ?? randomBytes(32).toString('base64url'),
      kubeApiServerCaPem: options.content?.kubeApiServerCaPem ?? options.tls.certChainPem,
    },
  };
  const handler = (
    req: Parameters<typeof handleMcsRequest>[0],
    res: Parameters<typeof handleMcsRequest>[1],
  ) => {
    handleMcsRequest(req, res, { ...settings, forcedConfigStatus: faults.configStatus }, log);
  };

  // TLS 1.2+, like the Go server; each connection gets its own server-side TLSSocket so a failed
  // handshake can be logged with the client's address, as net/http does.
  const contextOf = (material: McsTlsMaterial): SecureContext =>
    createSecureContext({ cert: material.certChainPem, key: material.keyPem, minVersion: 'TLSv1.2' });
  let secureContext = contextOf(tls);
  const overTls: HttpServer = createHttpServer(handler);
  const plainOnSecure: HttpServer = createHttpServer(handler);
  const insecureHttp: HttpServer = createHttpServer(handler);
  // A plain-HTTP listener that gets a TLS ClientHello (a VIP or NAT rule sending 22623 to 22624)
  // answers as Go's net/http does a request line it cannot parse: a 400 with these exact bytes
  // and no log line (server.go, conn.serve). A Go TLS client then reads "HTTP/" where it expects a
  // record header and reports `http: server gave HTTP response to HTTPS client`.
  plainOnSecure.on('clientError', goBadRequest);
  insecureHttp.on('clientError', goBadRequest);

  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };

  const serveTls = (socket: Socket): void => {
    const peer = joinHostPort(socket.remoteAddress ?? '', socket.remotePort ?? 0);
    const local = joinHostPort(socket.localAddress ?? '', socket.localPort ?? 0);
    // HTTP/1.1 only (no h2 in ALPN), as the MCS disables HTTP/2.
    const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    let settled = false;
    const failed = (err?: Error): void => {
      if (settled) return;
      settled = true;
      const text = goHandshakeError(err, local, peer);
      if (text !== undefined) log.writeGoLog(`http: TLS handshake error from ${peer}: ${text}`);
      tlsSocket.destroy();
    };
    tlsSocket.once('secure', () => {
      if (settled) return;
      settled = true;
      overTls.emit('connection', tlsSocket);
    });
    tlsSocket.on('error', (err) => failed(err));
    tlsSocket.on('close', () => failed());
  };

  // One TCP listener for the secure port decides per connection who speaks, so faults can change live.
  const onSecureConnection = (socket: Socket): void => {
    track(socket);
    if (faults.silentOnSecurePort) return; // hold the connection open, answer nothing
    if (faults.plainHttpOnSecurePort) plainOnSecure.emit('connection', socket);
    else serveTls(socket);
  };
  const onInsecureConnection = (socket: Socket): void => {
    track(socket);
    insecureHttp.emit('connection', socket);
  };
  const secure = createNetServer(onSecureConnection);
  const insecure = createNetServer(onInsecureConnection);

  const listeners: NetServer[] = [];
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await Promise.all(listeners.map(closeServer));
  };

  try {
    const port = await listen(secure, options.port ?? 0, host);
    listeners.push(secure);
    // klog prints the Go Addr, which has no host (":22623").
    log.write('I', dialect.launchingSource, `Launching server on :${port}`);
    let insecurePort: number | undefined;
    if (options.insecurePort !== undefined) {
      insecurePort = await listen(insecure, options.insecurePort, host);
      listeners.push(insecure);
      log.write('I', dialect.launchingSource, `Launching server on :${insecurePort}`);
    }
    const baseUrl = `https://${hostInUrl}:${port}`;
    return {
      host,
      port,
      insecurePort,
      baseUrl,
      configUrl: (pool = 'worker') => `${baseUrl}/config/${pool}`,
      servedChainPem: () => tls.certChainPem,
      reload(next: McsTlsMaterial) {
        secureContext = contextOf(next);
        tls = next;
      },
      setFaults(next: McsFaults) {
        faults = { ...next };
      },
      setPools(pools: string[]) {
        settings.pools = new Set(pools);
      },
      acceptConnection(socket: Socket, port: 'secure' | 'insecure') {
        if (port === 'secure') onSecureConnection(socket);
        else onInsecureConnection(socket);
      },
      logLines: () => log.all(),
      logText: () => log.text(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
