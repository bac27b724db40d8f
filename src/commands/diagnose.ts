/** `mcs-doctor diagnose`: the whole join pipeline, live or from a must-gather, with the root cause and its evidence. */
import { Command } from 'commander';
import type { DiagnoseReport } from '../core/report.js';
import { colourEnabled, palette } from '../report/colour.js';
import { renderDiagnoseJson, renderDiagnoseYaml } from '../report/diagnose-data.js';
import { renderDiagnoseHtml } from '../report/diagnose-html.js';
import { renderDiagnoseJunit } from '../report/diagnose-junit.js';
import { renderDiagnoseMarkdown } from '../report/diagnose-markdown.js';
import { renderDiagnoseText } from '../report/diagnose-text.js';
import type { ClusterSource } from '../sources/types.js';
import {
  expiryWarningDaysOf,
  expiryWarningOptions,
  kubeconfigFlagsOf,
  outputOption,
  parseRequestTimeout,
  parseResolve,
  parseTime,
  probeTimeoutOf,
  repeatable,
  withClusterFlags,
  type ClusterFlags,
} from './flags.js';

const FORMATS = ['text', 'json', 'yaml', 'markdown', 'junit', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface DiagnoseFlags extends ClusterFlags {
  host?: string[];
  all?: boolean;
  mustGather?: string;
  pointer?: string;
  hostClock?: string;
  bmc?: boolean;
  probe: boolean;
  resolve?: string[];
  expiryWarning: string;
  expiryWarningDays?: string;
  output: Format;
  verbose?: boolean;
}

/** Progress on stderr, only on a terminal and only for work that takes more than a second. */
export function progressReporter(): { update(what: string): void; done(): void } {
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
  const timeoutMs = parseRequestTimeout(flags.requestTimeout);
  const expiryWarningDays = expiryWarningDaysOf(flags);
  const resolve = parseResolve(flags.resolve, 22623);
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
        ).openLiveSource({ ...kubeconfigFlagsOf(flags), requestTimeoutMs: timeoutMs });
    const { diagnose } = await import('../diagnosis/diagnose.js');
    const report = await diagnose(source, {
      hosts: flags.host,
      namespace: flags.namespace,
      all: flags.all,
      pointer,
      hostClock,
      bmc: flags.bmc === true ? 'always' : flags.bmc === false ? 'never' : 'auto',
      probe: flags.probe,
      resolve,
      expiryWarningDays,
      // A must-gather is judged as of when it was collected, not years later.
      now: source.kind === 'must-gather' ? source.collectedAt : new Date(),
      probeTimeoutMs: probeTimeoutOf(timeoutMs),
      onProgress: (what) => progress.update(what),
    });
    progress.done();
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
  const cmd = new Command('diagnose')
    .description(
      'Walk the join pipeline of new workers (live, or from a must-gather) and name the root cause with its evidence and the fix',
    )
    .addOption(
      repeatable(
        '--host <name>',
        'diagnose this BareMetalHost (repeatable); default: every host not yet joined',
      ),
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
    .addOption(repeatable('--resolve <host:ip>', 'connect to IP for HOST when probing the MCS (repeatable)'));
  for (const o of expiryWarningOptions(
    'warn when the serving certificate expires within this time (e.g. 30d, 720h)',
  ))
    cmd.addOption(o);
  return withClusterFlags(cmd, {
    timeoutHelp: 'limit for each API, MCS and BMC request (e.g. 30s; 0 = no limit)',
  })
    .addOption(outputOption(FORMATS))
    .option('-v, --verbose', 'show every finding of every check')
    .addHelpText(
      'after',
      '\nExit codes: 0 healthy, 1 problem found, 2 bad input, 3 cluster unreachable, 4 inconclusive.\n' +
        'Examples:\n  mcs-doctor diagnose --host worker-0 -n openshift-machine-api\n  mcs-doctor diagnose --context admin --request-timeout 30s -o json\n  mcs-doctor diagnose --must-gather must-gather.tar.gz --pointer worker-user-data.yaml -o markdown',
    )
    .action(async (flags: DiagnoseFlags) => {
      process.exitCode = await runDiagnose(flags);
    });
}
