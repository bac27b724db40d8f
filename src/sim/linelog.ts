/**
 * Append-only text logs kept in memory: pod container logs (current and previous, as the
 * kubelet keeps them across a restart) and host serial consoles. Bounded so a long run with
 * 1000 hosts cannot grow without limit; followers get each new line.
 */
export interface LogLine {
  /** When the line was written (real time), for `timestamps=true` and `sinceSeconds`. */
  time: Date;
  text: string;
}

const DEFAULT_MAX_LINES = 5000;

export class LineLog {
  private current: LogLine[] = [];
  private previousLines: LogLine[] | undefined;
  private readonly followers = new Set<(line: LogLine) => void>();

  constructor(private readonly maxLines = DEFAULT_MAX_LINES) {}

  append(text: string, time = new Date()): void {
    for (const part of text.split('\n')) {
      const line = { time, text: part };
      this.current.push(line);
      for (const f of this.followers) f(line);
    }
    if (this.current.length > this.maxLines) this.current.splice(0, this.current.length - this.maxLines);
  }

  /** The container restarted: what was current becomes `previous`. */
  restart(): void {
    this.previousLines = this.current;
    this.current = [];
  }

  lines(opts: { previous?: boolean } = {}): LogLine[] | undefined {
    return opts.previous ? this.previousLines?.slice() : this.current.slice();
  }

  text(opts: { previous?: boolean } = {}): string {
    const lines = this.lines(opts) ?? [];
    return lines.map((l) => `${l.text}\n`).join('');
  }

  follow(listener: (line: LogLine) => void): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }
}

/** Logs by key: `namespace/pod/container` for pods, the host name for consoles. */
export class LogBook {
  private readonly logs = new Map<string, LineLog>();

  constructor(private readonly maxLinesPerLog = DEFAULT_MAX_LINES) {}

  log(key: string): LineLog {
    let log = this.logs.get(key);
    if (!log) {
      log = new LineLog(this.maxLinesPerLog);
      this.logs.set(key, log);
    }
    return log;
  }

  find(key: string): LineLog | undefined {
    return this.logs.get(key);
  }

  keys(): string[] {
    return [...this.logs.keys()];
  }

  static podKey(namespace: string, pod: string, container: string): string {
    return `${namespace}/${pod}/${container}`;
  }
}
