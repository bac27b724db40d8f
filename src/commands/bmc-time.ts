/** `mcs-doctor bmc-time`: flags here, the work in bmc-time-run.ts (loaded when it runs). */
import { Command, Option } from 'commander';
import { outputOption, withClusterFlags, type ClusterFlags } from './flags.js';

export interface BmcTimeFlags extends ClusterFlags {
  host?: string;
  allNamespaces?: boolean;
  maxSkew: string;
  set?: boolean;
  yes?: boolean;
  backupDir?: string;
  output: 'text' | 'json' | 'yaml';
}

export function bmcTimeCommand(): Command {
  const cmd = new Command('bmc-time')
    .description(
      "Read the BMC clock of every BareMetalHost (Redfish or IPMI), its skew from this machine and whether the MCS chain verifies at it; with --set, set the clocks that are off to this machine's time",
    )
    .option('--host <name>', 'only this BareMetalHost (found by name in every namespace unless -n is given)')
    .addOption(
      new Option('-A, --all-namespaces', 'BareMetalHosts of every namespace (adds a NAMESPACE column)'),
    )
    .option('--max-skew <duration>', 'a clock off by more than this is skewed (e.g. 2m, 90s, 1h)', '2m')
    .option(
      '--set',
      "set every skewed clock to this machine's time (UTC): a plan, a confirmation and a backup of the old clocks first",
    )
    .option('--yes', 'with --set: do not ask for confirmation (needed when stdin is not a terminal)')
    .option(
      '--backup-dir <dir>',
      'with --set: where to save the old clocks (default: $XDG_STATE_HOME/mcs-doctor/backups/<time>-bmc-time); mcs-doctor restore DIR puts them back',
    );
  return withClusterFlags(cmd, {
    namespaceHelp:
      "namespace of the BareMetalHosts (default: the context's namespace if it sets one, else openshift-machine-api)",
    timeoutHelp: 'limit for each API, MCS and BMC request (e.g. 30s; 0 = no limit; BMCs get at most 10s)',
  })
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 every clock read and within --max-skew, the MCS chain verifying at each; 1 a clock is skewed, a BMC could not be read or refused the credentials, a secret is missing, the chain fails at a clock, or --set could not set one; 2 bad input or --set refused; 3 cluster unreachable; 4 only clocks mcs-doctor cannot read (unsupported BMCs) are in doubt.\n' +
        'Examples:\n  mcs-doctor bmc-time\n  mcs-doctor bmc-time -A -o json\n  mcs-doctor bmc-time --host worker-0 --max-skew 30s\n  mcs-doctor bmc-time --set                      # plan, confirm, back up, set\n  mcs-doctor restore ~/.local/state/mcs-doctor/backups/20261203T084000Z-bmc-time',
    )
    .action(async (flags: BmcTimeFlags) => {
      const { runBmcTime } = await import('./bmc-time-run.js');
      process.exitCode = await runBmcTime(flags);
    });
}
