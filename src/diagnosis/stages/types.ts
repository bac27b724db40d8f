/**
 * What every stage of the join pipeline reads and returns. A stage is a pure function of one
 * host's context: it judges its own stages and names the causes it finds, each with the fact
 * that decides it; the runner (index.ts) strings them together and stops at the first failure.
 */
import type { HostFacts } from '../../checks/facts/hosts.js';
import type { Facts } from '../../checks/facts/index.js';
import type { TlsAssessment } from '../../checks/facts/tls.js';
import type { CauseId } from '../../core/causes.js';
import type { Confidence, Evidence, StageId, StageStatus } from '../../core/report.js';

export interface HostContext {
  facts: Facts;
  host: HostFacts;
  /** The TLS judgement of this host's pointer, once the host has booted or is about to. */
  tls?: TlsAssessment;
  fetches: Facts['mcs']['fetches'];
  rejections: Facts['mcs']['handshakeErrors'];
  /** A Node or a CSR of the host: it ran its config, whatever the logs kept. */
  joinedEvidence: boolean;
  fetched: boolean;
  fetchEvidence: Evidence[];
  rejectionEvidence: Evidence[];
  bmhEvidence: Evidence[];
}

export interface StageVerdict {
  id: StageId;
  status: StageStatus;
  detail: string;
  evidence: Evidence[];
}

export interface CauseDraft {
  id: CauseId;
  confidence: Confidence;
  summary: string;
  stage: StageId;
  /** The fact that decides this cause: the first line of its block. */
  decisive: Evidence;
  evidence: Evidence[];
  /** csr-pending: why the machine-approver refuses the CSR, for the fix. */
  approverRefusal?: string;
  /** Causes that follow from this one (shown under it, never ranked beside it). */
  consequences?: Array<{ id: CauseId; summary: string; evidence: Evidence[] }>;
}

export interface StageOutcome {
  verdicts: StageVerdict[];
  causes: CauseDraft[];
}

/** The verdicts so far, for a stage that depends on an earlier one. */
export type Earlier = (id: StageId) => StageStatus | undefined;

export function outcome(verdicts: StageVerdict[], causes: CauseDraft[] = []): StageOutcome {
  return { verdicts, causes };
}
