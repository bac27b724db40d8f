/**
 * `mcs-doctor certs -A` on a simulated cluster holding N extra TLS secrets (`sim start --scenario
 * healthy --tls-secrets N`, each secret its own certificate): wall time from spawn to exit of a
 * fresh process, the API requests and list pages it made (limit=500 and continue, as kubectl
 * --chunk-size 500), and its peak RSS. Run at 1,000 and 10,000 secrets, the two peaks show whether
 * memory stays flat while the secrets grow tenfold. The machine's load average is printed
 * beside them: the simulated API server runs on the same machine, and other work slows both.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimProcess } from './sim-process.js';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CLI = join(DIST, 'cli', 'main.js');

interface ChildFigures {
  exitCode: number;
  certificates: number;
  problems: number;
  requests: number;
  pages: number;
  peakRssMb: number;
}

async function startSim(secrets: number, kubeconfig: string): Promise<() => void> {
  return startSimProcess(
    CLI,
    ['--scenario', 'healthy', '--tls-secrets', String(secrets), '--kubeconfig-out', kubeconfig],
    180_000,
  );
}

async function certsOnce(
  kubeconfig: string,
  figuresFile: string,
): Promise<ChildFigures & { wallMs: number }> {
  const started = performance.now();
  await run(
    process.execPath,
    [
      join(ROOT, 'bench', 'certs-child.mjs'),
      DIST,
      figuresFile,
      'certs',
      '-A',
      '--kubeconfig',
      kubeconfig,
      '-o',
      'json',
    ],
    { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  ).catch((err: { code?: number }) => {
    // Exit 1 (the simulated problems) is the expected outcome, not a failure of the run.
    if (err.code !== 1) throw err;
  });
  const wallMs = Math.round(performance.now() - started);
  return { ...(JSON.parse(readFileSync(figuresFile, 'utf8')) as ChildFigures), wallMs };
}

export interface CertsBenchFigures {
  tlsSecrets: number;
  certificates: number;
  problems: number;
  certsMs: number;
  apiRequests: number;
  listPages: number;
  peakRssMb: number;
  loadAverage: string;
}

export async function benchCertsLive(tlsSecrets: number, dir: string): Promise<CertsBenchFigures> {
  const kubeconfig = join(dir, `kubeconfig-certs-${tlsSecrets}`);
  const figures = join(dir, `certs-${tlsSecrets}.json`);
  const stop = await startSim(tlsSecrets, kubeconfig);
  try {
    await certsOnce(kubeconfig, figures); // warm the page cache and the server
    const runs: Array<ChildFigures & { wallMs: number }> = [];
    for (let i = 0; i < 5; i++) runs.push(await certsOnce(kubeconfig, figures));
    runs.sort((a, b) => a.wallMs - b.wallMs);
    const median = runs[2]!;
    return {
      tlsSecrets,
      certificates: median.certificates,
      problems: median.problems,
      certsMs: median.wallMs,
      apiRequests: median.requests,
      listPages: median.pages,
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
      loadAverage: loadavg()
        .map((l) => l.toFixed(1))
        .join(' '),
    };
  } finally {
    stop();
  }
}
