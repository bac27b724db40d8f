/**
 * klog/glog line format, as the real machine-config-server pod writes it:
 * `I0914 14:19:33.110923       1 api.go:110] Pool worker requested by ...`
 * (severity, MMDD, wall time with microseconds, thread id right-aligned to 7, file:line).
 */

export type KlogSeverity = 'I' | 'W' | 'E' | 'F';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Formats one klog line. Time is UTC: the MCS pods run with TZ unset. */
export function formatKlogLine(
  severity: KlogSeverity,
  at: Date,
  source: string,
  message: string,
  threadId = 1,
): string {
  // Date only has milliseconds; the real line has microseconds, so the last three digits are zero.
  const time =
    `${pad(at.getUTCHours(), 2)}:${pad(at.getUTCMinutes(), 2)}:${pad(at.getUTCSeconds(), 2)}` +
    `.${pad(at.getUTCMilliseconds() * 1000, 6)}`;
  const date = `${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCDate(), 2)}`;
  return `${severity}${date} ${time} ${String(threadId).padStart(7, ' ')} ${source}] ${message}`;
}

/** Go's log.LstdFlags time: `2006/01/02 15:04:05`. */
export function formatGoLogTime(at: Date): string {
  return (
    `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1, 2)}/${pad(at.getUTCDate(), 2)} ` +
    `${pad(at.getUTCHours(), 2)}:${pad(at.getUTCMinutes(), 2)}:${pad(at.getUTCSeconds(), 2)}`
  );
}

/** Collects log lines in memory (what `oc logs` would show) and forwards them to an optional listener. */
export class KlogSink {
  private readonly lines: string[] = [];

  constructor(private readonly onLine?: (line: string) => void) {}

  write(severity: KlogSeverity, source: string, message: string): void {
    const line = formatKlogLine(severity, new Date(), source, message);
    this.lines.push(line);
    this.onLine?.(line);
  }

  /**
   * A line from Go's standard `log` package (what net/http writes without an ErrorLog):
   * `2026/11/23 10:00:00 message`, in UTC as the pod runs with TZ unset.
   */
  writeGoLog(message: string): void {
    const line = `${formatGoLogTime(new Date())} ${message}`;
    this.lines.push(line);
    this.onLine?.(line);
  }

  /** Every line so far, oldest first. */
  all(): string[] {
    return [...this.lines];
  }

  text(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }
}
