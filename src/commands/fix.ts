/** `mcs-doctor fix` and `mcs-doctor restore`: flags here, the work in fix-run.ts (loaded when they run). */
import { Command, Option } from 'commander';
import {
  expiryWarningOptions,
  outputOption,
  repeatable,
  withClusterFlags,
  type ClusterFlags,
} from './flags.js';

export interface FixFlags extends ClusterFlags {
  host?: string;
  apply?: boolean;
  yes?: boolean;
  backupDir?: string;
  strategy?: string;
  ntpServer?: string[];
  waitTimeout: string;
  expiryWarning: string;
  expiryWarningDays?: string;
  output: 'text' | 'json' | 'yaml';
}

export interface RestoreFlags extends ClusterFlags {
  waitTimeout: string;
  yes?: boolean;
  output: 'text' | 'json' | 'yaml';
}

/** Ignition has no switch to skip certificate verification; people look for one in fix --help. */
const NO_SKIP_VERIFY =
  '\nThere is no "skip certificate verification" fix: Ignition has no such switch. The only equivalent is a pointer\n' +
  "to the MCS's plain-HTTP port 22624, which sends the node's bootstrap credentials in clear; mcs-doctor never does it.\n";

export function fixCommand(): Command {
  const cmd = new Command('fix')
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
    .addOption(
      repeatable(
        '--ntp-server <name>',
        'worker-clock-skew: also add a chrony MachineConfig with this NTP server (repeatable; no default)',
      ),
    )
    .option('--wait-timeout <duration>', 'how long a step may wait for the cluster (e.g. 30m, 90s)', '30m');
  for (const o of expiryWarningOptions(
    'a serving certificate with less than this left is replaced (e.g. 30d)',
  ))
    cmd.addOption(o);
  return withClusterFlags(cmd, {
    namespaceHelp: 'namespace of the BareMetalHost (default: found by name in every namespace)',
    timeoutHelp: 'limit for each API, MCS and BMC request (e.g. 30s; 0 = no limit)',
  })
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 fixed (or nothing to fix), 1 a step failed or needs a person, 2 bad input or refused, 3 cluster unreachable or permission missing.\n' +
        NO_SKIP_VERIFY +
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
  const cmd = new Command('restore')
    .description(
      'Put back every object a fix backed up (objects it created are deleted), as they were before the fix; before 4.19 the MCS pods are restarted to serve a restored certificate',
    )
    .argument('<dir>', 'the backup directory a fix printed')
    .option('--yes', 'do not ask for confirmation')
    .option(
      '--wait-timeout <duration>',
      'before 4.19: how long to wait for the restarted MCS pods to serve the restored certificate',
      '10m',
    );
  return withClusterFlags(cmd, {
    namespaceHelp: 'kubectl namespace (restore puts objects back where they were)',
  })
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 every object is back, 1 some could not be restored, 2 bad input or refused, 3 cluster unreachable.\n' +
        'Example:\n  mcs-doctor restore ~/.local/state/mcs-doctor/backups/20261124T031500Z-mcs-cert-expired',
    )
    .action(async (dir: string, flags: RestoreFlags) => {
      const { runRestore } = await import('./fix-run.js');
      process.exitCode = await runRestore(dir, flags);
    });
}
