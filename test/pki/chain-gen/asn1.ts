/**
 * A test-only DER writer: every byte of the generated certificates is chosen here, including
 * encodings a CA library would never emit (non-NULL parameters, UTCTime without seconds, a
 * BOOLEAN of 0x01, ...), because those are exactly where a reimplementation drifts from Go.
 */
import { encodeTlv } from '../../../src/pki/der.js';

export const tlv = (tag: number, ...content: Buffer[]): Buffer => encodeTlv(tag, Buffer.concat(content));
export const seq = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
export const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items);
export const nullDer = (): Buffer => Buffer.from([0x05, 0x00]);
export const octet = (b: Buffer): Buffer => tlv(0x04, b);
export const bitString = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);
export const bool = (v: boolean, raw?: number): Buffer => Buffer.from([0x01, 0x01, raw ?? (v ? 0xff : 0x00)]);
/** Context-specific tag n: constructed (EXPLICIT or a constructed IMPLICIT) or primitive. */
export const ctx = (n: number, constructed: boolean, ...content: Buffer[]): Buffer =>
  tlv((constructed ? 0xa0 : 0x80) | n, ...content);

/** Minimal two's-complement INTEGER. */
export function int(v: bigint | number): Buffer {
  const n = BigInt(v);
  let len = 1;
  while (n < -(1n << BigInt(8 * len - 1)) || n >= 1n << BigInt(8 * len - 1)) len++;
  const u = n < 0n ? (1n << BigInt(8 * len)) + n : n;
  return tlv(0x02, Buffer.from(u.toString(16).padStart(len * 2, '0'), 'hex'));
}

export function oid(s: string): Buffer {
  const parts = s.split('.').map((p) => BigInt(p));
  const out: number[] = [];
  const push = (v: bigint): void => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  push((parts[0] as bigint) * 40n + (parts[1] as bigint));
  for (const p of parts.slice(2)) push(p);
  return tlv(0x06, Buffer.from(out));
}

/** utf8bytes: a UTF8String tag over the latin1 bytes of the value (to write invalid UTF-8). */
export const STRING_TAG = {
  utf8: 0x0c,
  utf8bytes: 0x0c,
  printable: 0x13,
  ia5: 0x16,
  t61: 0x14,
  bmp: 0x1e,
} as const;
export type StringKind = keyof typeof STRING_TAG;

export function str(kind: StringKind, s: string): Buffer {
  if (kind === 'bmp') {
    const b = Buffer.alloc(s.length * 2);
    for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
    return tlv(STRING_TAG.bmp, b);
  }
  return tlv(STRING_TAG[kind], Buffer.from(s, kind === 'utf8' ? 'utf8' : 'latin1'));
}
