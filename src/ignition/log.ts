/**
 * `explain`: reads console or journal text and turns Ignition's fetch failures into root
 * causes with counts, URLs, first and last seen, and the evidence the messages carry.
 */
import { readSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { CAUSES, type CauseId } from '../core/causes.js';
import { cleanLine, splitPrefix } from './log-line.js';
import { LineScanner, MAX_LINE_BYTES, type ScanStats } from './log-scan.js';
import { FETCH_TIMED_OUT, classifyMessage, type Signature } from './log-signatures.js';

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
}

export interface ExplainResult {
  /** fail: failures found; ok: a successful fetch and no failure; inconclusive: no Ignition fetch in the text. */
  verdict: 'fail' | 'ok' | 'inconclusive';
  input: string;
  scan: ScanStats & { binaryLinesSkipped: number };
  /** Most recent first (the cause a host shows now is the one to fix first). */
  causes: CauseReport[];
  /** `GET error:` lines whose error no signature knows. */
  unclassified: { count: number; examples: Array<{ line: number; text: string }> };
  /** Ignition's final verdicts (`Ignition failed: ...`). */
  ignitionFailed: Array<{ reason: string; count: number; firstSeen: Seen; lastSeen: Seen }>;
  success: { count: number; firstSeen: Seen; lastSeen: Seen } | null;
  /** A successful fetch or run came after the last failure. */
  recoveredAfterFailures: boolean;
  failuresFound: boolean;
}

const MAX_DISTINCT = 10;
// Invalid UTF-8 (decoded as U+FFFD) and control characters other than tab.
// eslint-disable-next-line no-control-regex
const JUNK = /[\uFFFD\x01-\x08\x0b-\x1f\x7f]/g;
const MAX_EXAMPLE_CHARS = 1000;

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

interface CauseAcc {
  id: CauseId;
  count: number;
  signatures: Map<string, { signature: Signature; count: number }>;
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

/** Accumulates classified lines; constant memory (every list is capped). */
export class ExplainAccumulator {
  private readonly causes = new Map<CauseId, CauseAcc>();
  private readonly finals = new Map<string, { count: number; firstSeen: Seen; lastSeen: Seen }>();
  private unclassifiedCount = 0;
  private readonly unclassifiedExamples: Array<{ line: number; text: string }> = [];
  private success: { count: number; firstSeen: Seen; lastSeen: Seen } | null = null;
  private lastFailureLine = 0;
  private lastAttemptUrl?: string;
  private binaryLinesSkipped = 0;

  /** One candidate line (raw bytes, without newline) and its 1-based number. */
  addLine(lineNumber: number, raw: Buffer): void {
    if (raw.includes(0)) {
      this.binaryLinesSkipped++;
      return;
    }
    // Serial consoles put stray bytes around messages: drop them rather than the message.
    const line = cleanLine(raw.toString('utf8')).replace(JUNK, '');
    const { timestamp, program, message } = splitPrefix(line);
    // kubelet, crio and friends also log x509 errors; only Ignition's fetch is explained here.
    if (program !== undefined && !program.toLowerCase().startsWith('ignition')) return;
    const c = classifyMessage(message);
    if (!c) return;
    switch (c.kind) {
      case 'attempt':
        this.lastAttemptUrl = c.url;
        return;
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
        this.addFailure(c.signature, lineNumber, timestamp, line, c.url ?? this.lastAttemptUrl, c.evidence);
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
    const sc = acc.signatures.get(signature.id);
    if (sc) sc.count++;
    else acc.signatures.set(signature.id, { signature, count: 1 });
    if (url) acc.urls.add(url);
    for (const [k, v] of Object.entries(evidence)) {
      let d = acc.evidence.get(k);
      if (!d) acc.evidence.set(k, (d = new Distinct()));
      d.add(v);
    }
  }

  result(input: string, scan: ScanStats): ExplainResult {
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
        signatures: [...a.signatures.values()].map(({ signature, count }) => ({
          id: signature.id,
          title: signature.title,
          count,
          ...(signature.note ? { note: signature.note } : {}),
        })),
        urls: a.urls.list(),
        firstSeen: a.firstSeen,
        lastSeen: a.lastSeen,
        example: a.example,
        evidence: Object.fromEntries([...a.evidence].map(([k, d]) => [k, d.list()])),
      }));
    const failuresFound = causes.length > 0 || this.unclassifiedCount > 0 || this.finals.size > 0;
    return {
      verdict: failuresFound ? 'fail' : this.success ? 'ok' : 'inconclusive',
      input,
      scan: { ...scan, binaryLinesSkipped: this.binaryLinesSkipped },
      causes,
      unclassified: { count: this.unclassifiedCount, examples: this.unclassifiedExamples },
      ignitionFailed: [...this.finals].map(([reason, f]) => ({ reason, ...f })),
      success: this.success,
      recoveredAfterFailures:
        failuresFound && this.success !== null && this.success.lastSeen.line > this.lastFailureLine,
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

/** Explains a stream of log bytes; `input` names it in errors and the report. */
export async function explainStream(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  input: string,
): Promise<ExplainResult> {
  const acc = new ExplainAccumulator();
  const scanner = new LineScanner((n, line) => acc.addLine(n, line));
  let first = true;
  for await (const chunk of chunks) {
    if (first && chunk.length > 0) {
      first = false;
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
    scanner.push(chunk);
  }
  return acc.result(input, scanner.end());
}

/** Chunk size for reading: large enough that per-chunk overhead vanishes, small enough to stay flat. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads a file into one reused buffer, synchronously: a ReadStream allocates a buffer per chunk
 * and async reads wait on the thread pool, each costing more than the scan itself, and nothing
 * else runs meanwhile. The scanner copies what it keeps, so reusing the buffer is safe.
 */
function* readChunks(handle: FileHandle): Generator<Buffer> {
  const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
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
    return await explainStream(readChunks(handle), input);
  } finally {
    await handle.close();
  }
}

export { MAX_LINE_BYTES };
