/** `mcs-doctor diagnose`: the whole join pipeline, live or from a must-gather, with the root cause and its evidence. */
import { Command, Option } from 'commander';
import { InputError } from '../cli/errors.js';
import type { DiagnoseReport } from '../diagnosis/model.js';
import { colourEnabled, palette } from '../report/colour.js';
import { renderDiagnoseJson, renderDiagnoseYaml } from '../report/diagnose-data.js';
import { renderDiagnoseHtml } from '../report/diagnose-html.js';
import { renderDiagnoseJunit } from '../report/diagnose-junit.js';
import { renderDiagnoseMarkdown } from '../report/diagnose-markdown.js';
import { renderDiagnoseText } from '../report/diagnose-text.js';
import type { ClusterSource } from '../sources/types.js';

const FORMATS = ['text', 'json', 'yaml', 'markdown', 'junit', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface DiagnoseFlags {
  host: string[];
  all?: boolean;
  mustGather?: string;
  pointer?: string;
  hostClock?: string;
  bmc?: boolean;
  probe: boolean;
  resolve: string[];
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  expiryWarningDays: string;
  output: Format;
  verbose?: boolean;
}

function parseTime(value: string, flag: string): Date {
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  const d = new Date(iso);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(d.getTime())) {
    throw new InputError(`${flag} "${value}" is not an ISO 8601 time`, {
      where: flag,
      hint: 'e.g. 2026-11-24T03:00:00Z (UTC when no zone is given)',
    });
  }
  return d;
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InputError(`${flag} must be a positive number, got "${value}"`, { where: flag });
  return n;
}

function parseResolve(entries: string[]): Map<string, string> | undefined {
  if (entries.length === 0) return undefined;
  const map = new Map<string, string>();
  for (const e of entries) {
    const i = e.indexOf(':');
    if (i <= 0)
      throw new InputError(`--resolve "${e}" is not HOST:IP`, {
        where: '--resolve',
        hint: 'e.g. --resolve api-int.example.com:192.0.2.10',
      });
    map.set(e.slice(0, i).toLowerCase(), e.slice(i + 1).replace(/^\[|\]$/g, ''));
  }
  return map;
}

/** Progress on stderr, only on a terminal and only for work that takes more than a second. */
function progressReporter(): { update(what: string): void; done(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} };
  let current = '';
  let shown = false;
  const started = Date.now();
  const show = (): void => {
    shown = true;
    process.stderr.write(`\r\u001b[K${current}`);
  };
  // The timer covers waits on the network; the check in update() covers stretches of parsing
  // that keep the event loop (and so the timer) from running.
  const timer = setTimeout(show, 1000);
  return {
    update(what) {
      current = what;
      if (shown || Date.now() - started >= 1000) show();
    },
    done() {
      clearTimeout(timer);
      if (shown) process.stderr.write('\r\u001b[K');
    },
  };
}

export function renderDiagnose(
  report: DiagnoseReport,
  format: Format,
  options: { colour: boolean; verbose?: boolean },
): string {
  switch (format) {
    case 'json':
      return renderDiagnoseJson(report);
    case 'yaml':
      return renderDiagnoseYaml(report);
    case 'markdown':
      return renderDiagnoseMarkdown(report);
    case 'junit':
      return renderDiagnoseJunit(report);
    case 'html':
      return renderDiagnoseHtml(report);
    default:
      return renderDiagnoseText(report, palette(options.colour), { verbose: options.verbose });
  }
}

export async function runDiagnose(flags: DiagnoseFlags): Promise<number> {
  const pointer = flags.pointer
    ? await (await import('../ignition/input.js')).readPointer(flags.pointer)
    : undefined;
  const hostClock = flags.hostClock ? parseTime(flags.hostClock, '--host-clock') : undefined;
  const timeoutMs = positive(flags.requestTimeout, '--request-timeout') * 1000;
  const expiryWarningDays = positive(flags.expiryWarningDays, '--expiry-warning-days');
  const resolve = parseResolve(flags.resolve);
  const progress = progressReporter();
  let source: ClusterSource | undefined;
  try {
    progress.update(
      flags.mustGather
        ? `reading the must-gather ${flags.mustGather} ...`
        : 'connecting to the API server ...',
    );
    // Loaded here, not at start-up: @kubernetes/client-node alone takes most of a second to load.
    source = flags.mustGather
      ? await (await import('../sources/must-gather/index.js')).openMustGather(flags.mustGather)
      : await (
          await import('../sources/live.js')
        ).openLiveSource({
          kubeconfig: flags.kubeconfig,
          context: flags.context,
          requestTimeoutMs: timeoutMs,
        });
    const { diagnose } = await import('../diagnosis/diagnose.js');
    const report = await diagnose(source, {
      hosts: flags.host,
      all: flags.all,
      pointer,
      hostClock,
      bmc: flags.bmc === true ? 'always' : flags.bmc === false ? 'never' : 'auto',
      probe: flags.probe,
      resolve,
      expiryWarningDays,
      // A must-gather is judged as of when it was collected, not years later.
      now: source.kind === 'must-gather' ? source.collectedAt : new Date(),
      probeTimeoutMs: Math.min(timeoutMs, 10_000),
      onProgress: (what) => progress.update(what),
    });
    progress.done();
    if (flags.host.length > 0) {
      const missing = flags.host.filter((h) => !report.hosts.some((d) => d.host === h));
      if (missing.length > 0 && report.checks.find((c) => c.id === 'bmh-state')?.status !== 'unknown') {
        process.stderr.write(`warning: no BareMetalHost named ${missing.join(', ')}\n`);
      }
    }
    process.stdout.write(
      renderDiagnose(report, flags.output, { colour: colourEnabled(process.stdout), verbose: flags.verbose }),
    );
    return report.exitCode;
  } finally {
    progress.done();
    await source?.close();
  }
}

export function diagnoseCommand(): Command {
  return new Command('diagnose')
    .description(
      'Walk the join pipeline of new workers (live, or from a must-gather) and name the root cause with its evidence and the fix',
    )
    .option(
      '--host <name>',
      'diagnose this BareMetalHost (repeatable); default: every host not yet joined',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--all', 'diagnose every BareMetalHost, joined ones too')
    .option('--must-gather <path>', 'offline: a must-gather directory, or its .tar, .tar.gz, .tar.xz or .zip')
    .option(
      '--pointer <file>',
      "the worker's pointer Ignition config or its user-data Secret (a must-gather redacts them); - for stdin",
    )
    .option(
      '--host-clock <iso-time>',
      "the worker's clock (e.g. read from its BMC), instead of reading the BMC",
    )
    .option(
      '--bmc',
      'read the BMC clock over Redfish for every diagnosed host (default: live, for hosts not joined)',
    )
    .option('--no-bmc', 'do not contact the BMCs')
    .option('--no-probe', 'do not probe the MCS endpoint from this machine')
    .option(
      '--resolve <host:ip>',
      'connect to IP for HOST when probing the MCS (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account)',
    )
    .option('--context <name>', 'kubeconfig context')
    .option('--request-timeout <seconds>', 'limit for each API, MCS and BMC request', '15')
    .option(
      '--expiry-warning-days <days>',
      'warn when the serving certificate expires within this many days',
      '30',
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('-v, --verbose', 'show every finding of every check')
    .addHelpText(
      'after',
      '\nExit codes: 0 healthy, 1 problem found, 2 bad input, 3 cluster unreachable, 4 inconclusive.\n' +
        'Examples:\n  mcs-doctor diagnose --host worker-0\n  mcs-doctor diagnose --must-gather must-gather.tar.gz --pointer worker-user-data.yaml -o markdown',
    )
    .action(async (flags: DiagnoseFlags) => {
      process.exitCode = await runDiagnose(flags);
    });
}
