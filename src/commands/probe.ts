/** `mcs-doctor probe`: its flags and help. The work is in probe-run.ts, loaded when the command runs. */
import { Command, Option } from 'commander';
import { DEFAULT_WORKER_IGNITION } from '../ignition/compat.js';
import { DEFAULT_STEP_TIMEOUT_MS } from '../probes/ignition-client.js';
import type { ProbeFlags } from './probe-run.js';
import { repeatable } from './flags.js';

export const SYSTEM_ROOTS_FILE = '/etc/ssl/certs/ca-certificates.crt';

export function probeCommand(): Command {
  return new Command('probe')
    .description(
      "Fetch /config/<pool> from the Machine Config Server exactly as a worker's Ignition does (its CAs, its URL host, its clock) and show what it would log, the served chain, and what to do",
    )
    .argument(
      '[url]',
      "MCS URL, e.g. https://api-int.<cluster>.<domain>:22623/config/worker (default: the pointer config's source)",
    )
    .option(
      '--pointer <file>',
      "the worker's pointer Ignition config, or a worker-user-data Secret (YAML/JSON); - for stdin",
    )
    .option('--ca <file>', 'PEM bundle of trust anchors (instead of, or in addition to, the pointer CAs)')
    .option(
      '--at <iso-time>',
      "evaluate certificates at the worker's clock (e.g. its BMC time), ISO 8601, UTC when no zone",
    )
    .addOption(repeatable('--resolve <host:ip>', 'connect to IP for HOST, as curl --resolve (repeatable)'))
    .option(
      '--timeout <duration>',
      'limit for each step: DNS, connect, TLS handshake, response headers, body (e.g. 10s; a bare number is seconds)',
      `${DEFAULT_STEP_TIMEOUT_MS / 1000}s`,
    )
    .option('--system-roots', `also trust the system roots (${SYSTEM_ROOTS_FILE}), as Ignition does`)
    .option('--legacy-ignition', 'probe a spec-2 pointer as Ignition 0.x (RHCOS < 4.6 boot images) would')
    .option(
      '--ignition-version <x.y.z>',
      `the worker boot image's Ignition release: which pointer specs it accepts, and its Accept header (default: ${DEFAULT_WORKER_IGNITION})`,
    )
    .option('--user-agent <ua>', 'User-Agent to send (default: Ignition/<--ignition-version>)')
    .addOption(new Option('-o, --output <format>', 'output format: text, json, yaml').default('text'))
    .action(async (url: string | undefined, flags: ProbeFlags) => {
      process.exitCode = await (await import('./probe-run.js')).runProbe(url, flags);
    });
}
