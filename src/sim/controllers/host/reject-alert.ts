/**
 * Go's TLS client rejects a server certificate inside the handshake: it sends a fatal alert
 * instead of its Finished, and the server logs `http: TLS handshake error from <worker>:
 * remote error: tls: bad certificate`. A simulated worker verifies with pki/ after Node's
 * handshake has completed, and Node's client never alerts on its own (it checks verification
 * after the handshake, in JavaScript). So after a rejection the worker shows the server what a
 * Go worker's attempt shows: one more TLS 1.2 handshake from its own address, in which the
 * client answers the server's Certificate ... ServerHelloDone flight with alert 42 instead of
 * its key exchange. Node's TLS client writes the ClientHello; the server's flight is watched in
 * clear through a pass-through stream, and Node never sees the ServerHelloDone.
 */
import { Duplex } from 'node:stream';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface RejectAlertTarget {
  /** IP literal to connect to. */
  address: string;
  port: number;
  /** SNI, for a name URL (Go sends none for an IP). */
  servername?: string;
  /** The worker's own address. */
  localAddress: string;
  timeoutMs: number;
}

/** TLS record: fatal (2) bad_certificate (42), sent in clear before any ChangeCipherSpec. */
const BAD_CERTIFICATE_ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x2a]);
const HANDSHAKE_RECORD = 22;
const SERVER_HELLO_DONE = 14;

export function sendRejectAlert(target: RejectAlertTarget): Promise<void> {
  return new Promise((resolve) => {
    const raw: Socket = tcpConnect({
      host: target.address,
      port: target.port,
      localAddress: target.localAddress,
    });
    let finished = false;
    const watcher = new ServerFlightWatcher();
    const pipe = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, callback) {
        if (!finished) raw.write(chunk);
        callback();
      },
    });
    const done = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      raw.destroy();
      pipe.destroy();
      resolve();
    };
    const timer = setTimeout(done, target.timeoutMs);
    raw.on('data', (chunk: Buffer) => {
      if (finished) return;
      if (watcher.push(chunk)) {
        raw.end(BAD_CERTIFICATE_ALERT);
        finished = true;
        clearTimeout(timer);
        // Let the alert leave before the socket goes; the server closes its side on the alert.
        raw.once('close', () => resolve());
        setTimeout(() => raw.destroy(), Math.min(1_000, target.timeoutMs)).unref();
        pipe.destroy();
        return;
      }
      pipe.push(chunk);
    });
    raw.on('error', done);
    raw.on('close', done);
    const tls = tlsConnect({
      socket: pipe,
      servername: target.servername,
      maxVersion: 'TLSv1.2',
      minVersion: 'TLSv1.2',
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    tls.on('error', () => {});
  });
}

/** Reassembles the server's handshake messages from its TLS 1.2 records; true at ServerHelloDone. */
class ServerFlightWatcher {
  private records = Buffer.alloc(0);
  private handshake = Buffer.alloc(0);

  push(chunk: Buffer): boolean {
    this.records = Buffer.concat([this.records, chunk]);
    while (this.records.length >= 5) {
      const length = this.records.readUInt16BE(3);
      if (this.records.length < 5 + length) break;
      const type = this.records[0];
      const body = this.records.subarray(5, 5 + length);
      this.records = this.records.subarray(5 + length);
      if (type !== HANDSHAKE_RECORD) continue;
      this.handshake = Buffer.concat([this.handshake, body]);
      while (this.handshake.length >= 4) {
        const msgLength = this.handshake.readUIntBE(1, 3);
        if (this.handshake.length < 4 + msgLength) break;
        const msgType = this.handshake[0];
        this.handshake = this.handshake.subarray(4 + msgLength);
        if (msgType === SERVER_HELLO_DONE) return true;
      }
    }
    return false;
  }
}
