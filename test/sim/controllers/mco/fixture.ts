/** A small simulated cluster for the MCO controller's tests: a real store, real certs, loopback only. */
import { request } from 'node:https';
import { issueCertificate, type IssuedCert } from '../../../../src/pki/issue.js';
import type { SimContext } from '../../../../src/sim/context.js';
import { ObjectStore } from '../../../../src/sim/kube/store.js';
import type { KubeObject } from '../../../../src/sim/kube/types.js';
import { planNetwork } from '../../../../src/sim/network.js';
import type { OpenShiftVersion, VipMode } from '../../../../src/sim/seed.js';
import { TEST_SIM_SPEED } from '../../../../src/sim/timings.js';
import { McoController } from '../../../../src/sim/controllers/mco/index.js';
import { createSimContext } from '../../../../src/sim/sim-context.js';

const DAY = 86_400_000;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

export interface Fixture {
  ctx: SimContext;
  mco: McoController;
  root: IssuedCert;
  serving: IssuedCert;
  stop(): Promise<void>;
}

export interface FixtureOptions {
  version?: OpenShiftVersion;
  vip?: VipMode;
  masters?: number;
  machineSet?: boolean;
  /** Leave the serving secret out, or put this (already base64-encoded) data in it. */
  tlsSecret?: 'missing' | Record<string, string>;
  speed?: number;
  extraObjects?: KubeObject[];
}

let shared: Promise<{ root: IssuedCert; serving: Map<number, Promise<IssuedCert>> }> | undefined;

export async function rootCa(): Promise<IssuedCert> {
  shared ??= (async () => ({
    root: await issueCertificate({
      subject: 'CN=root-ca, OU=openshift',
      isCA: true,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 3650 * DAY),
    }),
    serving: new Map(),
  }))();
  return (await shared).root;
}

export async function servingCert(root: IssuedCert, apiVip: string, apiIntName: string): Promise<IssuedCert> {
  return issueCertificate({
    subject: `CN=${apiIntName}`,
    issuer: root,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    dnsNames: [apiIntName, apiVip],
    ipAddresses: [apiVip],
    extKeyUsage: ['serverAuth'],
  });
}

export function tlsData(cert: IssuedCert, key: IssuedCert = cert): Record<string, string> {
  return { 'tls.crt': b64(cert.certPem), 'tls.key': b64(key.keyPem) };
}

export function ns(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export async function startFixture(opts: FixtureOptions = {}): Promise<Fixture> {
  const version = opts.version ?? '4.16';
  const octet = 100 + Math.floor(Math.random() * 151);
  const network = planNetwork({ octet, masters: opts.masters ?? 3 });
  const root = await rootCa();
  const serving = await servingCert(root, network.apiVip, network.apiIntName);
  const store = new ObjectStore();
  const abort = new AbortController();
  const objects: KubeObject[] = [
    ns('openshift-machine-config-operator'),
    ns('openshift-machine-api'),
    ns('kube-system'),
    ns('default'),
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'machine-config-server', namespace: 'openshift-machine-config-operator' },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'machine-config-server' } },
        template: {
          metadata: { labels: { 'k8s-app': 'machine-config-server' } },
          spec: {
            hostNetwork: true,
            nodeSelector: { 'node-role.kubernetes.io/master': '' },
            containers: [{ name: 'machine-config-server', image: 'quay.io/example/mco@sha256:abc' }],
            volumes: [
              { name: 'node-bootstrap-token', secret: { secretName: 'node-bootstrapper-token' } },
              { name: 'certs', secret: { secretName: 'machine-config-server-tls' } },
            ],
          },
        },
      },
    },
    ...network.masterIps.map((ip, i): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `master-${i}`,
        labels: { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '' },
      },
      status: {
        addresses: [
          { type: 'InternalIP', address: ip },
          { type: 'Hostname', address: `master-${i}` },
        ],
      },
    })),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'root-ca', namespace: 'kube-system' },
      data: { 'ca.crt': root.certPem },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'node-bootstrapper-token', namespace: 'openshift-machine-config-operator' },
      type: 'kubernetes.io/service-account-token',
      data: { token: b64('sim-bootstrap-token-abcdefghijklmnopqrstuvwxyz0123456789') },
    },
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'Infrastructure',
      metadata: { name: 'cluster' },
      spec: {},
      status: {
        apiServerInternalURI: `https://${network.apiIntName}:6443`,
        platform: 'BareMetal',
        platformStatus: { type: 'BareMetal', baremetal: { apiServerInternalIPs: [network.apiVip] } },
      },
    },
    // Each pool and the rendered config its nodes run: the MCS's GetConfig reads both.
    ...['master', 'worker'].flatMap((name): KubeObject[] => [
      {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfigPool',
        metadata: { name },
        spec: { configuration: { name: `rendered-${name}-fixture` } },
        status: { configuration: { name: `rendered-${name}-fixture` }, updatedMachineCount: 1 },
      },
      {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfig',
        metadata: { name: `rendered-${name}-fixture` },
        spec: { config: { ignition: { version: '3.2.0' } } },
      },
    ]),
    ...(opts.machineSet
      ? [
          {
            apiVersion: 'machine.openshift.io/v1beta1',
            kind: 'MachineSet',
            metadata: { name: 'sim-worker-0', namespace: 'openshift-machine-api' },
            spec: { replicas: 0 },
          } as KubeObject,
        ]
      : []),
    ...(opts.tlsSecret === 'missing'
      ? []
      : [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'machine-config-server-tls', namespace: 'openshift-machine-config-operator' },
            type: 'Opaque',
            data: opts.tlsSecret ?? tlsData(serving),
          } as KubeObject,
        ]),
    ...(opts.extraObjects ?? []),
  ];
  for (const obj of objects)
    store.apply(store.type(obj.kind, obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : ''), obj);
  const kubeCa = await rootCa();
  const ctx = createSimContext({
    seed: {
      version,
      network,
      objects,
      hosts: [],
      vip: opts.vip ?? 'forward',
      kubeCa: { certPem: kubeCa.certPem, keyPem: kubeCa.keyPem },
    },
    store,
    speed: opts.speed ?? TEST_SIM_SPEED,
    signal: abort.signal,
  });
  const mco = new McoController();
  await mco.start(ctx);
  return {
    ctx,
    mco,
    root,
    serving,
    async stop() {
      abort.abort();
      await mco.stop();
    },
  };
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Reply {
  status: number;
  body: string;
  fingerprint?: string;
}

/** GET over real TLS, trusting `ca`, from `localAddress` (a worker's own address). */
export function httpsGet(
  url: string,
  ca: string,
  localAddress?: string,
  opts: { anyHostname?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      ca,
      localAddress,
      // A master's own address is not in the MCS cert (only api-int and the VIP are).
      ...(opts.anyHostname ? { checkServerIdentity: () => undefined } : {}),
      agent: false,
      timeout: 5000,
      headers: {
        Accept: 'application/vnd.coreos.ignition+json;version=3.4.0, */*;q=0.1',
        'User-Agent': 'Ignition/2.16.2',
      },
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const socket = res.socket as import('node:tls').TLSSocket;
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          fingerprint: socket.getPeerCertificate?.().fingerprint256,
        });
      });
    });
    req.end();
  });
}

export function pods(ctx: SimContext): KubeObject[] {
  return ctx.store.list(ctx.store.type('pods', ''), {
    namespace: 'openshift-machine-config-operator',
    filter: (p) => p.metadata.labels?.['k8s-app'] === 'machine-config-server',
  }).items;
}

export function podLog(ctx: SimContext, pod: string, previous = false): string {
  return (
    ctx.podLogs.find(`openshift-machine-config-operator/${pod}/machine-config-server`)?.text({ previous }) ??
    ''
  );
}
