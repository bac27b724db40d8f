/**
 * Root-cause ids. They are a public contract (JSON consumers and docs rely on them): an id
 * never changes meaning; new ones may be added.
 */
export const CAUSES = {
  'mcs-cert-expired': 'The Machine Config Server serving certificate is past its notAfter',
  'mcs-ca-mismatch': "The pointer config's CAs do not verify the chain the Machine Config Server serves",
  'worker-clock-skew': "The chain is valid now, but not at the worker's clock",
  'mcs-san-mismatch': "The serving certificate does not cover the host in the pointer's URL",
  'mcs-unreachable': 'DNS, route, firewall, VIP or port problem between the worker and port 22623',
  'mcs-not-running': 'The machine-config-server pods are not Ready',
  'mcs-cert-corrupt': 'The serving certificate or key is unparsable, or the key does not match',
  'mcs-cert-expiring': 'The serving certificate expires within the warning threshold',
  'csr-pending': 'The host fetched its Ignition config, but its node CSRs wait for approval',
  'bmh-stuck': 'The BareMetalHost never reached provisioning',
  'mcs-config-not-found': 'The Machine Config Server answered 404 for the requested pool',
  'mcs-server-error': 'The Machine Config Server answered with an HTTP 5xx error',
  'mcs-not-tls': 'Something other than the TLS Machine Config Server answers on the port (plain HTTP)',
  'mcs-cert-invalid': 'The served chain is rejected for a reason other than dates, CA or names',
  'pointer-unsupported-version': "The worker's Ignition does not accept the pointer config's spec version",
  'node-not-ready': 'The host joined, but its Node is not Ready',
} as const;

export type CauseId = keyof typeof CAUSES;
export const CAUSE_IDS = Object.keys(CAUSES) as CauseId[];
