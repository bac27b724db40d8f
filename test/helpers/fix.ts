/** What the fix, restore and verify tests share: the host they fix and the commands as a user runs them. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runCli, type CliResult } from './cli.js';

export const HOST = 'worker-0';
export const SPEED = 300;
/** The real kubectl for the simulated API's minor version. */
export const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const execFileAsync = promisify(execFile);

/** Runs the real kubectl; rejects (with stdout and stderr) on a non-zero exit. */
export async function kubectl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const { stdout, stderr } = await execFileAsync(KUBECTL, args, { encoding: 'utf8' });
  return { stdout, stderr };
}

/** The arguments of `mcs-doctor fix --host worker-0 --apply --yes --backup-dir DIR`. */
export function fixApplyArgs(kubeconfig: string, backupDir: string): string[] {
  return ['fix', '--kubeconfig', kubeconfig, '--host', HOST, '--apply', '--yes', '--backup-dir', backupDir];
}

/** `mcs-doctor fix --host worker-0 --apply --yes --backup-dir DIR` and any more flags. */
export function fixApply(kubeconfig: string, backupDir: string, more: string[] = []): Promise<CliResult> {
  return runCli([...fixApplyArgs(kubeconfig, backupDir), '--wait-timeout', '90s', ...more], {
    killAfterMs: 150_000,
  });
}

/** `verify --watch --approve-csrs` until the Node is Ready; fails the test otherwise. */
export async function verifyReady(kubeconfig: string): Promise<string> {
  const r = await runCli(
    [
      'verify',
      '--kubeconfig',
      kubeconfig,
      '--host',
      HOST,
      '--watch',
      '--timeout',
      '90s',
      '--interval',
      '1s',
      '--approve-csrs',
    ],
    { killAfterMs: 150_000 },
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`${HOST} joined: its Node is Ready`));
  return r.stdout;
}

/** `diagnose` of the whole cluster says healthy (exit 0); fails the test with the causes otherwise. */
export async function diagnoseHealthy(kubeconfig: string): Promise<void> {
  const r = await runCli(['diagnose', '--kubeconfig', kubeconfig, '-o', 'json']);
  const j = JSON.parse(r.stdout) as {
    verdict: string;
    causes: Array<{ id: string; host?: string; summary: string }>;
  };
  assert.equal(j.verdict, 'healthy', JSON.stringify(j.causes.map((c) => [c.id, c.host, c.summary])));
  assert.equal(r.code, 0);
}
