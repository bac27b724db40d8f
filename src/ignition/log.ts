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
import { ExplainAccumulator, SMALL_INPUT_BYTES } from './explain-accumulator.js';
import type { ExplainResult } from './explain-result.js';
import { LineScanner, MAX_LINE_BYTES, SECOND_PASS_MARKERS, markersFor } from './log-scan.js';
import { newlineCounter, type NewlineCount } from './newline-count.js';

export type { CauseReport, ExplainResult, Seen, SignatureCount } from './explain-result.js';
export { ExplainAccumulator, SMALL_INPUT_BYTES } from './explain-accumulator.js';

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
