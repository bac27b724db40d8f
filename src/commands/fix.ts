/** `mcs-doctor fix` and `mcs-doctor restore`: flags here, the work in fix-run.ts (loaded when they run). */
import { Command, Option } from 'commander';
import { withLiveFlags } from './live-flags.js';

export interface FixFlags {
  host?: string;
  apply?: boolean;
  yes?: boolean;
  backupDir?: string;
  strategy?: string;
  ntpServer: string[];
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  waitTimeout: string;
  expiryWarningDays: string;
  output: 'text' | 'json';
}

export interface RestoreFlags {
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  waitTimeout: string;
  yes?: boolean;
}

export function fixCommand(): Command {
  return withLiveFlags(new Command('fix'), 'limit for each API, MCS and BMC request')
    .description(
      'Plan the fix for a root cause (default: the first one diagnose names); with --apply, back up every object and carry it out step by step',
    )
    .argument('[cause]', 'root-cause id, e.g. mcs-cert-expired (default: the first cause diagnose names)')
    .option('--host <name>', 'the BareMetalHost to fix (default: every host the cause affects)')
    .option('--apply', 'carry out the plan (default: print it and change nothing)')
    .option('--yes', 'do not ask for confirmation (needed with --apply when stdin is not a terminal)')
    .option(
      '--backup-dir <dir>',
      'where to save every object before it changes (default: $XDG_STATE_HOME/mcs-doctor/backups/<time>-<cause>); an unfinished fix there is resumed',
    )
    .addOption(
      new Option(
        '--strategy <name>',
        'for certificate causes: regenerate in place, or delete the secret (4.19+ with the rotator only)',
      ).choices(['regenerate', 'delete-secret']),
    )
    .option(
      '--ntp-server <name>',
      'worker-clock-skew: also add a chrony MachineConfig with this NTP server (repeatable; no default)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--wait-timeout <duration>', 'how long a step may wait for the cluster (e.g. 30m, 90s)', '30m')
    .option(
      '--expiry-warning-days <days>',
      'a serving certificate with less than this left is replaced',
      '30',
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      '\nExit codes: 0 fixed (or nothing to fix), 1 a step failed or needs a person, 2 bad input or refused, 3 cluster unreachable or permission missing.\n' +
        'Examples:\n  mcs-doctor fix --host worker-0                  # the plan for the first cause, nothing changed\n' +
        '  mcs-doctor fix mcs-cert-expired --apply --yes --backup-dir ./mcs-fix\n' +
        '  mcs-doctor restore ./mcs-fix',
    )
    .action(async (cause: string | undefined, flags: FixFlags) => {
      const { runFix } = await import('./fix-run.js');
      process.exitCode = await runFix(cause, flags);
    });
}

export function restoreCommand(): Command {
  return withLiveFlags(new Command('restore'))
    .description(
      'Put back every object a fix backed up (objects it created are deleted), as they were before the fix; before 4.19 the MCS pods are restarted to serve a restored certificate',
    )
    .argument('<dir>', 'the backup directory a fix printed')
    .option('--yes', 'do not ask for confirmation')
    .option(
      '--wait-timeout <duration>',
      'before 4.19: how long to wait for the restarted MCS pods to serve the restored certificate',
      '10m',
    )
    .addHelpText(
      'after',
      '\nExample:\n  mcs-doctor restore ~/.local/state/mcs-doctor/backups/20261124T031500Z-mcs-cert-expired',
    )
    .action(async (dir: string, flags: RestoreFlags) => {
      const { runRestore } = await import('./fix-run.js');
      process.exitCode = await runRestore(dir, flags);
    });
}
