/**
 * A fix is a plan of steps. Each step says what it touches, the same by hand, the permissions it
 * needs, how to tell it is already done (so a resumed or repeated run skips it), how to apply it
 * (safe to repeat after an interruption) and how to check that it worked.
 */
import type { Facts } from '../checks/facts/index.js';
import type { CauseId } from '../core/causes.js';
import type { KubeObject } from '../sources/types.js';
import type { BackupDir } from './backup.js';
import type { AccessCheck, KubeApi, ObjectKey } from './kube-api.js';

export interface StepContext {
  api: KubeApi;
  backup: BackupDir;
  facts: Facts;
  /** Saves the object as it is before the first change (once per fix) and returns it. */
  backupObject(
    key: ObjectKey,
    options?: { restorable?: boolean; note?: string },
  ): Promise<KubeObject | undefined>;
  /** A progress line for the person watching. */
  log(line: string): void;
  /** How long a step may wait for the cluster (pods Ready, a host deprovisioned), in ms. */
  waitTimeoutMs: number;
  pollMs: number;
  /** The id of the step running: backups record it. */
  stepId: string;
}

export type StepKind = 'change' | 'check' | 'manual';

export interface FixStep {
  /** Stable within a fix: the manifest records progress by it. */
  id: string;
  title: string;
  kind: StepKind;
  /** What it changes, for the plan: `secret openshift-machine-config-operator/machine-config-server-tls`. */
  touches: string[];
  /** The same by hand. */
  manual: string[];
  /** The API permissions it needs (checked before anything changes). */
  access: AccessCheck[];
  /** Why the cluster is already as this step leaves it, or undefined when the step has work to do. */
  isDone(ctx: StepContext): Promise<string | undefined>;
  /** Makes the change; repeating it after an interruption must be safe. Returns what it did. */
  apply(ctx: StepContext): Promise<string>;
  /** Confirms the step worked; throws StepFailed when it did not. Returns what it saw. */
  verify(ctx: StepContext): Promise<string>;
}

export interface FixPlan {
  cause: CauseId;
  host: string | null;
  /** `regenerate`, `delete-secret`, `bmc-clock`, ... */
  strategy: string;
  summary: string;
  notes: string[];
  /** Choices made once (hosts to re-provision, the CA to trust) that a resumed run keeps. */
  decisions: Record<string, string[]>;
  steps: FixStep[];
}

/** A step that did not work: what went wrong and what a person can do. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'StepFailed';
  }
}

/** A plan that must not be carried out (the runbook's pitfall on this version), with the reason. */
export class FixRefused extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'FixRefused';
  }
}
