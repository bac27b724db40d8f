/**
 * Splits a console or journal line into timestamp, program and message. Formats: Ignition's
 * own `-log-to-stdout` (`INFO     : msg`), journalctl short / short-precise
 * (`Nov 23 20:45:40 host ignition[812]: msg`), short-iso (`2026-11-23T20:45:40+0000 host ...`),
 * short-monotonic and the serial console (`[   12.345678] ignition[812]: msg`).
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
const MONOTONIC_HOST = new RegExp(String.raw`^\[\s*(\d+\.\d+)\] \S+ ` + SYSLOG_TAG);
const CONSOLE = new RegExp(String.raw`^\[\s*(\d+\.\d+)\] ` + SYSLOG_TAG);
const LEVEL = /^\s*(?:INFO|NOTICE|WARNING|ERROR|CRITICAL|DEBUG|ALERT|EMERGENCY)\s*: /;
// ANSI SGR and other CSI sequences (coloured consoles) and a trailing CR (CRLF files).
// eslint-disable-next-line no-control-regex -- ANSI escapes start with ESC
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function cleanLine(raw: string): string {
  let line = raw.includes('\x1b') ? raw.replace(ANSI, '') : raw;
  if (line.endsWith('\r')) line = line.slice(0, -1);
  return line;
}

export function splitPrefix(line: string): LinePrefix {
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
  return { message: line.replace(LEVEL, '') };
}
