/**
 * preflight's Report: one model, rendered as text, JSON, YAML and JUnit. Field names are a
 * public contract (`schemaVersion` 1; new optional fields may be added). Each predicted fetch
 * carries the cause it would be, named as diagnose and probe name it (causeOfFetch).
 */
import { causeOfFetch } from '../causes/index.js';
import type { CauseId } from '../core/causes.js';
import { ExitCode } from '../core/errors.js';
import type { PreflightCheckResult } from '../checks/preflight/index.js';
import { predictCsr } from '../checks/preflight/rules/hostname.js';
import type {
  BootImageIgnition,
  PredictedFetch,
  PreflightFacts,
  WaitingHost,
} from '../checks/preflight/types.js';
import { formatClockOffset } from '../checks/facts/clock.js';
import { ignitionRequest } from '../checks/preflight/gather.js';
import type { ClusterSource } from '../sources/types.js';
import { VERSION } from '../version.js';

export interface PredictionReport {
  /** `openshift-machine-api/worker-user-data-managed`. */
  userData: string;
  url?: string;
  verdict: PredictedFetch['verdict'];
  /** The cause it would be, as diagnose names it (docs/causes/<id>.md). */
  cause?: CauseId;
  /** The line Ignition logs for each attempt. */
  ignitionLine?: string;
  /** How Ignition's run ends. */
  ignitionFinal?: string;
  /** The clock it is judged at. */
  at: string;
  servedSpec?: string;
  why?: string;
}

export interface PreflightHostReport {
  host: string;
  namespace: string;
  state: string;
  inspectedHostname?: string;
  /** What the machine-approver will do with its kubelet's client CSR (after inspection). */
  clientCsr?: { nodeName: string; verdict: 'approved' | 'pending'; reason?: string };
  bmc: { address?: string; read: 'ok' | 'failed' | 'not-read'; detail: string };
  clock: { at: string; source: 'bmc' | 'this-machine'; offset?: string };
  predictions: PredictionReport[];
}

export interface PreflightPointerReport extends Omit<PredictionReport, 'at'> {
  usedBy: string[];
  pool?: string;
  at?: string;
  problem?: string;
  /** What a host booting just after the served chain expires would log (within --expiry-warning). */
  afterExpiry?: { at: string; ignitionLine?: string; ignitionFinal?: string };
}

export type PreflightVerdict = 'pass' | 'problem';

export interface PreflightReport {
  schemaVersion: 1;
  tool: { name: 'mcs-doctor'; version: string };
  command: 'preflight';
  generatedAt: string;
  source: { kind: 'live' | 'must-gather'; location: string; requests: number };
  cluster: {
    version: string | null;
    platform: string | null;
    apiServerInternalURI: string | null;
    apiVips: string[];
  };
  bootImage: BootImageIgnition & { acceptHeader: string };
  expiryWarningDays: number;
  verdict: PreflightVerdict;
  exitCode: number;
  /** `<check id>: <message>` of every failing finding, then every one that could not be checked. */
  problems: string[];
  checks: PreflightCheckResult[];
  pointers: PreflightPointerReport[];
  hosts: PreflightHostReport[];
}

function prediction(
  userData: string,
  f: PredictedFetch,
  reasonNow: Parameters<typeof causeOfFetch>[1],
  url: string | undefined,
): PredictionReport {
  const cause: CauseId | null =
    f.verdict !== 'fail'
      ? null
      : f.result
        ? causeOfFetch(f.result, reasonNow)
        : f.final?.includes('unsupported config version')
          ? 'pointer-unsupported-version'
          : null;
  return {
    userData,
    url,
    verdict: f.verdict,
    ...(cause ? { cause } : {}),
    ignitionLine: f.line,
    ignitionFinal: f.final,
    at: f.at.toISOString(),
    servedSpec: f.result?.http?.ignitionVersion,
    why: f.why,
  };
}

function hostReport(pf: PreflightFacts, w: WaitingHost): PreflightHostReport {
  const h = w.host;
  // The chain judged at this machine's clock, for the same pointer: a clock that alone breaks it is the cause.
  const nowReason = (key: string) => {
    const r = pf.pointers.find((p) => p.key === key)?.now?.result;
    return !r ? null : r.verification?.ok ? 'ok' : r.reason;
  };
  const csr = predictCsr(pf, h);
  return {
    host: h.name,
    namespace: h.namespace,
    state: h.state,
    inspectedHostname: csr?.hostname,
    ...(csr
      ? {
          clientCsr: {
            nodeName: csr.nodeName,
            verdict: csr.refusal ? ('pending' as const) : ('approved' as const),
            ...(csr.refusal ? { reason: csr.refusal } : {}),
          },
        }
      : {}),
    bmc: {
      address: h.bmcAddress,
      read: w.bmc ? (w.bmc.ok ? 'ok' : 'failed') : 'not-read',
      detail: w.bmc
        ? w.bmc.ok
          ? `${w.bmc.manager} DateTime ${w.bmc.dateTime}`
          : w.bmc.message
        : w.clock.detail,
    },
    clock: {
      at: w.clock.at.toISOString(),
      source: w.clock.source,
      ...(w.bmc?.ok ? { offset: formatClockOffset(w.bmc.offsetMs) } : {}),
    },
    predictions: w.predictions.map(({ key, fetch }) =>
      prediction(key, fetch, nowReason(key), pf.pointers.find((p) => p.key === key)?.url),
    ),
  };
}

export function buildPreflightReport(
  pf: PreflightFacts,
  checks: PreflightCheckResult[],
  source: ClusterSource,
): PreflightReport {
  const problems = [
    ...checks.flatMap((c) =>
      c.findings.filter((f) => f.status === 'fail').map((f) => `${c.id}: ${f.message}`),
    ),
    ...checks.flatMap((c) =>
      c.findings.filter((f) => f.status === 'unknown').map((f) => `${c.id}: could not check: ${f.message}`),
    ),
  ];
  const verdict: PreflightVerdict = problems.length > 0 ? 'problem' : 'pass';
  const { facts } = pf;
  return {
    schemaVersion: 1,
    tool: { name: 'mcs-doctor', version: VERSION },
    command: 'preflight',
    generatedAt: new Date().toISOString(),
    source: { kind: source.kind, location: source.location, requests: source.stats().requests },
    cluster: {
      version: facts.cluster.version,
      platform: facts.cluster.platform,
      apiServerInternalURI: facts.cluster.apiServerInternalURI,
      apiVips: facts.cluster.apiVips,
    },
    bootImage: { ...pf.bootImage, acceptHeader: ignitionRequest(pf.bootImage.ignitionVersion).accept },
    expiryWarningDays: pf.options.expiryWarningDays,
    verdict,
    exitCode: verdict === 'pass' ? ExitCode.healthy : ExitCode.problem,
    problems,
    checks,
    pointers: pf.pointers.map((p) => {
      const base = p.now ? prediction(p.key, p.now, null, p.url) : undefined;
      return {
        userData: p.key,
        usedBy: p.usedBy,
        url: p.url,
        pool: p.pool,
        verdict: base?.verdict ?? (p.problem ? 'fail' : 'unknown'),
        ...(base ? { ...base, userData: p.key } : {}),
        ...(p.problem ? { problem: p.problem } : {}),
        ...(p.atExpiry
          ? {
              afterExpiry: {
                at: p.atExpiry.at.toISOString(),
                ignitionLine: p.atExpiry.line,
                ignitionFinal: p.atExpiry.final,
              },
            }
          : {}),
      };
    }),
    hosts: pf.waiting.map((w) => hostReport(pf, w)),
  };
}
