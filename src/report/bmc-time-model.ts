/**
 * What `bmc-time` reports, one row per BareMetalHost: its BMC (scheme://address, never a user
 * or password), the BMC clock, its skew from this machine, whether the MCS chain verifies at that
 * clock, and a status. The same rows make the table, `-o json` and `-o yaml`.
 */

export type BmcTimeStatus =
  /** Read, and within --max-skew of this machine. */
  | 'ok'
  /** Read, and off by more than --max-skew. */
  | 'skewed'
  /** No answer: connection refused, timeout, TLS failure, a 5xx. */
  | 'unreachable'
  /** The BMC refused the credentials of the host's secret (or their privilege level). */
  | 'auth-failed'
  /** Neither Redfish nor IPMI, an address Metal3 would refuse, or a BMC without a readable clock. */
  | 'unsupported'
  /** The host names no credentials secret, or it is missing, unreadable or lacks username/password. */
  | 'no-credentials';

export const BMC_TIME_STATUSES: readonly BmcTimeStatus[] = [
  'ok',
  'skewed',
  'unreachable',
  'auth-failed',
  'unsupported',
  'no-credentials',
];

/** The MCS chain judged at the BMC's clock, as Go's crypto/x509 would. */
export interface BmcTimeVerdict {
  /** null: it could not be judged (no served chain, no CA, no MCS URL); `reason` says why. */
  ok: boolean | null;
  /** Go's error text, in full. */
  error?: string;
  /** The table's cell: `yes`, `no: <Go's error, shortened>`, `unknown: ...`. */
  summary: string;
  /** Where the chain and the CAs came from. */
  chainFrom?: 'endpoint' | 'secret';
  anchorsFrom?: 'pointer' | 'cluster-cas';
  reason?: string;
}

export interface BmcTimeRow {
  namespace: string;
  host: string;
  /** `scheme://host:port` of the BMC, or what is wrong with the address. */
  bmc: string;
  protocol: 'redfish' | 'ipmi' | null;
  /** The BMC clock in UTC, RFC 3339; null when it was not read. */
  bmcTime: string | null;
  /** The clock exactly as the BMC wrote it (Redfish DateTime, ipmitool's line). */
  bmcDateTime: string | null;
  /** The Redfish Manager read, or `SEL` for IPMI. */
  manager: string | null;
  /** Redfish DateTimeLocalOffset. */
  localOffset: string | null;
  /** BMC clock minus this machine's clock, in ms. */
  skewMs: number | null;
  /** `+3y12d`, `-2m`, `0s`: kubectl's HumanDuration with a sign. */
  skew: string | null;
  verifies: BmcTimeVerdict | null;
  status: BmcTimeStatus;
  /** What the status rests on, for a person (never a credential). */
  message: string;
}

export interface BmcTimeTarget {
  server: string;
  context: string;
  cluster: string;
  user: string;
  namespace: string;
}

export interface BmcTimeSetResult {
  namespace: string;
  host: string;
  bmc: string;
  protocol: 'redfish' | 'ipmi' | null;
  /** The clock before, as read for the plan. */
  old: string | null;
  oldSkew: string | null;
  /** This machine's clock when the plan was made: what the BMC is set to (at the time it is set). */
  new: string;
  status: 'planned' | 'set' | 'failed';
  /** After setting: what the BMC reads now. */
  reads?: string | null;
  message?: string;
}

export interface BmcTimeReport {
  schemaVersion: 1;
  target: BmcTimeTarget;
  /** The namespace listed (with --host alone: the host's); null with -A (every namespace). */
  namespace: string | null;
  /** This machine's clock when the clocks were read. */
  now: string;
  maxSkew: string;
  maxSkewMs: number;
  hosts: BmcTimeRow[];
  summary: Record<BmcTimeStatus, number>;
  /** With --set: the plan and what came of it. */
  set: {
    applied: boolean;
    backupDir: string | null;
    clocks: BmcTimeSetResult[];
  } | null;
  exitCode: number;
  messages: string[];
}

/**
 * k8s.io/apimachinery duration.HumanDuration, as kubectl prints ages: ~2-3 significant figures
 * (`90s`, `5m30s`, `3h`, `5d4h`, `400d`, `3y12d`, `10y`). For |d| (the sign is the caller's).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * A clock offset as the SKEW column prints it: `+3y12d`, `-2m`, `0s`. BMCs give whole seconds,
 * so the offset is rounded to the second first (an hour ahead, read 0.4 s late, is `+60m`).
 */
export function formatSkew(offsetMs: number): string {
  const rounded = Math.round(offsetMs / 1000) * 1000;
  if (rounded === 0) return '0s';
  return `${rounded < 0 ? '-' : '+'}${humanDuration(Math.abs(rounded))}`;
}

const CELL_LIMIT = 72;

/**
 * Go's x509 error, short enough for a table cell: the `x509: ` prefix and the "possibly because"
 * hint dropped, a validity error as `not yet valid (current time before T)` / `expired (current
 * time after T)`; the full text stays in the JSON.
 */
export function shortGoError(error: string): string {
  let s = error.replace(/^x509: /, '');
  const validity =
    /^certificate has expired or is not yet valid: current time \S+ is (before|after) (\S+)/.exec(s);
  if (validity) {
    s =
      validity[1] === 'before'
        ? `not yet valid (current time before ${validity[2]})`
        : `expired (current time after ${validity[2]})`;
  }
  s = s.replace(/ \(possibly because [^)]*\)$/, '');
  return s.length > CELL_LIMIT ? `${s.slice(0, CELL_LIMIT - 1)}…` : s;
}

export function emptySummary(): Record<BmcTimeStatus, number> {
  return { ok: 0, skewed: 0, unreachable: 0, 'auth-failed': 0, unsupported: 0, 'no-credentials': 0 };
}
