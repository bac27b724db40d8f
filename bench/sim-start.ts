/**
 * `sim start --hosts N` as a user runs it: wall time from spawn to the "Ready." line (every
 * component serving, kubeconfig written) and the process's peak RSS (VmHWM) once ready.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI =
  process.env.BENCH_CLI ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

export interface SimStartFigures {
  hosts: number;
  readySeconds: number;
  peakRssMb: number;
}

export async function benchSimStart(
  hosts: number,
  scenario = 'healthy',
  timeoutMs = 120_000,
): Promise<SimStartFigures> {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [CLI, 'sim', 'start', '--scenario', scenario, '--hosts', String(hosts)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`sim start not ready within ${timeoutMs} ms: ${err}`)),
        timeoutMs,
      );
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('Ready.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sim start exited ${code} before it was ready: ${err}`));
      });
    });
    const readySeconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Give the controllers a moment of steady state, then read the high-water mark.
    await new Promise((r) => setTimeout(r, 1000));
    return {
      hosts,
      readySeconds: Math.round(readySeconds * 100) / 100,
      peakRssMb: peakRssMb(child.pid as number),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
