/**
 * The work of `bmc-time`: read the cluster as diagnose does (one snapshot, the facts), then for
 * each BareMetalHost its BMC clock over Redfish or IPMI with the credentials of its secret, the
 * skew from this machine, and the MCS chain judged at that clock with the host's pointer CAs
 * (the served chain from the endpoint, else the serving secret: checks/facts/tls.ts). With
 * --set: a plan naming the cluster and each clock, a confirmation, a backup of the old clocks,
 * then each clock set to this machine's time and read back.
 */
import { join } from 'node:path';
import { buildFacts, type Facts } from '../checks/facts/index.js';
import type { HostFacts } from '../checks/facts/hosts.js';
import { findObject } from '../checks/facts/secret-data.js';
import { assessTls } from '../checks/facts/tls.js';
import { bounded, gatherSnapshot, type Snapshot } from '../checks/snapshot.js';
import { ExitCode, InputError, UnreachableError } from '../core/errors.js';
import { MAPI_NAMESPACE, MCO_NAMESPACE } from '../core/names.js';
import { readClock, type BmcClockReading } from '../probes/bmc-clock.js';
import {
  emptySummary,
  formatSkew,
  shortGoError,
  type BmcTimeReport,
  type BmcTimeRow,
  type BmcTimeSetResult,
  type BmcTimeVerdict,
} from '../report/bmc-time-model.js';
import { bmcTimePlanLines, renderBmcTimeText } from '../report/bmc-time-text.js';
import { colourEnabled, palette } from '../report/colour.js';
import { renderData } from '../report/data.js';
import { BackupDir, defaultBackupRoot, type FixManifest } from '../remedies/backup.js';
import {
  backUpClocks,
  BMC_TIME_BACKUP,
  bmcEndpointOf,
  setOneClock,
  stepIdOf,
  type EndpointOutcome,
  type PlannedClock,
  type SecretLookup,
} from '../remedies/bmc-time.js';
import { openLiveSource, type LiveSource } from '../sources/live.js';
import { VERSION } from '../version.js';
import type { BmcTimeFlags } from './bmc-time.js';
import { kubeconfigFlagsOf, parseDuration, parseRequestTimeout, probeTimeoutOf } from './flags.js';
import { backupStamp, confirm } from './confirm.js';

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function targetOf(source: LiveSource): BmcTimeReport['target'] {
  const t = source.target;
  return { server: t.server, context: t.context, cluster: t.cluster, user: t.user, namespace: t.namespace };
}

/** The namespace listed: -A every one; -n; --host alone: found by name anywhere; else the context's, or openshift-machine-api. */
function namespaceOf(flags: BmcTimeFlags, source: LiveSource): string | undefined {
  if (flags.allNamespaces) return undefined;
  if (flags.namespace) return flags.namespace;
  if (flags.host) return undefined;
  return source.target.namespaceFrom === 'default' ? MAPI_NAMESPACE : source.target.namespace;
}

/** The host's credentials secret from the snapshot, or why it cannot be had. */
function secretLookup(snapshot: Snapshot): (namespace: string, name: string) => SecretLookup {
  return (namespace, name) => {
    const ref = `${namespace}/${name}`;
    if (!snapshot.secrets.ok) {
      return { problem: `the credentials secret ${ref} could not be read: ${snapshot.secrets.message}` };
    }
    const secret = findObject(snapshot.secrets.value, namespace, name);
    if (secret) return { secret };
    if (
      snapshot.secretsScope === 'namespaces' &&
      namespace !== MAPI_NAMESPACE &&
      namespace !== MCO_NAMESPACE
    ) {
      return {
        problem: `the credentials secret ${ref} could not be read: this user may list secrets only in ${MAPI_NAMESPACE} and ${MCO_NAMESPACE}`,
      };
    }
    return { problem: `the credentials secret ${ref} does not exist` };
  };
}

/** The MCS chain at the BMC's clock, judged as diagnose judges it at a host clock. */
function verdictAt(facts: Facts, host: HostFacts, at: Date): BmcTimeVerdict {
  const tls = assessTls(
    { ...facts, clockOf: () => ({ at, source: 'bmc', detail: 'read by bmc-time' }) },
    host,
  );
  const unknown = (reason: string): BmcTimeVerdict => ({ ok: null, summary: 'unknown', reason });
  if (tls.chain.length === 0) {
    const why =
      facts.servingCert.certProblem ??
      (tls.probe && !tls.probe.ok ? tls.probe.message : 'the served chain could not be read');
    return unknown(`no MCS serving chain to judge: ${why}`);
  }
  if (!tls.urlHost)
    return unknown(`no MCS URL: ${tls.pointer.problem ?? `${tls.pointer.origin} names none`}`);
  if (tls.anchors.length === 0)
    return unknown(`no CA to verify with: ${tls.pointer.problem ?? `${tls.pointer.origin} has no CA`}`);
  const v = tls.atHostClock;
  if (!v) return unknown('the chain was not verified');
  const from = {
    chainFrom: tls.chainSource === 'endpoint' ? ('endpoint' as const) : ('secret' as const),
    anchorsFrom: tls.anchorsFrom === 'pointer' ? ('pointer' as const) : ('cluster-cas' as const),
  };
  if (v.ok) return { ok: true, summary: 'yes', ...from };
  const error = v.error ?? v.reason;
  return { ok: false, error, summary: `no: ${shortGoError(error)}`, ...from };
}

interface HostRead {
  host: HostFacts;
  reached: EndpointOutcome;
  reading?: BmcClockReading;
  row: BmcTimeRow;
}

function rowOf(
  facts: Facts,
  host: HostFacts,
  reached: EndpointOutcome,
  reading: BmcClockReading | undefined,
  maxSkewMs: number,
): BmcTimeRow {
  const base = {
    namespace: host.namespace,
    host: host.name,
    bmc: reached.bmc,
    protocol: reading?.protocol ?? null,
    bmcTime: null,
    bmcDateTime: null,
    manager: null,
    localOffset: null,
    skewMs: null,
    skew: null,
    verifies: null,
  };
  if (!reached.ok) return { ...base, status: reached.status, message: reached.message };
  if (!reading) return { ...base, status: 'unreachable', message: 'not read' };
  if (!reading.ok) return { ...base, status: reading.status, message: reading.message };
  const skewed = Math.abs(reading.offsetMs) > maxSkewMs;
  const how = reading.protocol === 'ipmi' ? 'IPMI SEL time' : `Redfish ${reading.manager} DateTime`;
  return {
    ...base,
    bmcTime: rfc3339(reading.bmcTime),
    bmcDateTime: reading.dateTime,
    manager: reading.manager,
    localOffset: reading.localOffset ?? null,
    skewMs: reading.offsetMs,
    skew: formatSkew(reading.offsetMs),
    verifies: verdictAt(facts, host, reading.bmcTime),
    status: skewed ? 'skewed' : 'ok',
    message: `${how} "${reading.dateTime}"${reading.note ? `; ${reading.note}` : ''}`,
  };
}

async function readHost(
  facts: Facts,
  host: HostFacts,
  lookup: (namespace: string, name: string) => SecretLookup,
  timeoutMs: number,
  maxSkewMs: number,
): Promise<HostRead> {
  const reached = bmcEndpointOf(
    {
      namespace: host.namespace,
      name: host.name,
      bmcAddress: host.bmcAddress,
      credentialsName: host.credentialsName,
      insecure: host.disableCertificateVerification,
    },
    lookup,
    facts.cluster.version,
    timeoutMs,
    process.env['MCS_DOCTOR_IPMITOOL'] || undefined,
  );
  const reading = reached.ok ? await readClock(reached.endpoint) : undefined;
  return { host, reached, reading, row: rowOf(facts, host, reached, reading, maxSkewMs) };
}

function exitCodeOf(rows: BmcTimeRow[], setFailed: boolean): number {
  const problem =
    setFailed ||
    rows.some(
      (r) =>
        r.status === 'skewed' ||
        r.status === 'unreachable' ||
        r.status === 'auth-failed' ||
        r.status === 'no-credentials' ||
        r.verifies?.ok === false,
    );
  if (problem) return ExitCode.problem;
  if (rows.some((r) => r.status === 'unsupported')) return ExitCode.inconclusive;
  return ExitCode.healthy;
}

export async function runBmcTime(flags: BmcTimeFlags): Promise<number> {
  const maxSkewMs = parseDuration(flags.maxSkew, '--max-skew');
  if (flags.host && flags.allNamespaces) {
    throw new InputError('--host and -A do not go together', {
      where: '--host',
      hint: 'give --host NAME (with -n NAMESPACE if the name is in several), or -A for every host',
    });
  }
  if (flags.backupDir && !flags.set) {
    throw new InputError('--backup-dir goes with --set', {
      where: '--backup-dir',
      hint: 'add --set, or leave --backup-dir out',
    });
  }
  const timeoutMs = parseRequestTimeout(flags.requestTimeout);
  const bmcTimeoutMs = probeTimeoutOf(timeoutMs);
  const data = flags.output === 'json' || flags.output === 'yaml' ? flags.output : undefined;
  const messages: string[] = [];
  const say = (s: string): void => {
    if (data) messages.push(s);
    else process.stdout.write(s + '\n');
  };

  const source = await openLiveSource({ ...kubeconfigFlagsOf(flags), requestTimeoutMs: timeoutMs });
  try {
    const namespace = namespaceOf(flags, source);
    const snapshot = await gatherSnapshot(source);
    if (!snapshot.bareMetalHosts.ok) {
      throw new UnreachableError(`cannot list BareMetalHosts: ${snapshot.bareMetalHosts.message}`, {
        where: source.location,
        hint: snapshot.bareMetalHosts.permission
          ? `grant "${snapshot.bareMetalHosts.permission}" (manifests/rbac/), or use a context that has it`
          : 'check the cluster and that it serves baremetalhosts.metal3.io',
      });
    }
    const facts = await buildFacts(snapshot, {
      hosts: flags.host ? [flags.host] : undefined,
      namespace,
      all: true,
      bmc: 'never',
      probe: true,
      expiryWarningDays: 30,
      now: new Date(),
      probeTimeoutMs: bmcTimeoutMs,
    });
    const hosts = [...facts.selected].sort(
      (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
    );
    const lookup = secretLookup(snapshot);
    const reads = await bounded(
      8,
      hosts.map((h) => () => readHost(facts, h, lookup, bmcTimeoutMs, maxSkewMs)),
    );
    const report: BmcTimeReport = {
      schemaVersion: 1,
      target: targetOf(source),
      // --host alone: the namespace the host was found in.
      namespace: namespace ?? (flags.host ? (hosts[0]?.namespace ?? null) : null),
      now: rfc3339(facts.now),
      maxSkew: flags.maxSkew,
      maxSkewMs,
      hosts: reads.map((r) => r.row),
      summary: emptySummary(),
      set: null,
      exitCode: 0,
      messages,
    };
    const allNamespaces = flags.allNamespaces === true;
    const p = palette(!data && colourEnabled(process.stdout));
    if (!data) {
      process.stdout.write(
        renderBmcTimeText(summarise(report), p, allNamespaces, { setting: flags.set === true }),
      );
    }

    let setFailed = false;
    if (flags.set) {
      setFailed = await runSet(
        flags,
        source,
        facts,
        reads,
        report,
        say,
        allNamespaces,
        lookup,
        bmcTimeoutMs,
        maxSkewMs,
      );
    }
    summarise(report);
    report.exitCode = exitCodeOf(report.hosts, setFailed);
    if (data) process.stdout.write(renderData(report, data));
    return report.exitCode;
  } finally {
    await source.close();
  }
}

function summarise(report: BmcTimeReport): BmcTimeReport {
  report.summary = emptySummary();
  for (const r of report.hosts) report.summary[r.status] += 1;
  return report;
}

/** --set: plan, confirm, back up, set, read back. Returns whether a clock could not be set. */
async function runSet(
  flags: BmcTimeFlags,
  source: LiveSource,
  facts: Facts,
  reads: HostRead[],
  report: BmcTimeReport,
  say: (s: string) => void,
  allNamespaces: boolean,
  lookup: (namespace: string, name: string) => SecretLookup,
  bmcTimeoutMs: number,
  maxSkewMs: number,
): Promise<boolean> {
  const planned: PlannedClock[] = [];
  for (const r of reads) {
    if (r.row.status !== 'skewed' || !r.reached.ok || !r.reading?.ok) continue;
    planned.push({
      host: {
        namespace: r.host.namespace,
        name: r.host.name,
        bmcAddress: r.host.bmcAddress,
        credentialsName: r.host.credentialsName,
        insecure: r.host.disableCertificateVerification,
      },
      endpoint: r.reached.endpoint,
      bmc: r.reached.bmc,
      manager: r.reading.manager,
      offsetMs: r.reading.offsetMs,
      dateTime: r.reading.dateTime,
      bmcTime: rfc3339(r.reading.bmcTime),
      localOffset: r.reading.localOffset,
    });
  }
  const now = rfc3339(new Date());
  const clocks: BmcTimeSetResult[] = planned.map((c) => ({
    namespace: c.host.namespace,
    host: c.host.name,
    bmc: c.bmc,
    protocol: c.endpoint.access.redfish ? 'redfish' : 'ipmi',
    old: c.bmcTime,
    oldSkew: formatSkew(c.offsetMs),
    new: now,
    status: 'planned',
  }));
  report.set = { applied: false, backupDir: null, clocks };
  say('');
  if (planned.length === 0) {
    say(`No BMC clock is off by more than ${flags.maxSkew}: nothing to set.`);
    return false;
  }
  const planLines = bmcTimePlanLines(clocks, report.target, flags.maxSkew, allNamespaces);
  for (const l of planLines) say(l);
  if (!flags.yes) {
    if (!process.stdin.isTTY) {
      throw new InputError('--set needs confirmation and stdin is not a terminal; nothing was changed', {
        where: '--set',
        hint: 'add --yes to set the clocks without asking',
      });
    }
    // With -o json|yaml the plan is held back for stdout; the person answering must see it first.
    if (flags.output !== 'text') process.stderr.write(planLines.join('\n') + '\n');
    if (!(await confirm(`Set ${planned.length} BMC clock(s) of ${source.location}?`))) {
      say('Nothing was changed.');
      return false;
    }
  }
  const dir = flags.backupDir ?? join(defaultBackupRoot(), `${backupStamp(new Date())}-bmc-time`);
  if (await BackupDir.exists(dir)) {
    throw new InputError(`${dir} already holds a backup; nothing was changed`, {
      where: '--backup-dir',
      hint: 'give a new directory',
    });
  }
  const createdAt = new Date().toISOString();
  const manifest: FixManifest = {
    schemaVersion: 1,
    kind: 'bmc-time',
    tool: `mcs-doctor ${VERSION}`,
    createdAt,
    updatedAt: createdAt,
    server: source.apiServer,
    clusterVersion: facts.cluster.version,
    cause: BMC_TIME_BACKUP,
    host: flags.host ?? null,
    strategy: 'set-bmc-clock',
    decisions: {},
    plan: planned.map((c) => ({
      id: stepIdOf(c),
      title: `Set the BMC clock of ${c.host.namespace}/${c.host.name}`,
    })),
    steps: [],
    objects: [],
    clocks: [],
    finished: false,
  };
  const backup = await BackupDir.create(dir, manifest);
  await backUpClocks(backup, planned);
  report.set.backupDir = backup.dir;
  say('');
  say(`Backup: ${backup.dir} (the old clocks, saved before any change)`);
  let failed = false;
  for (const [i, c] of planned.entries()) {
    const id = stepIdOf(c);
    const name = `${c.host.namespace}/${c.host.name}`;
    await backup.recordStep(id, `Set the BMC clock of ${name}`, 'started');
    const outcome = await setOneClock(c);
    const result = clocks[i]!;
    result.status = outcome.ok ? 'set' : 'failed';
    result.reads = outcome.reads ?? null;
    result.message = outcome.message;
    await backup.recordStep(
      id,
      `Set the BMC clock of ${name}`,
      outcome.ok ? 'done' : 'failed',
      outcome.message,
    );
    if (outcome.ok) {
      say(
        `set ${name}: ${outcome.message}${outcome.readsOffsetMs !== undefined ? ` (${formatSkew(outcome.readsOffsetMs)} from this machine)` : ''}`,
      );
    } else {
      failed = true;
      say(`FAILED ${name}: ${outcome.message}`);
    }
  }
  await backup.finish();
  report.set.applied = true;
  // The rows of the hosts that were set, as they read now.
  const setHosts = new Set(planned.map((c) => `${c.host.namespace}/${c.host.name}`));
  const again = await bounded(
    8,
    reads
      .filter((r) => setHosts.has(`${r.host.namespace}/${r.host.name}`))
      .map((r) => () => readHost(facts, r.host, lookup, bmcTimeoutMs, maxSkewMs)),
  );
  for (const a of again) {
    const at = report.hosts.findIndex((r) => r.namespace === a.row.namespace && r.host === a.row.host);
    if (at >= 0) report.hosts[at] = a.row;
  }
  say('');
  say(
    failed
      ? `Some clocks could not be set (above). What was set can be undone with: mcs-doctor restore ${backup.dir}`
      : `Set ${planned.length} BMC clock(s). To undo: mcs-doctor restore ${backup.dir}`,
  );
  return failed;
}
