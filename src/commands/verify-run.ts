/**
 * Following one host through the success criteria. Each look reads the BareMetalHost, the MCS
 * logs (a fetch from one of the host's addresses), the kubelet CSRs (approving the host's own
 * when asked) and the Node. On a terminal the stages are redrawn in place; otherwise each change
 * is one timestamped line. On timeout it says where the host stopped and diagnoses it.
 */
import { ExitCode, InputError } from '../core/errors.js';
import { emptyMcsFacts, parseMcsLog } from '../checks/facts/mcs.js';
import { MCO_NAMESPACE, MCS_APP_LABEL, MCS_NAME } from '../core/names.js';
import { approvalRound, describeRefusal } from '../remedies/csr-approval.js';
import { KubeApi } from '../remedies/kube-api.js';
import { RESOURCES } from '../sources/resources.js';
import { openLiveSource, type LiveSource } from '../sources/live.js';
import type { KubeObject } from '../sources/types.js';
import { findHost } from '../checks/facts/select.js';
import { renderData } from '../report/data.js';
import { targetOf } from './fix-run.js';
import { kubeconfigFlagsOf, parsePositiveDuration, parseRequestTimeout, probeTimeoutOf } from './flags.js';
import type { VerifyFlags } from './verify.js';

type StageState = 'done' | 'waiting' | 'failed';

interface Stage {
  id: 'provisioned' | 'ignition' | 'client-csr' | 'serving-csr' | 'node-ready';
  title: string;
  state: StageState;
  detail: string;
}

interface Look {
  stages: Stage[];
  ready: boolean;
  refused: string[];
  approved: string[];
}

function nodeReady(node: KubeObject | undefined): { ready: boolean; detail: string } {
  if (!node) return { ready: false, detail: 'no Node yet' };
  const c = (
    (node['status'] ?? {}) as { conditions?: Array<{ type?: string; status?: string; message?: string }> }
  ).conditions?.find((x) => x.type === 'Ready');
  return c?.status === 'True'
    ? { ready: true, detail: `Node ${node.metadata.name} Ready` }
    : {
        ready: false,
        detail: `Node ${node.metadata.name} ${c ? `NotReady: ${c.message ?? ''}` : 'has no Ready condition'}`,
      };
}

/** The MCS log line of a fetch from one of the host's addresses, since `since` (its provisioning) when known. */
async function fetchedFrom(
  source: LiveSource,
  api: KubeApi,
  ips: string[],
  since: string | undefined,
): Promise<string | undefined> {
  if (ips.length === 0) return undefined;
  const pods = await api.list(RESOURCES.pods, MCO_NAMESPACE, `${MCS_APP_LABEL}=${MCS_NAME}`);
  const facts = emptyMcsFacts();
  for (const pod of pods) {
    const log = await source.podLog(MCO_NAMESPACE, pod.metadata.name, MCS_NAME, { timestamps: true });
    if (log.ok) parseMcsLog(pod.metadata.name, log.value, facts);
  }
  // A fetch logged before this provisioning came from an earlier boot: it proves nothing now.
  const from = since ? Date.parse(since) - 1000 : NaN;
  // A request the MCS answered 500 (`couldn't get config` follows it) served nothing.
  const fetch = facts.fetches.find(
    (f) => ips.includes(f.ip) && f.error === undefined && !(f.time && Date.parse(f.time) < from),
  );
  return fetch
    ? `${fetch.pod} served /config/${fetch.pool} to ${fetch.ip} (${fetch.userAgent})${fetch.time ? ` at ${fetch.time.replace(/\.\d+Z$/, 'Z')}` : ''}`
    : undefined;
}

/** The host's namespace: `-n`, else found by name among every BareMetalHost. */
async function hostNamespace(api: KubeApi, host: string, namespace: string | undefined): Promise<string> {
  const listed = await api.list(RESOURCES.bareMetalHosts, namespace);
  const hosts = listed.map((b) => ({
    name: b.metadata.name,
    namespace: b.metadata.namespace ?? namespace ?? '',
  }));
  return findHost(hosts, host, namespace, namespace).namespace;
}

async function look(
  source: LiveSource,
  api: KubeApi,
  flags: VerifyFlags & { namespace: string },
  fetched: { line?: string },
): Promise<Look | undefined> {
  const bmh = await api.get({ ref: RESOURCES.bareMetalHosts, namespace: flags.namespace, name: flags.host });
  if (!bmh) return undefined;
  const status = (bmh['status'] ?? {}) as {
    provisioning?: { state?: string };
    errorType?: string;
    errorMessage?: string;
    operationHistory?: { provision?: { start?: string } };
  };
  const state = status.provisioning?.state ?? '';
  const round = await approvalRound(api, flags.namespace, flags.host, flags.approveCsrs === true);
  if (!round) return undefined;
  const node = nodeReady(round.node);
  if (!fetched.line) {
    fetched.line = await fetchedFrom(
      source,
      api,
      round.expected.ips,
      status.operationHistory?.provision?.start || undefined,
    );
    // A CSR from the host's bootstrapper means it ran its Ignition config, even if the log rotated.
    if (!fetched.line && (round.granted.client || round.node))
      fetched.line = 'the kubelet started (its CSR or Node exists)';
  }
  const stage = (id: Stage['id'], title: string, done: boolean, detail: string, failed = false): Stage => ({
    id,
    title,
    state: done ? 'done' : failed ? 'failed' : 'waiting',
    detail,
  });
  const csrDetail = (kind: 'client' | 'serving', granted: string | undefined): string => {
    if (granted) return granted;
    const approvable = round.approvable.find((v) => v.kind === kind);
    if (approvable)
      return `pending: ${approvable.name} passes the identity checks (--approve-csrs approves it)`;
    return round.refused.some((v) => v.kind === kind)
      ? 'pending (refused by the identity checks)'
      : 'none yet';
  };
  const stages = [
    stage(
      'provisioned',
      'BareMetalHost provisioned',
      state === 'provisioned',
      status.errorType
        ? `${state}: ${status.errorType}: ${status.errorMessage ?? ''}`
        : state || 'no state yet',
      !!status.errorType,
    ),
    stage(
      'ignition',
      'Ignition config fetched from the MCS',
      !!fetched.line,
      fetched.line ?? 'no fetch from its addresses in the MCS logs',
    ),
    stage(
      'client-csr',
      'kubelet client CSR approved',
      !!round.granted.client || !!round.node,
      csrDetail(
        'client',
        round.granted.client ?? (round.node ? `Node ${round.node.metadata.name} exists` : undefined),
      ),
    ),
    stage(
      'serving-csr',
      'kubelet serving CSR approved',
      !!round.granted.serving,
      csrDetail('serving', round.granted.serving),
    ),
    stage('node-ready', 'Node Ready', node.ready, node.detail),
  ];
  return {
    stages,
    ready: node.ready,
    refused: round.refused.map(describeRefusal),
    approved: round.approved.map((v) => `${v.name} (${v.kind}, ${v.commonName})`),
  };
}

const MARK: Record<StageState, string> = { done: '[x]', waiting: '[ ]', failed: '[!]' };

function drawStages(l: Look): string {
  return l.stages.map((s) => `  ${MARK[s.state]} ${s.title.padEnd(38)} ${s.detail}`).join('\n') + '\n';
}

export async function runVerify(options: VerifyFlags): Promise<number> {
  const timeoutMs = parsePositiveDuration(options.timeout, '--timeout');
  const intervalMs = parsePositiveDuration(options.interval, '--interval');
  const requestTimeoutMs = parseRequestTimeout(options.requestTimeout);
  const data = options.output === 'json' || options.output === 'yaml' ? options.output : undefined;
  const source = await openLiveSource({ ...kubeconfigFlagsOf(options), requestTimeoutMs });
  let flags: VerifyFlags & { namespace: string };
  try {
    flags = {
      ...options,
      namespace: await hostNamespace(new KubeApi(source), options.host, options.namespace),
    };
  } catch (err) {
    await source.close();
    throw err;
  }
  const api = new KubeApi(source);
  const tty = !data && process.stdout.isTTY === true && flags.watch === true;
  const messages: string[] = [];
  const out = (s: string) => {
    if (data) messages.push(...s.replace(/\n$/, '').split('\n'));
    else process.stdout.write(s);
  };
  if (flags.approveCsrs || flags.watch) {
    out(
      `Verifying ${flags.namespace}/${flags.host} on ${source.location}${flags.approveCsrs ? ': approving its kubelet CSRs that pass the identity checks' : ''}\n`,
    );
  }
  const fetched: { line?: string } = {};
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, string>();
  const reported = new Set<string>();
  let drawn = 0;
  let last: Look | undefined;
  let stopping = false;
  const onSignal = () => (stopping = true);
  process.on('SIGINT', onSignal);
  try {
    for (;;) {
      const l = await look(source, api, flags, fetched);
      if (!l) {
        throw new InputError(`there is no BareMetalHost ${flags.namespace}/${flags.host} any more`, {
          where: '--host',
          hint: 'oc get bmh -A lists them',
        });
      }
      last = l;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      if (tty) {
        // The refusals are part of the block, so the redraw moves up exactly what was drawn.
        if (drawn) out(`\u001b[${drawn}A\u001b[J`);
        const refusals = l.refused.map((r) => `  not approved: ${r}\n`).join('');
        const width = Math.max(40, (process.stdout.columns ?? 120) - 1);
        // Lines cut to the terminal width: a wrapped line would throw the redraw off.
        const text = `${flags.host} at ${now}\n${drawStages(l)}${refusals}`
          .split('\n')
          .map((line) => line.slice(0, width))
          .join('\n');
        out(text);
        drawn = text.split('\n').length - 1;
        for (const a of l.approved) process.stderr.write(`approved ${a}\n`);
      } else {
        if (flags.watch) {
          for (const s of l.stages) {
            const key = `${s.state}|${s.detail}`;
            if (seen.get(s.id) !== key) {
              out(`${now} ${flags.host} ${s.title}: ${s.state === 'done' ? 'yes' : s.state}, ${s.detail}\n`);
            }
            seen.set(s.id, key);
          }
          for (const a of l.approved) out(`${now} ${flags.host} approved CSR ${a}\n`);
        }
        for (const r of l.refused) {
          if (reported.has(r)) continue;
          reported.add(r);
          out(`${flags.watch ? `${now} ` : ''}not approved: ${r}\n`);
        }
      }
      if (l.ready || !flags.watch || stopping || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
    }
  } catch (err) {
    await source.close();
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
  }
  try {
    if (!flags.watch) out(`${flags.host}:\n${drawStages(last!)}`);
    const finish = (code: number, nextDiagnosis: unknown = null): number => {
      if (data) {
        const l = last!;
        process.stdout.write(
          renderData(
            {
              schemaVersion: 1,
              target: targetOf(source),
              host: flags.host,
              namespace: flags.namespace,
              ready: l.ready,
              stages: l.stages,
              stoppedAt: l.stages.find((s) => s.state !== 'done')?.id ?? null,
              approved: l.approved,
              refused: l.refused,
              nextDiagnosis,
              messages,
            },
            data,
          ),
        );
      }
      return code;
    };
    if (last!.ready) {
      out(`${flags.host} joined: its Node is Ready.\n`);
      return finish(ExitCode.healthy);
    }
    const stuck = last!.stages.find((s) => s.state !== 'done')!;
    out(
      `${flags.host} is not Ready${flags.watch ? (stopping ? ' (interrupted)' : ` after ${flags.timeout}`) : ''}: it stopped at "${stuck.title}" (${stuck.detail}).\n`,
    );
    if (flags.watch) {
      const { diagnose } = await import('../diagnosis/diagnose.js');
      const report = await diagnose(source, {
        hosts: [flags.host],
        namespace: flags.namespace,
        bmc: 'auto',
        probe: true,
        expiryWarningDays: 30,
        now: new Date(),
        probeTimeoutMs: probeTimeoutOf(requestTimeoutMs),
      });
      const cause = report.causes[0];
      out(
        cause
          ? `Next diagnosis: ${cause.id} (${cause.confidence}): ${cause.summary}\n  fix: ${cause.fix.command}\n`
          : `Next diagnosis: ${report.verdict}; run mcs-doctor diagnose --host ${flags.host} for the details.\n`,
      );
      return finish(
        ExitCode.problem,
        cause
          ? {
              verdict: report.verdict,
              cause: cause.id,
              confidence: cause.confidence,
              summary: cause.summary,
              fix: cause.fix.command,
            }
          : { verdict: report.verdict, cause: null },
      );
    }
    out(
      `Follow it with: mcs-doctor verify --host ${flags.host} --watch${flags.approveCsrs ? ' --approve-csrs' : ''}\n`,
    );
    return finish(ExitCode.problem);
  } finally {
    await source.close();
  }
}
