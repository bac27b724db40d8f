/**
 * The simulated cluster's BMCs: one Redfish service per host whose BMH says `redfish`, on the
 * host's BMC address from the network plan, all sharing one self-signed certificate (BMHs carry
 * `disableCertificateVerification: true`, as is usual for self-signed BMCs). IPMI hosts get no
 * Redfish service: nothing listens on their BMC address.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueCertificate } from '../../pki/issue.js';
import type { SimComponent, SimContext, SimHost } from '../context.js';
import type { SimNetwork } from '../network.js';
import { startBmc, type RunningBmc } from './bmc.js';
import { loadMockupTree, SERVICE_ROOT } from './tree.js';

/** The only System of the public-rackmount1 mockup. */
export const MOCKUP_SYSTEM_ID = '437XR1138R2';
export const IPMI_PORT = 623;
const MOCKUP_NAME = join('shared', 'data', 'redfish-mockups', 'public-rackmount1');

/** `MCS_DOCTOR_REDFISH_MOCKUP`, else the nearest `shared/data/redfish-mockups/public-rackmount1` above this module. */
export function defaultMockupDir(): string {
  const fromEnv = process.env['MCS_DOCTOR_REDFISH_MOCKUP'];
  if (fromEnv) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, MOCKUP_NAME);
    if (existsSync(join(candidate, 'index.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    `no Redfish mockup found: set MCS_DOCTOR_REDFISH_MOCKUP to a DMTF mockup folder (e.g. ${MOCKUP_NAME})`,
  );
}

/** The BMH `spec.bmc.address` for a host, in Metal3 form. */
export function bmcAddressFor(host: SimHost, network: SimNetwork, systemId = MOCKUP_SYSTEM_ID): string {
  const ip = network.bmcIp(host.seed.index);
  if (host.seed.bmc.protocol === 'ipmi') return `ipmi://${ip}:${IPMI_PORT}`;
  return `redfish-virtualmedia://${ip}:${network.bmcPort}${SERVICE_ROOT}/Systems/${systemId}`;
}

export interface RedfishBmcsOptions {
  /** Default: defaultMockupDir(). */
  mockupDir?: string;
  /** BMCs started at once (default 64). */
  concurrency?: number;
  /** Per-connection idle time and per-request deadline. */
  timeoutMs?: number;
  /** Request lines of each BMC, by host name (never passwords or tokens). */
  log?: (host: string, line: string) => void;
}

async function inBatches<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await run(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

export class RedfishBmcs implements SimComponent {
  readonly name = 'redfish-bmcs';
  private readonly running = new Map<string, RunningBmc>();
  private stopping?: Promise<void>;

  constructor(private readonly opts: RedfishBmcsOptions = {}) {}

  /** The running BMC of a host, by host name. */
  bmc(hostName: string): RunningBmc | undefined {
    return this.running.get(hostName);
  }

  async start(ctx: SimContext): Promise<void> {
    const mockupDir = this.opts.mockupDir ?? defaultMockupDir();
    const tree = await loadMockupTree(mockupDir);
    if (![...tree.systems.values()].some((s) => s.id === MOCKUP_SYSTEM_ID)) {
      throw new Error(`mockup ${mockupDir} has no System ${MOCKUP_SYSTEM_ID}, which BMH addresses name`);
    }
    const hosts = [...ctx.hosts.values()].filter((h) => h.seed.bmc.protocol === 'redfish');
    if (hosts.length === 0) return;
    const now = ctx.clock.now();
    const { network } = ctx;
    const cert = await issueCertificate({
      subject: `CN=bmc.${network.clusterName}.${network.baseDomain}`,
      keyAlgorithm: 'ecdsa-p256',
      notBefore: new Date(now.getTime() - 3_600_000),
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      dnsNames: [`bmc.${network.clusterName}.${network.baseDomain}`],
      keyUsage: ['digitalSignature'],
      extKeyUsage: ['serverAuth'],
    });
    const tls = { certPem: cert.certPem, keyPem: cert.keyPem };
    const onAbort = (): void => void this.stop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await inBatches(hosts, this.opts.concurrency ?? 64, async (host) => {
        if (ctx.signal.aborted) throw new Error('the simulated cluster stopped while its BMCs were starting');
        const bmc = await startBmc({
          host: network.bmcIp(host.seed.index),
          port: network.bmcPort,
          mockupDir,
          tls,
          credentials: { username: host.seed.bmc.username, password: host.seed.bmc.password },
          clock: host.clock,
          power: () => host.power,
          setPower: (state, reason) => host.setPower(state, reason),
          refuseClockSet: host.seed.bmc.refuseClockSet ?? false,
          timeoutMs: this.opts.timeoutMs,
          log: this.opts.log && ((line) => this.opts.log?.(host.name, line)),
        });
        if (ctx.signal.aborted) {
          await bmc.close();
          throw new Error('the simulated cluster stopped while its BMCs were starting');
        }
        this.running.set(host.name, bmc);
        host.bmcUrl = bmc.url;
      });
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const all = [...this.running.values()];
      this.running.clear();
      await Promise.all(all.map((bmc) => bmc.close()));
    })().finally(() => (this.stopping = undefined));
    return this.stopping;
  }
}
