/**
 * The certificates exactly as the server sent them, read from the server's handshake bytes.
 * Go hands crypto/x509 every certificate of the TLS Certificate message (leaf first, the rest
 * as candidate intermediates, in order); Node only exposes an issuer-linked walk that reorders
 * them and drops any that do not link to the leaf. Those dropped ones still matter to Go: a
 * stale intermediate with the issuer's name but another key becomes the "possibly because of"
 * hint of its unknown-authority error.
 *
 * TLS 1.2 sends the Certificate message in clear. TLS 1.3 encrypts it with the server handshake
 * traffic secret, which Node reports through its 'keylog' event (RFC 8446 §7: HKDF-Expand-Label
 * gives the record key and IV; records are AEAD-protected with the sequence number in the nonce).
 */
import { createDecipheriv, createHmac } from 'node:crypto';

const RECORD_HANDSHAKE = 22;
const RECORD_APPLICATION_DATA = 23;
const HANDSHAKE_SERVER_HELLO = 2;
const HANDSHAKE_CERTIFICATE = 11;
const TAG_BYTES = 16;

/** Keeps the server's bytes until the handshake is over (bounded: a certificate flight is small). */
export class ServerFlightRecorder {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private stopped = false;

  constructor(private readonly limit = 1024 * 1024) {}

  add(chunk: Buffer): void {
    if (this.stopped || this.size >= this.limit) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  stop(): void {
    this.stopped = true;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

interface Tls13Suite {
  hash: 'sha256' | 'sha384';
  aead: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  keyBytes: number;
}

const TLS13_SUITES: Record<string, Tls13Suite> = {
  TLS_AES_128_GCM_SHA256: { hash: 'sha256', aead: 'aes-128-gcm', keyBytes: 16 },
  TLS_AES_256_GCM_SHA384: { hash: 'sha384', aead: 'aes-256-gcm', keyBytes: 32 },
  TLS_CHACHA20_POLY1305_SHA256: { hash: 'sha256', aead: 'chacha20-poly1305', keyBytes: 32 },
};

/** The secret from a keylog line `SERVER_HANDSHAKE_TRAFFIC_SECRET <client random> <secret>`. */
export function serverHandshakeSecret(keylogLine: Buffer | string): Buffer | undefined {
  const m = /^SERVER_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]+ ([0-9a-f]+)\s*$/i.exec(keylogLine.toString('latin1'));
  return m?.[1] ? Buffer.from(m[1], 'hex') : undefined;
}

/** RFC 8446 §7.1 HKDF-Expand-Label with an empty context, for outputs no longer than one hash block. */
function expandLabel(hash: Tls13Suite['hash'], secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, full.length]),
    full,
    Buffer.from([0]),
    Buffer.from([1]),
  ]);
  return createHmac(hash, secret).update(info).digest().subarray(0, length);
}

interface TlsRecord {
  type: number;
  header: Buffer;
  fragment: Buffer;
}

function* records(bytes: Buffer): Generator<TlsRecord> {
  let at = 0;
  while (at + 5 <= bytes.length) {
    const length = bytes.readUInt16BE(at + 3);
    if (at + 5 + length > bytes.length) return;
    yield {
      type: bytes[at] as number,
      header: bytes.subarray(at, at + 5),
      fragment: bytes.subarray(at + 5, at + 5 + length),
    };
    at += 5 + length;
  }
}

/** Handshake messages (type, body) from a stream of handshake bytes; stops at a partial one. */
function* handshakeMessages(stream: Buffer): Generator<{ type: number; body: Buffer }> {
  let at = 0;
  while (at + 4 <= stream.length) {
    const length = stream.readUIntBE(at + 1, 3);
    if (at + 4 + length > stream.length) return;
    yield { type: stream[at] as number, body: stream.subarray(at + 4, at + 4 + length) };
    at += 4 + length;
  }
}

function certificateList(body: Buffer, tls13: boolean): Buffer[] {
  let at = 0;
  if (tls13) at += 1 + (body[0] ?? 0); // certificate_request_context
  const end = at + 3 + body.readUIntBE(at, 3);
  at += 3;
  const certs: Buffer[] = [];
  while (at < end) {
    const length = body.readUIntBE(at, 3);
    certs.push(Buffer.from(body.subarray(at + 3, at + 3 + length)));
    at += 3 + length;
    if (tls13) at += 2 + body.readUInt16BE(at); // per-certificate extensions
  }
  if (at !== end || end !== body.length) throw new Error('malformed Certificate message');
  return certs;
}

function findCertificate(stream: Buffer, tls13: boolean): Buffer[] | undefined {
  for (const message of handshakeMessages(stream)) {
    if (message.type === HANDSHAKE_CERTIFICATE) return certificateList(message.body, tls13);
  }
  return undefined;
}

function decryptTls13Handshake(records: TlsRecord[], suite: Tls13Suite, secret: Buffer): Buffer {
  const key = expandLabel(suite.hash, secret, 'key', suite.keyBytes);
  const iv = expandLabel(suite.hash, secret, 'iv', 12);
  const plaintext: Buffer[] = [];
  let sequence = 0n;
  for (const record of records) {
    const nonce = Buffer.from(iv);
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(sequence++);
    for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] as number) ^ (seq[i] as number);
    const sealed = record.fragment.subarray(0, record.fragment.length - TAG_BYTES);
    const options = { authTagLength: TAG_BYTES };
    // Two calls so that each picks its AEAD overload of createDecipheriv.
    const decipher =
      suite.aead === 'chacha20-poly1305'
        ? createDecipheriv(suite.aead, key, nonce, options)
        : createDecipheriv(suite.aead, key, nonce, options);
    decipher.setAAD(record.header, { plaintextLength: sealed.length });
    decipher.setAuthTag(record.fragment.subarray(record.fragment.length - TAG_BYTES));
    const inner = Buffer.concat([decipher.update(sealed), decipher.final()]);
    let end = inner.length;
    while (end > 0 && inner[end - 1] === 0) end--; // padding
    if (inner[end - 1] === RECORD_HANDSHAKE) plaintext.push(inner.subarray(0, end - 1));
    const soFar = Buffer.concat(plaintext);
    if (findCertificate(soFar, true)) return soFar;
  }
  return Buffer.concat(plaintext);
}

/**
 * The DER of every certificate in the server's Certificate message, in the order sent, or
 * undefined when it cannot be read (an unknown TLS 1.3 cipher suite, a missing secret, a
 * truncated capture): callers then fall back to Node's issuer-linked walk.
 */
export function servedCertificates(
  serverBytes: Buffer,
  session: { protocol?: string; cipher?: string; serverHandshakeSecret?: Buffer },
): Buffer[] | undefined {
  try {
    const all = [...records(serverBytes)];
    const clear = Buffer.concat(all.filter((r) => r.type === RECORD_HANDSHAKE).map((r) => r.fragment));
    if (session.protocol !== 'TLSv1.3') return findCertificate(clear, false);
    const suite = session.cipher ? TLS13_SUITES[session.cipher] : undefined;
    if (!suite || !session.serverHandshakeSecret) return undefined;
    const helloDone = [...handshakeMessages(clear)].some((m) => m.type === HANDSHAKE_SERVER_HELLO);
    if (!helloDone) return undefined;
    // After the ServerHello every handshake record is sealed (CCS records for middlebox compatibility are skipped).
    const sealed = all.filter((r) => r.type === RECORD_APPLICATION_DATA);
    return findCertificate(decryptTls13Handshake(sealed, suite, session.serverHandshakeSecret), true);
  } catch {
    return undefined;
  }
}
