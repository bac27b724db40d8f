/**
 * Running a fix plan by hand, as a person without mcs-doctor would: the `by hand:` commands of
 * every step, in order, in one bash shell with `set -euo pipefail`, the real kubectl standing in
 * for `oc`. `oc adm ...` lines are what a person with a recent oc runs instead of the commands
 * that follow them, so they are left out.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runProcess } from './cli.js';
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
    // The whole process group goes on timeout: a kubectl wait the script started goes too.
    const r = await runProcess('bash', [file], {
      cwd: dir,
      // Its own kubectl cache: the simulated clusters of other tests reuse loopback addresses.
      env: { ...process.env, KUBECACHEDIR: join(dir, 'kube-cache') },
      stdin: options.stdin,
      killAfterMs: options.timeoutMs ?? 180_000,
      processGroup: true,
    });
    return { ...r, script };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
