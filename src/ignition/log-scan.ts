/**
 * Streams a log in chunks and hands over only the lines that contain one of a few literal
 * markers, with their line numbers. Markers are found with Buffer.indexOf (native substring
 * search) over whole chunks, so the ~99.9% of lines that are not Ignition's are never split,
 * decoded or matched with a regex. Memory is one chunk plus one capped line, whatever the size.
 */

/** Lines longer than this are cut here; the rest of the line is skipped. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Every line `classifyMessage` can act on contains one of these. Kept to at most 6 bytes with
 * a rare first byte: Buffer.indexOf then runs memchr-fast (longer needles switch to a slower
 * Boyer-Moore path, and a common first byte such as the `d` of "dial tcp" costs ~10x).
 * Ignition's dial and HTTP errors always come inside a `GET error:` line, so "GET " covers them.
 */
export const LINE_MARKERS = ['GET ', 'Igniti', 'x509: '];

export interface ScanStats {
  bytes: number;
  lines: number;
  /** Lines longer than MAX_LINE_BYTES (only their start was looked at). */
  longLines: number;
}

export type CandidateHandler = (lineNumber: number, line: Buffer) => void;

const NL = 0x0a;

/**
 * Counts newlines in buf[from, to) four bytes at a time (SWAR: a zero-byte test on each 32-bit
 * word XOR 0x0a0a0a0a). Line numbers need a count over every byte; this is ~3x faster than an
 * indexOf loop, which pays a native call per line.
 */
export function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  let i = from;
  const base = buf.byteOffset;
  while (i < to && ((base + i) & 3) !== 0) if (buf[i++] === NL) n++;
  const words = (to - i) >>> 2;
  if (words > 0) {
    const u32 = new Uint32Array(buf.buffer, base + i, words);
    for (let w = 0; w < words; w++) {
      const x = (u32[w] as number) ^ 0x0a0a0a0a;
      // High bit set in each byte of x that is zero, exactly (no borrow across bytes).
      const zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      if (zero !== 0) n += Math.imul((zero >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < to) if (buf[i++] === NL) n++;
  return n;
}

export class LineScanner {
  readonly stats: ScanStats = { bytes: 0, lines: 0, longLines: 0 };
  private readonly markers: Buffer[];
  /** The start of a line that continues in the next chunk (at most MAX_LINE_BYTES). */
  private pending: Buffer = Buffer.alloc(0);
  /** The pending line is already longer than MAX_LINE_BYTES: drop bytes up to its newline. */
  private overflowing = false;

  constructor(
    private readonly onCandidate: CandidateHandler,
    markers: string[] = LINE_MARKERS,
  ) {
    this.markers = markers.map((m) => Buffer.from(m, 'latin1'));
  }

  push(chunk: Buffer): void {
    this.stats.bytes += chunk.length;
    let start = 0;
    if (this.pending.length > 0 || this.overflowing) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.appendPending(chunk);
        return;
      }
      this.appendPending(chunk.subarray(0, nl));
      this.finishLine(this.pending);
      this.pending = Buffer.alloc(0);
      this.overflowing = false;
      start = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl >= start) {
      this.scanRegion(chunk, start, lastNl + 1);
      start = lastNl + 1;
    }
    if (start < chunk.length) this.appendPending(chunk.subarray(start));
  }

  /** Call at end of input: a last line without newline still counts. */
  end(): ScanStats {
    if (this.pending.length > 0 || this.overflowing) this.finishLine(this.pending);
    this.pending = Buffer.alloc(0);
    this.overflowing = false;
    return this.stats;
  }

  private appendPending(part: Buffer): void {
    if (this.overflowing) return;
    const room = MAX_LINE_BYTES - this.pending.length;
    if (part.length > room) {
      this.overflowing = true;
      part = part.subarray(0, room);
    }
    // Copy: the chunk's memory belongs to the stream and is reused.
    this.pending = Buffer.concat([this.pending, part]);
  }

  /** A line assembled across chunks (without its newline). */
  private finishLine(line: Buffer): void {
    this.stats.lines++;
    if (this.overflowing) this.stats.longLines++;
    if (this.markers.some((m) => line.includes(m))) this.onCandidate(this.stats.lines, line);
  }

  /** buf[start, end) holds whole lines, each ending with a newline. */
  private scanRegion(buf: Buffer, start: number, end: number): void {
    const starts: number[] = [];
    for (const marker of this.markers) {
      let pos = buf.indexOf(marker, start);
      while (pos !== -1 && pos < end) {
        const lineStart = pos === 0 ? 0 : buf.lastIndexOf(NL, pos - 1) + 1;
        starts.push(Math.max(lineStart, start));
        const lineEnd = buf.indexOf(NL, pos);
        pos = buf.indexOf(marker, lineEnd + 1);
      }
    }
    if (starts.length > 1) starts.sort((a, b) => a - b);
    let counted = start;
    let lineNumber = this.stats.lines; // lines before `counted`
    let previous = -1;
    for (const lineStart of starts) {
      if (lineStart === previous) continue;
      previous = lineStart;
      lineNumber += countNewlines(buf, counted, lineStart);
      counted = lineStart;
      const lineEnd = buf.indexOf(NL, lineStart);
      let cut = lineEnd;
      if (lineEnd - lineStart > MAX_LINE_BYTES) {
        this.stats.longLines++;
        cut = lineStart + MAX_LINE_BYTES;
      }
      this.onCandidate(lineNumber + 1, buf.subarray(lineStart, cut));
    }
    this.stats.lines = lineNumber + countNewlines(buf, counted, end);
  }
}
