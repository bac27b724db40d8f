/**
 * Telling the Kubernetes API server from the Machine Config Server. Both listen on the api-int
 * name and the API VIP (6443 and 22623), so a pointer or a probe with the wrong port reaches the
 * API server, whose chain the MCS root CA never verifies: the verdict alone would read as a CA
 * mismatch. The API server is recognised by its port and by its serving certificates: issued by
 * the kube-apiserver operator's signers (installer data/data/bootstrap/files/opt/openshift/tls,
 * cluster-kube-apiserver-operator certificate docs) or carrying the kubernetes service names.
 */
import type { CertInfo } from '../pki/types.js';

export const API_SERVER_PORT = 6443;
export const MCS_PORT = 22623;

/** Issuer common names of the kube-apiserver's serving certificates. */
const API_SIGNERS = [
  /^kube-apiserver-lb-signer$/,
  /^kube-apiserver-localhost-signer$/,
  /^kube-apiserver-service-network-signer$/,
  /localhost-recovery-serving-signer/,
  /^kube-apiserver-recovery-signer$/,
];
const SERVICE_NAMES = new Set(['kubernetes', 'kubernetes.default', 'kubernetes.default.svc']);

function issuerCommonName(c: CertInfo): string | undefined {
  return /(?:^|, )CN=([^,]+)/.exec(c.issuer)?.[1];
}

/** Why this served leaf is the API server's, or undefined. */
export function apiServerCertificate(leaf: CertInfo): string | undefined {
  const signer = issuerCommonName(leaf);
  if (signer && API_SIGNERS.some((re) => re.test(signer)))
    return `its certificate is issued by ${signer}, a kube-apiserver signer`;
  const service = leaf.dnsNames.find((n) => SERVICE_NAMES.has(n) || n.startsWith('kubernetes.default.svc.'));
  if (service) return `its certificate names ${service}, the Kubernetes API service`;
  return undefined;
}

/**
 * A note when the probed endpoint is the Kubernetes API server rather than the MCS: by port
 * (6443) or by the certificate it served. Undefined when nothing says so.
 */
export function apiServerNote(port: number, leaf: CertInfo | undefined): string | undefined {
  const byCert = leaf ? apiServerCertificate(leaf) : undefined;
  if (port !== API_SERVER_PORT && !byCert) return undefined;
  const why = [
    port === API_SERVER_PORT ? `port ${API_SERVER_PORT} is the Kubernetes API server's` : '',
    byCert ?? '',
  ]
    .filter(Boolean)
    .join('; ');
  if (port === MCS_PORT) {
    return `port ${MCS_PORT} is answered by the Kubernetes API server, not the Machine Config Server (${why}): the load balancer or VIP forwards ${MCS_PORT} to the API server's backends; point its ${MCS_PORT} pool at the machine-config-server pods (the control-plane nodes' ${MCS_PORT})`;
  }
  return `this endpoint is the Kubernetes API server, not the Machine Config Server (${why}): Ignition fetches its config from port ${MCS_PORT}, and the MCS root CA does not verify the API server's chain`;
}
