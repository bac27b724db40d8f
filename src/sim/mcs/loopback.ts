import { isIP } from 'node:net';

/** True for IP literals in 127.0.0.0/8 and ::1: the only addresses the simulator may bind. */
export function isLoopbackAddress(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return host.split('.')[0] === '127';
  if (family === 6) return /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(host.toLowerCase());
  return false;
}

/** Throws unless `host` is a loopback IP literal (names like "localhost" are refused: they may resolve elsewhere). */
export function assertLoopback(host: string): void {
  if (!isLoopbackAddress(host)) {
    throw new Error(
      `refusing to bind ${JSON.stringify(host)}: the simulator binds loopback IP addresses only`,
    );
  }
}
