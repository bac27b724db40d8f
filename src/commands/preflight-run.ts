/**
 * `mcs-doctor preflight`: gather (snapshot, BMCs, fetches), run the checks, render. Exit 0: every
 * check passes (warnings allowed); 1: a problem found or something that could not be checked;
 * 2: bad input; 3: the cluster could not be reached.
 */
import { InputError } from '../core/errors.js';
import { parseIgnitionVersion } from '../ignition/compat.js';
import { colourEnabled, palette } from '../report/colour.js';
import { renderData } from '../report/data.js';
import { buildPreflightReport, type PreflightReport } from '../report/preflight-model.js';
import { renderPreflightHtml } from '../report/preflight-html.js';
import { renderPreflightJunit } from '../report/preflight-junit.js';
import { renderPreflightText } from '../report/preflight-text.js';
import type { ClusterSource } from '../sources/types.js';
import { progressReporter } from './diagnose.js';
import {
  expiryWarningDaysOf,
  kubeconfigFlagsOf,
  parseRequestTimeout,
  parseResolve,
  probeTimeoutOf,
  type ClusterFlags,
} from './flags.js';
import type { PREFLIGHT_FORMATS } from './preflight.js';

export interface PreflightFlags extends ClusterFlags {
  host?: string[];
  ignitionVersion?: string;
  resolve?: string[];
  bmc: boolean;
  expiryWarning: string;
  expiryWarningDays?: string;
  output: (typeof PREFLIGHT_FORMATS)[number];
  verbose?: boolean;
}

export function renderPreflight(
  report: PreflightReport,
  format: PreflightFlags['output'],
  options: { colour: boolean; verbose?: boolean },
): string {
  switch (format) {
    case 'json':
    case 'yaml':
      return renderData(report, format);
    case 'junit':
      return renderPreflightJunit(report);
    case 'html':
      return renderPreflightHtml(report);
    default:
      return renderPreflightText(report, palette(options.colour), { verbose: options.verbose });
  }
}

function ignitionFlag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const version = parseIgnitionVersion(text);
  if (!version)
    throw new InputError(`--ignition-version ${JSON.stringify(text)}: not an Ignition 2.x release number`, {
      where: '--ignition-version',
      hint: "give the boot image's Ignition, e.g. --ignition-version 2.18.0 (rpm -q ignition on that RHCOS)",
    });
  return version;
}

export async function runPreflight(flags: PreflightFlags): Promise<number> {
  const timeoutMs = parseRequestTimeout(flags.requestTimeout);
  const expiryWarningDays = expiryWarningDaysOf(flags);
  const resolve = parseResolve(flags.resolve, 22623);
  const ignitionVersion = ignitionFlag(flags.ignitionVersion);
  const progress = progressReporter();
  let source: ClusterSource | undefined;
  try {
    progress.update('connecting to the API server ...');
    // Loaded here, not at start-up: @kubernetes/client-node alone takes most of a second to load.
    source = await (
      await import('../sources/live.js')
    ).openLiveSource({ ...kubeconfigFlagsOf(flags), requestTimeoutMs: timeoutMs });
    const { gatherPreflight, runPreflightChecks } = await import('../checks/preflight/index.js');
    const pf = await gatherPreflight(source, {
      hosts: flags.host,
      namespace: flags.namespace,
      expiryWarningDays,
      ignitionVersion,
      resolve,
      bmc: flags.bmc,
      now: new Date(),
      probeTimeoutMs: probeTimeoutOf(timeoutMs),
      onProgress: (what) => progress.update(what),
    });
    const report = buildPreflightReport(pf, runPreflightChecks(pf), source);
    progress.done();
    process.stdout.write(
      renderPreflight(report, flags.output, {
        colour: colourEnabled(process.stdout),
        verbose: flags.verbose,
      }),
    );
    return report.exitCode;
  } finally {
    progress.done();
    await source?.close();
  }
}
