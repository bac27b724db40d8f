/**
 * The `fleet` report: one row per cluster, whatever the command run on it (diagnose, preflight,
 * certs), rendered as text, JSON, Markdown and HTML. Field names are a public contract
 * (`schemaVersion` 1); new optional fields may be added. A row carries no token, key or other
 * secret value: only what the single-cluster commands print.
 */
import { ExitCode } from './errors.js';

export const FLEET_COMMANDS = ['diagnose', 'preflight', 'certs'] as const;
export type FleetCommand = (typeof FLEET_COMMANDS)[number];

/** Where manifests/exporter/ deploys the exporter (its namespace and Deployment). */
export const EXPORTER_NAMESPACE = 'mcs-doctor';
export const EXPORTER_DEPLOYMENT = 'mcs-doctor-exporter';

/**
 * `healthy`, `problem`, `inconclusive`: the command's own verdict on the cluster. The others:
 * the command could not judge it (`unreachable`: no answer from the API server; `unauthorized`:
 * it refused the credentials; `forbidden`: RBAC refused the reads; `timeout`: no result within
 * --timeout; `error`: anything else, with its message).
 */
export type FleetVerdict =
  'healthy' | 'problem' | 'inconclusive' | 'unreachable' | 'unauthorized' | 'forbidden' | 'timeout' | 'error';

export interface FleetRow {
  /** The kubeconfig context (with --kubeconfig-dir, the file's current context). */
  context: string;
  /** The kubeconfig file the context comes from. */
  kubeconfig: string;
  apiServer: string;
  /** From ClusterVersion; null when it could not be read (or not OpenShift). */
  openshiftVersion: string | null;
  verdict: FleetVerdict;
  /** The exit code the single-cluster command would have had for this cluster. */
  exitCode: number;
  /** Why the cluster could not be judged (`unreachable: connect ECONNREFUSED 127.255.0.5:6443`); null when judged. */
  reason: string | null;
  /**
   * The first thing to act on: a cause id (diagnose), a predicted cause or check id (preflight),
   * `cert-expired`/`cert-expiring` (certs); the host or object it is about, and its summary.
   */
  top: { id: string; host: string | null; summary: string } | null;
  /** Hosts that fail (diagnose), or whose first boot is predicted to fail (preflight). */
  failingHosts: string[];
  /** Whole days until the MCS serving certificate (secret machine-config-server-tls) expires; negative once expired. */
  mcsCertDaysLeft: number | null;
  mcsCertNotAfter: string | null;
  /** Deployment mcs-doctor/mcs-doctor-exporter: `unknown` when it could not be read (RBAC). */
  exporter: 'yes' | 'no' | 'unknown';
  /** API requests made for this cluster. */
  requests: number;
  durationMs: number;
}

export interface FleetSummary {
  clusters: number;
  healthy: number;
  problem: number;
  inconclusive: number;
  /** unreachable, unauthorized, forbidden, timeout or error. */
  notJudged: number;
}

export interface FleetReport {
  schemaVersion: 1;
  tool: { name: 'mcs-doctor'; version: string };
  command: FleetCommand;
  generatedAt: string;
  clusters: FleetRow[];
  summary: FleetSummary;
  exitCode: number;
}

/**
 * Exit codes from worst to best: a problem found comes first (something to act on), then a
 * cluster that could not be reached, then bad input for one cluster (its kubeconfig entry), then
 * one that could be read only in part, then healthy.
 */
const SEVERITY: readonly number[] = [
  ExitCode.problem,
  ExitCode.unreachable,
  ExitCode.usage,
  ExitCode.inconclusive,
  ExitCode.healthy,
];

/** The worst of the clusters' exit codes (healthy for none). */
export function worstExitCode(codes: readonly number[]): number {
  // A code outside the convention is never taken for healthy: it counts as bad input.
  const known = codes.map((c) => (SEVERITY.includes(c) ? c : ExitCode.usage));
  for (const code of SEVERITY) if (known.includes(code)) return code;
  return ExitCode.healthy;
}

export function summarise(rows: readonly FleetRow[]): FleetSummary {
  const count = (v: FleetVerdict): number => rows.filter((r) => r.verdict === v).length;
  return {
    clusters: rows.length,
    healthy: count('healthy'),
    problem: count('problem'),
    inconclusive: count('inconclusive'),
    notJudged: rows.length - count('healthy') - count('problem') - count('inconclusive'),
  };
}
