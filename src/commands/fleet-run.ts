/**
 * `mcs-doctor fleet`: the clusters picked from the kubeconfig (or a directory of them), each
 * judged in this process by the same library calls the single-cluster commands make (diagnose,
 * preflight, certs), at most --concurrency at a time, each within --timeout. A cluster that
 * cannot be reached, refuses the credentials or the reads, or takes too long is a row with its
 * reason, never an error that stops the others. Bad flags or kubeconfigs stop everything first
 * (exit 2): nothing is contacted before every cluster is resolved.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CertRow } from '../core/certs.js';
import { ExitCode, InputError, UserError } from '../core/errors.js';
import {
  EXPORTER_DEPLOYMENT,
  EXPORTER_NAMESPACE,
  summarise,
  worstExitCode,
  type FleetCommand,
  type FleetReport,
  type FleetRow,
} from '../core/fleet.js';
import { MCO_NAMESPACE, MCS_TLS_SECRET } from '../core/names.js';
import type { DiagnoseReport } from '../core/report.js';
import { colourEnabled, palette } from '../report/colour.js';
import { renderData } from '../report/data.js';
import { renderFleetHtml } from '../report/fleet-html.js';
import { renderFleetMarkdown } from '../report/fleet-markdown.js';
import { renderFleetText } from '../report/fleet-text.js';
import type { PreflightReport } from '../report/preflight-model.js';
import {
  loadKubeconfig,
  processKubeconfigEnvironment,
  resolveKubeTarget,
  type KubeconfigEnvironment,
  type KubeconfigFlags,
  type KubeTarget,
} from '../sources/kubeconfig.js';
import type { LiveSource } from '../sources/live.js';
import { VERSION } from '../version.js';
import type { FLEET_FORMATS } from './fleet.js';
import {
  expiryWarningDaysOf,
  kubeconfigFlagsOf,
  parsePositiveDuration,
  parseRequestTimeout,
  probeTimeoutOf,
  type ClusterFlags,
} from './flags.js';

export interface FleetFlags extends ClusterFlags {
  contexts?: string;
  allContexts?: boolean;
  kubeconfigDir?: string;
  concurrency: string;
  timeout: string;
  bmc: boolean;
  probe: boolean;
  expiryWarning: string;
  expiryWarningDays?: string;
  output: (typeof FLEET_FORMATS)[number];
}

/** One cluster to judge: its context resolved from its kubeconfig as kubectl resolves it. */
export interface FleetTarget {
  context: string;
  kubeconfig: string;
  target: KubeTarget;
}

export interface FleetOptions {
  command: FleetCommand;
  concurrency: number;
  timeoutMs: number;
  requestTimeoutMs: number;
  namespace?: string;
  bmc: boolean;
  probe: boolean;
  expiryWarningDays: number;
}

export const MAX_CONCURRENCY = 256;

export function parseConcurrency(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > MAX_CONCURRENCY) {
    throw new InputError(
      `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(text)}`,
      {
        where: '--concurrency',
        hint: 'e.g. --concurrency 16 (the default); each cluster in flight holds its API connections and its data',
      },
    );
  }
  return n;
}

function withoutSelection(flags: FleetFlags): KubeconfigFlags {
  return { ...kubeconfigFlagsOf(flags), context: undefined };
}

/** The clusters the flags pick, every one resolved (exit 2 for the first that cannot be). */
export function fleetTargets(flags: FleetFlags, env: KubeconfigEnvironment): FleetTarget[] {
  const chosen = [
    flags.contexts !== undefined,
    flags.allContexts === true,
    flags.kubeconfigDir !== undefined,
  ];
  if (chosen.filter(Boolean).length > 1) {
    throw new InputError(
      '--contexts, --all-contexts and --kubeconfig-dir pick the clusters in different ways: give one',
      {
        where: 'command line',
        hint: 'e.g. mcs-doctor fleet --all-contexts, or mcs-doctor fleet --kubeconfig-dir ~/clusters',
      },
    );
  }
  if (flags.context !== undefined && chosen.some(Boolean)) {
    throw new InputError(
      '--context names one cluster; with --contexts, --all-contexts or --kubeconfig-dir it means nothing',
      {
        where: '--context',
        hint: 'list the contexts with --contexts a,b,c',
      },
    );
  }
  if (flags.kubeconfigDir !== undefined) {
    if (flags.kubeconfig !== undefined) {
      throw new InputError('--kubeconfig and --kubeconfig-dir both say where the kubeconfigs are: give one', {
        where: '--kubeconfig-dir',
      });
    }
    return dirTargets(flags.kubeconfigDir, withoutSelection(flags), env);
  }
  const base = withoutSelection(flags);
  const merged = loadKubeconfig(base, env);
  const origin = (context: string): string =>
    merged.contexts.get(context)?.origin ?? merged.files[0] ?? '(none)';
  let names: string[];
  if (flags.allContexts) {
    names = [...merged.contexts.keys()];
    if (names.length === 0) {
      throw new InputError('the kubeconfig defines no context', {
        where: merged.files.join(':') || 'KUBECONFIG',
        hint: 'oc login adds one; kubectl config get-contexts lists them',
      });
    }
  } else if (flags.contexts !== undefined) {
    names = [...new Set(flags.contexts.split(',').map((c) => c.trim()))];
    if (names.some((n) => n === '')) {
      throw new InputError(`--contexts ${JSON.stringify(flags.contexts)} has an empty name`, {
        where: '--contexts',
        hint: 'comma-separated context names, e.g. --contexts prod-east,prod-west',
      });
    }
  } else {
    const target = resolveKubeTarget({ ...base, context: flags.context }, env, merged);
    return [{ context: target.context, kubeconfig: origin(target.context), target }];
  }
  return names.map((context) => {
    if (!merged.contexts.has(context)) {
      throw new InputError(`context "${context}" does not exist`, {
        where: `--contexts (${merged.files.join(':') || 'no kubeconfig file'})`,
        hint: merged.contexts.size
          ? `use some of: ${[...merged.contexts.keys()].join(', ')}`
          : 'the kubeconfig defines none',
      });
    }
    return {
      context,
      kubeconfig: origin(context),
      target: resolveKubeTarget({ ...base, context }, env, merged),
    };
  });
}

function dirTargets(dir: string, base: KubeconfigFlags, env: KubeconfigEnvironment): FleetTarget[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      throw new InputError(`--kubeconfig-dir ${dir} is not a directory`, {
        where: '--kubeconfig-dir',
        hint: 'give a directory holding one kubeconfig file per cluster',
      });
    }
    names = readdirSync(dir).sort();
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read --kubeconfig-dir ${dir}: ${(err as Error).message}`, {
      where: '--kubeconfig-dir',
      hint: 'give a directory holding one kubeconfig file per cluster',
    });
  }
  const files = names
    .filter((n) => !n.startsWith('.'))
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile());
  if (files.length === 0) {
    throw new InputError(`--kubeconfig-dir ${dir} holds no kubeconfig file`, {
      where: '--kubeconfig-dir',
      hint: 'one kubeconfig per cluster, each with its current-context set',
    });
  }
  return files.map((file) => {
    const flags = { ...base, kubeconfig: file };
    const merged = loadKubeconfig(flags, env);
    if (!merged.currentContext) {
      throw new InputError(`${file} has no current-context`, {
        where: file,
        hint: `set one: kubectl config use-context NAME --kubeconfig ${file}`,
      });
    }
    const target = resolveKubeTarget(flags, env, merged);
    return { context: target.context, kubeconfig: file, target };
  });
}

function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
}

function json(body: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** What a row is before the command has said anything. */
function emptyRow(t: FleetTarget): FleetRow {
  return {
    context: t.context,
    kubeconfig: t.kubeconfig,
    apiServer: t.target.server,
    openshiftVersion: null,
    verdict: 'error',
    exitCode: ExitCode.usage,
    reason: null,
    top: null,
    failingHosts: [],
    mcsCertDaysLeft: null,
    mcsCertNotAfter: null,
    exporter: 'unknown',
    requests: 0,
    durationMs: 0,
  };
}

class NotJudged extends Error {
  constructor(
    readonly verdict: FleetRow['verdict'],
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** ClusterVersion: who the cluster is, and whether it answers and lets us read at all. */
async function identify(source: LiveSource, row: FleetRow): Promise<void> {
  const { TransportError, statusMessage } = await import('../sources/live.js');
  let answer;
  try {
    answer = await source.send({
      method: 'GET',
      path: '/apis/config.openshift.io/v1/clusterversions/version',
    });
  } catch (err) {
    if (err instanceof TransportError)
      throw new NotJudged('unreachable', ExitCode.unreachable, `unreachable: ${err.message}`);
    throw err;
  }
  if (answer.status === 401) {
    throw new NotJudged(
      'unauthorized',
      ExitCode.unreachable,
      'unauthorized: the API server refused the credentials (401); log in again',
    );
  }
  if (answer.status === 403) {
    // The API's own words: its Status message, else the start of what it answered.
    const why = statusMessage(answer.body) || answer.body.toString('utf8').slice(0, 200).trim();
    throw new NotJudged('forbidden', ExitCode.inconclusive, `forbidden: ${why}`);
  }
  if (answer.status !== 200) return;
  const history =
    (json(answer.body)['status'] as { history?: { state?: string; version?: string }[] } | undefined)
      ?.history ?? [];
  row.openshiftVersion = history.find((h) => h.state === 'Completed')?.version ?? history[0]?.version ?? null;
}

/** Whether manifests/exporter/ was applied: its Deployment, read by name (a refused read is `unknown`). */
async function exporterInstalled(source: LiveSource): Promise<FleetRow['exporter']> {
  try {
    const answer = await source.send({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${EXPORTER_NAMESPACE}/deployments/${EXPORTER_DEPLOYMENT}`,
    });
    return answer.status === 200 ? 'yes' : answer.status === 404 ? 'no' : 'unknown';
  } catch {
    return 'unknown';
  }
}

function fromDiagnose(row: FleetRow, r: DiagnoseReport, now: Date): void {
  row.verdict = r.verdict;
  row.exitCode = r.exitCode;
  row.openshiftVersion ??= r.cluster.version;
  const c = r.causes[0];
  row.top = c ? { id: c.id, host: c.host, summary: c.summary } : null;
  row.failingHosts = r.hosts.filter((h) => h.outcome === 'failing').map((h) => h.host);
  const cert = r.certificates.find((t) => t.label === 'MCS serving certificate');
  if (cert) {
    row.mcsCertNotAfter = cert.notAfter;
    row.mcsCertDaysLeft = daysLeft(new Date(cert.notAfter), now);
  }
  if (r.verdict === 'inconclusive') {
    const refused = r.checks.flatMap((k) => k.findings).find((f) => f.permission);
    const unknown = r.checks.flatMap((k) => k.findings).find((f) => f.status === 'unknown');
    row.reason = refused
      ? `forbidden: ${refused.message}`
      : (unknown?.message ?? r.unchecked[0] ?? 'a stage could not be judged');
  }
}

function fromPreflight(row: FleetRow, r: PreflightReport, notAfter: Date | undefined, now: Date): void {
  row.verdict = r.verdict === 'pass' ? 'healthy' : 'problem';
  row.exitCode = r.exitCode;
  row.openshiftVersion ??= r.cluster.version;
  const predicted = r.hosts.flatMap((h) =>
    h.predictions.filter((p) => p.verdict === 'fail').map((p) => ({ host: h.host, p })),
  );
  const withCause = predicted.find((x) => x.p.cause);
  const pointer = r.pointers.find((p) => p.cause);
  const failing = r.checks
    .flatMap((c) => c.findings.map((f) => ({ c, f })))
    .find((x) => x.f.status === 'fail');
  const unknown = r.checks
    .flatMap((c) => c.findings.map((f) => ({ c, f })))
    .find((x) => x.f.status === 'unknown');
  if (withCause) {
    row.top = {
      id: withCause.p.cause!,
      host: withCause.host,
      summary: withCause.p.ignitionLine ?? withCause.p.why ?? withCause.p.ignitionFinal ?? '',
    };
  } else if (pointer) {
    row.top = {
      id: pointer.cause!,
      host: null,
      summary: `${pointer.userData}: ${pointer.ignitionLine ?? pointer.why ?? ''}`,
    };
  } else if (failing ?? unknown) {
    const x = (failing ?? unknown)!;
    row.top = { id: x.c.id, host: x.f.host ?? null, summary: x.f.message };
  }
  row.failingHosts = [...new Set(predicted.map((x) => x.host))];
  if (notAfter) {
    row.mcsCertNotAfter = notAfter.toISOString();
    row.mcsCertDaysLeft = daysLeft(notAfter, now);
  }
}

async function judge(
  t: FleetTarget,
  options: FleetOptions,
  row: FleetRow,
  holder: { source?: LiveSource; expired?: boolean },
): Promise<void> {
  const { openLiveTarget } = await import('../sources/live.js');
  const source = await openLiveTarget(t.target, { requestTimeoutMs: options.requestTimeoutMs });
  holder.source = source;
  // The time ran out while the credentials were being prepared (an exec plugin): nothing more.
  if (holder.expired) {
    await source.close();
    return;
  }
  await identify(source, row);
  row.exporter = await exporterInstalled(source);
  const now = new Date();
  const probeTimeoutMs = probeTimeoutOf(options.requestTimeoutMs);
  if (options.command === 'diagnose') {
    const { diagnose } = await import('../diagnosis/diagnose.js');
    const report = await diagnose(source, {
      namespace: options.namespace,
      bmc: options.bmc ? 'auto' : 'never',
      probe: options.probe,
      expiryWarningDays: options.expiryWarningDays,
      now,
      probeTimeoutMs,
    });
    fromDiagnose(row, report, now);
  } else if (options.command === 'preflight') {
    const { gatherPreflight, runPreflightChecks } = await import('../checks/preflight/index.js');
    const { buildPreflightReport } = await import('../report/preflight-model.js');
    const pf = await gatherPreflight(source, {
      namespace: options.namespace,
      expiryWarningDays: options.expiryWarningDays,
      bmc: options.bmc,
      now,
      probeTimeoutMs,
    });
    fromPreflight(
      row,
      buildPreflightReport(pf, runPreflightChecks(pf), source),
      pf.facts.servingCert.chain[0]?.notAfter,
      now,
    );
  } else {
    const { certInventory } = await import('../checks/facts/cert-inventory.js');
    const report = await certInventory(source, {
      namespace: options.namespace,
      allCerts: false,
      expiringWithinMs: options.expiryWarningDays * 86_400_000,
      now,
      chunkSize: 500,
    });
    try {
      let mcs: CertRow | undefined;
      let problem: CertRow | undefined;
      for (const c of report.certificates) {
        if (
          !mcs &&
          c.kind === 'Secret' &&
          c.namespace === MCO_NAMESPACE &&
          c.name === MCS_TLS_SECRET &&
          c.index === 0
        )
          mcs = c;
        if (!problem && c.problem) problem = c;
      }
      row.verdict = report.verdict === 'ok' ? 'healthy' : report.verdict;
      row.exitCode = report.exitCode;
      row.openshiftVersion ??= report.openshiftVersion;
      if (problem) {
        row.top = {
          id: `cert-${problem.status}`,
          host: null,
          summary: `${problem.kind} ${problem.namespace}/${problem.name} ${problem.key}: ${problem.status}${problem.notAfter ? ` (notAfter ${problem.notAfter})` : ''}, ${problem.managementReason}`,
        };
      }
      if (mcs?.notAfter) {
        row.mcsCertNotAfter = mcs.notAfter;
        row.mcsCertDaysLeft = daysLeft(new Date(mcs.notAfter), now);
      }
      const refused = report.unreadable[0];
      if (report.verdict === 'inconclusive' && refused) {
        row.reason = `${refused.reason === 'forbidden' ? 'forbidden: ' : ''}${refused.message}`;
      }
    } finally {
      report.certificates.close();
    }
  }
}

/** One cluster, start to row: never throws, never outlives options.timeoutMs by more than a close. */
export async function judgeCluster(t: FleetTarget, options: FleetOptions): Promise<FleetRow> {
  // The work fills a draft; the row is a copy taken when the work ends or the time is up, so
  // work that goes on after a timeout (until its closed source fails it) changes nothing shown.
  const draft = emptyRow(t);
  const started = Date.now();
  const holder: { source?: LiveSource; expired?: boolean } = {};
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      holder.expired = true;
      resolve('timeout');
    }, options.timeoutMs);
  });
  const work = judge(t, options, draft, holder).then(
    () => undefined,
    (err: unknown) => err,
  );
  const outcome = await Promise.race([work, timedOut]);
  const row: FleetRow = { ...draft, failingHosts: [...draft.failingHosts] };
  clearTimeout(timer);
  if (outcome === 'timeout') {
    row.verdict = 'timeout';
    row.exitCode = ExitCode.unreachable;
    row.reason = `timeout: no result within ${options.timeoutMs / 1000} s (--timeout)`;
    row.top = null;
    row.failingHosts = [];
  } else if (outcome instanceof NotJudged) {
    row.verdict = outcome.verdict;
    row.exitCode = outcome.exitCode;
    row.reason = outcome.message;
  } else if (outcome instanceof UserError) {
    row.verdict = outcome.exitCode === ExitCode.unreachable ? 'unreachable' : 'error';
    row.exitCode = outcome.exitCode;
    row.reason = `${row.verdict === 'unreachable' ? 'unreachable' : 'error'}: ${outcome.message}`;
  } else if (outcome !== undefined) {
    row.verdict = 'error';
    row.exitCode = ExitCode.usage;
    row.reason = `internal error: ${outcome instanceof Error ? outcome.message : String(outcome)}`;
  }
  // After a timeout the source is closed under the work still running: its next read fails at once.
  await holder.source?.close();
  row.requests = holder.source?.stats().requests ?? 0;
  row.durationMs = Date.now() - started;
  return row;
}

/** Every target, at most `concurrency` at a time; rows in the order of the targets. */
export async function runFleetTargets(
  targets: readonly FleetTarget[],
  options: FleetOptions,
  onRow?: (row: FleetRow, done: number) => void,
): Promise<FleetReport> {
  const rows: FleetRow[] = new Array(targets.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      rows[i] = await judgeCluster(targets[i]!, options);
      onRow?.(rows[i]!, ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, targets.length) }, worker));
  return {
    schemaVersion: 1,
    tool: { name: 'mcs-doctor', version: VERSION },
    command: options.command,
    generatedAt: new Date().toISOString(),
    clusters: rows,
    summary: summarise(rows),
    exitCode: worstExitCode(rows.map((r) => r.exitCode)),
  };
}

export function renderFleet(report: FleetReport, format: FleetFlags['output'], colour: boolean): string {
  switch (format) {
    case 'json':
      return renderData(report, 'json');
    case 'markdown':
      return renderFleetMarkdown(report);
    case 'html':
      return renderFleetHtml(report);
    default:
      return renderFleetText(report, palette(colour));
  }
}

export async function runFleet(command: string, flags: FleetFlags): Promise<number> {
  const options: FleetOptions = {
    command: command as FleetCommand,
    concurrency: parseConcurrency(flags.concurrency),
    timeoutMs: parsePositiveDuration(flags.timeout, '--timeout'),
    requestTimeoutMs: parseRequestTimeout(flags.requestTimeout),
    namespace: flags.namespace,
    bmc: flags.bmc,
    probe: flags.probe,
    expiryWarningDays: expiryWarningDaysOf(flags),
  };
  const targets = fleetTargets(flags, processKubeconfigEnvironment());
  const progress = process.stderr.isTTY
    ? (row: FleetRow, done: number): void => {
        process.stderr.write(`\r\u001b[K${done}/${targets.length} clusters (${row.context}: ${row.verdict})`);
      }
    : undefined;
  const report = await runFleetTargets(targets, options, progress);
  if (progress) process.stderr.write('\r\u001b[K');
  process.stdout.write(renderFleet(report, flags.output, colourEnabled(process.stdout)));
  return report.exitCode;
}
