/**
 * preflight: before hosts are added, every check that predicts their first boot. Its facts are
 * diagnose's (one snapshot, the same parsed objects, the same BMC reads) plus what only a
 * prediction needs: the pools new hosts will use, the boot image's Ignition, the fetch of each
 * pointer new hosts will get (now, and at each waiting host's BMC clock), /healthz on every
 * address of the MCS, and the machine-approver. Checks never call the network: gather.ts did.
 */
import type { Finding } from '../../core/report.js';
import type { BmcClock } from '../../probes/redfish.js';
import type { FetchResult } from '../../probes/types.js';
import type { KubeObject, Read } from '../../sources/types.js';
import type { HostFacts } from '../facts/hosts.js';
import type { Facts } from '../facts/index.js';
import type { UserDataSecret } from '../facts/user-data.js';
import type { CheckMeta } from '../types.js';

export interface PreflightOptions {
  /** `--host`: these BareMetalHosts too, whatever their state. */
  hosts?: string[];
  /** `-n`: only BareMetalHosts in this namespace. */
  namespace?: string;
  /** `--expiry-warning`: a serving certificate that ends sooner is a problem. */
  expiryWarningDays: number;
  /** `--ignition-version`: the boot image's Ignition, when given. */
  ignitionVersion?: string;
  /** `--resolve HOST:IP`: where names point, as the workers' DNS answers. */
  resolve?: Map<string, string>;
  /** Read the BMCs (`--no-bmc` turns it off). */
  bmc: boolean;
  now: Date;
  probeTimeoutMs: number;
  onProgress?: (what: string) => void;
}

/** The Ignition new hosts boot with, and where that was read. */
export interface BootImageIgnition {
  ignitionVersion: string;
  from: 'cluster' | 'flag' | 'default';
  /** `rhcos-4.16`, from configmap coreos-bootimages. */
  stream?: string;
  /** The metal artifact's RHCOS build, `416.94.202406251923-0`. */
  release?: string;
  /** How it was decided, in words. */
  detail: string;
}

/** What one fetch predicts: the line Ignition logs for the attempt, and how its run ends. */
export interface PredictedFetch {
  verdict: 'ok' | 'fail' | 'unknown';
  /** `GET error: Get "...": x509: ...` or `GET result: OK`: the line Ignition logs. */
  line?: string;
  /** `Ignition failed: ...` when it gives up, or `Ignition finished successfully`. */
  final?: string;
  /** The clock the verdict is at. */
  at: Date;
  result?: FetchResult;
  /** Why there is no fetch (an unreadable pointer, a name this machine cannot resolve). */
  why?: string;
}

/** A user-data secret new hosts will get, and what fetching with it gives. */
export interface PointerPrediction {
  /** `openshift-machine-api/worker-user-data-managed`. */
  key: string;
  secret?: UserDataSecret;
  /** Who hands it out: `MachineSet x`, `BareMetalHost y`, or the pool's default. */
  usedBy: string[];
  url?: string;
  /** The pool its URL asks for (`/config/<pool>`). */
  pool?: string;
  /** Why it cannot be used at all. */
  problem?: string;
  /** At this machine's clock. */
  now?: PredictedFetch;
  /** Just after the served chain expires, when that is within --expiry-warning. */
  atExpiry?: PredictedFetch;
}

export interface PoolFacts {
  name: string;
  pool?: KubeObject;
  /** The rendered config the MCS serves new nodes (spec once a node runs it, else status). */
  served?: string;
  servedExists?: boolean;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
  /** Who needs the pool: the pointers whose URL names it. */
  usedBy: string[];
}

/** A host still to boot for the first time (or named with --host): its BMC and its predicted Ignition. */
export interface WaitingHost {
  host: HostFacts;
  /** The BMC read, when one was made. */
  bmc?: BmcClock;
  /** Its clock as the prediction uses it (the BMC's, else this machine's). */
  clock: { at: Date; source: 'bmc' | 'this-machine'; detail: string };
  /** One per pointer it may get (its BMH's, else each MachineSet's in its namespace). */
  predictions: Array<{ key: string; fetch: PredictedFetch }>;
}

export interface HealthzProbe {
  /** `api-int name`, `API VIP`, `pod machine-config-server-x`. */
  via: string;
  url: string;
  /** The address connected to, when it is set here (a pod's). */
  address?: string;
  result?: FetchResult;
  /** Why it was not probed. */
  skipped?: string;
  error?: string;
}

export interface ApiIntResolution {
  name: string | null;
  addresses: string[];
  source?: 'override' | 'hosts' | 'dns' | 'ip-literal';
  error?: string;
}

export interface PreflightFacts {
  /** diagnose's facts: `selected` holds the waiting hosts and every --host. */
  facts: Facts;
  options: PreflightOptions;
  bootImage: BootImageIgnition;
  pointers: PointerPrediction[];
  pools: PoolFacts[];
  waiting: WaitingHost[];
  healthz: HealthzProbe[];
  apiInt: ApiIntResolution;
  machineConfigPools: Read<KubeObject[]>;
  machineConfigs: Read<KubeObject[]>;
  approverPods: Read<KubeObject[]>;
  approverConfigMaps: Read<KubeObject[]>;
}

export interface PreflightCheckMeta extends CheckMeta {
  /** assisted-service's validation id when the check is the same one (models/host_validation_id.go). */
  assistedServiceId?: string;
}

export interface PreflightCheck {
  meta: PreflightCheckMeta;
  run(pf: PreflightFacts): Finding[];
}
