// Runs one `fleet` over the contexts of a kubeconfig through the built library in a fresh process
// and prints its figures as JSON: wall time, rows by verdict, API requests, each cluster's time,
// and the process's peak RSS.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [dist, kubeconfig, command, contexts, concurrency] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { fleetTargets, runFleetTargets } = await load('commands/fleet-run.js');
const started = performance.now();
const cpu0 = process.cpuUsage();
const targets = fleetTargets(
  {
    kubeconfig,
    contexts,
    requestTimeout: '15s',
    concurrency,
    timeout: '60s',
    bmc: true,
    probe: true,
    expiryWarning: '30d',
    output: 'json',
  },
  { KUBECONFIG: undefined, HOME: process.env.HOME },
);
const report = await runFleetTargets(targets, {
  command,
  concurrency: Number(concurrency),
  timeoutMs: 60_000,
  requestTimeoutMs: 15_000,
  bmc: true,
  probe: true,
  expiryWarningDays: 30,
});
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
const verdicts = {};
for (const r of report.clusters) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
const judged = report.clusters.filter((r) => r.requests > 0);
const durations = report.clusters.map((r) => r.durationMs).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    clusters: report.clusters.length,
    wallMs: Math.round(wallMs),
    verdicts,
    exitCode: report.exitCode,
    requests: report.clusters.reduce((n, r) => n + r.requests, 0),
    requestsPerJudgedCluster: judged.length
      ? Math.round(judged.reduce((n, r) => n + r.requests, 0) / judged.length)
      : 0,
    clusterMsMedian: durations[Math.floor(durations.length / 2)] ?? 0,
    clusterMsMax: durations.at(-1) ?? 0,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
