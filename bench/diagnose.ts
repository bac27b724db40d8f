/**
 * `mcs-doctor diagnose` on the simulated cluster at N hosts (scenario mcs-cert-expired): wall
 * time, API requests and peak RSS of a fresh process, beside the runbook's quick diagnostic
 * done by hand (kubectl, openssl s_client, curl; bench/manual-quick-diagnostic.sh) on the same
 * cluster. And offline: a must-gather padded to 1 GB, of which diagnose reads only what it needs.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimProcess } from './sim-process.js';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const DIST = join(ROOT, 'dist');

interface ChildFigures {
  wallMs: number;
  requests: number;
  hosts: number;
  verdict: string;
  cause: string | null;
  peakRssMb: number;
}

async function diagnoseChild(
  mode: 'live' | 'must-gather',
  target: string,
  host?: string,
): Promise<ChildFigures> {
  const args = [join(ROOT, 'bench', 'diagnose-child.mjs'), DIST, mode, target];
  if (host) args.push(host);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
  return JSON.parse(stdout) as ChildFigures;
}

/** `mcs-doctor sim start` in a process of its own, until it says Ready; returns how to stop it. */
export async function startSim(
  hosts: number,
  kubeconfig: string,
  scenario = 'mcs-cert-expired',
): Promise<() => void> {
  return startSimProcess(
    CLI,
    ['--scenario', scenario, '--hosts', String(hosts), '--speed', '300', '--kubeconfig-out', kubeconfig],
    120_000,
  );
}

export interface DiagnoseBenchFigures {
  hosts: number;
  diagnosedHosts: number;
  firstCause: string | null;
  diagnoseMs: number;
  apiRequests: number;
  peakRssMb: number;
  manualQuickDiagnosticMs: number;
  speedup: string;
}

export async function benchDiagnoseLive(hosts: number, dir: string): Promise<DiagnoseBenchFigures> {
  const kubeconfig = join(dir, `kubeconfig-${hosts}`);
  const stop = await startSim(hosts, kubeconfig);
  try {
    // Let the problem host provision, boot and fail its fetch once.
    await new Promise((r) => setTimeout(r, 4_000));
    await diagnoseChild('live', kubeconfig); // warm the page cache and the server's connections
    // Medians: 5 runs of diagnose, 3 of the manual steps.
    const runs: ChildFigures[] = [];
    for (let i = 0; i < 5; i++) runs.push(await diagnoseChild('live', kubeconfig));
    runs.sort((a, b) => a.wallMs - b.wallMs);
    const d = runs[2]!;
    const manual: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await run('bash', [join(ROOT, 'bench', 'manual-quick-diagnostic.sh'), 'worker-0'], {
        env: { ...process.env, KUBECONFIG: kubeconfig },
        timeout: 300_000,
      });
      manual.push(Math.round(performance.now() - started));
    }
    manual.sort((a, b) => a - b);
    const manualMs = manual[1]!;
    return {
      hosts,
      diagnosedHosts: d.hosts,
      firstCause: d.cause,
      diagnoseMs: d.wallMs,
      apiRequests: d.requests,
      peakRssMb: d.peakRssMb,
      manualQuickDiagnosticMs: manualMs,
      speedup: `${(manualMs / d.wallMs).toFixed(1)}x`,
    };
  } finally {
    stop();
  }
}

export interface OfflineBenchFigures {
  mustGatherMb: number;
  diagnoseMs: number;
  filesRead: number;
  peakRssMb: number;
  firstCause: string | null;
}

export async function benchDiagnoseOffline(dir: string, paddingMb = 1024): Promise<OfflineBenchFigures> {
  const out = join(dir, 'mg');
  await run(process.execPath, [CLI, 'sim', 'must-gather', '--scenario', 'mcs-cert-expired', '--out', out], {
    timeout: 120_000,
  });
  // Pad it as a real 1 GB must-gather is padded: logs of pods diagnose has no use for.
  const local = readdirSync(out)[0]!;
  const image = readdirSync(join(out, local)).find((n) => n.startsWith('quay-'))!;
  const chunk = Buffer.alloc(
    16 * 1024 * 1024,
    'I1124 03:00:00.000000       1 controller.go:42] reconciling\n',
  );
  for (let i = 0; i < paddingMb / 16; i++) {
    const logs = join(
      out,
      local,
      image,
      'namespaces',
      'openshift-logging',
      'pods',
      `collector-${i}`,
      'collector',
      'collector',
      'logs',
    );
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, 'current.log'), chunk);
  }
  await diagnoseChild('must-gather', out);
  const d = await diagnoseChild('must-gather', out);
  return {
    mustGatherMb: paddingMb,
    diagnoseMs: d.wallMs,
    filesRead: d.requests,
    peakRssMb: d.peakRssMb,
    firstCause: d.cause,
  };
}
