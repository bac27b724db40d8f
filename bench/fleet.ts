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
  fleetPeakRssMb: number;
  oneClusterPeakRssMb: number;
  rssPerMoreClusterMb: string;
}

export async function benchFleet(
  clusters: number,
  dir: string,
  command = 'diagnose',
  concurrency = 16,
): Promise<FleetBenchFigures> {
  const kubeconfig = join(dir, `fleet-${clusters}.kubeconfig`);
  const started = performance.now();
  const sim = await startSimProcess(
    CLI,
    ['--clusters', String(clusters), '--speed', '300', '--kubeconfig-out', kubeconfig],
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
    const all = await fleetChild(kubeconfig, command, contexts, concurrency);
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
      fleetPeakRssMb: all.peakRssMb,
      oneClusterPeakRssMb: one.peakRssMb,
      rssPerMoreClusterMb: ((all.peakRssMb - one.peakRssMb) / (clusters - 1)).toFixed(1),
    };
  } finally {
    sim();
  }
}
