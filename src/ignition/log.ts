/**
 * `explain`: reads console or journal text, or a machine-config-server pod log, and turns the
 * failures of Ignition's config fetch into root causes with counts, URLs, first and last seen,
 * and the evidence the messages carry. Large logs are pre-filtered on literal markers
 * (log-scan.ts); short pasted text (at most SMALL_INPUT_BYTES) is read line by line in full, so
 * a message wrapped over two lines is joined and hand-typed text is read leniently (lenient.ts).
 */
import { readSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { CAUSES, type CauseId } from '../core/causes.js';
import { classifyLeniently } from './lenient.js';
import { lineSegments, splitPrefix } from './log-line.js';
import { LineScanner, MAX_LINE_BYTES, SECOND_PASS_MARKERS, markersFor, type ScanStats } from './log-scan.js';
import { FETCH_TIMED_OUT, classifyMessage, type Classified, type Signature } from './log-signatures.js';
import { classifyMcsMessage } from './mcs-log-signatures.js';
import { newlineCounter, type NewlineCount } from './newline-count.js';
import { PastedTables } from './pasted-tables.js';

export interface Seen {
  line: number;
  /** As written in the log, when the line has one. */
  timestamp?: string;
}

export interface SignatureCount {
  id: string;
  title: string;
  count: number;
  note?: string;
  /** Who wrote these lines: the worker's Ignition, the machine-config-server, or the cluster (pasted `oc get` tables). */
  side: 'worker' | 'mcs' | 'cluster';
  /** Lines that were hand-typed text read leniently: an example and the phrase it was read as. */
  lenient?: { count: number; example: string; readAs: string };
}

export interface CauseReport {
  id: CauseId;
  description: string;
  count: number;
  signatures: SignatureCount[];
  /** Distinct URLs the failing fetches were for (at most MAX_DISTINCT). */
  urls: string[];
  firstSeen: Seen;
  lastSeen: Seen;
  example: { line: number; text: string };
  /** Values the messages carry (host clock, cert dates, SANs, addresses): first distinct ones, and the last. */
  evidence: Record<string, string[]>;
  /** Other causes these messages are as consistent with (e.g. an MCS-side "bad certificate"). */
  alsoPossible: CauseId[];
}

export interface ExplainResult {
  /** fail: failures found; ok: a successful fetch with no failure after it; inconclusive: no Ignition fetch in the text. */
  verdict: 'fail' | 'ok' | 'inconclusive';
  input: string;
  scan: ScanStats & {
    binaryLinesSkipped: number;
    /** 'every-line': short text, every line read; 'markers': only lines holding a marker were read. */
    mode: 'every-line' | 'markers';
    /** Known lines that are no failure (e.g. health checks' handshake EOFs in an MCS log). */
    noiseLines: number;
  };
  /** Most recent first (the cause a host shows now is the one to fix first). */
  causes: CauseReport[];
  /** `GET error:` lines whose error no signature knows. */
  unclassified: { count: number; examples: Array<{ line: number; text: string }> };
  /** Ignition's final verdicts (`Ignition failed: ...`). */
  ignitionFailed: Array<{ reason: string; count: number; firstSeen: Seen; lastSeen: Seen }>;
  success: { count: number; firstSeen: Seen; lastSeen: Seen } | null;
  /** Requests the MCS log shows it received (`Pool worker requested by address:...`), per pool. */
  mcsRequests: Array<{ pool: string; count: number; from: string[]; firstSeen: Seen; lastSeen: Seen }>;
  /** A successful fetch or run came after the last failure. */
  recoveredAfterFailures: boolean;
  failuresFound: boolean;
}

const MAX_DISTINCT = 10;
const MAX_EXAMPLE_CHARS = 1000;
/** Text up to this size is read line by line in full (a paste, a screenshot's transcription). */
export const SMALL_INPUT_BYTES = 256 * 1024;

/** Keeps the first MAX_DISTINCT distinct values, and always the most recent one. */
class Distinct {
  private readonly values: string[] = [];
  private last?: string;
  add(v: string): void {
    this.last = v;
    if (this.values.length < MAX_DISTINCT && !this.values.includes(v)) this.values.push(v);
  }
  list(): string[] {
    return this.last === undefined || this.values.includes(this.last)
      ? [...this.values]
      : [...this.values, this.last];
  }
}

interface SignatureAcc {
  signature: Signature;
  count: number;
  lenient?: { count: number; example: string; readAs: string };
}

interface CauseAcc {
  id: CauseId;
  count: number;
  signatures: Map<string, SignatureAcc>;
  urls: Distinct;
  firstSeen: Seen;
  lastSeen: Seen;
  example: { line: number; text: string };
  evidence: Map<string, Distinct>;
}

function seen(line: number, timestamp?: string): Seen {
  return timestamp === undefined ? { line } : { line, timestamp };
}

function clip(text: string): string {
  return text.length > MAX_EXAMPLE_CHARS ? `${text.slice(0, MAX_EXAMPLE_CHARS)}...` : text;
}

/** A message that may continue on the next line (a console wrapped it): held one line. */
interface Held {
  lineNumber: number;
  timestamp?: string;
  line: string;
  message: string;
  /** What it reads as alone: unclassified, or a catch-all. */
  alone: Classified;
}

/** Catch-all signatures: a message read as one of these may be more once joined or read leniently. */
const CATCH_ALL = new Set(['x509-other', 'tls-error']);

function vague(c: Classified | undefined): boolean {
  return c?.kind === 'unclassified' || (c?.kind === 'failure' && CATCH_ALL.has(c.signature.id));
}

/** Accumulates classified lines; constant memory (every list is capped). */
export class ExplainAccumulator {
  private readonly causes = new Map<CauseId, CauseAcc>();
  private readonly finals = new Map<string, { count: number; firstSeen: Seen; lastSeen: Seen }>();
  private unclassifiedCount = 0;
  private readonly unclassifiedExamples: Array<{ line: number; text: string }> = [];
  private success: { count: number; firstSeen: Seen; lastSeen: Seen } | null = null;
  private readonly served = new Map<
    string,
    { count: number; from: Distinct; firstSeen: Seen; lastSeen: Seen }
  >();
  private lastFailureLine = 0;
  private lastAttemptUrl?: string;
  private binaryLinesSkipped = 0;
  private noiseLines = 0;
  private held?: Held;
  private lastFinal?: { line: number; reason: string };
  private exportProgram?: string;
  private readonly tables = new PastedTables();
  private binaryMessage?: { lineNumber: number; remaining: number; parts: string[] };

  /** `everyLine`: every line of the input comes here (short text), so wrapped lines can be joined and typed text read leniently. */
  constructor(private readonly everyLine = false) {}

  /** One candidate line (raw bytes, without newline) and its 1-based number. */
  addLine(lineNumber: number, raw: Buffer): void {
    if (this.everyLine && this.exportBinary(lineNumber, raw)) return;
    if (raw.includes(0)) {
      this.binaryLinesSkipped++;
      return;
    }
    for (const segment of lineSegments(raw.toString('utf8'))) this.addSegment(lineNumber, segment);
  }

  /**
   * journalctl -o export writes a message holding a newline as `MESSAGE`, a newline, its length
   * (64-bit little-endian) and the raw bytes: reassembled here into one `MESSAGE=` line.
   */
  private exportBinary(lineNumber: number, raw: Buffer): boolean {
    if (this.binaryMessage) {
      const m = this.binaryMessage;
      let part = raw;
      if (m.remaining < 0) {
        if (raw.length < 8) {
          this.binaryMessage = undefined;
          return false;
        }
        m.remaining = Number(raw.readBigUInt64LE(0));
        part = raw.subarray(8);
      }
      m.parts.push(part.toString('utf8'));
      m.remaining -= part.length + 1;
      if (m.remaining <= 0) {
        this.binaryMessage = undefined;
        this.addSegment(m.lineNumber, `MESSAGE=${m.parts.join(' ')}`);
      }
      return true;
    }
    if (raw.length === 7 && raw.toString('latin1') === 'MESSAGE') {
      this.binaryMessage = { lineNumber: lineNumber + 1, remaining: -1, parts: [] };
      return true;
    }
    return false;
  }

  private addSegment(lineNumber: number, segment: string): void {
    // Pasted into an issue or a chat: markdown quote marks and inline-code backticks around the line.
    const line = this.everyLine ? segment.replace(/^\s*(?:>\s?)+/, '').replace(/^`+|`+\s*$/g, '') : segment;
    const split = splitPrefix(line);
    const { timestamp, message } = split;
    let program = split.program;
    // journalctl -o export: an entry's fields, one per line, then a blank line.
    if (this.everyLine) {
      if (line.startsWith('SYSLOG_IDENTIFIER='))
        this.exportProgram = line.slice('SYSLOG_IDENTIFIER='.length).trim();
      else if (line.startsWith('__CURSOR=')) this.exportProgram = undefined;
      if (line.startsWith('MESSAGE=')) program ??= this.exportProgram;
    }
    const held = this.held;
    this.held = undefined;
    if (held) {
      // A wrapped message: the next line has no prefix of its own and completes it.
      if (held.lineNumber === lineNumber - 1 && program === undefined && timestamp === undefined) {
        for (const joined of [held.message + message.trimStart(), `${held.message} ${message.trimStart()}`]) {
          const c = this.classify(joined, undefined, true);
          if (c?.kind === 'failure' && !vague(c)) {
            this.record(c, held.lineNumber, held.timestamp, `${held.line} ${message.trim()}`);
            return;
          }
        }
      }
      this.record(held.alone, held.lineNumber, held.timestamp, held.line);
    }
    // kubelet, crio and friends also log x509 errors; only Ignition's fetch (and the MCS's unprefixed pod log) is read.
    if (program !== undefined && !program.toLowerCase().startsWith('ignition')) return;
    if (this.everyLine && program === undefined && timestamp === undefined) {
      const row = this.tables.classify(line);
      if (row) {
        this.record(row, lineNumber, timestamp, line);
        return;
      }
    }
    const fromIgnition = program?.toLowerCase().startsWith('ignition') === true;
    let c = this.classify(
      message,
      program,
      fromIgnition || (program === undefined && timestamp === undefined),
    );
    // In short text, any other failure Ignition reports (a config it cannot parse, a file it cannot write) is shown, unnamed.
    if (!c && this.everyLine && fromIgnition && /\b(?:error|failed|fail|invalid)\b/i.test(message))
      c = { kind: 'unclassified', text: message };
    if (!c) return;
    if (vague(c) && this.everyLine) {
      this.held = { lineNumber, timestamp, line, message, alone: c };
      return;
    }
    this.record(c, lineNumber, timestamp, line);
  }

  /** `typed`: the line may be typed by a person (no prefix, or Ignition's own), so it may be read leniently. */
  private classify(message: string, program: string | undefined, typed: boolean): Classified | undefined {
    const c = classifyMessage(message) ?? (program === undefined ? classifyMcsMessage(message) : undefined);
    if (c && !vague(c)) return c;
    // A catch-all may be a typed message with typos; other lines are read leniently only in short text.
    if (typed && (this.everyLine || c)) return classifyLeniently(message) ?? c;
    return c;
  }

  private record(c: Classified, lineNumber: number, timestamp: string | undefined, line: string): void {
    switch (c.kind) {
      case 'attempt':
        this.lastAttemptUrl = c.url;
        return;
      case 'noise':
        this.noiseLines++;
        return;
      case 'served': {
        const s = seen(lineNumber, timestamp);
        let acc = this.served.get(c.pool);
        if (!acc) {
          if (this.served.size >= MAX_DISTINCT) return;
          this.served.set(c.pool, (acc = { count: 0, from: new Distinct(), firstSeen: s, lastSeen: s }));
        }
        acc.count++;
        acc.lastSeen = s;
        acc.from.add(c.from);
        return;
      }
      case 'success': {
        const s = seen(lineNumber, timestamp);
        if (this.success) {
          this.success.count++;
          this.success.lastSeen = s;
        } else this.success = { count: 1, firstSeen: s, lastSeen: s };
        return;
      }
      case 'unclassified':
        this.unclassifiedCount++;
        this.lastFailureLine = lineNumber;
        if (this.unclassifiedExamples.length < MAX_DISTINCT) {
          this.unclassifiedExamples.push({ line: lineNumber, text: clip(line) });
        }
        return;
      case 'final': {
        // `failed to fetch config: X`, `failed to acquire config: X`, `Ignition failed: X`: one failure told three times.
        const prev = this.lastFinal;
        this.lastFinal = { line: lineNumber, reason: c.reason };
        if (prev && prev.reason === c.reason && lineNumber - prev.line <= 3) {
          this.lastFailureLine = lineNumber;
          return;
        }
        const s = seen(lineNumber, timestamp);
        const f = this.finals.get(c.reason);
        if (f) {
          f.count++;
          f.lastSeen = s;
        } else if (this.finals.size < MAX_DISTINCT)
          this.finals.set(c.reason, { count: 1, firstSeen: s, lastSeen: s });
        this.lastFailureLine = lineNumber;
        if (c.signature) this.addFailure(c.signature, lineNumber, timestamp, line, undefined, {});
        return;
      }
      case 'failure':
        this.addFailure(
          c.signature,
          lineNumber,
          timestamp,
          line,
          c.url ?? (c.signature.side === 'mcs' ? undefined : this.lastAttemptUrl),
          c.evidence,
          c.readAs,
        );
        return;
    }
  }

  private addFailure(
    signature: Signature,
    lineNumber: number,
    timestamp: string | undefined,
    line: string,
    url: string | undefined,
    evidence: Record<string, string>,
    readAs?: string,
  ): void {
    this.lastFailureLine = lineNumber;
    const s = seen(lineNumber, timestamp);
    let acc = this.causes.get(signature.cause);
    if (!acc) {
      acc = {
        id: signature.cause,
        count: 0,
        signatures: new Map(),
        urls: new Distinct(),
        firstSeen: s,
        lastSeen: s,
        example: { line: lineNumber, text: clip(line) },
        evidence: new Map(),
      };
      this.causes.set(signature.cause, acc);
    }
    acc.count++;
    acc.lastSeen = s;
    let sc = acc.signatures.get(signature.id);
    if (sc) sc.count++;
    else acc.signatures.set(signature.id, (sc = { signature, count: 1 }));
    if (readAs !== undefined) {
      if (sc.lenient) sc.lenient.count++;
      else sc.lenient = { count: 1, example: clip(line), readAs };
    }
    if (url) acc.urls.add(url);
    for (const [k, v] of Object.entries(evidence)) {
      let d = acc.evidence.get(k);
      if (!d) acc.evidence.set(k, (d = new Distinct()));
      d.add(v);
    }
  }

  result(input: string, scan: ScanStats): ExplainResult {
    if (this.held) {
      const h = this.held;
      this.held = undefined;
      this.record(h.alone, h.lineNumber, h.timestamp, h.line);
    }
    // Only Ignition's final "unable to fetch resource in time" and no per-attempt line: say so, as a guess.
    const timedOut = this.finals.get('unable to fetch resource in time');
    if (this.causes.size === 0 && this.unclassifiedCount === 0 && timedOut) {
      this.addFailure(
        FETCH_TIMED_OUT,
        timedOut.firstSeen.line,
        timedOut.firstSeen.timestamp,
        'Ignition failed: unable to fetch resource in time',
        undefined,
        {},
      );
      const acc = this.causes.get(FETCH_TIMED_OUT.cause) as CauseAcc;
      acc.count = timedOut.count;
      acc.lastSeen = timedOut.lastSeen;
    }
    const causes: CauseReport[] = [...this.causes.values()]
      .sort((a, b) => b.lastSeen.line - a.lastSeen.line)
      .map((a) => ({
        id: a.id,
        description: CAUSES[a.id],
        count: a.count,
        signatures: [...a.signatures.values()].map(({ signature, count, lenient }) => ({
          id: signature.id,
          title: signature.title,
          count,
          ...(signature.note ? { note: signature.note } : {}),
          side: signature.side ?? 'worker',
          ...(lenient ? { lenient } : {}),
        })),
        urls: a.urls.list(),
        firstSeen: a.firstSeen,
        lastSeen: a.lastSeen,
        example: a.example,
        evidence: Object.fromEntries([...a.evidence].map(([k, d]) => [k, d.list()])),
        alsoPossible: [
          ...new Set([...a.signatures.values()].flatMap(({ signature }) => signature.alsoPossible ?? [])),
        ].filter((id) => id !== a.id),
      }));
    const failuresFound = causes.length > 0 || this.unclassifiedCount > 0 || this.finals.size > 0;
    const mcsRequests = [...this.served].map(([pool, r]) => ({
      pool,
      count: r.count,
      from: r.from.list(),
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
    }));
    const recovered =
      failuresFound && this.success !== null && this.success.lastSeen.line > this.lastFailureLine;
    return {
      // A fetch that succeeded after earlier failures is a host that got its config: ok, with the failures shown.
      verdict: recovered
        ? 'ok'
        : failuresFound
          ? 'fail'
          : this.success || mcsRequests.length > 0
            ? 'ok'
            : 'inconclusive',
      input,
      scan: {
        ...scan,
        binaryLinesSkipped: this.binaryLinesSkipped,
        mode: this.everyLine ? 'every-line' : 'markers',
        noiseLines: this.noiseLines,
      },
      causes,
      unclassified: { count: this.unclassifiedCount, examples: this.unclassifiedExamples },
      ignitionFailed: [...this.finals].map(([reason, f]) => ({ reason, ...f })),
      success: this.success,
      mcsRequests,
      recoveredAfterFailures: recovered,
      failuresFound,
    };
  }
}

/** Compressed logs are refused with the command that decompresses them (scanning them finds nothing). */
function compressedFormat(head: Buffer): string | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  return undefined;
}

/**
 * Above this share of non-text characters in the first 64 KiB, the input is not a log. Serial
 * consoles carry some junk (a NUL here, an escape sequence there), far below it; an ELF binary
 * or random bytes are far above it.
 */
const BINARY_SHARE_LIMIT = 0.1;

function binaryShare(head: Buffer): number {
  const text = new TextDecoder('utf-8').decode(head.subarray(0, 64 * 1024));
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      c === 0xfffd ||
      c === 0x7f ||
      (c < 0x20 &&
        c !== 0x09 &&
        c !== 0x0a &&
        c !== 0x0d &&
        c !== 0x0c &&
        c !== 0x0b &&
        c !== 0x08 &&
        c !== 0x1b)
    )
      odd++;
  }
  return text.length ? odd / text.length : 0;
}

const DECOMPRESS: Record<string, string> = { gzip: 'zcat', xz: 'xzcat', zstd: 'zstdcat', bzip2: 'bzcat' };

function checkHead(chunk: Buffer, input: string): void {
  const format = compressedFormat(chunk);
  if (format) {
    throw new InputError(`expected console or journal text, got ${format}-compressed data`, {
      where: input,
      hint: `decompress it first: ${DECOMPRESS[format]} ${input === 'stdin' ? 'FILE' : input} | mcs-doctor explain -`,
    });
  }
  const binary = binaryShare(chunk);
  if (binary > BINARY_SHARE_LIMIT) {
    throw new InputError(
      `expected console or journal text, got binary data (${Math.round(binary * 100)}% of the first bytes are not text)`,
      {
        where: input,
        hint: 'give the console or journal text (journalctl -b -u ignition-fetch.service, or the serial console log)',
      },
    );
  }
}

/**
 * Explains a stream of log bytes; `input` names it in errors and the report. The first
 * SMALL_INPUT_BYTES are held until it is known whether the text is short (read in full) or
 * long (read through the marker pre-filter).
 */
export interface ExplainStreamOptions {
  /** Counts newlines in the chunks (the file reader's WebAssembly counter). */
  count?: NewlineCount;
  /** Extra markers for long text (explainLog's second pass). */
  extraMarkers?: string[];
}

export async function explainStream(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  input: string,
  options: ExplainStreamOptions = {},
): Promise<ExplainResult> {
  let head: Buffer[] = [];
  let headBytes = 0;
  let reader: { acc: ExplainAccumulator; scanner: LineScanner } | undefined;
  const start = (everyLine: boolean, first: Buffer): { acc: ExplainAccumulator; scanner: LineScanner } => {
    const acc = new ExplainAccumulator(everyLine);
    const scanner = new LineScanner(
      (n, line) => acc.addLine(n, line),
      everyLine ? 'every-line' : [...markersFor(first), ...(options.extraMarkers ?? [])],
      options.count,
    );
    return { acc, scanner };
  };
  let first = true;
  for await (const chunk of chunks) {
    if (first && chunk.length > 0) {
      first = false;
      checkHead(chunk, input);
    }
    if (reader) {
      reader.scanner.push(chunk);
      continue;
    }
    if (headBytes + chunk.length > SMALL_INPUT_BYTES) {
      reader = start(false, head[0] ?? chunk);
      for (const h of head) reader.scanner.push(h);
      head = [];
      reader.scanner.push(chunk);
      continue;
    }
    // Copy: a file reader reuses its buffer for the next chunk.
    head.push(Buffer.from(chunk));
    headBytes += chunk.length;
  }
  if (!reader) {
    reader = start(true, Buffer.alloc(0));
    for (const h of head) reader.scanner.push(h);
  }
  return reader.acc.result(input, reader.scanner.end());
}

/**
 * Chunk size for reading: small enough that the chunk stays in the CPU's L2 cache, where the
 * kernel copies into it and the marker searches pass over it (on this 2-core VM, reading 500 MB
 * took 55 ms with 64 KiB reads and 215 ms with 256 KiB to 4 MiB reads), large enough that
 * per-chunk overhead stays small.
 */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Reads a file into one reused buffer, synchronously: a ReadStream allocates a buffer per chunk
 * and async reads wait on the thread pool, each costing more than the scan itself, and nothing
 * else runs meanwhile. The scanner copies what it keeps, so reusing the buffer is safe.
 */
function* readChunks(handle: FileHandle, buf: Buffer): Generator<Buffer> {
  for (;;) {
    const bytesRead = readSync(handle.fd, buf, 0, buf.length, null);
    if (bytesRead === 0) return;
    yield buf.subarray(0, bytesRead);
  }
}

/** `explain FILE|-`: reads a path or stdin. Missing, directory or unreadable input is an InputError. */
export async function explainLog(input: string): Promise<ExplainResult> {
  if (input === '-') return explainStream(process.stdin as AsyncIterable<Buffer>, 'stdin');
  let handle;
  try {
    if ((await stat(input)).isDirectory()) {
      throw new InputError('log file: is a directory', {
        where: input,
        hint: 'give the console or journal file itself',
      });
    }
    handle = await open(input, 'r');
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `log file: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code})`}`,
      {
        where: input,
        hint:
          code === 'ENOENT'
            ? 'check the path, or pipe the log in with -'
            : 'check the file permissions, or pipe the log in with -',
      },
    );
  }
  try {
    const counter = newlineCounter(READ_CHUNK_BYTES);
    const result = await explainStream(readChunks(handle, counter.buffer), input, { count: counter.count });
    if (result.verdict !== 'inconclusive' || result.scan.mode === 'every-line') return result;
    // Nothing found through the cheap markers: look once more for Ignition's rarer lines.
    const again = await open(input, 'r');
    try {
      return await explainStream(readChunks(again, counter.buffer), input, {
        count: counter.count,
        extraMarkers: SECOND_PASS_MARKERS,
      });
    } finally {
      await again.close();
    }
  } finally {
    await handle.close();
  }
}

export { MAX_LINE_BYTES };
