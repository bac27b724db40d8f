/**
 * A host's serial console as RHCOS writes it: kernel lines and journal lines forwarded to the
 * console, each prefixed with the uptime in seconds (`[   12.345678] `), and programs tagged
 * `name[pid]: ` as journald forwards them. Uptime is simulated time since power on.
 */
import type { LineLog } from '../../linelog.js';
import type { SimClock } from '../../clock.js';

export type IgnitionLevel = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** journalctl's short format time (`Nov 23 20:45:40`), UTC as an initramfs runs. */
function shortTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export class ConsoleWriter {
  private readonly poweredOnAt = Date.now();
  private readonly journalLines: Array<{ at: Date; program: string; pid: number; message: string }> = [];
  /** Keeps stamps strictly increasing when several lines are written in the same millisecond. */
  private lastUptime = -1;

  constructor(
    private readonly log: LineLog,
    private readonly clock: SimClock,
    /** Uptime at power on: firmware and bootloader time before the kernel starts. */
    private readonly baseUptimeS = 0,
  ) {}

  /** Simulated seconds since power on. */
  uptime(): number {
    const simMs = (Date.now() - this.poweredOnAt) * this.clock.speed;
    const up = Math.max(this.baseUptimeS + simMs / 1000, this.lastUptime + 0.000013, 0);
    this.lastUptime = up;
    return up;
  }

  private stamp(): string {
    return `[${this.uptime().toFixed(6).padStart(12, ' ')}]`;
  }

  kernel(message: string): void {
    this.log.append(`${this.stamp()} ${message}`);
  }

  /** A journal line from a program, e.g. `systemd[1]: Starting Ignition (fetch)...`. */
  journal(program: string, pid: number, message: string): void {
    this.log.append(`${this.stamp()} ${program}[${pid}]: ${message}`);
    this.journalLines.push({ at: new Date(), program, pid, message });
    if (this.journalLines.length > 200) this.journalLines.shift();
  }

  /**
   * Ignition runs with --log-to-stdout and its unit's output goes to journal+console, so each
   * line carries Ignition's own level column (`INFO     : `) after journald's `ignition[pid]: `.
   */
  ignition(pid: number, level: IgnitionLevel, message: string): void {
    this.journal('ignition', pid, `${level.padEnd(9, ' ')}: ${message}`);
  }

  /** The last `n` journal lines of one program, as `journalctl --no-hostname` prints them. */
  journalTail(program: string, n: number): string[] {
    return this.journalLines
      .filter((l) => l.program === program)
      .slice(-n)
      .map((l) => `${shortTime(l.at)} ${l.program}[${l.pid}]: ${l.message}`);
  }

  /** A line without a stamp (login prompt, banner). */
  plain(text: string): void {
    this.log.append(text);
  }
}
