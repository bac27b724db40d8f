/** `mcs-doctor verify`: flags here, the work in verify-run.ts (loaded when it runs). */
import { Command } from 'commander';
import { outputOption, withClusterFlags, type ClusterFlags } from './flags.js';

export interface VerifyFlags extends ClusterFlags {
  host: string;
  watch?: boolean;
  timeout: string;
  interval: string;
  approveCsrs?: boolean;
  output: 'text' | 'json' | 'yaml';
}

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description(
      'Follow a host to the success criteria: BareMetalHost provisioned, Ignition fetched (the MCS log line for its address), its CSRs approved, its Node Ready',
    )
    .requiredOption('--host <name>', 'the BareMetalHost')
    .option('--watch', 'keep following until the Node is Ready or --timeout')
    .option('--timeout <duration>', 'with --watch: give up after this long (e.g. 30m, 90s)', '30m')
    .option('--interval <duration>', 'with --watch: time between looks', '5s')
    .option(
      '--approve-csrs',
      "approve the host's kubelet CSRs that pass the identity checks (requester, CN, usages, SANs); others are listed with the reason",
    );
  return withClusterFlags(cmd, {
    namespaceHelp: 'namespace of the BareMetalHost (default: found by name in every namespace)',
  })
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 the Node is Ready, 1 not (yet): where it stopped and the next diagnosis, 2 bad input, 3 cluster unreachable.\n' +
        'Example:\n  mcs-doctor verify --host worker-0 -n openshift-machine-api --watch --timeout 30m --approve-csrs',
    )
    .action(async (flags: VerifyFlags) => {
      const { runVerify } = await import('./verify-run.js');
      process.exitCode = await runVerify(flags);
    });
}
