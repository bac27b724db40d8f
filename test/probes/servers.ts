/**
 * Real servers on 127.0.0.1 for the probe tests: a TLS MCS stand-in that records the SNI and the
 * raw request it received, a TCP server that never speaks, a plain-HTTP server, a closed port,
 * and a one-shot DNS server answering NXDOMAIN. Everything binds to loopback on a random port.
 */
import { createSocket } from 'node:dgram';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import type { IssuedCert } from '../../src/pki/issue.js';

export const LOOPBACK = '127.0.0.1';

export interface SeenRequest {
  /** The SNI the client sent (false when none). */
  sni: string | false;
  /** The raw request head, exactly as received. */
  head: string;
}

export interface TestServer {
  port: number;
  seen: SeenRequest[];
  /** The SNI of every ClientHello that carried one (recorded as the server reads the ClientHello). */
  sniSeen: string[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

export type Respond = (head: string) => { status: number; body: string; contentType?: string } | 'never';

export const IGNITION_BODY = (version = '3.3.0'): string => JSON.stringify({ ignition: { version } });

async function listen(server: Server, sockets: Set<Socket>): Promise<number> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

const STATUS_LINE: Record<number, string> = { 200: 'OK', 404: 'Not Found', 500: 'Internal Server Error' };

/** A TLS server serving `chain` (leaf first) with `key`; `respond` decides the answer per request. */
export async function startTlsServer(
  chain: IssuedCert[],
  key: IssuedCert,
  respond: Respond,
  tlsOptions: TlsOptions = {},
): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const seen: SeenRequest[] = [];
  const sniSeen: string[] = [];
  const server = createTlsServer(
    {
      ...tlsOptions,
      cert: chain.map((c) => c.certPem).join(''),
      key: key.keyPem,
      SNICallback: (name, cb) => {
        sniSeen.push(name);
        cb(null, undefined); // keep the default context
      },
    },
    (tls: TLSSocket) => {
      let buf = '';
      tls.on('error', () => {});
      tls.on('data', (chunk: Buffer) => {
        buf += chunk.toString('latin1');
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end + 4);
        buf = '';
        seen.push({ sni: tls.servername ?? false, head });
        const answer = respond(head);
        if (answer === 'never') return;
        const body = Buffer.from(answer.body);
        tls.end(
          `HTTP/1.1 ${answer.status} ${STATUS_LINE[answer.status] ?? 'Whatever'}\r\n` +
            `Content-Type: ${answer.contentType ?? 'application/json'}\r\nContent-Length: ${body.length}\r\n\r\n${body.toString('latin1')}`,
        );
      });
    },
  );
  server.on('tlsClientError', () => {});
  const result: TestServer = { port: 0, seen, sniSeen, connections: 0, close: closer(server, sockets) };
  server.on('connection', () => result.connections++);
  result.port = await listen(server, sockets);
  return result;
}

/** Accepts TCP and never sends a byte. */
export async function startSilentServer(): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => s.on('error', () => {}));
  const port = await listen(server, sockets);
  return { port, seen: [], sniSeen: [], connections: 0, close: closer(server, sockets) };
}

/** A server that speaks first (SSH, SMTP, ...): sends `banner` on connect and keeps the connection open. */
export async function startBannerServer(banner: string | Buffer): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    s.on('error', () => {});
    s.write(banner);
  });
  const port = await listen(server, sockets);
  return { port, seen: [], sniSeen: [], connections: 0, close: closer(server, sockets) };
}

/** Answers anything with a plain HTTP/1.1 400, as Go's server does to a TLS ClientHello. */
export async function startPlainHttpServer(): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    s.on('error', () => {});
    s.once('data', () =>
      s.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n400 Bad Request',
      ),
    );
  });
  const port = await listen(server, sockets);
  return { port, seen: [], sniSeen: [], connections: 0, close: closer(server, sockets) };
}

/** A port nothing listens on: bind a free one, then release it. */
export async function closedPort(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer();
  const port = await listen(server, sockets);
  await closer(server, sockets)();
  return port;
}

/** A DNS server on 127.0.0.1 that answers every query with NXDOMAIN (RCODE 3). */
export async function startNxdomainDns(): Promise<{
  port: number;
  queries: string[];
  close(): Promise<void>;
}> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    // Question name, for the record.
    const labels: string[] = [];
    let i = 12;
    while (i < msg.length && msg[i] !== 0) {
      const len = msg[i] as number;
      labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
      i += len + 1;
    }
    queries.push(labels.join('.'));
    const question = msg.subarray(12, i + 5);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // ID
    header.writeUInt16BE(0x8183, 2); // QR, RD, RA, RCODE=NXDOMAIN
    header.writeUInt16BE(1, 4); // QDCOUNT
    socket.send(Buffer.concat([header, question]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, () => resolve()));
  return {
    port: socket.address().port,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
