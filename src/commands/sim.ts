/**
 * `mcs-doctor sim start|list|must-gather|console`: the built-in simulated cluster, for the
 * demo, the tests and for practice. `start` serves until SIGINT/SIGTERM and writes a
 * kubeconfig once every component is serving; `must-gather` captures a scenario once its
 * problem is visible; `console` prints a simulated host's serial console.
 */
import { Command } from 'commander';
import { ExitCode, InputError, UnreachableError } from '../core/errors.js';
import { isDataFormat, renderData } from '../report/data.js';
import {
  kubeconfigFlagsOf,
  outputOption,
  parseRequestTimeout,
  repeatable,
  withClusterFlags,
  type ClusterFlags,
} from './flags.js';
import { OPENSHIFT_VERSIONS, type OpenShiftVersion } from '../sim/seed.js';
import { MAX_SIM_HOSTS } from '../sim/network.js';
import { DEFAULT_SIM_SPEED } from '../sim/timings.js';

interface StartFlags {
  scenario?: string;
  clusters?: string;
  kubeconfigDir?: string;
  hosts?: string;
  version?: string;
  speed?: string;
  kubeconfigOut?: string;
  fault?: string[];
  tlsSecrets?: string;
}

export function parseHosts(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIM_HOSTS) {
    throw new InputError(
      `--hosts must be a whole number from 1 to ${MAX_SIM_HOSTS}, got ${JSON.stringify(text)}`,
      {
        where: '--hosts',
        hint: 'e.g. --hosts 3 (the default) or --hosts 1000',
      },
    );
  }
  return n;
}

export function parseVersion(text: string | undefined): OpenShiftVersion | undefined {
  if (text === undefined) return undefined;
  if (!(OPENSHIFT_VERSIONS as readonly string[]).includes(text)) {
    throw new InputError(
      `--version must be one of ${OPENSHIFT_VERSIONS.join(', ')}, got ${JSON.stringify(text)}`,
      {
        where: '--version',
        hint: 'the simulator models the MCO behaviour of these releases (cert reload and rotation differ)',
      },
    );
  }
  return text as OpenShiftVersion;
}

export function parseSpeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 10_000) {
    throw new InputError(`--speed must be a number above 0 and at most 10000, got ${JSON.stringify(text)}`, {
      where: '--speed',
      hint: `1 is real time; the default ${DEFAULT_SIM_SPEED} makes a provisioning take about 12 s`,
    });
  }
  return n;
}

/** Up to this many extra TLS secrets: the largest clusters people report (tens of thousands). */
export const MAX_SIM_TLS_SECRETS = 100_000;

export function parseTlsSecrets(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > MAX_SIM_TLS_SECRETS) {
    throw new InputError(
      `--tls-secrets must be a whole number from 0 to ${MAX_SIM_TLS_SECRETS}, got ${JSON.stringify(text)}`,
      { where: '--tls-secrets', hint: 'e.g. --tls-secrets 10000' },
    );
  }
  return n;
}

function startCommand(): Command {
  return new Command('start')
    .description('Start a simulated cluster in the foreground and serve it until Ctrl-C')
    .option('--scenario <name>', 'scenario to start (mcs-doctor sim list); required unless --clusters')
    .option(
      '--clusters <n>',
      'start a fleet instead: N contexts in one kubeconfig, N-1 simulated clusters of mixed scenarios and versions (one reached as a user RBAC grants nothing) and one unreachable',
    )
    .option('--kubeconfig-dir <dir>', 'with --clusters: also one kubeconfig per cluster in this directory')
    .option('--hosts <n>', 'number of worker BareMetalHosts (default 3)')
    .option(
      '--version <v>',
      `OpenShift version to model: ${OPENSHIFT_VERSIONS.join(', ')} (default: the scenario's)`,
    )
    .option(
      '--speed <x>',
      `how much faster than real time simulated durations pass (default ${DEFAULT_SIM_SPEED})`,
    )
    .option('--kubeconfig-out <path>', 'write the kubeconfig here (default: a temporary file, printed)')
    .option(
      '--tls-secrets <n>',
      'add this many kubernetes.io/tls secrets, each with its own certificate, in namespaces bulk-0..bulk-99 (default 0)',
    )
    .addOption(
      repeatable(
        '--fault <spec>',
        'API fault: api-error-rate=0.1, api-latency=300ms, watch-drop=30s (repeatable)',
      ),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  mcs-doctor sim start --scenario mcs-cert-expired --kubeconfig-out /tmp/sim.kubeconfig\n  mcs-doctor sim start --clusters 20 --kubeconfig-out /tmp/fleet.kubeconfig --kubeconfig-dir /tmp/fleet.d',
    )
    .action(async (flags: StartFlags) => {
      if (flags.clusters !== undefined) return startFleet(flags);
      if (flags.scenario === undefined) {
        throw new InputError('sim start needs --scenario NAME (or --clusters N for a fleet)', {
          where: '--scenario',
          hint: 'mcs-doctor sim list shows the scenarios',
        });
      }
      if (flags.kubeconfigDir !== undefined) {
        throw new InputError('--kubeconfig-dir goes with --clusters', { where: '--kubeconfig-dir' });
      }
      const hosts = parseHosts(flags.hosts);
      const version = parseVersion(flags.version);
      const speed = parseSpeed(flags.speed);
      const tlsSecrets = parseTlsSecrets(flags.tlsSecrets);
      const { validateScenarioOptions } = await import('../sim/scenarios/index.js');
      validateScenarioOptions(flags.scenario, { version, hosts });
      const { startSimCluster } = await import('../sim/cluster.js');
      const { describeCluster } = await import('../sim/describe.js');
      const cluster = await startSimCluster({
        scenario: flags.scenario!,
        hosts,
        version,
        speed,
        faults: flags.fault ?? [],
        kubeconfigOut: flags.kubeconfigOut,
        tlsSecrets,
      }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
          throw new UnreachableError('could not find a free loopback network for the simulated cluster', {
            hint: 'another program holds the ports; stop other simulated clusters and try again',
          });
        }
        throw err;
      });
      process.stdout.write(describeCluster(cluster));
      await untilStopped();
      process.stdout.write('Stopping the simulated cluster...\n');
      await cluster.close();
      process.stdout.write('Stopped; temporary files removed.\n');
      process.exitCode = ExitCode.healthy;
    });
}

/** Until SIGINT or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function parseClusters(text: string, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 3 || n > max) {
    throw new InputError(`--clusters must be a whole number from 3 to ${max}, got ${JSON.stringify(text)}`, {
      where: '--clusters',
      hint: `each simulated cluster takes a 127.N network of the ${max - 2} the simulator uses; e.g. --clusters 20`,
    });
  }
  return n;
}

/** `sim start --clusters N`: a fleet in this process, until Ctrl-C. */
async function startFleet(flags: StartFlags): Promise<void> {
  const { MAX_SIM_FLEET, startSimFleet } = await import('../sim/fleet.js');
  const clusters = parseClusters(flags.clusters!, MAX_SIM_FLEET);
  if (flags.scenario !== undefined || flags.version !== undefined || flags.fault || flags.tlsSecrets) {
    throw new InputError(
      '--clusters mixes the scenarios and versions itself: it takes no --scenario, --version, --fault or --tls-secrets',
      {
        where: '--clusters',
        hint: 'start one cluster with --scenario NAME to choose it',
      },
    );
  }
  const hosts = parseHosts(flags.hosts);
  const speed = parseSpeed(flags.speed);
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const ownDir = flags.kubeconfigOut ? undefined : await mkdtemp(join(tmpdir(), 'mcs-doctor-fleet-'));
  const kubeconfigOut = flags.kubeconfigOut ?? join(ownDir!, 'kubeconfig');
  const fleet = await startSimFleet({
    clusters,
    hosts,
    speed,
    kubeconfigOut,
    kubeconfigDir: flags.kubeconfigDir,
    settleMs: 120_000,
    onProgress: (what) => process.stderr.write(`${what}\n`),
  }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
      throw new UnreachableError('could not find enough free loopback networks for the simulated clusters', {
        hint: 'stop other simulated clusters, or ask for fewer with --clusters',
      });
    }
    throw err;
  });
  const stopFleet = async (): Promise<void> => {
    await fleet.close();
    if (ownDir) await rm(ownDir, { recursive: true, force: true });
  };
  const w = Math.max(...fleet.members.map((m) => m.context.length));
  const lines = [
    `Simulated fleet: ${clusters} contexts in ${fleet.kubeconfigPath}${fleet.kubeconfigDir ? ` (and one kubeconfig each in ${fleet.kubeconfigDir})` : ''}`,
    '',
    `${'CONTEXT'.padEnd(w)}  API SERVER                  EXPECTED`,
    ...fleet.members.map(
      (m) =>
        `${m.context.padEnd(w)}  ${m.server.padEnd(26)}  ${
          m.kind === 'unreachable'
            ? 'unreachable (nothing listens there)'
            : m.kind === 'forbidden'
              ? 'forbidden (a user bound to no role)'
              : `${m.expectedCause ?? 'healthy'}${m.exporter ? ', exporter installed' : ''}`
        }`,
    ),
    '',
    'Try:',
    `  mcs-doctor fleet --all-contexts --kubeconfig ${fleet.kubeconfigPath}`,
    ...(fleet.kubeconfigDir ? [`  mcs-doctor fleet certs --kubeconfig-dir ${fleet.kubeconfigDir}`] : []),
    '',
    'Ready. Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  await untilStopped();
  process.stdout.write('Stopping the simulated clusters...\n');
  await stopFleet();
  process.stdout.write('Stopped.\n');
  process.exitCode = ExitCode.healthy;
}

function listCommand(): Command {
  return new Command('list')
    .description('List the scenarios of the simulated cluster')
    .addOption(outputOption())
    .action(async (opts: { output: string }) => {
      const { listScenarios } = await import('../sim/scenarios/index.js');
      const rows = listScenarios().map((s) => ({
        name: s.name,
        description: s.description,
        version: s.version,
        versions: [...s.versions],
        host: s.host,
        expectedCause: s.expectedCause,
      }));
      if (isDataFormat(opts.output)) {
        process.stdout.write(renderData({ schemaVersion: 1, scenarios: rows }, opts.output));
        return;
      }
      const w = Math.max(...rows.map((r) => r.name.length));
      const c = Math.max(...rows.map((r) => String(r.expectedCause ?? '-').length));
      // The default version first; --version takes any of the others.
      const versions = rows.map((r) => [r.version, ...r.versions.filter((v) => v !== r.version)].join(','));
      const v = Math.max('VERSIONS'.length, ...versions.map((x) => x.length));
      process.stdout.write(
        `${'SCENARIO'.padEnd(w)}  ${'VERSIONS'.padEnd(v)}  HOST      ${'EXPECTED CAUSE'.padEnd(c)}  DESCRIPTION\n`,
      );
      rows.forEach((r, i) => {
        process.stdout.write(
          `${r.name.padEnd(w)}  ${versions[i]!.padEnd(v)}  ${String(r.host ?? '-').padEnd(8)}  ${String(r.expectedCause ?? '-').padEnd(c)}  ${r.description}\n`,
        );
      });
    });
}

function mustGatherCommand(): Command {
  return new Command('must-gather')
    .description("Write a scenario's cluster as a real must-gather tree, once its problem is visible")
    .requiredOption('--scenario <name>', 'scenario (mcs-doctor sim list)')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option('--hosts <n>', 'number of worker BareMetalHosts (default 3)')
    .option('--version <v>', `OpenShift version: ${OPENSHIFT_VERSIONS.join(', ')}`)
    .addHelpText('after', '\nExample: mcs-doctor sim must-gather --scenario mcs-ca-mismatch --out /tmp/mg')
    .action(async (flags: { scenario: string; out: string; hosts?: string; version?: string }) => {
      const { validateScenarioOptions } = await import('../sim/scenarios/index.js');
      validateScenarioOptions(flags.scenario, {
        version: parseVersion(flags.version),
        hosts: parseHosts(flags.hosts),
      });
      const { captureMustGather } = await import('../sim/capture.js');
      const result = await captureMustGather({
        scenario: flags.scenario,
        hosts: parseHosts(flags.hosts),
        version: parseVersion(flags.version),
        outDir: flags.out,
      });
      process.stdout.write(
        `Wrote a must-gather of scenario ${flags.scenario} (${result.outcome ?? 'host still settling'}) to ${result.root} (${result.files} files)\n`,
      );
    });
}

function consoleCommand(): Command {
  const cmd = new Command('console')
    .description("Print a simulated host's serial console (the BareMetalHost name)")
    .argument('<host>', 'BareMetalHost name, e.g. worker-0');
  return withClusterFlags(cmd, {
    namespaceHelp: 'kubectl namespace (unused: hosts are named across namespaces)',
  })
    .addHelpText('after', '\nExample: mcs-doctor sim console worker-0 --kubeconfig /tmp/sim.kubeconfig')
    .action(async (host: string, flags: ClusterFlags) => {
      const text = await fetchConsole(host, flags);
      process.stdout.write(text);
    });
}

/** The simulator's own endpoint, reached with the same kubeconfig rules as every command. */
async function fetchConsole(host: string, flags: ClusterFlags): Promise<string> {
  const { openLiveSource } = await import('../sources/live.js');
  const source = await openLiveSource({
    ...kubeconfigFlagsOf(flags),
    requestTimeoutMs: parseRequestTimeout(flags.requestTimeout),
  });
  try {
    let answer;
    try {
      answer = await source.send({
        method: 'GET',
        path: `/sim/v1/hosts/${encodeURIComponent(host)}/console`,
      });
    } catch (err) {
      throw new UnreachableError(`cannot reach the simulated cluster: ${(err as Error).message}`, {
        where: source.location,
        hint: 'is `mcs-doctor sim start` still running? It serves only while it runs',
      });
    }
    const body = answer.body.toString('utf8');
    if (answer.status === 200) return body;
    if (answer.status === 404) {
      throw new InputError(body.trim() || `no simulated host named ${host}`, {
        where: host,
        hint: 'kubectl get bmh -A lists the hosts',
      });
    }
    throw new UnreachableError(`the simulated cluster answered HTTP ${answer.status}: ${body.trim()}`, {
      where: source.location,
    });
  } finally {
    await source.close();
  }
}

export function simCommand(): Command {
  const sim = new Command('sim').description(
    'The built-in simulated OpenShift cluster (demo, tests, practice)',
  );
  for (const sub of [startCommand(), listCommand(), mustGatherCommand(), consoleCommand()]) {
    sub.exitOverride();
    sim.addCommand(sub);
  }
  return sim;
}
