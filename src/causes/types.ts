/**
 * A root cause as one module: what it means, the fact that decides it, the fix by hand, what
 * `probe` says to do next, whether `mcs-doctor fix` has a plan for it, and its manual page.
 * The registry (index.ts) is typed so that a cause id without its module does not compile.
 */
import type { CauseId } from '../core/causes.js';
import type { Fix, StageId } from '../core/report.js';
import type { BmcTarget } from '../metal3/bmc-commands.js';
import { MCO_NAMESPACE } from '../core/names.js';

export interface FixContext {
  host: string | null;
  namespace: string;
  version: string | null;
  /** The host's role: a control-plane host is never re-provisioned. */
  role?: 'master' | 'worker' | string;
  /** The host's BMC, for the exact clock commands. */
  bmc?: BmcTarget;
  userDataSecret?: string;
  /** How many certificateAuthorities entries that pointer has (oc replaces only a lone one). */
  pointerCaEntries?: number;
  /** csr-pending: why the machine-approver leaves the host's CSR pending, when its rules refuse it. */
  approverRefusal?: string;
}

export interface ProbeContext {
  /** The URL host and port probed. */
  host: string;
  port: number;
  url: string;
  /** The probe's reason (dns-error, timeout, cert-expired...). */
  reason: string;
  /** The clock the chain was judged at (the worker's), RFC 3339. */
  at: string;
}

export interface CauseModule<Id extends CauseId = CauseId> {
  id: Id;
  /** What it means, in one line (the public description of the id). */
  summary: string;
  /** The join-pipeline stage it breaks; null for a warning about the cluster. */
  stage: StageId | null;
  /** The fact that decides it: described for the docs, and matched against the first evidence line of a report. */
  decisive: { what: string; pattern: RegExp };
  /** The fix by hand, with the version's pitfalls. */
  fix(ctx: FixContext): Omit<Fix, 'command'>;
  /** What `probe` tells a person to do next when its fetch fails this way. */
  probeNextSteps(p: ProbeContext): string[];
  /** Whether `mcs-doctor fix` carries out a plan for it, or why not. */
  remedy: { plan: true } | { plan: false; why: string };
}

export const MCO = MCO_NAMESPACE;
export const REGENERATE = 'oc adm ocp-certificates regenerate-machine-config-server-serving-cert';
export const UPDATE_CA = 'oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server';
