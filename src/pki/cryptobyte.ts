/**
 * A reader with the semantics of golang.org/x/crypto/cryptobyte (as vendored in Go 1.19), which
 * crypto/x509's parser.go is written against: DER only (minimal lengths, no high tag numbers),
 * a read that fails leaves the caller to name the error, and INTEGERs must be minimal. Using
 * the same primitives is what makes our parse fail exactly where Go's does.
 */
export class GoReader {
  constructor(
    public buf: Buffer,
    public pos = 0,
    public end = buf.length,
  ) {}

  static of(b: Buffer): GoReader {
    return new GoReader(b, 0, b.length);
  }

  empty(): boolean {
    return this.pos >= this.end;
  }

  rest(): Buffer {
    return this.buf.subarray(this.pos, this.end);
  }

  peekTag(tag: number): boolean {
    return this.pos < this.end && this.buf[this.pos] === tag;
  }

  /** readASN1: the element at pos (header included), its tag and header length; undefined when malformed. */
  private element(): { tag: number; start: number; contentStart: number; end: number } | undefined {
    const b = this.buf;
    const p = this.pos;
    if (this.end - p < 2) return undefined;
    const tag = b[p] as number;
    const lenByte = b[p + 1] as number;
    if ((tag & 0x1f) === 0x1f) return undefined;
    let header = 2;
    let length: number;
    if ((lenByte & 0x80) === 0) {
      length = lenByte;
    } else {
      const lenLen = lenByte & 0x7f;
      if (lenLen === 0 || lenLen > 4 || this.end - p < 2 + lenLen) return undefined;
      length = 0;
      for (let i = 0; i < lenLen; i++) length = length * 256 + (b[p + 2 + i] as number);
      if (length < 128) return undefined;
      if ((b[p + 2] as number) === 0) return undefined; // not the minimum number of octets
      header = 2 + lenLen;
    }
    if (p + header + length > this.end) return undefined;
    return { tag, start: p, contentStart: p + header, end: p + header + length };
  }

  /** ReadAnyASN1: content reader and tag, advancing past the element. */
  readAny(): { tag: number; content: GoReader } | undefined {
    const e = this.element();
    if (!e) return undefined;
    this.pos = e.end;
    return { tag: e.tag, content: new GoReader(this.buf, e.contentStart, e.end) };
  }

  /** ReadAnyASN1Element: the whole element bytes. */
  readAnyElement(): { tag: number; bytes: Buffer } | undefined {
    const e = this.element();
    if (!e) return undefined;
    this.pos = e.end;
    return { tag: e.tag, bytes: this.buf.subarray(e.start, e.end) };
  }

  /** ReadASN1: the content of an element with this tag (advances even when the tag differs, as Go does). */
  read(tag: number): GoReader | undefined {
    const r = this.readAny();
    return r && r.tag === tag ? r.content : undefined;
  }

  readElement(tag: number): Buffer | undefined {
    const r = this.readAnyElement();
    return r && r.tag === tag ? r.bytes : undefined;
  }

  /** ReadOptionalASN1: {present:false} when the next tag differs; undefined when malformed. */
  readOptional(tag: number): { present: boolean; content?: GoReader } | undefined {
    if (!this.peekTag(tag)) return { present: false };
    const c = this.read(tag);
    return c ? { present: true, content: c } : undefined;
  }

  skipOptional(tag: number): boolean {
    if (!this.peekTag(tag)) return true;
    return this.read(tag) !== undefined;
  }

  /** ReadASN1Integer into a big.Int (minimal encoding required). */
  readBigInt(): bigint | undefined {
    const c = this.read(0x02);
    if (!c) return undefined;
    return integerContent(c.rest());
  }

  /** ReadASN1Integer into a Go int (int64). */
  readInt(): number | undefined {
    const c = this.read(0x02);
    if (!c) return undefined;
    const bytes = c.rest();
    if (bytes.length > 8) return undefined;
    const v = integerContent(bytes);
    return v === undefined ? undefined : Number(v);
  }

  readOid(): string | undefined {
    const c = this.read(0x06);
    if (!c) return undefined;
    return decodeOidStrict(c.rest());
  }

  readBoolean(): boolean | undefined {
    const c = this.read(0x01);
    if (!c) return undefined;
    const b = c.rest();
    if (b.length !== 1) return undefined;
    if (b[0] === 0) return false;
    if (b[0] === 0xff) return true;
    return undefined;
  }

  /** ReadASN1BitString: the bytes and the bit length; undefined when the padding is invalid. */
  readBitString(): { bytes: Buffer; bitLength: number } | undefined {
    const c = this.read(0x03);
    if (!c) return undefined;
    const b = c.rest();
    if (b.length === 0) return undefined;
    const padding = b[0] as number;
    const bytes = b.subarray(1);
    if (padding > 7 || (bytes.length === 0 && padding !== 0)) return undefined;
    if (bytes.length > 0 && ((bytes[bytes.length - 1] as number) & ((1 << padding) - 1)) !== 0)
      return undefined;
    return { bytes, bitLength: bytes.length * 8 - padding };
  }
}

/** checkASN1Integer + the value: undefined for an empty or non-minimal encoding. */
export function integerContent(b: Buffer): bigint | undefined {
  if (b.length === 0) return undefined;
  if (b.length > 1) {
    const b0 = b[0] as number;
    const b1 = b[1] as number;
    if ((b0 === 0 && (b1 & 0x80) === 0) || (b0 === 0xff && (b1 & 0x80) === 0x80)) return undefined;
  }
  let v = BigInt('0x' + b.toString('hex'));
  if (((b[0] as number) & 0x80) !== 0) v -= 1n << BigInt(b.length * 8);
  return v;
}

/** cryptobyte's ReadASN1ObjectIdentifier: base-128 components that fit 31 bits, no 0x80 padding. */
export function decodeOidStrict(b: Buffer): string | undefined {
  if (b.length === 0) return undefined;
  const comps: number[] = [];
  let i = 0;
  while (i < b.length) {
    let v = 0;
    let first = true;
    for (;;) {
      if (i >= b.length) return undefined;
      const byte = b[i++] as number;
      if (first && byte === 0x80) return undefined;
      first = false;
      if (v >= 1 << (31 - 7)) return undefined;
      v = v * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    comps.push(v);
  }
  const f = comps[0] as number;
  const head = f < 80 ? [Math.floor(f / 40), f % 40] : [2, f - 80];
  return [...head, ...comps.slice(1)].join('.');
}
