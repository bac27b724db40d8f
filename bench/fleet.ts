/**
 * `mcs-doctor fleet` over N simulated clusters: `sim start --clusters N` in a process of its own
 * (its time to Ready and its peak RSS, measured apart), then `fleet` in a fresh process over
 * every context (wall time, requests, each cluster's time, peak RSS), and over one context, so
 * the memory each more cluster costs is the difference.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startSimProcess } from './sim-process.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const DIST = join(ROOT, 'dist');

interface FleetChildFigures {
  clusters: number;
  wallMs: number;
  verdicts: Record<string, number>;
  exitCode: number;
  requests: number;
  requestsPerJudgedCluster: number;
  clusterMsMedian: number;
  clusterMsMax: number;
  cpuMs: number;
  peakRssMb: number;
}

async function fleetChild(
  kubeconfig: string,
  command: string,
  contexts: string[],
  concurrency: number,
): Promise<FleetChildFigures> {
  const { stdout } = await run(
    process.execPath,
    [
      join(ROOT, 'bench', 'fleet-child.mjs'),
      DIST,
      kubeconfig,
      command,
      contexts.join(','),
      String(concurrency),
    ],
    { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 },
  );
  return JSON.parse(stdout) as FleetChildFigures;
}

/** CPU time (user + system) a process has used, in ms (/proc/PID/stat, clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024);
}

export interface FleetBenchFigures {
  clusters: number;
  simStartSeconds: number;
  simPeakRssMb: number;
  command: string;
  concurrency: number;
  fleetWallMs: number;
  verdicts: string;
  exitCode: number;
  requestsPerCluster: number;
  clusterMsMedian: number;
  clusterMsMax: number;
  fleetCpuMs: number;
  simCpuMsDuringFleet: number;
  simCpuMsPerSecondIdle: number;
  loadAverage1m: string;
  fleetPeakRssMb: number;
  oneClusterPeakRssMb: number;
  rssPerMoreClusterMb: string;
}

export async function benchFleet(
  clusters: number,
  dir: string,
  command = 'diagnose',
  concurrency = 16,
  speed = 60,
): Promise<FleetBenchFigures> {
  const kubeconfig = join(dir, `fleet-${clusters}.kubeconfig`);
  const started = performance.now();
  const sim = await startSimProcess(
    CLI,
    ['--clusters', String(clusters), '--speed', String(speed), '--kubeconfig-out', kubeconfig],
    600_000,
  );
  try {
    const simStartSeconds = Math.round((performance.now() - started) / 10) / 100;
    const simPeak = peakRssMb(sim.pid);
    const contexts = (
      parse(readFileSync(kubeconfig, 'utf8')) as { contexts: { name: string }[] }
    ).contexts.map((c) => c.name);
    await fleetChild(kubeconfig, command, contexts.slice(0, 1), 1); // warm the page cache
    const one = await fleetChild(kubeconfig, command, contexts.slice(0, 1), 1);
    // What the simulated clusters cost with nobody asking (hosts retrying Ignition, controllers).
    const idle0 = cpuMsOf(sim.pid);
    await new Promise((r) => setTimeout(r, 5000));
    const simIdle = (cpuMsOf(sim.pid) - idle0) / 5;
    const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
    const sim0 = cpuMsOf(sim.pid);
    const all = await fleetChild(kubeconfig, command, contexts, concurrency);
    const simDuring = cpuMsOf(sim.pid) - sim0;
    return {
      clusters,
      simStartSeconds,
      simPeakRssMb: simPeak,
      command,
      concurrency,
      fleetWallMs: all.wallMs,
      verdicts: Object.entries(all.verdicts)
        .map(([v, n]) => `${v} ${n}`)
        .join(', '),
      exitCode: all.exitCode,
      requestsPerCluster: all.requestsPerJudgedCluster,
      clusterMsMedian: all.clusterMsMedian,
      clusterMsMax: all.clusterMsMax,
      fleetCpuMs: all.cpuMs,
      simCpuMsDuringFleet: simDuring,
      simCpuMsPerSecondIdle: Math.round(simIdle),
      loadAverage1m: load,
      fleetPeakRssMb: all.peakRssMb,
      oneClusterPeakRssMb: one.peakRssMb,
      rssPerMoreClusterMb: ((all.peakRssMb - one.peakRssMb) / (clusters - 1)).toFixed(1),
    };
  } finally {
    sim();
  }
}
