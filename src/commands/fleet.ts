/** `mcs-doctor fleet`: its flags and help. The work is in fleet-run.ts, loaded when the command runs. */
import { Argument, Command, Option } from 'commander';
import { FLEET_COMMANDS } from '../core/fleet.js';
import { expiryWarningOptions, outputOption, withClusterFlags } from './flags.js';
import type { FleetFlags } from './fleet-run.js';

export const FLEET_FORMATS = ['text', 'json', 'markdown', 'html'] as const;

export function fleetCommand(): Command {
  const cmd = new Command('fleet')
    .description(
      'Run diagnose, preflight or certs on many clusters in parallel (kubeconfig contexts, or a directory of kubeconfigs), each with its own time limit, and print one row per cluster; an unreachable or forbidden cluster is a row with its reason',
    )
    .addArgument(
      new Argument('[command]', 'what to run on each cluster')
        .choices([...FLEET_COMMANDS])
        .default('diagnose'),
    )
    .option('--contexts <names>', 'these kubeconfig contexts, comma-separated (a,b,c)')
    .option('--all-contexts', 'every context of the kubeconfig (KUBECONFIG merged as kubectl merges it)')
    .option(
      '--kubeconfig-dir <dir>',
      "every kubeconfig file in this directory, each at its current context (files starting with '.' are skipped)",
    )
    .addOption(new Option('--concurrency <n>', 'clusters judged at the same time').default('16'))
    .addOption(
      new Option(
        '--timeout <duration>',
        'limit for each cluster as a whole (e.g. 60s, 2m); a cluster that takes longer is a row "timeout"',
      ).default('60s'),
    )
    .option('--no-bmc', 'do not read the BMC clocks (diagnose, preflight)')
    .option('--no-probe', 'do not probe the MCS endpoints from this machine (diagnose)');
  for (const o of expiryWarningOptions(
    'a serving certificate expiring within this is a problem (diagnose, preflight), a certificate "expiring" (certs)',
  ))
    cmd.addOption(o);
  return withClusterFlags(cmd, {
    namespaceHelp: 'namespace of the BareMetalHosts on every cluster (default: every namespace)',
    timeoutHelp: 'limit for each API, MCS and BMC request (e.g. 30s; 0 = no limit for API requests)',
  })
    .addOption(outputOption(FLEET_FORMATS))
    .addHelpText(
      'after',
      '\nWith none of --contexts, --all-contexts and --kubeconfig-dir: the current context only.\n' +
        'Exit codes: the worst of the clusters, in this order: 1 a problem found, 3 a cluster unreachable (or timed out, or refused the credentials), 2 bad input for a cluster, 4 inconclusive (forbidden reads), 0 all healthy; 2 for bad flags or kubeconfigs (nothing is run).\n' +
        'Examples:\n  mcs-doctor fleet --all-contexts\n  mcs-doctor fleet preflight --contexts prod-east,prod-west -o markdown\n  mcs-doctor fleet certs --kubeconfig-dir ~/clusters --concurrency 32 --timeout 2m -o html > fleet.html',
    )
    .action(async (command: string, flags: FleetFlags) => {
      process.exitCode = await (await import('./fleet-run.js')).runFleet(command, flags);
    });
}
