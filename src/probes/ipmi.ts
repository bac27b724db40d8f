/**
 * A BMC's clock over IPMI, through `ipmitool` as Ironic drives it for Metal3's `ipmi://` and
 * `libvirt://` (VirtualBMC) addresses: IPMI 2.0 (`-I lanplus`) at the privilege level the address
 * asks for (`?privilegelevel=`, default ADMINISTRATOR). `sel time get` reads the clock the BMC
 * stamps its System Event Log with, `sel time set` sets it.
 *
 * ipmitool is run with the password in its environment (`-E`, IPMI_PASSWORD), never on its
 * command line; the user name is an argument (as Ironic passes it). It runs with TZ=UTC and
 * LC_ALL=C, so the times it prints and parses are UTC in the C locale's `%x %X`
 * (`MM/DD/YY HH:MM:SS`, ipmitool 1.8.19; older releases take `MM/DD/YYYY`). Every run has a
 * deadline and is killed after it. Its messages are passed on with the credentials removed.
 */
import { spawn } from 'node:child_process';

export type IpmiPrivilege = 'CALLBACK' | 'USER' | 'OPERATOR' | 'ADMINISTRATOR' | 'OEM';
const PRIVILEGES: readonly IpmiPrivilege[] = ['CALLBACK', 'USER', 'OPERATOR', 'ADMINISTRATOR', 'OEM'];

export interface IpmiRequest {
  host: string;
  port: number;
  username: string;
  password: string;
  /** Metal3 `?privilegelevel=`; Ironic's default is ADMINISTRATOR. */
  privilege?: IpmiPrivilege;
  /** The whole run, connection and retries included (default 10 s). */
  timeoutMs?: number;
  /** The ipmitool binary (default `ipmitool` on PATH). */
  ipmitool?: string;
}

/** Why a clock could not be read or set: the BMC did not answer, refused the login, or the command. */
export type IpmiFailure = 'unreachable' | 'auth-failed' | 'unsupported';

export type IpmiClock =
  | {
      ok: true;
      /** The line ipmitool printed. */
      text: string;
      bmcTime: Date;
      /** The BMC clock minus this machine's, in ms. */
      offsetMs: number;
      /** IPMI time stamps up to 0x20000000 count seconds since the BMC started: its clock was never set. */
      sinceInit: boolean;
    }
  | { ok: false; kind: IpmiFailure; message: string };

export type IpmiClockSet = { ok: true; text: string } | { ok: false; kind: IpmiFailure; message: string };

/** `?privilegelevel=operator` of a Metal3 IPMI address, upper-cased; undefined when absent or not a level. */
export function privilegeOf(address: string): IpmiPrivilege | undefined {
  const m = /[?&]privilegelevel=([A-Za-z]+)/i.exec(address);
  const level = m?.[1]?.toUpperCase();
  return PRIVILEGES.find((p) => p === level);
}

/** Every occurrence of a secret in `text` replaced; short user names only as whole words. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    if (secret.length >= 3) out = out.split(secret).join('***');
    else
      out = out.replace(
        new RegExp(`(?<![\\w-])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'),
        '***',
      );
  }
  return out;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A time as `sel time set` takes it in the C locale and UTC: `MM/DD/YY HH:MM:SS`, or `MM/DD/YYYY` (before 1.8.19). */
export function formatSelTime(at: Date, fourDigitYear = false): string {
  const year = at.getUTCFullYear();
  return (
    `${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${fourDigitYear ? pad(year, 4) : pad(year % 100)} ` +
    `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`
  );
}

export type SelTime = { at: Date; sinceInit: boolean } | { unspecified: true };

/**
 * What `sel time get` printed (TZ=UTC, LC_ALL=C): `12/03/26 08:31:45 UTC` (1.8.19: `%x %X %Z`,
 * two-digit years read as glibc's strptime does, 69-99 as 19xx), `12/03/2026 08:31:45` (older
 * releases), `S+ 03:49:12` or `S+ 70/003 03:49:12` (a time stamp counting from the BMC's start,
 * shown from 1970-01-01), `Unspecified`/`Unknown` (0xFFFFFFFF). Undefined for anything else.
 */
export function parseSelTime(output: string): SelTime | undefined {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (const line of lines.reverse()) {
    if (/^(Unspecified|Unknown)$/.test(line)) return { unspecified: true };
    let m = /^(\d{2})\/(\d{2})\/(\d{4}|\d{2}) (\d{2}):(\d{2}):(\d{2})(?: (UTC|GMT|UCT|Z))?$/.exec(line);
    if (m) {
      const [month, day, yearText, h, min, s] = m.slice(1, 7) as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const yy = Number(yearText);
      const year = yearText.length === 4 ? yy : yy >= 69 ? 1900 + yy : 2000 + yy;
      const at = new Date(Date.UTC(year, Number(month) - 1, Number(day), Number(h), Number(min), Number(s)));
      if (at.getUTCMonth() !== Number(month) - 1 || at.getUTCDate() !== Number(day)) continue;
      return { at, sinceInit: at.getTime() <= 0x20000000 * 1000 };
    }
    m = /^S\+ ?(?:(\d{2})\/(\d{3}) )?(\d{2}):(\d{2}):(\d{2})$/.exec(line);
    if (m) {
      // strftime of the stamp as a date from 1970: %y counts from 70, %j from day 1.
      const years = m[1] === undefined ? 0 : (Number(m[1]) + 30) % 100;
      const days = m[2] === undefined ? 0 : Number(m[2]) - 1;
      const start = Date.UTC(1970 + years, 0, 1);
      const seconds = Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]);
      return { at: new Date(start + days * 86_400_000 + seconds * 1000), sinceInit: true };
    }
  }
  return undefined;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** When the process ended (the BMC's answer came just before it closed the session). */
  endedAt: number;
  timedOut: boolean;
  spawnError?: NodeJS.ErrnoException;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** One ipmitool run, killed after `killAfterMs`. */
function runOnce(req: IpmiRequest, command: string[], killAfterMs: number): Promise<Run> {
  // As Ironic runs it by default: one-second waits and one retry per message (`-N 1 -R 1`); the
  // retries are runIpmitool's, within the deadline.
  const args = [
    '-I',
    'lanplus',
    '-H',
    req.host,
    '-p',
    String(req.port),
    '-U',
    req.username,
    '-E',
    '-L',
    req.privilege ?? 'ADMINISTRATOR',
    '-N',
    '1',
    '-R',
    '1',
    '-v',
    ...command,
  ];
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(req.ipmitool ?? 'ipmitool', args, {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: process.env['HOME'] ?? '/',
          TZ: 'UTC',
          LC_ALL: 'C',
          LANG: 'C',
          IPMI_PASSWORD: req.password,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve({
        code: null,
        stdout: '',
        stderr: '',
        endedAt: Date.now(),
        timedOut: false,
        spawnError: err as NodeJS.ErrnoException,
      });
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => errOut.push(b));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('error', (err) => {
      spawnError = err as NodeJS.ErrnoException;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errOut).toString('utf8'),
        endedAt: Date.now(),
        timedOut,
        spawnError,
      });
    });
  });
}

/** No answer at all (as opposed to a refusal): worth another try while the deadline allows. */
const NO_ANSWER =
  /Get Auth Capabilities error|No response from remote controller|Error issuing Get Channel Authentication Capabilities/i;

/**
 * ipmitool until it gets an answer or the deadline (`timeoutMs`, default 10 s) passes: a run
 * that heard nothing from the BMC (UDP: a lost datagram) is tried again if 2.5 s are left.
 */
async function runIpmitool(req: IpmiRequest, command: string[]): Promise<Run> {
  const timeoutMs = req.timeoutMs && req.timeoutMs > 0 ? req.timeoutMs : DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runOnce(req, command, Math.max(1, deadline - Date.now()));
    if (run.code === 0 || run.timedOut || run.spawnError || !NO_ANSWER.test(run.stderr)) return run;
    if (deadline - Date.now() < 2500) return run;
  }
}

/** ipmitool's chatter that says nothing about the outcome. */
const NOISE = [
  /^Loading IANA PEN Registry/,
  /^Unable to Get Channel Cipher Suites$/,
  /^Get HPM\.x Capabilities request failed/,
  /^Running Get PICMG Properties/,
  /^Discovered IPMB address/,
];

function failure(
  req: IpmiRequest,
  run: Run,
  what: string,
): { ok: false; kind: IpmiFailure; message: string } {
  const where = `${req.host.includes(':') ? `[${req.host}]` : req.host}:${req.port}`;
  if (run.spawnError) {
    return {
      ok: false,
      kind: 'unsupported',
      message:
        run.spawnError.code === 'ENOENT'
          ? 'ipmitool is not installed on this machine (Debian/Ubuntu: apt-get install ipmitool; RHEL: dnf install ipmitool)'
          : `ipmitool could not be run: ${run.spawnError.message}`,
    };
  }
  if (run.timedOut) {
    return {
      ok: false,
      kind: 'unreachable',
      message: `no answer from the BMC at ${where} (UDP) within ${Math.round((req.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`,
    };
  }
  const lines = `${run.stderr}\n${run.stdout}`
    .split('\n')
    .map((l) => l.replace(/^>\s*/, '').trim())
    .filter((l) => l !== '' && !NOISE.some((n) => n.test(l)));
  const text = redactSecrets(lines.join('; '), [req.password, req.username]).slice(0, 400);
  const all = lines.join('\n');
  let kind: IpmiFailure;
  if (
    /RAKP 2 HMAC is invalid|unauthorized name|Invalid user name|invalid password|Insufficient privilege|Set Session Privilege Level to \S+ failed|Activate Session error|Authentication type NONE not supported|not authorized/i.test(
      all,
    )
  ) {
    kind = 'auth-failed';
  } else if (/(Get|Set) SEL Time command failed/i.test(all) || /Invalid command/i.test(all)) {
    kind = 'unsupported';
  } else {
    kind = 'unreachable';
  }
  const prefix =
    kind === 'auth-failed'
      ? `the BMC at ${where} refused the credentials or their privilege level (${req.privilege ?? 'ADMINISTRATOR'})`
      : kind === 'unsupported'
        ? `the BMC at ${where} refused ${what}`
        : `cannot reach the BMC at ${where} over IPMI (UDP)`;
  return { ok: false, kind, message: text ? `${prefix}: ${text}` : prefix };
}

/**
 * How long ipmitool took last time to a BMC, from start to exit: its session setup (with a BMC
 * that ignores Get Channel Cipher Suites, a whole -N timeout) comes before the time it sends, so
 * an explicit time is given this much ahead.
 */
const lastRunMs = new Map<string, number>();
const keyOf = (req: IpmiRequest): string => `${req.host}|${req.port}`;

/** Reads the BMC's SEL clock (`ipmitool sel time get`). */
export async function readIpmiClock(req: IpmiRequest): Promise<IpmiClock> {
  const started = Date.now();
  const run = await runIpmitool(req, ['sel', 'time', 'get']);
  if (run.code === 0) lastRunMs.set(keyOf(req), run.endedAt - started);
  // ipmitool 1.8.19 exits 0 when Get SEL Time itself fails: the printed time decides.
  const parsed = run.code === 0 ? parseSelTime(run.stdout) : undefined;
  if (!parsed) {
    const f = failure(req, run, 'Get SEL Time');
    if (run.code === 0 && f.kind === 'unreachable')
      return {
        ok: false,
        kind: 'unsupported',
        message: `ipmitool printed no SEL time: ${f.message.replace(/^cannot reach[^:]*: ?/, '') || '(nothing)'}`,
      };
    return f;
  }
  if ('unspecified' in parsed) {
    return {
      ok: false,
      kind: 'unsupported',
      message: 'the BMC reports no SEL time (0xFFFFFFFF, unspecified)',
    };
  }
  const text = run.stdout.trim().split('\n').pop() ?? '';
  return {
    ok: true,
    text,
    bmcTime: parsed.at,
    offsetMs: parsed.at.getTime() - run.endedAt,
    sinceInit: parsed.sinceInit,
  };
}

/**
 * Sets the BMC's SEL clock to this machine's clock plus `offsetMs`. With no offset, ipmitool's
 * own `sel time set now` (1.8.19+), whose time is taken once the session is up. Otherwise, or for
 * an older ipmitool, an explicit time given ahead by the last run's duration: a two-digit year as
 * 1.8.19 parses it in the C locale, then a four-digit one for older releases, which parse
 * `%m/%d/%Y`. Either form refuses the other, so the retry is safe.
 */
export async function setIpmiClock(req: IpmiRequest, offsetMs = 0): Promise<IpmiClockSet> {
  let last: Run | undefined;
  const forms: Array<'now' | 'yy' | 'yyyy'> = offsetMs === 0 ? ['now', 'yy', 'yyyy'] : ['yy', 'yyyy'];
  for (const form of forms) {
    const started = Date.now();
    const ahead = lastRunMs.get(keyOf(req)) ?? 0;
    const at = new Date(Math.round((started + offsetMs + ahead) / 1000) * 1000);
    const year = at.getUTCFullYear();
    if (form === 'yy' && (year < 1969 || year > 2068)) continue;
    const run = await runIpmitool(req, [
      'sel',
      'time',
      'set',
      form === 'now' ? 'now' : formatSelTime(at, form === 'yyyy'),
    ]);
    last = run;
    if (run.code === 0 && !/command failed/i.test(run.stderr)) {
      lastRunMs.set(keyOf(req), run.endedAt - started);
      return { ok: true, text: run.stdout.trim().split('\n').pop() ?? '' };
    }
    if (!/could not be parsed/i.test(run.stderr)) break;
  }
  if (!last) return { ok: false, kind: 'unsupported', message: 'the time is outside what ipmitool can set' };
  if (/could not be parsed/i.test(last.stderr)) {
    return {
      ok: false,
      kind: 'unsupported',
      message: 'this ipmitool parses neither MM/DD/YY nor MM/DD/YYYY times for sel time set',
    };
  }
  return failure(req, last, 'Set SEL Time');
}
