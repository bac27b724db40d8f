/**
 * startBmc: one host's Redfish BMC on its own loopback address, over HTTPS (Metal3's
 * `redfish://` defaults to https), serving the DMTF mockup tree with the host's live clock and
 * power. Every connection must send its request in time and every request has a deadline;
 * close() ends all sockets at once.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { HostClock } from '../clock.js';
import type { PowerState } from '../context.js';
import { assertLoopback } from '../mcs/loopback.js';
import type { BmcCredentials } from './auth.js';
import { leaseFront, type TlsMaterial } from './front.js';
import { BmcService } from './service.js';
import { loadMockupTree } from './tree.js';

export const DEFAULT_BMC_TIMEOUT_MS = 10_000;

export interface BmcOptions {
  /** Loopback IP literal (127.0.0.0/8 or ::1); anything else is refused. */
  host: string;
  /** 0 or absent picks a free port. */
  port?: number;
  /** A DMTF mockup folder (index.json per URI). Loaded once per process. */
  mockupDir: string;
  tls: TlsMaterial;
  credentials: BmcCredentials;
  /** The host's clock: Manager DateTime shows it, PATCH DateTime sets it. */
  clock: HostClock;
  power: () => PowerState;
  setPower: (state: PowerState, reason: string) => void;
  /** Answer PATCH DateTime with PropertyValueConflict (the BMC follows NTP). */
  refuseClockSet?: boolean;
  /** Idle time allowed on a connection and time allowed for one request (default 10 s). */
  timeoutMs?: number;
  /** One line per request (method, path, status, user); never a password or token. */
  log?: (line: string) => void;
}

export interface RunningBmc {
  /** `https://<host>:<port>`, IPv6 in brackets. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startBmc(opts: BmcOptions): Promise<RunningBmc> {
  assertLoopback(opts.host);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_BMC_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const tree = await loadMockupTree(opts.mockupDir);
  const service = new BmcService({
    tree,
    credentials: opts.credentials,
    clock: opts.clock,
    power: opts.power,
    setPower: opts.setPower,
    refuseClockSet: opts.refuseClockSet ?? false,
    timeoutMs,
    log: opts.log,
  });
  const front = leaseFront(opts.tls, timeoutMs);
  // Each connection must bring a request's headers within timeoutMs of opening or of the previous
  // response (slow or idle clients are cut off); the service then gives each request a deadline.
  const connections = new Map<string, { socket: Socket; timer?: NodeJS.Timeout }>();
  const peerKey = (s: { remoteAddress?: string; remotePort?: number }): string =>
    `${s.remoteAddress}|${s.remotePort}`;
  const arm = (conn: { socket: Socket; timer?: NodeJS.Timeout }): void => {
    clearTimeout(conn.timer);
    conn.timer = setTimeout(() => conn.socket.destroy(), timeoutMs);
  };
  const listener = createServer((socket) => {
    const key = peerKey(socket);
    const conn = { socket, timer: undefined as NodeJS.Timeout | undefined };
    connections.set(key, conn);
    socket.on('close', () => {
      clearTimeout(conn.timer);
      if (connections.get(key) === conn) connections.delete(key);
    });
    socket.on('error', () => socket.destroy());
    arm(conn);
    front.accept(socket);
  });
  const handle: typeof service.handle = (req, res) => {
    const conn = connections.get(peerKey(req.socket));
    if (conn) {
      clearTimeout(conn.timer);
      res.on('close', () => {
        if (!conn.socket.destroyed) arm(conn);
      });
    }
    service.handle(req, res);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host: opts.host, port: opts.port ?? 0, exclusive: true }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    front.release();
    throw err;
  }
  const address = listener.address() as AddressInfo;
  front.route(address.address, address.port, handle);
  let closing: Promise<void> | undefined;
  return {
    url: `https://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${address.port}`,
    host: opts.host,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const conn of connections.values()) {
          clearTimeout(conn.timer);
          conn.socket.destroy();
        }
        connections.clear();
        service.close();
        front.release(address.address, address.port);
      });
      return closing;
    },
  };
}
