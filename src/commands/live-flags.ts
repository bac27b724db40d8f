/** The kubectl-style flags every command that talks to a live cluster takes. */
import type { Command } from 'commander';

export function withLiveFlags(cmd: Command, timeoutHelp = 'limit for each API request'): Command {
  return cmd
    .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--request-timeout <seconds>', timeoutHelp, '15');
}
