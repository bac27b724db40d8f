/**
 * Waits until a simulated host has shown what its scenario is about: it joined (Node Ready),
 * its Ignition failed at least twice, its BareMetalHost is in error, its kubelet's CSR has
 * been waiting past the approver's reaction time, or its Node has stayed NotReady well past the
 * time a kubelet takes to turn it Ready. `sim must-gather`, the demo and the tests
 * use it so they capture a cluster in which the problem is visible, not one still booting.
 */
import { csrSubject } from '../pki/csr.js';
import type { SimContext } from './context.js';
import type { KubeObject } from './kube/types.js';
import { SIM_TIMINGS } from './timings.js';

export type HostOutcome =
  'joined' | 'ignition-failing' | 'bmh-error' | 'csr-pending' | 'node-not-ready' | 'booted-no-node';

function nodeReady(node: KubeObject | undefined): boolean {
  const conditions = (node?.status as { conditions?: { type: string; status: string }[] })?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function hostOutcome(ctx: SimContext, hostName: string): HostOutcome | undefined {
  const host = ctx.hosts.get(hostName);
  if (!host) throw new Error(`no simulated host named ${hostName}`);
  const { store } = ctx;
  const node = store.get(store.type('nodes', ''), undefined, host.seed.hostname);
  if (nodeReady(node)) return 'joined';
  const bmh = store.get(store.type('baremetalhosts', 'metal3.io'), 'openshift-machine-api', hostName);
  const errorType = (bmh?.status as { errorType?: string } | undefined)?.errorType;
  if (errorType) return 'bmh-error';
  const consoleText = ctx.consoles.find(hostName)?.text() ?? '';
  const failures = consoleText.match(/GET error:|GET result: (?!OK)|Ignition failed:/g)?.length ?? 0;
  if (failures >= 2) return 'ignition-failing';
  const csrs = store.list(store.type('certificatesigningrequests', 'certificates.k8s.io')).items;
  // creationTimestamp has whole seconds, and a loaded machine slows the approver down: never
  // call a CSR stuck before it has waited a few real seconds.
  const patienceMs = Math.max(ctx.clock.scaled(SIM_TIMINGS.approverMs * 5), 3_000) + 1_000;
  const pending = csrs.find((csr) => {
    const conditions = (csr.status as { conditions?: unknown[] } | undefined)?.conditions ?? [];
    const age = ctx.clock.now().getTime() - Date.parse(csr.metadata.creationTimestamp ?? '');
    return (
      conditions.length === 0 &&
      age > patienceMs &&
      csrCommonName(csr) === `system:node:${host.seed.hostname}`
    );
  });
  if (pending) return 'csr-pending';
  if (node) {
    // A healthy kubelet turns its Node Ready nodeReadyMs after registering it; three times that
    // (and never less than a few real seconds) is a Node that is not coming up.
    const age = ctx.clock.now().getTime() - Date.parse(node.metadata.creationTimestamp ?? '');
    const notComing = Math.max(ctx.clock.scaled(SIM_TIMINGS.nodeReadyMs * 3), 3_000) + 1_000;
    if (age > notComing) return 'node-not-ready';
  }
  return undefined;
}

/** The CN of a CSR's PKCS#10 request (`system:node:<name>` for kubelet CSRs). */
export function csrCommonName(csr: KubeObject): string | undefined {
  const request = (csr.spec as { request?: string } | undefined)?.request;
  return request ? csrSubject(Buffer.from(request, 'base64').toString('latin1'))?.commonName : undefined;
}

/** Resolves with the host's outcome, or undefined when `timeoutMs` (real time) passes first. */
export async function waitForHostOutcome(
  ctx: SimContext,
  hostName: string,
  timeoutMs: number,
  pollMs = 100,
): Promise<HostOutcome | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = hostOutcome(ctx, hostName);
    if (outcome) return outcome;
    if (Date.now() >= deadline || ctx.signal.aborted) return undefined;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
