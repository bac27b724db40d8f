/**
 * `mcs-doctor certs`: every certificate the cluster holds (TLS secrets, the MCS serving secret
 * whatever its type, CA bundles in ConfigMaps, the CAs of the user-data pointer configs), one row
 * each as `oc get` prints them, with who renews it. Exit 1 only for a certificate nobody renews
 * that is expired or expires within --expiring: what an operator rotates is not a problem.
 */
import { Command, Option } from 'commander';
import type { CertsReport } from '../core/certs.js';
import { InputError } from '../core/errors.js';
import { certsJsonChunks, certsYamlChunks } from '../report/certs-data.js';
import { certsHtmlChunks } from '../report/certs-html.js';
import { certsJunitChunks } from '../report/certs-junit.js';
import { certsTextChunks, renderCertsSummary } from '../report/certs-text.js';
import { colourEnabled, palette } from '../report/colour.js';
import type { ClusterSource } from '../sources/types.js';
import {
  kubeconfigFlagsOf,
  outputOption,
  parseDuration,
  parseRequestTimeout,
  withClusterFlags,
  type ClusterFlags,
} from './flags.js';

const FORMATS = ['text', 'json', 'yaml', 'junit', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface CertsFlags extends ClusterFlags {
  allNamespaces?: boolean;
  expiring: string;
  allCerts?: boolean;
  mustGather?: string;
  chunkSize: string;
  output: Format;
}

/** kubectl's --chunk-size: a whole number, 0 for one request per list. */
export function parseChunkSize(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new InputError(`--chunk-size "${text}" is not a whole number`, {
      where: '--chunk-size',
      hint: 'as kubectl: the number of items per list request, e.g. 500 (the default); 0 reads each list at once',
    });
  }
  return n;
}

/** The report in the chosen format, a chunk at a time. */
export function certsChunks(report: CertsReport, format: Format, colour: boolean): Iterable<string> {
  switch (format) {
    case 'json':
      return certsJsonChunks(report);
    case 'yaml':
      return certsYamlChunks(report);
    case 'junit':
      return certsJunitChunks(report);
    case 'html':
      return certsHtmlChunks(report);
    default:
      return certsTextChunks(report, palette(colour));
  }
}

/** Writes chunk by chunk, waiting when the reader is slower than we are: never the whole output at once. */
async function writeChunks(chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!process.stdout.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          process.stdout.off('drain', done);
          process.stdout.off('close', done);
          resolve();
        };
        process.stdout.once('drain', done);
        process.stdout.once('close', done);
      });
    }
  }
}

export async function runCerts(flags: CertsFlags): Promise<number> {
  const expiringWithinMs = parseDuration(flags.expiring, '--expiring');
  const chunkSize = parseChunkSize(flags.chunkSize);
  const requestTimeoutMs = parseRequestTimeout(flags.requestTimeout);
  const { CERTS_MUST_GATHER_KEEP, certInventory } = await import('../checks/facts/cert-inventory.js');
  let source: ClusterSource | undefined;
  try {
    let namespace: string | undefined;
    if (flags.mustGather) {
      source = await (
        await import('../sources/must-gather/index.js')
      ).openMustGather(flags.mustGather, CERTS_MUST_GATHER_KEEP);
      // A must-gather has no current context: every namespace unless -n names one.
      namespace = flags.allNamespaces ? undefined : flags.namespace;
    } else {
      const live = await (
        await import('../sources/live.js')
      ).openLiveSource({ ...kubeconfigFlagsOf(flags), requestTimeoutMs });
      source = live;
      // As kubectl: -A wins over -n; otherwise -n, else the context's namespace, else "default".
      namespace = flags.allNamespaces ? undefined : live.target.namespace;
    }
    const report = await certInventory(source, {
      namespace,
      allCerts: flags.allCerts === true,
      expiringWithinMs,
      // A must-gather is judged as of when it was collected, not years later.
      now: source.kind === 'must-gather' ? source.collectedAt : new Date(),
      chunkSize,
    });
    try {
      await writeChunks(certsChunks(report, flags.output, colourEnabled(process.stdout)));
    } finally {
      report.certificates.close();
    }
    if (flags.output === 'text') process.stderr.write(renderCertsSummary(report));
    else {
      for (const u of report.unreadable) {
        process.stderr.write(
          `error: ${u.message}${u.permission ? `; grant "${u.permission}" to list them` : ''}\n`,
        );
      }
    }
    return report.exitCode;
  } finally {
    await source?.close();
  }
}

export function certsCommand(): Command {
  const cmd = new Command('certs')
    .description(
      'List every certificate the cluster holds (TLS secrets, the MCS serving secret, CA bundles, the CAs of the user-data pointer configs), live or from a must-gather, with who renews each; exit 1 for an unmanaged one expired or expiring',
    )
    .addOption(
      new Option(
        '-A, --all-namespaces',
        'list certificates in every namespace (as kubectl -A; wins over -n)',
      ),
    )
    .addOption(
      new Option(
        '--expiring <duration>',
        'a certificate expiring within this is "expiring" (e.g. 30d, 720h; 0: only expired ones)',
      ).default('30d'),
    )
    .option('--all-certs', 'every certificate of a chain or bundle, not only the first (the leaf)')
    .option(
      '--must-gather <path>',
      'offline: a must-gather directory, or its .tar, .tar.gz, .tar.xz or .zip (every namespace unless -n)',
    )
    .addOption(
      new Option(
        '--chunk-size <n>',
        'items per list request, as kubectl (limit/continue paging); 0: each list in one request',
      ).default('500'),
    );
  return withClusterFlags(cmd, {
    namespaceHelp: "namespace to list (default: the kubeconfig context's, as kubectl)",
  })
    .addOption(outputOption(FORMATS))
    .addHelpText(
      'after',
      '\nExit codes: 0 no problem, 1 an unmanaged certificate expired or expiring, 2 bad flags or input, 3 cluster unreachable, 4 a list could not be read (RBAC) and nothing else is wrong.\n' +
        'Examples:\n  mcs-doctor certs -A\n  mcs-doctor certs -n openshift-machine-config-operator --expiring 90d --all-certs\n  mcs-doctor certs -A -o junit > certs.xml\n  mcs-doctor certs --must-gather must-gather.tar.gz',
    )
    .action(async (flags: CertsFlags) => {
      process.exitCode = await runCerts(flags);
    });
}
