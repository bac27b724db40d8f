/**
 * One flag grammar for every command, kubectl's: the same cluster flags with the same meaning,
 * durations as Go writes them, `-n/--namespace`, `-o FORMAT`. Each kind of flag has one parser
 * here, so a flag means the same thing on every command.
 */
import { Command, Option } from 'commander';
import { isIP } from 'node:net';
import { InputError } from '../core/errors.js';
import { canonicalHostName } from '../probes/resolve.js';
import type { KubeconfigFlags } from '../sources/kubeconfig.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  // Not Go's: certificate lifetimes are counted in days (--expiry-warning 30d).
  d: 86_400_000,
};

/**
 * A duration in ms: Go's time.ParseDuration grammar (`1h30m`, `90s`, `1.5h`, `300ms`), plus `d`
 * for days, and a bare integer meaning seconds as kubectl's --request-timeout takes it.
 */
export function parseDuration(value: string, flag: string): number {
  const v = value.trim();
  const bad = (why: string): InputError =>
    new InputError(`${flag} "${value}" is not a duration: ${why}`, {
      where: flag,
      hint: 'write it as kubectl does: 30s, 5m, 1h30m, 0 (a bare number is seconds)',
    });
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (v.startsWith('-')) throw bad('it is negative');
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/gy;
  let total = 0;
  let at = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = re.lastIndex;
  }
  if (v === '' || at !== v.length) {
    throw bad(
      /^\d+(\.\d+)?$/.test(v) ? 'a fraction needs a unit' : 'use a number and a unit (ms, s, m, h, d)',
    );
  }
  return total;
}

/** A duration that must be more than zero (a wait, an interval). */
export function parsePositiveDuration(value: string, flag: string): number {
  const ms = parseDuration(value, flag);
  if (ms <= 0) {
    throw new InputError(`${flag} "${value}" must be longer than 0`, { where: flag, hint: 'e.g. 30s, 5m' });
  }
  return ms;
}

/** kubectl's --request-timeout: 0 means no limit. */
export function parseRequestTimeout(value: string): number {
  return parseDuration(value, '--request-timeout');
}

/** A time as ISO 8601; UTC when no zone is given. */
export function parseTime(value: string, flag: string): Date {
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  const d = new Date(iso);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(d.getTime())) {
    throw new InputError(`${flag} "${value}" is not an ISO 8601 time`, {
      where: flag,
      hint: 'e.g. 2026-11-24T03:00:00Z (UTC when no zone is given)',
    });
  }
  return d;
}

/** `--resolve HOST:IP` as curl takes it (or HOST:PORT:IP, applied only when PORT is the port connected to). */
export function parseResolve(entries: string[] | undefined, port?: number): Map<string, string> | undefined {
  if (!entries || entries.length === 0) return undefined;
  const map = new Map<string, string>();
  for (const entry of entries) {
    const bad = (why: string): never => {
      throw new InputError(`--resolve ${JSON.stringify(entry)}: ${why}`, {
        where: '--resolve',
        hint: 'use HOST:IP, e.g. --resolve api-int.mycluster.example.com:192.168.111.5 (IPv6: host:[fd00::5])',
      });
    };
    const m = /^([^:[\]\s]+):(?:(\d+):)?(\[[^\]]+\]|[^\s]+)$/.exec(entry);
    if (!m) bad('expected HOST:IP');
    const [, host, portText, addrText] = m as RegExpExecArray;
    const addr = (addrText as string).replace(/^\[(.*)\]$/, '$1');
    if (!isIP(addr)) bad(`${JSON.stringify(addrText)} is not an IP address`);
    if (portText !== undefined && port !== undefined && Number(portText) !== port) continue; // as curl: another port's entry
    map.set(canonicalHostName(host as string), addr);
  }
  return map;
}

/** A flag that may be given several times; no default is printed in --help. */
export function repeatable(flags: string, description: string): Option {
  return new Option(flags, description).argParser((v: string, prev: string[] | undefined) => [
    ...(prev ?? []),
    v,
  ]);
}

export type OutputFormat = 'text' | 'json' | 'yaml' | 'markdown' | 'junit' | 'html';

export function outputOption(formats: readonly OutputFormat[] = ['text', 'json', 'yaml']): Option {
  return new Option('-o, --output <format>', 'output format').choices([...formats]).default('text');
}

/** The flags kubectl takes to pick and override the cluster, and the per-request limit. */
export interface ClusterFlags extends KubeconfigFlags {
  requestTimeout: string;
}

export interface ClusterFlagOptions {
  /** What -n/--namespace selects on this command, beside kubectl's meaning. */
  namespaceHelp?: string;
  timeoutHelp?: string;
}

const CLUSTER_GROUP = 'Cluster options (as kubectl; KUBECONFIG is read as kubectl reads it):';

/** kubectl's global cluster flags, with kubectl's names, short forms and meaning. */
export function withClusterFlags(cmd: Command, options: ClusterFlagOptions = {}): Command {
  const flags: Option[] = [
    new Option(
      '--kubeconfig <path>',
      'kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account)',
    ),
    new Option('--context <name>', 'kubeconfig context to use'),
    new Option('--cluster <name>', 'kubeconfig cluster to use'),
    new Option('--user <name>', 'kubeconfig user to use'),
    new Option('-s, --server <url>', 'the API server URL'),
    new Option('--token <token>', 'bearer token for the API server'),
    new Option(
      '-n, --namespace <ns>',
      options.namespaceHelp ?? 'namespace of the BareMetalHosts (default: every namespace)',
    ),
    new Option('--insecure-skip-tls-verify', "do not check the API server's certificate (insecure)"),
    new Option('--certificate-authority <path>', "CA file for the API server's certificate"),
    new Option('--tls-server-name <name>', 'server name to check the API certificate against'),
    new Option('--client-certificate <path>', 'client certificate file for TLS'),
    new Option('--client-key <path>', 'client key file for TLS'),
    new Option('--username <name>', 'basic-auth user name for the API server'),
    new Option('--password <password>', 'basic-auth password for the API server'),
    new Option('--as <user>', 'act as this user (impersonation)'),
    repeatable('--as-group <group>', 'act as this group (repeatable; needs --as)'),
    new Option('--as-uid <uid>', 'act as this UID (needs --as)'),
    new Option(
      '--request-timeout <duration>',
      options.timeoutHelp ?? 'limit for each API request (e.g. 30s, 1m; 0 = no limit)',
    ).default('15s'),
  ];
  for (const f of flags) cmd.addOption(f.helpGroup(CLUSTER_GROUP));
  return cmd;
}

export function kubeconfigFlagsOf(flags: ClusterFlags): KubeconfigFlags {
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    cluster: flags.cluster,
    user: flags.user,
    server: flags.server,
    token: flags.token,
    namespace: flags.namespace,
    insecureSkipTlsVerify: flags.insecureSkipTlsVerify,
    certificateAuthority: flags.certificateAuthority,
    tlsServerName: flags.tlsServerName,
    clientCertificate: flags.clientCertificate,
    clientKey: flags.clientKey,
    username: flags.username,
    password: flags.password,
    as: flags.as,
    asGroup: flags.asGroup,
    asUid: flags.asUid,
  };
}

/**
 * pflag writes booleans as `--flag=true|false`; commander knows only `--flag`. The kubectl
 * spelling is turned into commander's before parsing.
 */
export function normaliseBooleanFlags(argv: string[], booleans: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg === '--') {
      out.push(...argv.slice(argv.indexOf(arg)));
      break;
    }
    const m = /^--([a-z][a-z0-9-]*)=(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.exec(arg);
    if (m && booleans.has(m[1]!)) {
      if (/^(true|1|t)$/i.test(m[2]!)) out.push(`--${m[1]}`);
      else if (booleans.has(`no-${m[1]}`)) out.push(`--no-${m[1]}`);
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** `--expiry-warning 30d`; the older `--expiry-warning-days 30` still works. */
export function expiryWarningDaysOf(flags: { expiryWarning: string; expiryWarningDays?: string }): number {
  if (flags.expiryWarningDays !== undefined) {
    return parsePositiveDuration(`${flags.expiryWarningDays}d`, '--expiry-warning-days') / 86_400_000;
  }
  return parsePositiveDuration(flags.expiryWarning, '--expiry-warning') / 86_400_000;
}

export function expiryWarningOptions(help: string): Option[] {
  return [
    new Option('--expiry-warning <duration>', help).default('30d'),
    new Option('--expiry-warning-days <days>', 'the same in days (older spelling)').hideHelp(),
  ];
}

/** MCS and BMC probes keep a limit of their own even when API requests have none. */
export function probeTimeoutOf(requestTimeoutMs: number): number {
  return requestTimeoutMs > 0 ? Math.min(requestTimeoutMs, 10_000) : 10_000;
}
