/** `mcs-doctor preflight`: its flags and help. The work is in preflight-run.ts, loaded when the command runs. */
import { Command, Option } from 'commander';
import { expiryWarningOptions, outputOption, repeatable, withClusterFlags } from './flags.js';
import type { PreflightFlags } from './preflight-run.js';

export const PREFLIGHT_FORMATS = ['text', 'json', 'yaml', 'junit', 'html'] as const;

export function preflightCommand(): Command {
  const cmd = new Command('preflight')
    .description(
      "Before adding hosts, predict what their first boot will meet: the MCS on every route, its certificate, the pools, each user-data secret fetched as the boot image's Ignition does, each waiting host's BMC and clock and the line its Ignition would print, the machine-approver and the ClusterOperators",
    )
    .addOption(
      repeatable(
        '--host <name>',
        'also predict this BareMetalHost (repeatable); default: every host not yet provisioned',
      ),
    )
    .option(
      '--ignition-version <x.y.z>',
      "the boot image's Ignition release (default: what configmap coreos-bootimages records, else 2.14.0)",
    )
    .addOption(
      repeatable(
        '--resolve <host:ip>',
        "connect to IP for HOST, as the workers' DNS answers (the api-int name, a pointer's host; repeatable)",
      ),
    )
    .addOption(new Option('--no-bmc', "do not read the BMCs (predictions at this machine's clock)"));
  for (const o of expiryWarningOptions(
    'a serving certificate that expires within this time is a problem (e.g. 30d, 720h)',
  ))
    cmd.addOption(o);
  return withClusterFlags(cmd, {
    namespaceHelp: 'namespace of the BareMetalHosts (default: every namespace)',
    timeoutHelp: 'limit for each API, MCS and BMC request (e.g. 30s; 0 = no limit for API requests)',
  })
    .addOption(outputOption(PREFLIGHT_FORMATS))
    .option('-v, --verbose', 'show every finding of every check')
    .addHelpText(
      'after',
      '\nExit codes: 0 pass, 1 problems found, 2 bad input, 3 cluster unreachable.\n' +
        'Examples:\n  mcs-doctor preflight\n  mcs-doctor preflight --resolve api-int.mycluster.example.com:192.168.111.5 -o junit > preflight.xml\n  mcs-doctor preflight --host worker-5 --expiry-warning 90d -o json',
    )
    .action(async (flags: PreflightFlags) => {
      process.exitCode = await (await import('./preflight-run.js')).runPreflight(flags);
    });
}
