/**
 * Facts: what the snapshot says once parsed and linked, plus what the probes measured (the MCS
 * endpoint from here, BMC clocks). Checks and the diagnosis read facts; nothing here reports.
 */
import type { PointerConfig } from '../../ignition/types.js';
import { BmcAddressError, parseBmcAddress } from '../../metal3/bmc-address.js';
import type { BmcTarget } from '../../metal3/bmc-commands.js';
import type { CertInfo } from '../../pki/types.js';
import { workerFetch } from '../../probes/fetch.js';
import { readBmcClock, type BmcClock, type BmcClockRequest } from '../../probes/redfish.js';
import type { FetchResult } from '../../probes/types.js';
import { bounded, itemsOf, type Snapshot } from '../snapshot.js';
import { caSourceFacts, type CaSource } from './ca-sources.js';
import { clusterFacts, type ClusterFacts } from './cluster.js';
import { hostFacts, type HostFacts } from './hosts.js';
import type https from 'node:https';
import { isIP } from 'node:net';
import { selectHosts } from './select.js';
import { machineUserDataRef } from './machine-user-data.js';
import { mcsFacts, setAsideOwnTraffic, type McsFacts } from './mcs.js';
import { findObject, secretValue } from './secret-data.js';
import { servingCertFacts, type ServingCertFacts } from './serving-cert.js';
import { userDataFacts, type UserDataSecret } from './user-data.js';

/** errorTypes that mean the BareMetalHost operator itself could not talk to the BMC. */
const BMC_UNREACHABLE_ERRORS = new Set(['registration error', 'power management error']);

export interface DiagnoseOptions {
  /** `--host`: only these BareMetalHosts. */
  hosts?: string[];
  /** `--all`: every host, joined ones too. */
  all?: boolean;
  /** `-n`: only BareMetalHosts in this namespace. */
  namespace?: string;
  /** `--pointer FILE`: the worker's pointer config, instead of (or when a must-gather redacted) the user-data secret. */
  pointer?: PointerConfig;
  /** `--host-clock`: the worker's clock as the user read it. */
  hostClock?: Date;
  /** Read BMC clocks over Redfish: auto = live, for the hosts that are not joined. */
  bmc: 'auto' | 'always' | 'never';
  /** Probe the MCS from this machine (live only). */
  probe: boolean;
  /** `--resolve HOST:IP` for the endpoint probe. */
  resolve?: Map<string, string>;
  /** Warn when the serving certificate expires within this many days. */
  expiryWarningDays: number;
  now: Date;
  probeTimeoutMs: number;
  onProgress?: (what: string) => void;
  /** Probe the pointer of every user-data secret, not only those of the diagnosed hosts and MachineSets (the exporter). */
  probeEveryUserData?: boolean;
  /** How BMC clocks are read by a caller that reads them again and again (the exporter: backoff per BMC). */
  bmcReader?: BmcReader;
  /**
   * Awaited between the steps that build the facts from the snapshot (each is synchronous):
   * the exporter yields to the event loop there, so that a scrape does not wait for them all.
   */
  pause?: () => Promise<void>;
}

export interface BmcReader {
  /** How many BMCs are read at once. */
  concurrency: number;
  /** Whether to read this host's BMC (default: the selected hosts not joined, or all with bmc 'always'). */
  wants?(host: HostFacts): boolean;
  /** Reads it, or answers without asking the BMC (backing off after failures). */
  read(host: HostFacts, readNow: () => Promise<BmcClock>): Promise<BmcClock>;
  /** One agent for every read, so TLS sessions are resumed from one collection to the next. */
  agent?: https.Agent;
}

export interface PointerChoice {
  pointer?: PointerConfig;
  /** Where it came from: `--pointer FILE` or `secret openshift-machine-api/worker-user-data-managed`. */
  origin: string;
  problem?: string;
  redacted: boolean;
}

export interface AlternateProbe {
  pointerKey: string;
  url: string;
  via: 'api-vip' | 'api-int';
  probe: EndpointProbe;
}

/** The pointer URL with its host replaced by each API VIP and the api-int name (when --resolve gives it). */
export function alternateUrls(
  url: string,
  cluster: ClusterFacts,
  resolve: Map<string, string> | undefined,
): Array<{ url: string; via: 'api-vip' | 'api-int' }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const out: Array<{ url: string; via: 'api-vip' | 'api-int' }> = [];
  const withHost = (h: string): string => {
    const u = new URL(url);
    u.hostname = h.includes(':') ? `[${h}]` : h;
    return u.toString();
  };
  for (const vip of cluster.apiVips) if (vip !== host) out.push({ url: withHost(vip), via: 'api-vip' });
  const apiInt = cluster.apiIntHost;
  if (apiInt && apiInt !== host && resolve?.has(apiInt.toLowerCase()))
    out.push({ url: withHost(apiInt), via: 'api-int' });
  return out;
}

export type EndpointProbe = { ok: true; result: FetchResult } | { ok: false; message: string };

export interface HostClock {
  at?: Date;
  source: 'user' | 'bmc' | 'none';
  detail: string;
  bmc?: BmcClock;
}

export interface Facts {
  options: DiagnoseOptions;
  now: Date;
  sourceKind: 'live' | 'must-gather';
  redactsSecrets: boolean;
  snapshot: Snapshot;
  cluster: ClusterFacts;
  servingCert: ServingCertFacts;
  caSources: CaSource[];
  caUnread: string[];
  userData: Map<string, UserDataSecret>;
  mcs: McsFacts;
  hosts: HostFacts[];
  /** The hosts diagnosed: `--host`, or every host not yet joined. */
  selected: HostFacts[];
  pointerFor(host: HostFacts): PointerChoice;
  /** The endpoint probed from here for the pointer's URL and CAs; undefined when not probed. */
  probeFor(pointer: PointerConfig | undefined): EndpointProbe | undefined;
  /** The same fetch through the API VIPs and the api-int name, when the pointer names another host. */
  alternatesFor(pointer: PointerConfig | undefined): AlternateProbe[];
  clockOf(host: HostFacts): HostClock;
}

/** The trust anchors Ignition takes from a pointer: the first certificate of each CA source. */
export function pointerAnchors(pointer: PointerConfig): CertInfo[] {
  return pointer.certificateAuthorities
    .map((ca) => ca.certs[0])
    .filter((c): c is CertInfo => c !== undefined);
}

export function pointerUrl(pointer: PointerConfig): string | undefined {
  return (
    pointer.sources.find((s) => s.kind === 'merge' || s.kind === 'replace')?.url ?? pointer.sources[0]?.url
  );
}

function probeKey(pointer: PointerConfig): string {
  return `${pointerUrl(pointer) ?? ''}|${pointerAnchors(pointer)
    .map((c) => c.spkiSha256)
    .join(',')}`;
}

/** A host is joined when its Node is Ready; masters and spare hosts are not joining. */
export function isJoined(h: HostFacts): boolean {
  return h.nodeReady === true;
}

export function isJoining(h: HostFacts): boolean {
  if (h.role === 'master') return false;
  return !!(h.consumer || h.userDataRef || h.imageUrl || h.errorType);
}

export async function buildFacts(snapshot: Snapshot, options: DiagnoseOptions): Promise<Facts> {
  const pause = options.pause ?? (async () => undefined);
  const cluster = clusterFacts(snapshot.clusterVersions, snapshot.infrastructures);
  const servingCert = servingCertFacts(snapshot.secrets);
  await pause();
  const ca = caSourceFacts(snapshot.kubeSystemConfigMaps, snapshot.mcoConfigMaps, snapshot.secrets);
  await pause();
  const userData = userDataFacts(snapshot.secrets);
  await pause();
  const mcs = mcsFacts(snapshot.daemonSets, snapshot.mcoPods, snapshot.mcsLogs);
  await pause();
  const hosts = hostFacts(
    itemsOf(snapshot.bareMetalHosts),
    itemsOf(snapshot.machines),
    itemsOf(snapshot.nodes),
    itemsOf(snapshot.csrs),
    itemsOf(snapshot.machineApiEvents),
  );
  // mcs-doctor's own traffic in the MCS logs is not a worker's.
  setAsideOwnTraffic(mcs, new Set(hosts.flatMap((h) => h.ips)));
  const selected = selectHosts(
    hosts,
    { names: options.hosts, namespace: options.namespace, all: options.all },
    snapshot.bareMetalHosts.ok,
    (h) => isJoining(h) && !isJoined(h),
  );

  const pointerFor = (host: HostFacts): PointerChoice => {
    if (options.pointer) return { pointer: options.pointer, origin: options.pointer.origin, redacted: false };
    // A host that names no secret boots with its role's: masters with master-user-data*.
    const role = host.role === 'master' ? 'master' : 'worker';
    const ref = host.userDataRef ?? { namespace: host.namespace, name: `${role}-user-data-managed` };
    const key = `${ref.namespace}/${ref.name}`;
    const secret =
      userData.get(key) ??
      (host.userDataRef ? undefined : userData.get(`${host.namespace}/${role}-user-data`));
    if (!secret) {
      const why = snapshot.secrets.ok ? 'does not exist' : `could not be read: ${snapshot.secrets.message}`;
      return { origin: `secret ${key}`, problem: `secret ${key} ${why}`, redacted: false };
    }
    return {
      pointer: secret.pointer,
      origin: secret.ref,
      problem: secret.problem,
      redacted: secret.redacted,
    };
  };

  // The endpoint, probed once per distinct pointer (URL and CAs) among the diagnosed hosts.
  const probes = new Map<string, EndpointProbe>();
  const alternates: AlternateProbe[] = [];
  const probing = async (): Promise<void> => {
    if (!options.probe || snapshot.source.kind !== 'live') return;
    const pointers = new Map<string, PointerConfig>();
    for (const h of selected.length > 0 ? selected : hosts.filter(isJoining)) {
      const p = pointerFor(h).pointer;
      if (p && pointerUrl(p)) pointers.set(probeKey(p), p);
    }
    if (options.probeEveryUserData) {
      for (const secret of userData.values()) {
        const p = secret.pointer;
        if (p && pointerUrl(p)) pointers.set(probeKey(p), p);
      }
    }
    // The pointers new hosts will get: those the MachineSets name, whatever platform shape. A
    // name is probed only where --resolve places it: this machine's DNS is not the workers'.
    for (const ms of itemsOf(snapshot.machineSets)) {
      const ref = machineUserDataRef(ms);
      const p = ref ? userData.get(`${ref.namespace}/${ref.name}`)?.pointer : undefined;
      const url = p ? pointerUrl(p) : undefined;
      if (!p || !url || pointers.has(probeKey(p))) continue;
      let host: string;
      try {
        host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      } catch {
        continue;
      }
      if (isIP(host) || options.resolve?.has(host.toLowerCase())) pointers.set(probeKey(p), p);
    }
    options.onProgress?.(
      `probing the Machine Config Server (${pointers.size} pointer${pointers.size === 1 ? '' : 's'})`,
    );
    const fetchWith = async (url: string, p: PointerConfig): Promise<EndpointProbe> => {
      try {
        const result = await workerFetch({
          url,
          anchors: pointerAnchors(p),
          at: options.now,
          resolve: options.resolve,
          timeoutMs: options.probeTimeoutMs,
          totalTimeoutMs: options.probeTimeoutMs * 3,
        });
        return { ok: true, result };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    };
    const tasks: Array<() => Promise<void>> = [];
    for (const [key, p] of pointers) {
      tasks.push(async () => void probes.set(key, await fetchWith(pointerUrl(p)!, p)));
      // The same fetch through the API VIPs and the api-int name, when the pointer names another
      // host: it tells a name or VIP problem from an MCS problem. The api-int name is only tried
      // when --resolve says where it goes (a DNS query here would not be the workers' DNS).
      for (const alt of alternateUrls(pointerUrl(p)!, cluster, options.resolve)) {
        tasks.push(
          async () => void alternates.push({ pointerKey: key, ...alt, probe: await fetchWith(alt.url, p) }),
        );
      }
    }
    await bounded(8, tasks);
  };

  // BMC clocks, for the hosts that matter (live only: a must-gather has no BMC).
  const clocks = new Map<string, BmcClock>();
  const wantBmc = options.bmc === 'always' || (options.bmc === 'auto' && snapshot.source.kind === 'live');
  const readingClocks = async (): Promise<void> => {
    if (!wantBmc || options.hostClock) return;
    // A BMC the BareMetalHost operator could not register with will not answer us either.
    const reader = options.bmcReader;
    const targets = selected.filter(
      (h) =>
        (reader?.wants ? reader.wants(h) : options.bmc === 'always' || !isJoined(h)) &&
        !BMC_UNREACHABLE_ERRORS.has(h.errorType ?? ''),
    );
    if (targets.length > 0)
      options.onProgress?.(
        `reading ${targets.length} BMC clock${targets.length === 1 ? '' : 's'} over Redfish`,
      );
    const secrets = itemsOf(snapshot.secrets);
    await bounded(
      reader?.concurrency ?? 8,
      targets.map((h) => async () => {
        const readNow = () => bmcClockOf(h, secrets, cluster.version, options.probeTimeoutMs, reader?.agent);
        clocks.set(h.name, await (reader ? reader.read(h, readNow) : readNow()));
      }),
    );
  };
  // Both go to other machines (the MCS, the BMCs): done at the same time.
  await Promise.all([probing(), readingClocks()]);

  const clockOf = (host: HostFacts): HostClock => {
    if (options.hostClock)
      return { at: options.hostClock, source: 'user', detail: `given with --host-clock` };
    const bmc = clocks.get(host.name);
    if (bmc?.ok) {
      const at = new Date(options.now.getTime() + bmc.offsetMs);
      return { at, source: 'bmc', detail: `BMC ${bmc.manager} DateTime ${bmc.dateTime}`, bmc };
    }
    if (bmc) return { source: 'none', detail: bmc.message, bmc };
    return {
      source: 'none',
      detail:
        snapshot.source.kind === 'must-gather'
          ? 'a must-gather holds no BMC clock; give --host-clock'
          : 'not read (give --host-clock, or --bmc)',
    };
  };

  return {
    options,
    now: options.now,
    sourceKind: snapshot.source.kind,
    redactsSecrets: snapshot.source.redactsSecrets,
    snapshot,
    cluster,
    servingCert,
    caSources: ca.sources,
    caUnread: ca.unread,
    userData,
    mcs,
    hosts,
    selected,
    pointerFor,
    probeFor: (p) => (p ? probes.get(probeKey(p)) : undefined),
    alternatesFor: (p) => (p ? alternates.filter((a) => a.pointerKey === probeKey(p)) : []),
    clockOf,
  };
}

/** How to reach a host's BMC over Redfish (address, credentials from its secret), or why it cannot be. */
/** The host's BMC as by-hand commands need it (its Manager when a read found it). */
export function bmcTargetOf(host: HostFacts, facts: Pick<Facts, 'clockOf' | 'cluster'>): BmcTarget {
  const bmc = facts.clockOf(host).bmc;
  return {
    host: host.name,
    namespace: host.namespace,
    credentialsName: host.credentialsName,
    bmcAddress: host.bmcAddress,
    insecure: host.disableCertificateVerification,
    manager: bmc?.ok ? bmc.manager : undefined,
    version: facts.cluster.version,
  };
}

export function bmcRequestOf(
  host: HostFacts,
  secrets: ReturnType<typeof itemsOf>,
  version: string | null,
  timeoutMs: number,
): BmcClockRequest | { ok: false; message: string } {
  if (!host.bmcAddress) return { ok: false, message: 'the BareMetalHost has no spec.bmc.address' };
  let access;
  try {
    access = parseBmcAddress(host.bmcAddress, version ? { version } : {});
  } catch (err) {
    return { ok: false, message: err instanceof BmcAddressError ? err.message : String(err) };
  }
  if (!access.redfish) {
    return {
      ok: false,
      message: `the BMC address is ${access.type} (${access.driver}), not Redfish: its clock is unknown`,
    };
  }
  const secret = host.credentialsName ? findObject(secrets, host.namespace, host.credentialsName) : undefined;
  if (!secret) {
    return {
      ok: false,
      message: `the BMC credentials secret ${host.namespace}/${host.credentialsName ?? '(none)'} could not be read`,
    };
  }
  const user = secretValue(secret, 'username');
  const pass = secretValue(secret, 'password');
  if (user.kind !== 'value' || pass.kind !== 'value') {
    return {
      ok: false,
      message: `the BMC credentials secret ${host.namespace}/${host.credentialsName} has no readable username and password`,
    };
  }
  return {
    access,
    username: user.text.trim(),
    password: pass.text.trim(),
    insecure: host.disableCertificateVerification,
    timeoutMs,
  };
}

async function bmcClockOf(
  host: HostFacts,
  secrets: ReturnType<typeof itemsOf>,
  version: string | null,
  timeoutMs: number,
  agent?: https.Agent,
): Promise<BmcClock> {
  const request = bmcRequestOf(host, secrets, version, timeoutMs);
  return 'access' in request ? readBmcClock({ ...request, agent }) : request;
}
