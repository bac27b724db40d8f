/**
 * Turns one line of pasted or collected text into the messages it holds, each with its
 * timestamp and program. Real text comes in many shapes, all handled here:
 *  - Ignition's own `-log-to-stdout` (`INFO     : msg`);
 *  - journalctl `short`/`short-precise` (`Nov 23 20:45:40 host ignition[812]: msg`), `short-iso`
 *    and `short-iso-precise` (`2026-11-23T20:45:40+0000 host ...`), `short-monotonic` and the
 *    serial console (`[   12.345678] ignition[812]: msg`), `json` (one object per line) and
 *    `export` (`MESSAGE=msg` among the entry's fields);
 *  - the MCS pod log: klog/glog (`I1123 20:45:40.123456       1 api.go:110] msg`), Go's
 *    standard logger (`2026/11/23 20:45:40 http: TLS handshake error ...`), each optionally
 *    behind `oc logs --timestamps`' RFC 3339 stamp;
 *  - serial consoles, where systemd's status line is printed over the Ignition line: ANSI
 *    escapes, carriage returns, `[  *** ] A start job is running for ...` glued into the middle
 *    of a message, and a kernel timestamp cut short by the next one.
 */

export interface LinePrefix {
  /** The timestamp as written (wall clock, or "12.345678s" since boot for console lines). */
  timestamp?: string;
  /** The syslog identifier (e.g. "ignition"), when the line has one. */
  program?: string;
  message: string;
}

const SYSLOG_TAG = String.raw`([A-Za-z0-9_.@/-]+)(?:\[\d+\])?: `;
const SHORT = new RegExp(String.raw`^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?) \S+ ` + SYSLOG_TAG);
const ISO = new RegExp(
  String.raw`^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ ` + SYSLOG_TAG,
);
// The host name never ends in ':' (that is a tag: `[ 5.1] ignition[424]: files: ...` has no host).
const MONOTONIC_HOST = new RegExp(String.raw`^\[\s*(\d+\.\d+)\] \S+(?<!:) ` + SYSLOG_TAG);
const CONSOLE = new RegExp(String.raw`^\[\s*(\d+\.\d+)\] ` + SYSLOG_TAG);
/** A console or syslog message start anywhere in a line (after status text printed before it). */
const EMBEDDED_TAG = /(?:\[\s*\d+\.\d+\] )?\b(ignition)\[\d+\]: /i;
const LEVEL = /^\s*(?:INFO|NOTICE|WARNING|ERROR|CRITICAL|DEBUG|ALERT|EMERGENCY)\s*: /;
/** klog/glog header: severity, MMDD, time, thread id, file:line]. */
const KLOG = /^([IWEF])(\d{4} \d\d:\d\d:\d\d\.\d+)\s+\d+ [^\]\s]+\] /;
/** Go's log package default flags: `2006/01/02 15:04:05 `. */
const GO_LOG = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d+)?) /;
/** `oc logs --timestamps`, or a CRI-O container log file line (`<stamp> stderr F <msg>`). */
const RFC3339_STAMP =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (?:(?:stdout|stderr) [FP] )?/;
/** journalctl -o export: one `FIELD=value` per line. */
const EXPORT_MESSAGE = /^MESSAGE=/;

// ANSI CSI sequences (colours, cursor moves, erase line) and OSC titles.
// eslint-disable-next-line no-control-regex -- ANSI escapes start with ESC
const ANSI = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Za-z0-9])/g;
/**
 * systemd's console status text: `[  *** ] A start job is running for Ignition (fetch) (1min 2s /
 * no limit)`, `[  OK  ] Started ...`, `[FAILED] Failed to start ...`, `         Starting ...`.
 * It is printed over whatever the kernel or Ignition writes, so on a captured serial console it
 * lands in the middle of Ignition's lines.
 */
const STATUS_FRAGMENT = new RegExp(
  [
    String.raw`\[\s*(?:\*{1,3}\s*|OK|FAILED|DEPEND|TIME|WARN|INFO)\s*\]\s+`,
    String.raw`(?:\(\d+ of \d+\) )?`,
    String.raw`(?:A (?:start|stop) job is running for .*? \((?:\d+h )?(?:\d+min )?\d+(?:\.\d+)?s \/ (?:no limit|(?:\d+h )?(?:\d+min )?\d+(?:\.\d+)?s)\)`,
    String.raw`|(?:Started|Finished|Reached target|Stopped|Failed to start|Dependency failed for|Timed out waiting for) [^.]*?\.(?=\s|$|\[)`,
    String.raw`|Job [^ ]+ running \(.*?\))`,
  ].join(''),
  'g',
);
/** A kernel timestamp cut short by the next one: `[   12.34[   12.345678] ...`. */
const CUT_TIMESTAMP = /\[\s*\d*\.?\d*(?=\[\s*\d+\.\d+\])/g;
// Invalid UTF-8 (decoded as U+FFFD) and control characters other than tab.
// eslint-disable-next-line no-control-regex
const JUNK = /[\uFFFD\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * The messages a raw line holds, in order: ANSI removed, split at carriage returns (a console
 * overwrites the line there), systemd status fragments and cut timestamps taken out, junk bytes
 * dropped. Usually one; empty pieces are left out.
 */
export function lineSegments(raw: string): string[] {
  let line = raw.includes('\x1b') ? raw.replace(ANSI, '') : raw;
  const parts = line.includes('\r') ? line.split('\r') : [line];
  const out: string[] = [];
  for (let part of parts) {
    if (part.includes('[')) {
      part = part.replace(STATUS_FRAGMENT, '').replace(CUT_TIMESTAMP, '');
    }
    line = part.replace(JUNK, '');
    if (line.trim().length > 0) out.push(line);
  }
  return out;
}

/** Kept for callers that want a single cleaned line (the segments joined). */
export function cleanLine(raw: string): string {
  return lineSegments(raw).join(' ');
}

function journalJson(line: string): LinePrefix | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  let message = e.MESSAGE;
  // journald stores non-UTF-8 or binary messages as an array of byte values.
  if (Array.isArray(message))
    message = Buffer.from(message.filter((b) => typeof b === 'number')).toString('utf8');
  if (typeof message !== 'string') return undefined;
  const program = typeof e.SYSLOG_IDENTIFIER === 'string' ? e.SYSLOG_IDENTIFIER : undefined;
  const realtime = typeof e.__REALTIME_TIMESTAMP === 'string' ? Number(e.__REALTIME_TIMESTAMP) : NaN;
  const timestamp = Number.isFinite(realtime) ? new Date(realtime / 1000).toISOString() : undefined;
  return { timestamp, program, message: message.replace(LEVEL, '') };
}

/** Timestamp, program and message of one segment; formats are tried from the most specific. */
export function splitPrefix(line: string): LinePrefix {
  if (line.startsWith('{') && line.trimEnd().endsWith('}')) {
    const j = journalJson(line);
    if (j) return j;
  }
  if (EXPORT_MESSAGE.test(line)) return { message: line.slice('MESSAGE='.length).replace(LEVEL, '') };
  for (const [re, monotonic] of [
    [SHORT, false],
    [ISO, false],
    [MONOTONIC_HOST, true],
    [CONSOLE, true],
  ] as const) {
    const m = re.exec(line);
    if (m) {
      const message = line.slice(m[0].length).replace(LEVEL, '');
      return { timestamp: monotonic ? `${m[1]}s` : m[1], program: m[2], message };
    }
  }
  let rest = line;
  let stamp: string | undefined;
  const rfc = RFC3339_STAMP.exec(rest);
  if (rfc) {
    stamp = rfc[1];
    rest = rest.slice(rfc[0].length);
  }
  const klog = KLOG.exec(rest);
  if (klog) return { timestamp: stamp ?? klog[2], message: rest.slice(klog[0].length) };
  const goLog = GO_LOG.exec(rest);
  if (goLog) return { timestamp: stamp ?? goLog[1], message: rest.slice(goLog[0].length) };
  // Status text or another program's output printed before Ignition's tag on the same line.
  const embedded = EMBEDDED_TAG.exec(rest);
  if (embedded && embedded.index > 0) {
    const ts = /\[\s*(\d+\.\d+)\]/.exec(embedded[0]);
    return {
      timestamp: stamp ?? (ts ? `${ts[1]}s` : undefined),
      program: embedded[1],
      message: rest.slice(embedded.index + embedded[0].length).replace(LEVEL, ''),
    };
  }
  return stamp
    ? { timestamp: stamp, message: rest.replace(LEVEL, '') }
    : { message: rest.replace(LEVEL, '') };
}
