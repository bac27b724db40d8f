/** The machine-config-server daemonset, its pods, and what their logs say about worker fetches. */
import { readMcsLine } from '../../ignition/mcs-log-signatures.js';
import { isMcsDoctorUserAgent } from '../../probes/ignition-client.js';
import type { KubeObject, Read } from '../../sources/types.js';
import { containerStatus, isMcsPod, MCS_CONTAINER, type PodLogs } from '../snapshot.js';

export interface McsPodFacts {
  name: string;
  node?: string;
  ip?: string;
  phase?: string;
  ready: boolean;
  restarts: number;
  /** `ContainerCreating`, `CrashLoopBackOff`: why the container is not running. */
  waitingReason?: string;
  waitingMessage?: string;
  lastTerminationMessage?: string;
}

export interface LoggedFetch {
  pod: string;
  pool: string;
  ip: string;
  userAgent: string;
  accept: string;
  time?: string;
  /** The MCS could not render the config for this request (it answered 500): its log line's error. */
  error?: string;
}

export interface LoggedHandshakeError {
  pod: string;
  ip: string;
  error: string;
  time?: string;
}

export interface McsFacts {
  daemonSet?: KubeObject;
  pods: McsPodFacts[];
  podsRead: Read<KubeObject[]>;
  /** Fetches by workers (and other clients): never mcs-doctor's own. */
  fetches: LoggedFetch[];
  /** Handshake errors that may be a worker's: never those set aside as mcs-doctor's machine's. */
  handshakeErrors: LoggedHandshakeError[];
  /** mcs-doctor's own fetches, told by the mark in their User-Agent (`Ignition/2.14.0 mcs-doctor/0.1.0`). */
  ownFetches?: LoggedFetch[];
  /**
   * Handshake hang-ups (not certificate rejections) from an address mcs-doctor's own fetches come
   * from, and that is no BareMetalHost's: a client on mcs-doctor's machine, not a worker.
   */
  ownHandshakeErrors?: LoggedHandshakeError[];
  /** klog F lines and Go fatal errors from current or previous logs. */
  fatal: Array<{ pod: string; line: string }>;
  /** Logs that could not be read, with why. */
  logsUnread: string[];
  logsRead: number;
}

const KLOG_FATAL = /^F\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+\] (.*)$/;
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s+/;
const GO_LOG_TIME = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d)\s/;

/** The IP of `ip:port` or `[v6]:port`. */
export function hostOfAddress(address: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (v6?.[1]) return v6[1];
  const i = address.lastIndexOf(':');
  return i > 0 && address.indexOf(':') === i ? address.slice(0, i) : address;
}

function lineTime(line: string): { rest: string; time?: string } {
  const ts = TIMESTAMP.exec(line);
  if (ts) return { rest: line.slice(ts[0].length), time: ts[1] };
  const go = GO_LOG_TIME.exec(line);
  if (go) return { rest: line, time: `${go[1]}-${go[2]}-${go[3]}T${go[4]}Z` };
  return { rest: line };
}

export function parseMcsLog(pod: string, text: string, into: McsFacts): void {
  let last: LoggedFetch | undefined;
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const { rest, time } = lineTime(raw);
    const line = readMcsLine(rest);
    if (line?.type === 'request') {
      const fetch: LoggedFetch = {
        pod,
        pool: line.pool,
        ip: hostOfAddress(line.address),
        userAgent: line.userAgent ?? '',
        accept: line.accept ?? '',
        time,
      };
      last = fetch;
      if (isMcsDoctorUserAgent(fetch.userAgent)) (into.ownFetches ??= []).push(fetch);
      else into.fetches.push(fetch);
      continue;
    }
    if (line?.type === 'get-config-error') {
      // api.go logs it right after the request line it answers (500): the last one this pod logged.
      if (last) last.error = line.error;
      continue;
    }
    if (line?.type === 'handshake-error') {
      into.handshakeErrors.push({ pod, ip: hostOfAddress(line.from), error: line.error, time });
      continue;
    }
    const fatal = KLOG_FATAL.exec(rest);
    if (fatal) into.fatal.push({ pod, line: fatal[1]! });
  }
}

/** A handshake error that says the client rejected the certificate (real evidence, never set aside). */
export function isCertificateRejection(error: string): boolean {
  return /bad certificate|unknown certificate authority|expired certificate|unsupported certificate|certificate unknown|certificate revoked/.test(
    error,
  );
}

/**
 * Moves the handshake errors that come from mcs-doctor's own machine out of the workers' list:
 * hang-ups (EOF, resets; not certificate rejections) from an address that mcs-doctor's marked
 * fetches come from and that is no BareMetalHost's address. Older mcs-doctor versions, and any
 * client that reads the certificate and hangs up (openssl s_client), leave such lines.
 */
export function setAsideOwnTraffic(facts: McsFacts, hostIps: ReadonlySet<string>): void {
  const own = new Set((facts.ownFetches ?? []).map((f) => f.ip).filter((ip) => !hostIps.has(ip)));
  if (own.size === 0) return;
  const keep: LoggedHandshakeError[] = [];
  for (const e of facts.handshakeErrors) {
    if (own.has(e.ip) && !isCertificateRejection(e.error)) (facts.ownHandshakeErrors ??= []).push(e);
    else keep.push(e);
  }
  facts.handshakeErrors = keep;
}

/** Facts before any pod or log is read: what parseMcsLog fills. */
export function emptyMcsFacts(podsRead: Read<KubeObject[]> = { ok: true, value: [] }): McsFacts {
  return {
    pods: [],
    podsRead,
    fetches: [],
    handshakeErrors: [],
    ownFetches: [],
    ownHandshakeErrors: [],
    fatal: [],
    logsUnread: [],
    logsRead: 0,
  };
}

export function mcsFacts(
  daemonSets: Read<KubeObject[]>,
  pods: Read<KubeObject[]>,
  logs: PodLogs[],
): McsFacts {
  const daemonSet = daemonSets.ok
    ? daemonSets.value.find((d) => d.metadata.name === 'machine-config-server')
    : undefined;
  const facts: McsFacts = { ...emptyMcsFacts(pods), daemonSet };
  if (pods.ok) {
    for (const pod of pods.value.filter(isMcsPod)) {
      const status = (pod as { status?: { phase?: string; podIP?: string; hostIP?: string } }).status ?? {};
      const cs = containerStatus(pod, MCS_CONTAINER);
      const waiting = cs?.state?.['waiting'];
      const terminated = cs?.lastState?.['terminated'];
      facts.pods.push({
        name: pod.metadata.name,
        node: (pod as { spec?: { nodeName?: string } }).spec?.nodeName,
        ip: status.podIP ?? status.hostIP,
        phase: status.phase,
        ready: cs?.ready === true,
        restarts: cs?.restartCount ?? 0,
        waitingReason: waiting?.reason,
        waitingMessage: waiting?.message,
        lastTerminationMessage: terminated?.message,
      });
    }
  }
  for (const l of logs) {
    for (const [which, read] of [
      ['current', l.current],
      ['previous', l.previous],
    ] as const) {
      if (!read) continue;
      if (read.ok) {
        facts.logsRead++;
        parseMcsLog(l.pod, read.value, facts);
      } else facts.logsUnread.push(`${which} log of ${l.pod}: ${read.message}`);
    }
  }
  return facts;
}
