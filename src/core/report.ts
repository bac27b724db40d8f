/**
 * The diagnose Report: one model, rendered as text, JSON, YAML, Markdown, JUnit and HTML. Field
 * names are a public contract (`schemaVersion` 1); new optional fields may be added.
 */
import type { CauseId } from './causes.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown' | 'skip';

/** One fact that supports a finding, with where it came from. */
export interface Evidence {
  text: string;
  /** The object, file, URL or log it was read from: `secret openshift-machine-config-operator/machine-config-server-tls`. */
  source?: string;
}

export interface Finding {
  status: CheckStatus;
  message: string;
  /** The BareMetalHost the finding is about, when it is about one. */
  host?: string;
  evidence: Evidence[];
  /** A cause this finding points at. */
  cause?: CauseId;
  /** For a read RBAC refused: the permission to grant. */
  permission?: string;
}

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  findings: Finding[];
  durationMs: number;
}

export type StageId =
  | 'bmh-registered'
  | 'bmh-provisioned'
  | 'host-clock'
  | 'mcs-reachable'
  | 'tls-verified'
  | 'config-served'
  | 'client-csr'
  | 'serving-csr'
  | 'node-ready';

/** `in-progress`: the stage is under way and nothing says it is failing (a host being provisioned). */
export type StageStatus = 'pass' | 'fail' | 'unknown' | 'not-reached' | 'in-progress';

export interface Stage {
  id: StageId;
  title: string;
  status: StageStatus;
  detail: string;
  evidence: Evidence[];
}

export type Confidence = 'confirmed' | 'likely' | 'possible';

export interface Fix {
  /** The mcs-doctor command that plans (and with --apply makes) the fix. */
  command: string;
  /** The same by hand. */
  manual: string[];
  notes: string[];
}

export interface RankedCause {
  id: CauseId;
  /** The BareMetalHost, or null for a cluster-wide cause. */
  host: string | null;
  rank: number;
  confidence: Confidence;
  summary: string;
  /** The pipeline stage it breaks. */
  stage: StageId | null;
  /** Its first line is the fact that decides the cause. */
  evidence: Evidence[];
  /** What follows from this cause (pods that cannot start on a broken secret): shown under it, never ranked beside it. */
  consequences?: Array<{ id: CauseId; summary: string; evidence: Evidence[] }>;
  fix: Fix;
}

export type HostOutcome = 'joined' | 'joining' | 'failing' | 'unknown';

export interface HostDiagnosis {
  host: string;
  namespace: string;
  outcome: HostOutcome;
  pipeline: Stage[];
  firstFailingStage: StageId | null;
  causes: RankedCause[];
}

export interface CertificateTimeline {
  label: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** Other places the same certificate was met: `served at <url>`, `pointer CA (<secret or file>)`. */
  alsoIn?: string[];
  /** Points in time to mark on it: now, and each host clock that matters. */
  marks: Array<{ label: string; at: string }>;
}

export type Verdict = 'healthy' | 'problem' | 'inconclusive';

export interface DiagnoseReport {
  schemaVersion: 1;
  tool: { name: 'mcs-doctor'; version: string };
  generatedAt: string;
  source: { kind: 'live' | 'must-gather'; location: string; collectedAt: string; requests: number };
  cluster: {
    version: string | null;
    platform: string | null;
    apiServerInternalURI: string | null;
    apiVips: string[];
  };
  verdict: Verdict;
  exitCode: number;
  /** Causes over all hosts, ranked: the first is the one to act on. */
  causes: RankedCause[];
  hosts: HostDiagnosis[];
  /** The pipeline per host, as `hosts[].pipeline`, flattened for consumers that want one table. */
  pipeline: Array<{ host: string; stage: StageId; title: string; status: StageStatus; detail: string }>;
  checks: CheckResult[];
  certificates: CertificateTimeline[];
  /** What could not be checked, and why (redaction, RBAC, a failed read). */
  unchecked: string[];
  /** Malformed inputs met on the way (a broken file in a must-gather). */
  inputErrors: string[];
}
