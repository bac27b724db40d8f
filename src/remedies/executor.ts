/**
 * Carrying out a plan: permissions first (nothing changes when one is missing), then step by
 * step: skip what is already done, back up before changing, apply, check, record in the
 * manifest, and stop at the first failure. An interrupt (Ctrl-C) is honoured between steps, so
 * the cluster is never left in the middle of one.
 */
import type { Facts } from '../checks/facts/index.js';
import { ApiError, describeAccess, type AccessCheck, type KubeApi } from './kube-api.js';
import type { BackupDir } from './backup.js';
import { StepFailed, type FixPlan, type StepContext } from './types.js';

export interface StepOutcome {
  id: string;
  title: string;
  status: 'done' | 'skipped' | 'failed' | 'not-run';
  message: string;
  hint?: string;
}

export interface ExecuteResult {
  status: 'done' | 'failed' | 'interrupted';
  steps: StepOutcome[];
}

export interface ExecuteOptions {
  api: KubeApi;
  facts: Facts;
  plan: FixPlan;
  backup: BackupDir;
  /** Progress lines for a person. */
  out: (line: string) => void;
  waitTimeoutMs: number;
  pollMs: number;
  interrupted: () => boolean;
}

/** The permissions the plan needs that this context does not have (SelfSubjectAccessReview). */
export async function missingPermissions(api: KubeApi, plan: FixPlan): Promise<string[]> {
  const seen = new Map<string, AccessCheck>();
  for (const step of plan.steps) for (const a of step.access) seen.set(describeAccess(a), a);
  const denied: string[] = [];
  await Promise.all(
    [...seen].map(async ([text, a]) => {
      if (!(await api.canI(a))) denied.push(text);
    }),
  );
  return denied.sort();
}

function errorText(err: unknown): { message: string; hint?: string } {
  if (err instanceof StepFailed || err instanceof ApiError) return { message: err.message, hint: err.hint };
  return { message: err instanceof Error ? err.message : String(err) };
}

export async function executePlan(opts: ExecuteOptions): Promise<ExecuteResult> {
  const { plan, backup, out } = opts;
  const outcomes: StepOutcome[] = plan.steps.map((s) => ({
    id: s.id,
    title: s.title,
    status: 'not-run',
    message: '',
  }));
  const total = plan.steps.length;
  for (let i = 0; i < total; i++) {
    const step = plan.steps[i]!;
    const outcome = outcomes[i]!;
    if (opts.interrupted()) {
      out(`interrupted: stopping before step ${i + 1} of ${total}; the cluster is as step ${i} left it`);
      return { status: 'interrupted', steps: outcomes };
    }
    out(`[${i + 1}/${total}] ${step.title}`);
    const ctx: StepContext = {
      api: opts.api,
      backup,
      facts: opts.facts,
      stepId: step.id,
      waitTimeoutMs: opts.waitTimeoutMs,
      pollMs: opts.pollMs,
      log: (line) => out(`      ${line}`),
      async backupObject(key, options) {
        const current = await opts.api.get(key);
        await backup.saveObject(key, current, step.id, options);
        return current;
      },
    };
    try {
      if (backup.stepStatus(step.id) === 'done') {
        outcome.status = 'skipped';
        outcome.message = 'done by an earlier run of this fix';
        out(`      skipped: ${outcome.message}`);
        continue;
      }
      // A step that was started and not finished is applied again: every apply is safe to repeat.
      if (backup.stepStatus(step.id) !== 'started') {
        const already = await step.isDone(ctx);
        if (already !== undefined) {
          await backup.recordStep(step.id, step.title, 'skipped', already);
          outcome.status = 'skipped';
          outcome.message = already;
          out(`      already done: ${already}`);
          continue;
        }
      }
      await backup.recordStep(step.id, step.title, 'started');
      const did = await step.apply(ctx);
      if (step.kind === 'change') out(`      ${did}`);
      const saw = await step.verify(ctx);
      await backup.recordStep(step.id, step.title, 'done', saw);
      outcome.status = 'done';
      outcome.message = saw;
      out(`      ok: ${saw}`);
    } catch (err) {
      const { message, hint } = errorText(err);
      if (!(err instanceof StepFailed) && !(err instanceof ApiError)) {
        // Not a step's own verdict (the API went away, a bug): still recorded, then passed on.
        await backup.recordStep(step.id, step.title, 'failed', message).catch(() => undefined);
        throw err;
      }
      await backup.recordStep(step.id, step.title, 'failed', message);
      outcome.status = 'failed';
      outcome.message = message;
      outcome.hint = hint;
      out(`      FAILED: ${message}`);
      if (hint) out(`      what to do: ${hint}`);
      return { status: 'failed', steps: outcomes };
    }
  }
  await backup.finish();
  return { status: 'done', steps: outcomes };
}
