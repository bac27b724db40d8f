/**
 * A minimal DER reader and writer, for building and inspecting structures (issue.ts writes
 * name constraints with IP ranges that @peculiar/x509 cannot build). Certificates themselves
 * are parsed with cryptobyte.ts, which has Go's strictness; this reader is lenient.
 */

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  valueStart: number;
  /** Offset just past the content. */
  end: number;
}

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** Reads the TLV at `offset`. Only single-byte tags (all X.509 needs) and definite lengths. */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError(`truncated DER at byte ${offset}`);
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`unsupported multi-byte DER tag at byte ${offset}`);
  let pos = offset + 1;
  const first = buf[pos++] as number;
  let len: number;
  if (first < 0x80) {
    len = first;
  } else {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError(`invalid DER length at byte ${offset}`);
    if (pos + count > limit) throw new DerError(`truncated DER length at byte ${offset}`);
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + (buf[pos++] as number);
  }
  const end = pos + len;
  if (end > limit) throw new DerError(`truncated DER: element at byte ${offset} needs ${len} bytes`);
  return { tag, start: offset, valueStart: pos, end };
}

/** The child elements of a constructed TLV. */
export function childrenOf(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.valueStart;
  while (pos < parent.end) {
    const child = readTlv(buf, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export function tlvBytes(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.start, tlv.end);
}

function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function encodeTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const DerTag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  sequence: 0x30,
  set: 0x31,
} as const;
