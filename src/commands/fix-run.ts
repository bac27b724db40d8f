/**
 * The work of `fix` and `restore`: diagnose, choose the cause, plan, check permissions, confirm,
 * back up and apply (or resume an unfinished fix), and report what was done and how to go back.
 */
import { join } from 'node:path';
import { ExitCode, InputError, UnreachableError, UserError } from '../core/errors.js';
import { isJoined } from '../checks/facts/index.js';
import { CAUSE_IDS, type CauseId } from '../core/causes.js';
import { analyse } from '../diagnosis/diagnose.js';
import { BackupDir, defaultBackupRoot, type FixManifest } from '../remedies/backup.js';
import { executePlan, missingPermissions, type ExecuteResult } from '../remedies/executor.js';
import { ApiError, KubeApi } from '../remedies/kube-api.js';
import { FIXABLE, planFix, type Strategy } from '../remedies/plan.js';
import { reloadRestoredMcs } from '../remedies/mcs-reload.js';
import { restoreBackup } from '../remedies/restore.js';
import { MCO_NAMESPACE, MCS_TLS_SECRET } from '../core/names.js';
import { FixRefused, type FixPlan } from '../remedies/types.js';
import { openLiveSource, type LiveSource } from '../sources/live.js';
import type { KubeTarget } from '../sources/kubeconfig.js';
import { renderData } from '../report/data.js';
import {
  expiryWarningDaysOf,
  kubeconfigFlagsOf,
  parsePositiveDuration,
  parseRequestTimeout,
  probeTimeoutOf,
} from './flags.js';
import { backupStamp, confirm } from './confirm.js';
import { VERSION } from '../version.js';
import type { FixFlags, RestoreFlags } from './fix.js';

/** The cluster a plan is for, as JSON and YAML carry it: read before anything changes. */
export function targetOf(source: LiveSource): {
  server: string;
  context: string;
  cluster: string;
  user: string;
  namespace: string;
} {
  const t: KubeTarget = source.target;
  return { server: t.server, context: t.context, cluster: t.cluster, user: t.user, namespace: t.namespace };
}

function renderPlan(
  plan: FixPlan,
  version: string | null,
  source: LiveSource,
  out: (s: string) => void,
): void {
  out(
    `Fix plan: ${plan.cause}${plan.host ? ` on ${plan.host}` : ''} (OpenShift ${version ?? 'unknown'}, strategy ${plan.strategy})`,
  );
  out(`Cluster: ${source.location}${source.target.user ? `, user ${source.target.user}` : ''}`);
  out(plan.summary);
  out('');
  plan.steps.forEach((s, i) => {
    out(`  ${i + 1}. ${s.title}${s.kind === 'check' ? '  [check]' : ''}`);
    for (const t of s.touches) out(`     changes: ${t}`);
    for (const m of s.manual) out(`     by hand: ${m}`);
  });
  if (plan.steps.length === 0) out('  (no step: nothing to change)');
  if (plan.notes.length) {
    out('');
    out('Notes:');
    for (const n of plan.notes) out(`  - ${n}`);
  }
}

export async function runFix(causeArg: string | undefined, flags: FixFlags): Promise<number> {
  if (causeArg !== undefined && !CAUSE_IDS.includes(causeArg as CauseId)) {
    throw new InputError(`"${causeArg}" is not a root-cause id`, {
      where: 'CAUSE',
      hint: `use one of: ${FIXABLE.join(', ')}`,
    });
  }
  const timeoutMs = parseRequestTimeout(flags.requestTimeout);
  const waitTimeoutMs = parsePositiveDuration(flags.waitTimeout, '--wait-timeout');
  const expiryWarningDays = expiryWarningDaysOf(flags);
  const data = flags.output === 'json' || flags.output === 'yaml' ? flags.output : undefined;
  const lines: string[] = [];
  const out = (s: string) => {
    if (data) lines.push(s);
    else process.stdout.write(s + '\n');
  };
  const source = await openLiveSource({ ...kubeconfigFlagsOf(flags), requestTimeoutMs: timeoutMs });
  try {
    const api = new KubeApi(source);
    const { report, facts } = await analyse(source, {
      hosts: flags.host ? [flags.host] : undefined,
      namespace: flags.namespace,
      bmc: 'auto',
      probe: true,
      expiryWarningDays,
      now: new Date(),
      probeTimeoutMs: probeTimeoutOf(timeoutMs),
    });
    if (flags.host && !facts.selected.some((h) => h.name === flags.host)) {
      throw new InputError(`the BareMetalHosts could not be read, so ${flags.host} cannot be fixed`, {
        where: '--host',
        hint: 'use a context that may list baremetalhosts.metal3.io (manifests/rbac/mcs-doctor-fix.yaml)',
      });
    }
    const hostKey = flags.host ?? null;
    // An unfinished fix is resumed: from --backup-dir, or the newest one for this cluster, cause and host.
    let backup: BackupDir | undefined;
    if (flags.backupDir && (await BackupDir.exists(flags.backupDir))) {
      backup = await BackupDir.open(flags.backupDir);
      const m = backup.manifest;
      if (m.kind === 'bmc-time') {
        throw new InputError(`${flags.backupDir} holds BMC clocks saved by bmc-time --set, not a fix`, {
          where: '--backup-dir',
          hint: `give a new directory; mcs-doctor restore ${flags.backupDir} puts those clocks back`,
        });
      }
      if (m.server !== source.apiServer) {
        throw new InputError(`${flags.backupDir} holds a fix for ${m.server}, not for this cluster`, {
          where: '--backup-dir',
          hint: 'give a new directory, or the kubeconfig of that cluster',
        });
      }
      if (m.restoredAt) {
        throw new InputError(
          `the fix in ${flags.backupDir} was undone by restore on ${m.restoredAt}: it cannot be resumed`,
          {
            where: '--backup-dir',
            hint: 'give a new --backup-dir to fix again from the restored state',
          },
        );
      }
      if (causeArg && causeArg !== m.cause) {
        throw new InputError(`${flags.backupDir} holds a fix for ${m.cause}, not ${causeArg}`, {
          where: '--backup-dir',
          hint: 'give a new directory for another fix',
        });
      }
      if (m.finished && flags.apply) {
        out(
          `The fix in ${flags.backupDir} (${m.cause}) finished on ${m.updatedAt}; running it again only checks each step.`,
        );
      }
    } else if (!flags.backupDir && flags.apply) {
      const server = source.apiServer;
      for (const cause of causeArg ? [causeArg] : FIXABLE) {
        backup = await BackupDir.findUnfinished(defaultBackupRoot(), { server, cause, host: hostKey });
        if (backup) break;
      }
    }
    let cause: CauseId;
    let hosts = facts.selected;
    if (backup) {
      cause = backup.manifest.cause as CauseId;
      out(`Resuming the ${cause} fix started ${backup.manifest.createdAt} (backups in ${backup.dir}).`);
    } else {
      // A host that has joined needs no fix of its own (what a probe from here says about its pointer
      // matters only if it is provisioned again); cluster-wide causes still count.
      const joined = new Set(report.hosts.filter((h) => h.outcome === 'joined').map((h) => h.host));
      const candidates = report.causes.filter(
        (c) =>
          c.confidence !== 'possible' &&
          (!flags.host || c.host === flags.host || c.host === null) &&
          (causeArg !== undefined || c.host === null || !joined.has(c.host)),
      );
      const chosen = causeArg
        ? candidates.find((c) => c.id === causeArg)
        : candidates.find((c) => FIXABLE.includes(c.id));
      if (!chosen) {
        const what = causeArg ? `${causeArg}` : 'a cause mcs-doctor can fix';
        out(
          report.verdict === 'healthy'
            ? `diagnose finds nothing wrong${flags.host ? ` with ${flags.host}` : ''}: nothing to fix.`
            : `diagnose does not find ${what}${flags.host ? ` for ${flags.host}` : ''}${report.causes[0] ? ` (it names ${report.causes[0].id}; run mcs-doctor diagnose)` : ''}: nothing to fix.`,
        );
        if (data)
          process.stdout.write(
            renderData(
              {
                schemaVersion: 1,
                target: targetOf(source),
                cause: null,
                verdict: report.verdict,
                steps: [],
                messages: lines,
              },
              data,
            ),
          );
        return report.verdict === 'inconclusive' ? ExitCode.inconclusive : ExitCode.healthy;
      }
      cause = chosen.id;
      if (chosen.host) hosts = facts.hosts.filter((h) => h.name === chosen.host);
    }
    if (flags.host) hosts = facts.selected;
    else if (!backup) {
      const affected = new Set(
        report.hosts.filter((h) => h.causes.some((c) => c.id === cause)).map((h) => h.host),
      );
      const narrowed = hosts.filter((h) => affected.has(h.name) || !isJoined(h));
      hosts = narrowed.length ? narrowed : hosts;
    } else if (backup.manifest.host) hosts = facts.hosts.filter((h) => h.name === backup!.manifest.host);

    const startedAt = backup?.manifest.createdAt ?? new Date().toISOString();
    let plan: FixPlan;
    try {
      plan = planFix(facts, {
        cause,
        hosts,
        strategy: (backup?.manifest.strategy === 'delete-secret' ? 'delete-secret' : flags.strategy) as
          Strategy | undefined,
        ntpServers: flags.ntpServer ?? [],
        expiryWarningDays,
        decisions: backup?.manifest.decisions,
        startedAt: () => startedAt,
      });
    } catch (err) {
      if (err instanceof FixRefused)
        throw new UserError(err.message, { where: `fix ${cause}`, hint: err.hint }, ExitCode.usage);
      throw err;
    }
    renderPlan(plan, facts.cluster.version, source, out);
    if (!flags.apply) {
      out('');
      out(
        `This is a plan: nothing was changed. To carry it out: mcs-doctor fix ${cause}${flags.host ? ` --host ${flags.host}` : ''} --apply`,
      );
      if (data) writeData(data, source, plan, facts.cluster.version, undefined, undefined, lines);
      return ExitCode.healthy;
    }
    const denied = await missingPermissions(api, plan);
    if (denied.length) {
      throw new UnreachableError(
        `this context may not carry out the fix; nothing was changed. Missing: ${denied.join('; ')}`,
        {
          where: source.location,
          hint: 'use a context with these permissions (manifests/rbac/mcs-doctor-fix.yaml), or run the plan by hand',
        },
      );
    }
    if (!flags.yes) {
      if (!process.stdin.isTTY) {
        throw new InputError('--apply needs confirmation and stdin is not a terminal', {
          where: '--apply',
          hint: 'add --yes to apply without asking',
        });
      }
      const changes = plan.steps.filter((s) => s.kind === 'change').length;
      // With -o json|yaml the plan is held back for stdout; the person answering must see it first.
      if (data) process.stderr.write(lines.join('\n') + '\n');
      if (!(await confirm(`Apply ${changes} change step(s) to ${source.location}?`))) {
        out('Nothing was changed.');
        if (data) writeData(data, source, plan, facts.cluster.version, undefined, undefined, lines);
        return ExitCode.healthy;
      }
    }
    if (!backup) {
      const dir =
        flags.backupDir ??
        join(defaultBackupRoot(), `${backupStamp(new Date())}-${cause}${flags.host ? `-${flags.host}` : ''}`);
      const manifest: FixManifest = {
        schemaVersion: 1,
        tool: `mcs-doctor ${VERSION}`,
        createdAt: startedAt,
        updatedAt: startedAt,
        server: source.apiServer,
        clusterVersion: facts.cluster.version,
        cause,
        host: hostKey,
        strategy: plan.strategy,
        decisions: plan.decisions,
        plan: plan.steps.map((s) => ({ id: s.id, title: s.title })),
        steps: [],
        objects: [],
        clocks: [],
        finished: false,
      };
      backup = await BackupDir.create(dir, manifest);
    } else {
      backup.manifest.decisions = { ...plan.decisions, ...backup.manifest.decisions };
      backup.manifest.finished = false;
      await backup.save();
    }
    out('');
    out(`Backup: ${backup.dir} (every object is saved there before it changes)`);
    let interrupted = false;
    const onSignal = () => {
      if (interrupted) return;
      interrupted = true;
      process.stderr.write('\ninterrupt: finishing the current step, then stopping (rerun to continue)\n');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let result: ExecuteResult;
    try {
      result = await executePlan({
        api,
        facts,
        plan,
        backup,
        out,
        waitTimeoutMs,
        pollMs: 500,
        interrupted: () => interrupted,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    out('');
    const rerun = `mcs-doctor fix${causeArg ? ` ${cause}` : ''}${flags.host ? ` --host ${flags.host}` : ''} --apply --backup-dir ${backup.dir}`;
    if (result.status === 'done') {
      out(`Fix applied. Next: mcs-doctor verify --host ${plan.host ?? '<host>'} --watch --approve-csrs`);
      out(`To undo it: mcs-doctor restore ${backup.dir}`);
    } else {
      const done = result.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
      out(`Stopped after ${done} of ${plan.steps.length} steps (${result.status}).`);
      out(`To continue once the problem is dealt with: ${rerun}`);
      out(`To go back to where you started: mcs-doctor restore ${backup.dir}`);
    }
    if (data) writeData(data, source, plan, facts.cluster.version, result, backup.dir, lines);
    return result.status === 'done' ? ExitCode.healthy : ExitCode.problem;
  } finally {
    await source.close();
  }
}

function writeData(
  format: 'json' | 'yaml',
  source: LiveSource,
  plan: FixPlan,
  version: string | null,
  result: ExecuteResult | undefined,
  backupDir: string | undefined,
  messages: string[],
): void {
  const body = {
    schemaVersion: 1,
    target: targetOf(source),
    cause: plan.cause,
    host: plan.host,
    clusterVersion: version,
    strategy: plan.strategy,
    summary: plan.summary,
    notes: plan.notes,
    applied: result !== undefined,
    status: result?.status ?? 'planned',
    backupDir: backupDir ?? null,
    steps: plan.steps.map((s, i) => ({
      id: s.id,
      title: s.title,
      kind: s.kind,
      touches: s.touches,
      manual: s.manual,
      status: result?.steps[i]?.status ?? 'planned',
      message: result?.steps[i]?.message ?? '',
      ...(result?.steps[i]?.hint ? { hint: result.steps[i]!.hint } : {}),
    })),
    messages,
  };
  process.stdout.write(renderData(body, format));
}

export async function runRestore(dir: string, flags: RestoreFlags): Promise<number> {
  const backup = await BackupDir.open(dir);
  const timeoutMs = parseRequestTimeout(flags.requestTimeout);
  const waitMs = parsePositiveDuration(flags.waitTimeout, '--wait-timeout');
  const data = flags.output === 'json' || flags.output === 'yaml' ? flags.output : undefined;
  const lines: string[] = [];
  const out = (s: string) => {
    if (data) lines.push(s);
    else process.stdout.write(s + '\n');
  };
  let source: LiveSource | undefined;
  try {
    source = await openLiveSource({ ...kubeconfigFlagsOf(flags), requestTimeoutMs: timeoutMs });
    const server = source.apiServer;
    if (backup.manifest.server !== server) {
      throw new InputError(`${dir} was taken from ${backup.manifest.server}, not from ${server}`, {
        where: dir,
        hint: 'use the kubeconfig (or --context) of the cluster the fix ran against',
      });
    }
    const m = backup.manifest;
    out(
      m.kind === 'bmc-time'
        ? `Restoring ${m.clocks.length} BMC clock(s) saved by bmc-time --set of ${m.createdAt}: each goes back to its old offset from this machine's clock (its old time plus the time elapsed since)`
        : `Restoring ${m.objects.length} object(s) and ${m.clocks.length} BMC clock(s) saved by the ${m.cause} fix of ${m.createdAt}`,
    );
    out(`Cluster: ${source.location}${source.target.user ? `, user ${source.target.user}` : ''}`);
    if (!flags.yes) {
      if (!process.stdin.isTTY) {
        throw new InputError('restore needs confirmation and stdin is not a terminal', {
          where: 'restore',
          hint: 'add --yes',
        });
      }
      if (data) process.stderr.write(lines.join('\n') + '\n');
      if (!(await confirm(`Put these objects back on ${source.location}?`))) {
        out('Nothing was changed.');
        if (data) writeRestoreData(data, source, dir, m.cause, [], null, lines);
        return ExitCode.healthy;
      }
    }
    const api = new KubeApi(source);
    const outcomes = await restoreBackup(api, backup, out);
    await backup.markRestored();
    const failed = outcomes.filter((o) => o.action === 'failed');
    const tlsSecret = `secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET}`;
    let servingOk = true;
    let mcs: { ok: boolean; message: string } | null = null;
    if (
      outcomes.some((o) => o.object === tlsSecret && ['restored', 'recreated', 'deleted'].includes(o.action))
    ) {
      try {
        const reload = await reloadRestoredMcs(api, m.clusterVersion, { waitMs, pollMs: 500, out });
        out(`${reload.ok ? '' : 'FAILED '}MCS: ${reload.message}`);
        servingOk = reload.ok;
        mcs = { ok: reload.ok, message: reload.message };
      } catch (err) {
        // The objects are back; only the restart is missing. Say so rather than lose what was done.
        if (!(err instanceof ApiError)) throw err;
        out(`FAILED MCS restart: ${err.message}${err.hint ? `; ${err.hint}` : ''}`);
        servingOk = false;
        mcs = { ok: false, message: err.message };
      }
    }
    out(
      failed.length
        ? `${failed.length} object(s) could not be restored; the others are back.`
        : m.kind === 'bmc-time'
          ? 'Every BMC clock is back at its old offset.'
          : 'Every object is back as it was.',
    );
    if (data) writeRestoreData(data, source, dir, m.cause, outcomes, mcs, lines);
    return failed.length || !servingOk ? ExitCode.problem : ExitCode.healthy;
  } finally {
    await source?.close();
  }
}

function writeRestoreData(
  format: 'json' | 'yaml',
  source: LiveSource,
  dir: string,
  cause: string,
  outcomes: { object: string; action: string; message?: string }[],
  mcs: { ok: boolean; message: string } | null,
  messages: string[],
): void {
  const failed = outcomes.filter((o) => o.action === 'failed').length;
  process.stdout.write(
    renderData(
      {
        schemaVersion: 1,
        target: targetOf(source),
        backupDir: dir,
        cause,
        restored: outcomes.length > 0,
        status: outcomes.length === 0 ? 'declined' : failed || (mcs && !mcs.ok) ? 'incomplete' : 'restored',
        objects: outcomes,
        mcs,
        messages,
      },
      format,
    ),
  );
}
