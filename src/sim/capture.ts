/**
 * `sim must-gather`: runs a scenario in this process until its problem host has shown its
 * outcome, then writes everything the API holds, with the pod logs, as a must-gather tree.
 */
import { startSimCluster } from './cluster.js';
import { writeMustGather } from './must-gather/write.js';
import { waitForHostOutcome, type HostOutcome } from './settle.js';
import type { OpenShiftVersion } from './seed.js';
import type { KubeObject } from './kube/types.js';

export interface CaptureOptions {
  scenario: string;
  version?: OpenShiftVersion;
  hosts?: number;
  outDir: string;
  /** Speed factor while running up to the capture (default 300: a provisioning takes 0.4 s). */
  speed?: number;
  /** Longest real time to wait for the problem host (default 60 s). */
  timeoutMs?: number;
}

export async function captureMustGather(
  opts: CaptureOptions,
): Promise<{ root: string; files: number; outcome?: HostOutcome }> {
  const cluster = await startSimCluster({
    scenario: opts.scenario,
    version: opts.version,
    hosts: opts.hosts,
    speed: opts.speed ?? 300,
  });
  try {
    const host = cluster.scenario.host;
    const outcome = host ? await waitForHostOutcome(cluster.ctx, host, opts.timeoutMs ?? 60_000) : undefined;
    const { store } = cluster.ctx;
    const objects: KubeObject[] = [];
    for (const type of store.types) objects.push(...store.list(type).items);
    const written = await writeMustGather(
      { objects, podLogs: cluster.ctx.podLogs, version: cluster.version, now: new Date() },
      opts.outDir,
    );
    return { ...written, outcome };
  } finally {
    await cluster.close();
  }
}
