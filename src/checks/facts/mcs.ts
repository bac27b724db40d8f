/** The machine-config-server daemonset, its pods, and what their logs say about worker fetches. */
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
  fetches: LoggedFetch[];
  handshakeErrors: LoggedHandshakeError[];
  /** klog F lines and Go fatal errors from current or previous logs. */
  fatal: Array<{ pod: string; line: string }>;
  /** Logs that could not be read, with why. */
  logsUnread: string[];
  logsRead: number;
}

const FETCH = /Pool (\S+) requested by address:"([^"]*)" User-Agent:"([^"]*)" Accept-Header: "([^"]*)"/;
const HANDSHAKE = /http: TLS handshake error from (\S+): (.*)$/;
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
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const { rest, time } = lineTime(raw);
    const f = FETCH.exec(rest);
    if (f) {
      into.fetches.push({
        pod,
        pool: f[1]!,
        ip: hostOfAddress(f[2]!),
        userAgent: f[3]!,
        accept: f[4]!,
        time,
      });
      continue;
    }
    const h = HANDSHAKE.exec(rest);
    if (h) {
      into.handshakeErrors.push({ pod, ip: hostOfAddress(h[1]!), error: h[2]!, time });
      continue;
    }
    const fatal = KLOG_FATAL.exec(rest);
    if (fatal) into.fatal.push({ pod, line: fatal[1]! });
  }
}

export function mcsFacts(
  daemonSets: Read<KubeObject[]>,
  pods: Read<KubeObject[]>,
  logs: PodLogs[],
): McsFacts {
  const daemonSet = daemonSets.ok
    ? daemonSets.value.find((d) => d.metadata.name === 'machine-config-server')
    : undefined;
  const facts: McsFacts = {
    daemonSet,
    pods: [],
    podsRead: pods,
    fetches: [],
    handshakeErrors: [],
    fatal: [],
    logsUnread: [],
    logsRead: 0,
  };
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
