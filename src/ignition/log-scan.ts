import { countNewlinesByIndexOf, type NewlineCount } from './newline-count.js';

/**
 * Streams a log in chunks and hands over only the lines that contain one of a few literal
 * markers, with their line numbers. Markers are found with Buffer.indexOf (native substring
 * search) over whole chunks, so the ~99.9% of lines that are not Ignition's are never split,
 * decoded or matched with a regex. Memory is one chunk plus one capped line, whatever the size.
 */

/** Lines longer than this are cut here; the rest of the line is skipped. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Every line `classifyMessage` can act on contains one of these. Kept to at most 6 bytes with a
 * rare first byte: Buffer.indexOf then runs memchr-fast (longer needles switch to a slower
 * Boyer-Moore path, and a common first byte such as the `d` of "dial tcp" costs ~10x).
 *  - "GET ": Ignition's dial and HTTP errors always come inside a `GET error:` line;
 *  - "Igniti": `Ignition failed:`, `Ignition finished successfully`;
 *  - "x509: ": a certificate error without its frame.
 * Each marker is one more pass over the text, so the MCS's markers are added only when the
 * text looks like an MCS pod log (MCS_MARKERS).
 */
export const LINE_MARKERS = ['GET ', 'Igniti', 'x509: '];

/**
 * The lines of Ignition's that hold none of LINE_MARKERS: `ignition[612]: failed to fetch config:
 * unsupported config version` when the console was cut before `Ignition failed:`, and 0.x's
 * `op(1): [failed]   fetching config from ...`. "ition[" is a costly needle (its first byte is
 * common), so these are looked for only when the markers found nothing (explainLog re-reads).
 */
export const SECOND_PASS_MARKERS = ['ition[', 'fetching config', 'fetch config', 'acquire config'];

/**
 * Lines of the machine-config-server's log `classifyMcsMessage` acts on:
 *  - "TLS ha": `http: TLS handshake error from ...`;
 *  - ", erro": `couldn't get|convert config for req: ..., error: ...`;
 *  - "Pool ": `Pool worker requested by address:...`.
 */
export const MCS_MARKERS = ['TLS ha', ', erro', 'Pool '];

/** klog/glog (`I1123 20:45:40.123456       1 api.go:110]`) or Go log (`2026/11/23 20:45:41 `) line starts, optionally after an RFC 3339 stamp. */
const SERVER_LOG_LINE =
  /^(?:\d{4}-\d\d-\d\dT\S+ )?(?:[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+\]|\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d)/m;

/** The markers for a text whose start is `head`: the MCS's too when it has klog or Go log lines. */
export function markersFor(head: Buffer): string[] {
  const text = head.subarray(0, 64 * 1024).toString('latin1');
  return SERVER_LOG_LINE.test(text) ? [...LINE_MARKERS, ...MCS_MARKERS] : LINE_MARKERS;
}

export interface ScanStats {
  bytes: number;
  lines: number;
  /** Lines longer than MAX_LINE_BYTES (only their start was looked at). */
  longLines: number;
}

export type CandidateHandler = (lineNumber: number, line: Buffer) => void;

const NL = 0x0a;

/** Newlines in buf[from, to) (newline-count.ts; kept here for callers of the scanner). */
export function countNewlines(buf: Buffer, from: number, to: number): number {
  return countNewlinesByIndexOf(buf, from, to);
}

export class LineScanner {
  readonly stats: ScanStats = { bytes: 0, lines: 0, longLines: 0 };
  private readonly markers: Buffer[];
  private readonly everyLine: boolean;
  /** The start of a line that continues in the next chunk (at most MAX_LINE_BYTES). */
  private pending: Buffer = Buffer.alloc(0);
  /** The pending line is already longer than MAX_LINE_BYTES: drop bytes up to its newline. */
  private overflowing = false;

  constructor(
    private readonly onCandidate: CandidateHandler,
    /** 'every-line' hands over every line (short text read in full). */
    markers: string[] | 'every-line' = LINE_MARKERS,
    /** How newlines are counted (the reader's WebAssembly counter for its own chunks). */
    private readonly count: NewlineCount = countNewlinesByIndexOf,
  ) {
    this.everyLine = markers === 'every-line';
    this.markers = markers === 'every-line' ? [] : markers.map((m) => Buffer.from(m, 'latin1'));
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
    if (this.everyLine || this.markers.some((m) => line.includes(m)))
      this.onCandidate(this.stats.lines, line);
  }

  /** buf[start, end) holds whole lines, each ending with a newline. */
  private scanRegion(buf: Buffer, start: number, end: number): void {
    if (this.everyLine) {
      for (let pos = start; pos < end;) {
        const lineEnd = buf.indexOf(NL, pos);
        this.stats.lines++;
        let cut = lineEnd;
        if (lineEnd - pos > MAX_LINE_BYTES) {
          this.stats.longLines++;
          cut = pos + MAX_LINE_BYTES;
        }
        this.onCandidate(this.stats.lines, buf.subarray(pos, cut));
        pos = lineEnd + 1;
      }
      return;
    }
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
      lineNumber += this.count(buf, counted, lineStart);
      counted = lineStart;
      const lineEnd = buf.indexOf(NL, lineStart);
      let cut = lineEnd;
      if (lineEnd - lineStart > MAX_LINE_BYTES) {
        this.stats.longLines++;
        cut = lineStart + MAX_LINE_BYTES;
      }
      this.onCandidate(lineNumber + 1, buf.subarray(lineStart, cut));
    }
    this.stats.lines = lineNumber + this.count(buf, counted, end);
  }
}
