/**
 * TCP connect as Go's net.Dialer does it: addresses in order, each given a share of the time
 * left (dialSerial/partialDeadline, at least 2 s each), the first error reported.
 */
import { Socket, isIP } from 'node:net';
import { FetchDeadline } from './deadline.js';
import { ProbeFailure } from './failure.js';
import { IO_TIMEOUT, connectErrnoText, connectErrorText, dialError, joinHostPort } from './go-errors.js';
import type { ProbeReason } from './types.js';

const SANE_MINIMUM_MS = 2000;

export interface Connected {
  socket: Socket;
  address: string;
}

function reasonForErrno(code: string | undefined): ProbeReason {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
      return 'network-unreachable';
    default:
      return 'network-unreachable';
  }
}

/** Only loopback source addresses may be bound (simulated hosts); anything else is a programming error. */
export function assertLoopbackSource(localAddress: string): void {
  const family = isIP(localAddress);
  const loopback =
    (family === 4 && localAddress.split('.')[0] === '127') || (family === 6 && localAddress === '::1');
  if (!loopback)
    throw new Error(`refusing to bind source address ${JSON.stringify(localAddress)}: loopback only`);
}

function connectOne(address: string, port: number, ms: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error('timeout'), { code: 'PROBE_TIMEOUT' }));
    }, ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
    socket.connect(localAddress ? { host: address, port, localAddress } : { host: address, port });
  });
}

export async function connectTcp(
  addresses: string[],
  port: number,
  stepMs: number,
  deadline: FetchDeadline,
  localAddress?: string,
): Promise<Connected> {
  if (localAddress !== undefined) assertLoopbackSource(localAddress);
  const stepEnds = Date.now() + stepMs;
  let first: ProbeFailure | undefined;
  for (let i = 0; i < addresses.length; i++) {
    const address = addresses[i] as string;
    const limit = deadline.limit(Math.max(0, stepEnds - Date.now()));
    const share = Math.floor(limit.ms / (addresses.length - i));
    const ms = i === addresses.length - 1 ? limit.ms : Math.min(limit.ms, Math.max(share, SANE_MINIMUM_MS));
    try {
      return { socket: await connectOne(address, port, Math.max(1, ms), localAddress), address };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      let failure: ProbeFailure;
      if (code === 'PROBE_TIMEOUT') {
        const total = limit.source === 'total' && ms === limit.ms;
        failure = new ProbeFailure(
          'timeout',
          total ? FetchDeadline.text(limit, IO_TIMEOUT) : dialError(address, port, IO_TIMEOUT),
          `no answer to the TCP connect to ${joinHostPort(address, port)} within ${ms} ms (a firewall dropping packets, or a VIP nobody holds)`,
        );
      } else {
        failure = new ProbeFailure(
          reasonForErrno(code),
          dialError(address, port, connectErrorText(code)),
          `TCP connect to ${joinHostPort(address, port)}: ${connectErrnoText(code)}`,
        );
      }
      first ??= failure;
      if (limit.source === 'total' && Date.now() >= stepEnds) break;
    }
  }
  throw first ?? new ProbeFailure('dns-error', 'no addresses', 'the host resolved to no address');
}
