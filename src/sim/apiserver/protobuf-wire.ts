/**
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), only as much
 * as Kubernetes' gogo-generated messages use: varints (int32, int64, bool, enums), length-
 * delimited fields (strings, bytes, nested messages, map entries) and, to be skipped when an
 * unknown field carries them, fixed32/fixed64. Groups are not used by Kubernetes and are an error.
 *
 * Varints go through BigInt: int64 fields need all 64 bits, and a negative int32 is sent
 * sign-extended to ten bytes.
 */

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** Malformed input; the message reads like Go's gogo-protobuf errors. */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export class ProtoReader {
  private pos: number;
  private readonly end: number;

  constructor(private readonly buf: Uint8Array) {
    this.pos = 0;
    this.end = buf.length;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field <= 0 || field > 0x1fffffff) throw new ProtobufError(`illegal tag ${field} (wire type ${wire})`);
    return { field, wire };
  }

  /** An unsigned varint of up to 64 bits. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new ProtobufError('unexpected EOF');
      const b = this.buf[this.pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new ProtobufError('integer overflow');
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > BigInt(this.end - this.pos)) throw new ProtobufError('unexpected EOF');
    const start = this.pos;
    this.pos += Number(length);
    return this.buf.subarray(start, this.pos);
  }

  /** Steps over a field of the given wire type (unknown fields are ignored, not rejected). */
  skip(wire: number): void {
    switch (wire) {
      case WIRE.varint:
        this.varint();
        return;
      case WIRE.bytes:
        this.bytes();
        return;
      case WIRE.fixed64:
        this.advance(8);
        return;
      case WIRE.fixed32:
        this.advance(4);
        return;
      default:
        throw new ProtobufError(`illegal wireType ${wire}`);
    }
  }

  private advance(n: number): void {
    if (this.end - this.pos < n) throw new ProtobufError('unexpected EOF');
    this.pos += n;
  }
}

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  /** int32/int64/bool as a varint; negative numbers are written as 64-bit two's complement. */
  varint(field: number, value: bigint | number | boolean): void {
    this.key(field, WIRE.varint);
    this.rawVarint(BigInt.asUintN(64, BigInt(typeof value === 'boolean' ? Number(value) : value)));
  }

  bytes(field: number, value: Uint8Array): void {
    this.key(field, WIRE.bytes);
    this.rawVarint(BigInt(value.length));
    this.parts.push(value);
  }

  string(field: number, value: string): void {
    this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** A nested message (or map entry), written by `build` into a writer of its own. */
  message(field: number, build: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    build(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }

  private key(field: number, wire: number): void {
    this.rawVarint(BigInt(field) * 8n + BigInt(wire));
  }

  private rawVarint(v: bigint): void {
    const out: number[] = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      out.push(b);
    } while (v > 0n);
    this.parts.push(Uint8Array.from(out));
  }
}
