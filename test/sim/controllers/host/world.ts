/**
 * A small simulated world for host/approver tests: a real ObjectStore, a SimContext built by hand,
 * a real MCS endpoint on the cluster's API VIP, and worker hosts whose config drive points at it.
 */
import { issueCertificate, type IssuedCert } from '../../../../src/pki/issue.js';
import type { SimComponent, SimContext, SimHost } from '../../../../src/sim/context.js';
import { ObjectStore } from '../../../../src/sim/kube/store.js';
import { startMcsEndpoint, type McsEndpoint } from '../../../../src/sim/mcs/index.js';
import { planNetwork } from '../../../../src/sim/network.js';
import type { HostSeed, OpenShiftVersion } from '../../../../src/sim/seed.js';
import { createSimContext } from '../../../../src/sim/sim-context.js';

const DAY = 86_400_000;

export interface Pki {
  root: IssuedCert;
  other: IssuedCert;
  kubeCa: IssuedCert;
}

export async function makePki(): Promise<Pki> {
  const ca = (cn: string) =>
    issueCertificate({
      subject: `CN=${cn}, OU=openshift`,
      isCA: true,
      keyAlgorithm: 'ecdsa-p256',
      notBefore: new Date(Date.now() - 3650 * DAY),
      notAfter: new Date(Date.now() + 3650 * DAY),
    });
  const [root, other, kubeCa] = await Promise.all([ca('root-ca'), ca('other-ca'), ca('kubelet-signer')]);
  return { root, other, kubeCa };
}

export function mcsLeaf(
  root: IssuedCert,
  dnsName: string,
  notBefore: Date,
  notAfter: Date,
): Promise<IssuedCert> {
  return issueCertificate({
    subject: 'CN=system:machine-config-server',
    keyAlgorithm: 'ecdsa-p256',
    issuer: root,
    notBefore,
    notAfter,
    dnsNames: [dnsName],
  });
}

export function pointer(opts: { url: string; caPem?: string; version?: string }): string {
  const version = opts.version ?? '3.2.0';
  const cas = opts.caPem
    ? [{ source: `data:text/plain;charset=utf-8;base64,${Buffer.from(opts.caPem).toString('base64')}` }]
    : [];
  if (version.startsWith('2.')) {
    return JSON.stringify({
      ignition: {
        version,
        config: { append: [{ source: opts.url }] },
        security: { tls: { certificateAuthorities: cas } },
      },
    });
  }
  return JSON.stringify({
    ignition: {
      version,
      config: { merge: [{ source: opts.url }] },
      security: { tls: { certificateAuthorities: cas } },
    },
  });
}

export interface World {
  ctx: SimContext;
  mcs: McsEndpoint;
  host: SimHost;
  url: string;
  start(...components: SimComponent[]): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  pki: Pki;
  leaf: IssuedCert;
  /** The CA the pointer carries (default the root that signed the leaf). */
  pointerCa?: IssuedCert;
  pointerVersion?: string;
  clockOffsetMs?: number;
  version?: OpenShiftVersion;
  speed?: number;
  poweredOn?: boolean;
}

const NAMESPACES = [
  'openshift-machine-api',
  'openshift-cluster-machine-approver',
  'openshift-machine-config-operator',
];

export async function makeWorld(opts: WorldOptions): Promise<World> {
  const octet = 100 + Math.floor(Math.random() * 151);
  const network = planNetwork({ octet });
  const mcs = await startMcsEndpoint({
    host: network.apiVip,
    port: 0,
    tls: { certChainPem: opts.leaf.certPem, keyPem: opts.leaf.keyPem },
  });
  const url = `https://${network.apiIntName}:${mcs.port}/config/worker`;
  const seed: HostSeed = {
    name: 'worker-0',
    index: 0,
    hostname: 'worker-0.sim.example.test',
    clockOffsetMs: opts.clockOffsetMs ?? 0,
    poweredOn: false,
    bmc: { username: 'admin', password: 'x', protocol: 'redfish' },
    configDrive: pointer({
      url,
      caPem: (opts.pointerCa ?? opts.pki.root).certPem,
      version: opts.pointerVersion,
    }),
  };
  const store = new ObjectStore();
  const nsType = store.type('namespaces', '');
  for (const name of NAMESPACES)
    store.create(nsType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const abort = new AbortController();
  const version = opts.version ?? '4.12';
  const ctx = createSimContext({
    seed: {
      version,
      network,
      objects: [],
      hosts: [seed],
      vip: 'forward',
      kubeCa: { certPem: opts.pki.kubeCa.certPem, keyPem: opts.pki.kubeCa.keyPem },
    },
    store,
    speed: opts.speed ?? 400,
    signal: abort.signal,
  });
  const components: SimComponent[] = [];
  const host = ctx.hosts.get('worker-0') as SimHost;
  return {
    ctx,
    mcs,
    host,
    url,
    async start(...list) {
      for (const c of list) {
        components.push(c);
        await c.start(ctx);
      }
    },
    async close() {
      abort.abort();
      for (const c of components.reverse()) await c.stop();
      await mcs.close();
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `ms`. */
export async function eventually<T>(
  what: string,
  ms: number,
  check: () => T | undefined | false,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
