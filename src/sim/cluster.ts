/**
 * Starts a whole simulated cluster in this process: the scenario's objects in a store, the
 * controllers (MCO, Metal3, Machine API, hosts, CSR approver), Redfish BMCs, and the
 * Kubernetes API server, then writes a kubeconfig. Everything listens on a private
 * 127.N.0.0/16; close() stops every server and timer and removes the temporary files.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { issueCertificate, loadIssuedCert } from '../pki/issue.js';
import { startApiServer, type ApiServer } from './apiserver/api-server.js';
import type { ApiTokens } from './apiserver/auth.js';
import { parseFault, type ApiFaults } from './apiserver/faults.js';
import { writeKubeconfig } from './apiserver/kubeconfig-file.js';
import type { SimComponent, SimContext } from './context.js';
import { McoController } from './controllers/mco/index.js';
import { BareMetalOperator } from './controllers/metal3/index.js';
import { MachineApiControllers } from './controllers/machine-api/index.js';
import { HostMachines } from './controllers/host/index.js';
import { CsrControllers } from './controllers/approver/index.js';
import { addBulkTlsSecrets } from './bulk-tls.js';
import { createSimContext } from './sim-context.js';
import { ObjectStore } from './kube/store.js';
import { RESOURCE_TYPES } from './kube/resources.js';
import { resourceTypeFromCrd } from './apiserver/crd.js';
import { planNetwork, type SimNetwork } from './network.js';
import { RedfishBmcs } from './redfish/component.js';
import {
  buildScenario,
  getScenario,
  loadScenarioObjects,
  type ScenarioDefinition,
} from './scenarios/index.js';
import type { ClusterSeed, OpenShiftVersion } from './seed.js';
import { DEFAULT_SIM_SPEED } from './timings.js';

export interface SimClusterOptions {
  scenario: string;
  version?: OpenShiftVersion;
  hosts?: number;
  /** Speed factor for simulated durations (default DEFAULT_SIM_SPEED). */
  speed?: number;
  /** Fault specs as the CLI takes them: `api-error-rate=0.1`, `api-latency=300ms`, `watch-drop=30s`. */
  faults?: string[];
  /** Where to write the kubeconfig; default a file in a private temporary directory. */
  kubeconfigOut?: string;
  /** Second octet of the cluster's 127.N.0.0/16; default random. */
  octet?: number;
  /** Extra `kubernetes.io/tls` secrets in namespaces `bulk-N` (bulk-tls.ts), for clusters the size of production ones. */
  tlsSecrets?: number;
  /**
   * CustomResourceDefinitions (parsed apiextensions.k8s.io/v1 objects) to serve besides the
   * built-in types, validated against their schemas (apiserver/crd.ts): e.g. RHACM's policy CRDs.
   */
  crds?: readonly unknown[];
}

export interface SimCluster {
  readonly scenario: ScenarioDefinition;
  readonly version: OpenShiftVersion;
  readonly network: SimNetwork;
  readonly seed: ClusterSeed;
  readonly apiUrl: string;
  readonly kubeconfigPath: string;
  readonly ctx: SimContext;
  readonly api: ApiServer;
  /** The bearer tokens the API server takes (the kubeconfig holds admin and read-only; `sim start --clusters` uses no-access too). */
  readonly tokens: Required<ApiTokens>;
  /** The console text of a host (BMH name), as `sim console` prints it. */
  console(host: string): string | undefined;
  close(): Promise<void>;
}

const CONSOLE_ROUTE = /^\/sim\/v1\/hosts\/([^/]+)\/console$/;

function mergeFaults(specs: string[]): ApiFaults {
  const faults: ApiFaults = {};
  for (const spec of specs) Object.assign(faults, parseFault(spec));
  return faults;
}

function components(): SimComponent[] {
  return [
    new RedfishBmcs(),
    new McoController(),
    new BareMetalOperator(),
    new MachineApiControllers(),
    new HostMachines(),
    new CsrControllers(),
  ];
}

function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
}

async function apiServingCert(seed: ClusterSeed, network: SimNetwork, now: Date) {
  const ca = await loadIssuedCert(seed.kubeCa.certPem, seed.kubeCa.keyPem);
  return issueCertificate({
    subject: `CN=${network.apiName}`,
    keyAlgorithm: 'ecdsa-p256',
    issuer: ca,
    dnsNames: [network.apiName, network.apiIntName, 'kubernetes', 'kubernetes.default', 'localhost'],
    ipAddresses: [network.apiVip],
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 30 * 86_400_000),
  });
}

async function startOnce(opts: SimClusterOptions, octet: number, tempDir: string): Promise<SimCluster> {
  const scenario = getScenario(opts.scenario);
  const version = opts.version ?? scenario.version;
  const now = new Date();
  const network = planNetwork({ octet });
  const seed = await buildScenario(scenario.name, { version, hosts: opts.hosts, network, now });
  const store = new ObjectStore([...RESOURCE_TYPES, ...(opts.crds ?? []).map(resourceTypeFromCrd)]);
  // Keeps the seed's uid references (ownerReferences, nodeRefs, providerIDs) true in the store.
  loadScenarioObjects(store, seed.objects);
  if (opts.tlsSecrets) await addBulkTlsSecrets(store, { count: opts.tlsSecrets, now });
  const abort = new AbortController();
  const ctx = createSimContext({ seed, store, speed: opts.speed ?? DEFAULT_SIM_SPEED, signal: abort.signal });
  const started: SimComponent[] = [];
  let api: ApiServer | undefined;
  const stopAll = async (): Promise<void> => {
    abort.abort();
    await api?.close();
    for (const c of started.reverse()) await c.stop().catch(() => undefined);
  };
  try {
    // The API server first: it owns the VIP's :6443, so a clash with another cluster shows at once.
    const serving = await apiServingCert(seed, network, now);
    const tokens: Required<ApiTokens> = {
      admin: randomBytes(24).toString('base64url'),
      readOnly: randomBytes(24).toString('base64url'),
      noAccess: randomBytes(24).toString('base64url'),
    };
    api = await startApiServer({
      store,
      host: network.apiVip,
      port: network.apiPort,
      tls: { certPem: serving.certPem, keyPem: serving.keyPem },
      tokens,
      podLogs: ctx.podLogs,
      faults: mergeFaults(opts.faults ?? []),
      extraRoutes: (req: IncomingMessage, res: ServerResponse) => serveConsole(ctx, req, res),
    });
    for (const component of components()) {
      await component.start(ctx);
      started.push(component);
    }
    const kubeconfigPath = opts.kubeconfigOut ?? join(tempDir, 'kubeconfig');
    await writeKubeconfig(kubeconfigPath, {
      server: api.url,
      caPem: seed.kubeCa.certPem,
      adminToken: tokens.admin,
      readOnlyToken: tokens.readOnly,
      clusterName: network.clusterName,
    });
    const apiServer = api;
    return {
      scenario,
      version,
      network,
      seed,
      apiUrl: api.url,
      kubeconfigPath,
      ctx,
      api: apiServer,
      tokens,
      console: (host) => ctx.consoles.find(host)?.text(),
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function serveConsole(ctx: SimContext, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (path === '/sim/v1/hosts') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hosts: [...ctx.hosts.keys()] }));
    return true;
  }
  const m = CONSOLE_ROUTE.exec(path);
  if (!m) return false;
  const name = decodeURIComponent(m[1] ?? '');
  if (!ctx.hosts.has(name)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`no simulated host named "${name}"\n`);
    return true;
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(ctx.consoles.find(name)?.text() ?? '');
  return true;
}

/** Starts a simulated cluster; retries on another 127.N network when the first is taken. */
export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const tempDir = await mkdtemp(join(tmpdir(), 'mcs-doctor-sim-'));
  const attempts = opts.octet === undefined ? 6 : 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i += 1) {
    // 20..99: the controller tests' fixtures take 100..250 without claiming them, and one of them
    // asserts that nothing listens on its VIP.
    const octet = opts.octet ?? 20 + Math.floor(Math.random() * 80);
    try {
      const cluster = await startOnce(opts, octet, tempDir);
      const close = cluster.close;
      return {
        ...cluster,
        close: async () => {
          await close();
          await rm(tempDir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      if (!isAddressInUse(err)) break;
    }
  }
  await rm(tempDir, { recursive: true, force: true });
  throw lastError;
}
