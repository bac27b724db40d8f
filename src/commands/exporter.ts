/** `mcs-doctor exporter`: Prometheus metrics from watched cluster state, MCS probes and BMC clocks. */
import { Command, Option } from 'commander';
import { isIP } from 'node:net';
import { InputError } from '../core/errors.js';
import {
  kubeconfigFlagsOf,
  parsePositiveDuration,
  parseRequestTimeout,
  parseResolve,
  probeTimeoutOf,
  repeatable,
  withClusterFlags,
  type ClusterFlags,
} from './flags.js';

interface ExporterFlags extends ClusterFlags {
  listen: string;
  interval: string;
  probe: boolean;
  bmc: boolean;
  bmcConcurrency: string;
  resolve?: string[];
  collectorThread: string;
  statusConfigmap?: string;
}

/** The shortest interval: each collection probes the MCS and reads BMCs. */
const MIN_INTERVAL_MS = 1000;

/** `--listen`: `:9464` (every interface), `127.0.0.1:9464`, `[::1]:9464`, `localhost:0`. */
export function parseListen(value: string): { host?: string; port: number } {
  const bad = (why: string): InputError =>
    new InputError(`--listen "${value}" ${why}`, {
      where: '--listen',
      hint: 'write it as [HOST]:PORT, e.g. :9464 (every interface), 127.0.0.1:9464 or [::1]:9464',
    });
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  if (!m) throw bad('is not [HOST]:PORT');
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65535) throw bad('has a port above 65535');
  if (m[1] !== undefined && isIP(host) !== 6)
    throw bad(`has "${host}" in brackets, which is not an IPv6 address`);
  if (host !== '' && host !== 'localhost' && !isIP(host))
    throw bad(`has "${host}", which is not an IP address or localhost`);
  return { host: host === '' ? undefined : host, port };
}

export async function runExporter(flags: ExporterFlags): Promise<number> {
  const listen = parseListen(flags.listen);
  const intervalMs = parsePositiveDuration(flags.interval, '--interval');
  if (intervalMs < MIN_INTERVAL_MS)
    throw new InputError(`--interval "${flags.interval}" is shorter than 1s`, {
      where: '--interval',
      hint: 'each collection probes the MCS and reads the BMCs: use 1s or more (5m by default)',
    });
  const bmcConcurrency = Number(flags.bmcConcurrency);
  if (!Number.isInteger(bmcConcurrency) || bmcConcurrency < 1 || bmcConcurrency > 256)
    throw new InputError(`--bmc-concurrency "${flags.bmcConcurrency}" is not a whole number from 1 to 256`, {
      where: '--bmc-concurrency',
      hint: 'e.g. --bmc-concurrency 8',
    });
  const thread = flags.collectorThread;
  if (thread !== 'worker' && thread !== 'main')
    throw new InputError(`--collector-thread "${String(thread)}" is not worker or main`, {
      where: '--collector-thread',
      hint: 'worker (the default) or main',
    });
  const { parseStatusRef } = await import('../exporter/status.js');
  const statusRef = flags.statusConfigmap === undefined ? undefined : parseStatusRef(flags.statusConfigmap);
  if (flags.statusConfigmap !== undefined && !statusRef)
    throw new InputError(`--status-configmap "${flags.statusConfigmap}" is not NAMESPACE/NAME`, {
      where: '--status-configmap',
      hint: 'e.g. --status-configmap mcs-doctor/mcs-doctor-status',
    });
  const requestTimeoutMs = parseRequestTimeout(flags.requestTimeout);
  const resolve = parseResolve(flags.resolve, 22623);
  const { startExporter } = await import('../exporter/start.js');
  const { logfmt } = await import('../exporter/logfmt.js');
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const running = await startExporter({
    source: { ...kubeconfigFlagsOf(flags), requestTimeoutMs },
    collector: {
      intervalMs,
      probe: flags.probe,
      resolve,
      probeTimeoutMs: probeTimeoutOf(requestTimeoutMs),
      bmc: flags.bmc,
      bmcConcurrency,
      namespace: flags.namespace,
      status: statusRef,
    },
    listen,
    thread,
    log,
  });
  log(
    logfmt('info', 'serving', {
      metrics: `${running.url}/metrics`,
      cluster: running.location,
      interval: flags.interval,
      probe: flags.probe ? 'on' : 'off',
      bmc: flags.bmc ? 'on' : 'off',
      collector: running.thread === 'worker' ? 'worker thread' : 'main thread',
      status: statusRef ? `${statusRef.namespace}/${statusRef.name}` : 'off',
    }),
  );
  const exporter = running;
  return new Promise<number>((done) => {
    const stop = (signal: string): void => {
      log(logfmt('info', 'stopping', { signal }));
      void exporter.stop().then(
        () => done(0),
        () => done(0),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // Without its collector the exporter would serve one collection forever: exit, to be restarted.
    void exporter.failed.then(
      () =>
        void exporter.stop().then(
          () => done(1),
          () => done(1),
        ),
    );
  });
}

export function exporterCommand(): Command {
  const cmd = new Command('exporter')
    .description(
      "Serve Prometheus metrics: the MCS serving certificate, the predicted worker verdict of each user-data pointer, BMC clocks and each host's join pipeline, TLS secret expiry and the CSR backlog (list + watch, probes at each interval)",
    )
    .option('--listen <[host]:port>', 'where to serve /metrics, /healthz and /readyz', ':9464')
    .option('--interval <duration>', 'time between two collections (MCS probes, BMC clock reads)', '5m')
    .option('--no-probe', 'do not probe the MCS endpoint (a pod cannot reach port 22623 on OpenShift)')
    .option('--no-bmc', 'do not read BMC clocks')
    .addOption(new Option('--bmc-concurrency <n>', 'BMCs read at once').default('8'))
    .addOption(
      new Option(
        '--collector-thread <worker|main>',
        'where collections run: a worker thread (scrapes never wait for one), or the main thread',
      ).default('worker'),
    )
    .addOption(repeatable('--resolve <host:ip>', 'connect to IP for HOST when probing the MCS (repeatable)'))
    .option(
      '--status-configmap <namespace/name>',
      "after each collection, patch this existing ConfigMap's data with the verdict and findings (for RHACM policies; docs/fleet-monitoring.md)",
    );
  return withClusterFlags(cmd, {
    namespaceHelp: 'only the BareMetalHosts of this namespace (default: every namespace)',
    timeoutHelp: 'limit for each API request, and for each MCS and BMC request (at most 10s)',
  })
    .addHelpText(
      'after',
      '\nRuns until SIGINT or SIGTERM (exit 0). Exit codes: 2 bad flags or kubeconfig, or --listen in use.\n' +
        'Examples:\n  mcs-doctor exporter --listen 127.0.0.1:9464 --interval 1m\n  mcs-doctor exporter --no-probe     # in a pod: the deployment in manifests/exporter does this',
    )
    .action(async (flags: ExporterFlags) => {
      process.exitCode = await runExporter(flags);
    });
}
