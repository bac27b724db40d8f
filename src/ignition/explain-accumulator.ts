/**
 * Turns the candidate lines of a log into an ExplainResult: each line split into its messages
 * (log-line.ts), classified (worker, MCS, lenient, pasted tables), and counted per cause with
 * constant memory (every list is capped).
 */
import { CAUSES, type CauseId } from '../core/causes.js';
import type { CauseReport, ExplainResult, Seen } from './explain-result.js';
import { classifyLeniently } from './lenient.js';
import { lineSegments, splitPrefix } from './log-line.js';
import type { ScanStats } from './log-scan.js';
import { FETCH_TIMED_OUT, classifyMessage, type Classified, type Signature } from './log-signatures.js';
import { classifyMcsMessage } from './mcs-log-signatures.js';
import { PastedTables } from './pasted-tables.js';

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
