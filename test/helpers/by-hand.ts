/**
 * Running a fix plan by hand, as a person without mcs-doctor would: the `by hand:` commands of
 * every step, in order, in one bash shell with `set -euo pipefail`, the real kubectl standing in
 * for `oc`. `oc adm ...` lines are what a person with a recent oc runs instead of the commands
 * that follow them, so they are left out.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.js';
import { HOST, KUBECTL } from './fix.js';

export interface PlannedStep {
  id: string;
  kind: string;
  manual: string[];
}

export interface Plan {
  cause: string | null;
  strategy?: string;
  steps: PlannedStep[];
  messages: string[];
}

/** `mcs-doctor fix --host worker-0 -o json`: the plan, nothing changed. */
export async function planOf(kubeconfig: string): Promise<Plan> {
  const r = await runCli(['fix', '--kubeconfig', kubeconfig, '--host', HOST, '-o', 'json']);
  if (r.code !== 0) throw new Error(`fix (plan) exited ${String(r.code)}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Plan;
}

/** The commands of the plan as bash runs them: `oc adm` lines become comments. */
export function byHandScript(kubeconfig: string, steps: PlannedStep[]): string {
  const lines = steps.flatMap((s) => [
    `# --- step ${s.id}`,
    ...s.manual.map((m) => (m.startsWith('oc adm ') ? `# skipped (oc adm): ${m}` : m)),
  ]);
  return ['set -euo pipefail', `oc() { ${KUBECTL} --kubeconfig ${kubeconfig} "$@"; }`, ...lines, ''].join(
    '\n',
  );
}

export interface ByHandRun {
  code: number | null;
  stdout: string;
  stderr: string;
  script: string;
}

/**
 * Runs the script in a fresh working directory (files a command keeps, such as the saved
 * BareMetalHost deploy fields, land there), with `stdin` as what the person types.
 */
export async function runByHand(
  kubeconfig: string,
  steps: PlannedStep[],
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<ByHandRun> {
  const dir = await mkdtemp(join(tmpdir(), 'mcs-doctor-by-hand-'));
  const script = byHandScript(kubeconfig, steps);
  try {
    const file = join(dir, 'by-hand.sh');
    await writeFile(file, script, { mode: 0o600 });
    return await new Promise<ByHandRun>((resolve, reject) => {
      const child = spawn('bash', [file], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      // The whole process group: a kubectl wait the script started goes too.
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, options.timeoutMs ?? 180_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({
          code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          script,
        });
      });
      child.stdin.on('error', () => {});
      child.stdin.end(options.stdin ?? '');
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
