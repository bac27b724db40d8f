/**
 * Many simulated clusters in one process, for `mcs-doctor fleet`: `sim start --clusters N`.
 * Each cluster is a whole simulated cluster (startSimCluster) on its own 127.N.0.0/16, with a
 * mix of scenarios and OpenShift versions; one context in N is unreachable (a loopback address
 * nothing listens on) and one is forbidden (a user the API server knows but grants nothing).
 * One kubeconfig holds a context per cluster; a directory holds one kubeconfig per cluster.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CauseId } from '../core/causes.js';
import { EXPORTER_DEPLOYMENT, EXPORTER_NAMESPACE } from '../core/fleet.js';
import { startSimCluster, type SimCluster } from './cluster.js';
import { listScenarios, type ScenarioDefinition } from './scenarios/index.js';
import type { OpenShiftVersion } from './seed.js';
import { waitForHostOutcome, type HostOutcome } from './settle.js';

/** Nothing listens here: 127.255/16 is outside every range the simulator and its tests use. */
export const UNREACHABLE_SERVER = 'https://127.255.0.5:6443';

export type SimFleetMemberKind = 'cluster' | 'forbidden' | 'unreachable';

export interface SimFleetMember {
  /** The context name in the kubeconfig (and the file name in the directory). */
  context: string;
  kind: SimFleetMemberKind;
  server: string;
  /** For a simulated cluster: its scenario, version, problem host and the cause a diagnosis names. */
  scenario: string | null;
  version: OpenShiftVersion | null;
  host: string | null;
  expectedCause: CauseId | null;
  /** Whether the exporter's Deployment (mcs-doctor/mcs-doctor-exporter) was created in it. */
  exporter: boolean;
  /** What the problem host showed before the fleet was declared ready (undefined: still settling). */
  outcome?: HostOutcome;
  cluster?: SimCluster;
}

export interface SimFleetOptions {
  /** Contexts in all, the unreachable and the forbidden one included (at least 3). */
  clusters: number;
  hosts?: number;
  speed?: number;
  /** The kubeconfig with one context per cluster. */
  kubeconfigOut: string;
  /** Also one kubeconfig file per cluster in this directory (its context current). */
  kubeconfigDir?: string;
  /** Wait this long (real ms) for each problem host to show its scenario; 0: do not wait. */
  settleMs?: number;
  /** Scenarios to cycle through (default: every scenario that is not latent). */
  scenarios?: string[];
  onProgress?: (what: string) => void;
}

export interface SimFleet {
  readonly members: SimFleetMember[];
  readonly kubeconfigPath: string;
  readonly kubeconfigDir?: string;
  close(): Promise<void>;
}

/** Octets the single-cluster simulator picks from too (cluster.ts); the controller tests own 100..250. */
const FIRST_OCTET = 20;
const LAST_OCTET = 99;
/** One context per simulated cluster, one per 127.N network, plus the unreachable one. */
export const MAX_SIM_FLEET = LAST_OCTET - FIRST_OCTET + 1 + 1;

/** The i-th simulated cluster's scenario and version: scenarios in turn, each on its versions in turn. */
export function fleetPlan(
  count: number,
  scenarios: readonly ScenarioDefinition[],
): Array<{ scenario: ScenarioDefinition; version: OpenShiftVersion }> {
  return Array.from({ length: count }, (_, i) => {
    const scenario = scenarios[i % scenarios.length]!;
    const round = Math.floor(i / scenarios.length);
    const version = scenario.versions[(i + round) % scenario.versions.length]!;
    return { scenario, version };
  });
}

function pad(i: number, n: number): string {
  return String(i).padStart(String(n).length, '0');
}

async function installExporter(cluster: SimCluster): Promise<void> {
  const { store } = cluster.ctx;
  const labels = { 'app.kubernetes.io/name': EXPORTER_DEPLOYMENT };
  store.create(store.type('namespaces', ''), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: EXPORTER_NAMESPACE },
  });
  store.create(store.type('deployments', 'apps'), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: EXPORTER_DEPLOYMENT, namespace: EXPORTER_NAMESPACE, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: EXPORTER_DEPLOYMENT,
          containers: [{ name: 'exporter', image: 'mcs-doctor-exporter', args: ['exporter'] }],
        },
      },
    },
  });
}

interface KubeconfigEntry {
  context: string;
  server: string;
  caPem: string;
  token: string;
}

function kubeconfigOf(entries: KubeconfigEntry[], current: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: e.context,
      cluster: { server: e.server, 'certificate-authority-data': Buffer.from(e.caPem).toString('base64') },
    })),
    users: entries.map((e) => ({ name: e.context, user: { token: e.token } })),
    contexts: entries.map((e) => ({
      name: e.context,
      context: { cluster: e.context, user: e.context, namespace: 'openshift-machine-api' },
    })),
    'current-context': current,
    preferences: {},
  });
}

async function writePrivate(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** Starts `clusters - 1` simulated clusters (one reached as a forbidden user) and names one unreachable address. */
export async function startSimFleet(opts: SimFleetOptions): Promise<SimFleet> {
  if (!Number.isInteger(opts.clusters) || opts.clusters < 3 || opts.clusters > MAX_SIM_FLEET) {
    throw new RangeError(`clusters must be 3..${MAX_SIM_FLEET}, got ${opts.clusters}`);
  }
  const progress = opts.onProgress ?? (() => {});
  const pool = listScenarios().filter(
    (s) => !s.latent && (!opts.scenarios || opts.scenarios.includes(s.name)),
  );
  if (pool.length === 0) throw new RangeError('no scenario to run');
  const running = opts.clusters - 1;
  // The forbidden context's cluster is healthy: whatever it would say, the reads are refused.
  const plan = [
    ...fleetPlan(running - 1, pool),
    { scenario: pool.find((s) => s.name === 'healthy') ?? pool[0]!, version: '4.16' as OpenShiftVersion },
  ];
  const members: SimFleetMember[] = [];
  const close = async (): Promise<void> => {
    for (const m of members) await m.cluster?.close().catch(() => undefined);
  };
  let octet = FIRST_OCTET + Math.floor(Math.random() * (LAST_OCTET - FIRST_OCTET + 1));
  let tried = 0;
  try {
    for (let i = 0; i < plan.length; i++) {
      const { scenario, version } = plan[i]!;
      const forbidden = i === plan.length - 1;
      let cluster: SimCluster | undefined;
      // Another simulated cluster (another test, another user) may hold an octet: take the next.
      while (!cluster) {
        if (tried++ > LAST_OCTET - FIRST_OCTET) {
          throw Object.assign(new Error('no free 127.N network left for another simulated cluster'), {
            code: 'EADDRINUSE',
          });
        }
        const o = octet;
        octet = o >= LAST_OCTET ? FIRST_OCTET : o + 1;
        cluster = await startSimCluster({
          scenario: scenario.name,
          version,
          hosts: opts.hosts,
          speed: opts.speed,
          octet: o,
        }).catch((err: unknown) => {
          if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') return undefined;
          throw err;
        });
      }
      const exporter = !forbidden && i % 3 === 0;
      if (exporter) await installExporter(cluster);
      const named = scenario.name.endsWith(`-${version}`) ? scenario.name : `${scenario.name}-${version}`;
      const context = `sim-${pad(i + 1, opts.clusters)}-${forbidden ? 'forbidden' : named}`;
      members.push({
        context,
        kind: forbidden ? 'forbidden' : 'cluster',
        server: cluster.apiUrl,
        scenario: scenario.name,
        version,
        host: scenario.host,
        expectedCause: scenario.expectedCause,
        exporter,
        cluster,
      });
      progress(`started ${context} (${cluster.apiUrl})`);
    }
    members.push({
      context: `sim-${pad(opts.clusters, opts.clusters)}-unreachable`,
      kind: 'unreachable',
      server: UNREACHABLE_SERVER,
      scenario: null,
      version: null,
      host: null,
      expectedCause: null,
      exporter: false,
    });
    if (opts.settleMs && opts.settleMs > 0) {
      progress('waiting for each problem host to show its scenario ...');
      await Promise.all(
        members.map(async (m) => {
          if (m.cluster && m.host)
            m.outcome = await waitForHostOutcome(m.cluster.ctx, m.host, opts.settleMs!);
        }),
      );
    }
    const caPem = members[0]!.cluster!.seed.kubeCa.certPem;
    const entries: KubeconfigEntry[] = members.map((m) => ({
      context: m.context,
      server: m.server,
      caPem: m.cluster?.seed.kubeCa.certPem ?? caPem,
      // Read-only is all fleet needs; the forbidden context's user is bound to nothing.
      token: m.cluster
        ? m.kind === 'forbidden'
          ? m.cluster.tokens.noAccess
          : m.cluster.tokens.readOnly
        : randomBytes(24).toString('base64url'),
    }));
    await writePrivate(opts.kubeconfigOut, kubeconfigOf(entries, entries[0]!.context));
    if (opts.kubeconfigDir) {
      await mkdir(opts.kubeconfigDir, { recursive: true, mode: 0o700 });
      for (const e of entries)
        await writePrivate(join(opts.kubeconfigDir, e.context), kubeconfigOf([e], e.context));
    }
    return { members, kubeconfigPath: opts.kubeconfigOut, kubeconfigDir: opts.kubeconfigDir, close };
  } catch (err) {
    await close();
    throw err;
  }
}
