/**
 * What a scenario hands to the simulated cluster: the objects in the API at start, and the
 * state of the machines that are not API objects (BMC clocks, power, what is on each host's
 * config drive). Controllers start from this and keep it alive.
 */
import type { KubeObject } from './kube/types.js';
import type { SimNetwork } from './network.js';

export type OpenShiftVersion = '4.12' | '4.16' | '4.19';
export const OPENSHIFT_VERSIONS: readonly OpenShiftVersion[] = ['4.12', '4.16', '4.19'];

export { versionAtLeast } from '../openshift/version.js';

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface BmcSeed {
  /** From the BMH's credentials secret; the BMC accepts exactly these. */
  username: string;
  password: string;
  /** The BMC answers PATCH DateTime with an error (vendor lock, NTP enabled). */
  refuseClockSet?: boolean;
  /** `redfish` serves the Redfish tree; `ipmi` has no Redfish service at all. */
  protocol: 'redfish' | 'ipmi';
}

export interface HostSeed {
  /** BareMetalHost name (namespace openshift-machine-api). */
  name: string;
  /** Index in the network plan (its IP and BMC IP come from it). */
  index: number;
  /** The name the host takes when it boots: its Node name. */
  hostname: string;
  /** The host's own clock minus real time, in ms (a BMC clock that is behind is negative). */
  clockOffsetMs: number;
  poweredOn: boolean;
  bmc: BmcSeed;
  /** The pointer Ignition on the host's config drive (written at provisioning), if provisioned. */
  configDrive?: string;
  /** The host already joined: it has a Node and does not fetch again. */
  joined?: boolean;
  /**
   * A joined host whose installed system is up when the cluster starts: its kubelet runs (a
   * problem host seeded after its join). Other joined hosts are quiet until power-cycled.
   */
  running?: boolean;
  /** MTU of the host's NIC (br-ex takes it); default: big enough for the cluster network. */
  nicMtu?: number;
}

/**
 * How the API VIP's :22623 behaves: `forward` to a Ready MCS pod's 22623 (healthy), `refuse`
 * (nothing listens), `blackhole` (accepts, never answers), `plain-http` (a load-balancer or NAT
 * rule whose backend port for 22623 is the pods' plain-HTTP 22624).
 */
export type VipMode = 'forward' | 'refuse' | 'blackhole' | 'plain-http';

export interface ClusterSeed {
  version: OpenShiftVersion;
  network: SimNetwork;
  objects: KubeObject[];
  hosts: HostSeed[];
  vip: VipMode;
  /** CA that signs kubelet client/serving certs (kube-controller-manager's signers) and the apiserver's cert. */
  kubeCa: PemPair;
  /**
   * Cluster network MTU (network.config.openshift.io/cluster status.clusterNetworkMTU, an object
   * the simulator does not serve); unset: no host's NIC is too small for it.
   */
  clusterNetworkMtu?: number;
  /**
   * The machine-api-controllers deployment has no Ready pod: nothing reconciles MachineSets or
   * Machines (a scale-up creates no Machine), while the rest of the cluster runs.
   */
  machineApiControllersDown?: boolean;
}
