/**
 * Whether a node's network plugin (OVN-Kubernetes) comes up, and what the kubelet says while it
 * does not.
 *
 * ovnkube-node checks, when it initialises the node's gateway, that the interface carrying the
 * node IP has an MTU of at least the cluster network MTU plus the Geneve header (58 bytes over
 * IPv4), and exits otherwise (ovn-kubernetes go-controller/pkg/node, gateway init: `interface MTU
 * (1500) is too small for specified overlay MTU (8958)`; a user's report of the same line:
 * "F0719 01:46:01.927062 ... failed to run ovnkube: ... interface MTU (8900) is too small for
 * specified overlay MTU (8958)"). Until it runs, it writes no CNI configuration, CRI-O reports
 * NetworkReady=false, and the kubelet keeps the Node's Ready condition False with the message
 * below (kubelet setNodeReadyCondition, the runtime's network status).
 */
import type { ClusterSeed, HostSeed } from './seed.js';

export const GENEVE_HEADER_IPV4 = 58;

export const NETWORK_NOT_READY_MESSAGE =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: No CNI configuration file in /etc/kubernetes/cni/net.d/. Has your network provider started?';

/** The MTU the overlay needs on the host's interface, when the seed sets a cluster network MTU. */
export function requiredInterfaceMtu(seed: Pick<ClusterSeed, 'clusterNetworkMtu'>): number | undefined {
  return seed.clusterNetworkMtu === undefined ? undefined : seed.clusterNetworkMtu + GENEVE_HEADER_IPV4;
}

/** True unless the host's NIC MTU is below what the overlay needs. */
export function networkPluginReady(
  seed: Pick<ClusterSeed, 'clusterNetworkMtu'>,
  host: Pick<HostSeed, 'nicMtu'>,
): boolean {
  const required = requiredInterfaceMtu(seed);
  return required === undefined || host.nicMtu === undefined || host.nicMtu >= required;
}
