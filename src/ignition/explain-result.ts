/** What `explain` reports: the causes it read in a log, with counts, URLs and evidence (the JSON contract). */
import type { CauseId } from '../core/causes.js';
import type { ScanStats } from './log-scan.js';

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
