import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The built CLI, exactly what the `mcs-doctor` bin runs (npm test builds it first). */
export const CLI_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the process after this many ms (a safety net, not an assertion). */
  killAfterMs?: number;
}

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** What is typed on stdin; nothing (EOF) by default, so no prompt waits. */
  stdin?: string | Buffer;
  /** Kill after this many ms (a safety net, not an assertion). */
  killAfterMs: number;
  /** Kill the whole process group: a script and whatever it started. */
  processGroup?: boolean;
}

/** Runs a program and collects its output; killed after `killAfterMs`. */
export function runProcess(file: string, args: string[], options: ProcessOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: options.processGroup === true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      try {
        if (options.processGroup) process.kill(-child.pid!, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }, options.killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs `mcs-doctor ARGS` as a user would and collects its output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdin: options.stdin,
    killAfterMs: options.killAfterMs ?? 60_000,
  });
}

export interface SimProcess {
  child: ChildProcess;
  /** Everything it has printed on stdout so far. */
  stdout(): string;
}

/**
 * `mcs-doctor sim start ARGS` from dist/, as a user runs it in a terminal: resolves once it prints
 * `Ready.`; fails if it exits first or is not ready within `readyWithinMs`.
 */
export async function startSimCli(args: string[], readyWithinMs: number): Promise<SimProcess> {
  const child = spawn(process.execPath, [CLI_PATH, 'sim', 'start', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${stdout}`)), readyWithinMs);
    child.stdout?.on('data', () => {
      if (stdout.includes('Ready.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`sim start exited ${code}: ${stdout}`)));
  });
  return { child, stdout: () => stdout };
}
