/**
 * Runs the real Debian Ignition 2.14 fetch stage as a worker's ignition-fetch.service would,
 * safely: its own temp dir for TMPDIR, cache, state and root; a kill timer as a safety net.
 * See ../shared/reference/oracles.md for how this was traced.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IGNITION_BINARY = '/usr/lib/dracut/modules.d/30ignition/ignition';

export function ignitionInstalled(): boolean {
  return existsSync(IGNITION_BINARY);
}

/** Message for a loud skip when the binary is missing (CI installs the `ignition` package). */
export const IGNITION_MISSING =
  `REAL IGNITION NOT INSTALLED (${IGNITION_BINARY} missing): the oracle tests did NOT run. ` +
  'Install it with `apt-get install -y ignition`.';

export interface IgnitionRun {
  /** Exit code; null when killed by the safety timer. */
  code: number | null;
  killed: boolean;
  /** stdout without the lines that only reflect this machine (journal socket, absent system config dirs). */
  output: string;
  /** Each per-attempt result after the `INFO     : ` prefix: `GET error: ...` or `GET result: ...`. */
  attempts: string[];
  /** The `Ignition failed: ...` text after the `CRITICAL : ` prefix, when it failed. */
  final?: string;
  finishedOk: boolean;
}

// Lines that describe the test machine, not the fetch: absent base configs and the journal socket.
const NOISE =
  /journal entry|no config (dir|at|URL)|reading system config|parsed url from cmdline|using config file at|parsing config with SHA512/;

/** Removes machine-specific noise from Ignition's stdout (kept: version, stage, attempts, results). */
export function stripIgnitionNoise(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => line !== '' && !NOISE.test(line))
    .map((line) => `${line}\n`)
    .join('');
}

function parseRun(stdout: string): Omit<IgnitionRun, 'code' | 'killed'> {
  const output = stripIgnitionNoise(stdout);
  const attempts: string[] = [];
  let final: string | undefined;
  for (const line of output.split('\n')) {
    const attempt = /^INFO {5}: (GET (?:error|result): .*)$/.exec(line);
    if (attempt?.[1]) attempts.push(attempt[1]);
    const failed = /^CRITICAL : (Ignition failed: .*)$/.exec(line);
    if (failed?.[1]) final = failed[1];
  }
  return { output, attempts, final, finishedOk: output.includes('Ignition finished successfully') };
}

/** Runs `ignition -platform file -stage fetch` on the pointer config text. */
export async function runIgnitionFetch(pointerJson: string, killAfterMs = 30_000): Promise<IgnitionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'mcs-doctor-ignition-'));
  try {
    await mkdir(join(dir, 'root'));
    const pointer = join(dir, 'pointer.ign');
    await writeFile(pointer, pointerJson);
    const args = ['-platform', 'file', '-stage', 'fetch', '-log-to-stdout'];
    args.push('-config-cache', join(dir, 'cache.json'), '-state-file', join(dir, 'state'));
    args.push('-root', join(dir, 'root'), '-neednet', join(dir, 'neednet'));
    // A minimal environment: Ignition takes proxies only from its config, but keep the run hermetic.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', IGNITION_CONFIG_FILE: pointer, TMPDIR: dir };
    const { code, killed, stdout } = await new Promise<{
      code: number | null;
      killed: boolean;
      stdout: string;
    }>((resolve, reject) => {
      const child = spawn(IGNITION_BINARY, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => out.push(b));
      let wasKilled = false;
      const timer = setTimeout(() => {
        wasKilled = true;
        child.kill('SIGKILL');
      }, killAfterMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (exit) => {
        clearTimeout(timer);
        resolve({ code: exit, killed: wasKilled, stdout: Buffer.concat(out).toString('utf8') });
      });
    });
    return { code, killed, ...parseRun(stdout) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Replaces the value Go prints after `current time ` so two runs at different instants compare equal. */
export function normaliseCurrentTime(text: string): string {
  return text.replace(/current time \S+ is (after|before)/g, 'current time <now> is $1');
}
