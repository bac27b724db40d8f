/**
 * The certificates of a scenario, in the shapes their real issuers give them:
 *  - the installer (pkg/asset/tls): root-ca (CN=root-ca, OU=openshift, 10 years) and the MCS
 *    serving cert it signs (10 years, serverAuth, same NotBefore as the CA, no keyUsage);
 *  - library-go certrotation (MCO 4.19+ and `oc adm ocp-certificates
 *    regenerate-machine-config-server-serving-cert`): a CA named
 *    `openshift-machine-config-operator_machine-config-server-ca@<unix>` and a serving cert whose
 *    hostnames are sorted (the first is the CN, IPs are DNS SANs too) and whose tls.crt carries
 *    the CA after the leaf. NotBefore is the generation time minus one second.
 * RSA 2048 keys everywhere, as all of these issuers default to.
 */
import { issueCertificate, type IssuedCert } from '../../pki/issue.js';
import type { SimNetwork } from '../network.js';
import { YEAR_MS } from './objects/meta.js';

export const TEN_YEARS_MS = 10 * YEAR_MS;
export const MCS_CA_SECRET_PREFIX = 'openshift-machine-config-operator_machine-config-server-ca';

/** Installer `RootCA`. */
export function issueRootCa(notBefore: Date): Promise<IssuedCert> {
  return issueCertificate({
    subject: 'CN=root-ca, OU=openshift',
    notBefore,
    notAfter: new Date(notBefore.getTime() + TEN_YEARS_MS),
    isCA: true,
    keyUsage: ['keyEncipherment', 'digitalSignature', 'keyCertSign'],
  });
}

/**
 * Installer `MCSCertKey`. `current` (installer a9492174+): CN and DNS SAN api-int, plus the API
 * VIP as IP SAN and DNS SAN (bare metal). `legacy` (as a 4.9-era cluster has it):
 * CN=system:machine-config-server and the api-int name as the only SAN.
 */
export function issueInstallerMcsCert(
  rootCa: IssuedCert,
  network: SimNetwork,
  shape: 'current' | 'legacy' = 'current',
): Promise<IssuedCert> {
  const legacy = shape === 'legacy';
  return issueCertificate({
    subject: legacy ? 'CN=system:machine-config-server' : `CN=${network.apiIntName}`,
    issuer: rootCa,
    notBefore: rootCa.cert.notBefore,
    notAfter: new Date(rootCa.cert.notBefore.getTime() + TEN_YEARS_MS),
    basicConstraintsCritical: true,
    keyUsage: [],
    extKeyUsage: ['serverAuth'],
    dnsNames: legacy ? [network.apiIntName] : [network.apiIntName, network.apiVip],
    ipAddresses: legacy ? [] : [network.apiVip],
  });
}

/** library-go signer: the CA certrotation keeps in secret `machine-config-server-ca`. */
export function issueRotatedMcsCa(generatedAt: Date): Promise<IssuedCert> {
  const notBefore = new Date(generatedAt.getTime() - 1000);
  return issueCertificate({
    subject: `CN=${MCS_CA_SECRET_PREFIX}@${Math.floor(generatedAt.getTime() / 1000)}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + TEN_YEARS_MS),
    isCA: true,
    keyUsage: ['keyEncipherment', 'digitalSignature', 'keyCertSign'],
  });
}

/** The hostnames certrotation puts in the MCS cert (hostnames.go), sorted as sets.List sorts. */
export function rotatedMcsHostnames(network: SimNetwork): string[] {
  return [network.apiIntName, network.apiVip].sort();
}

/** library-go serving cert for the MCS, signed by the rotated CA. */
export function issueRotatedMcsCert(
  ca: IssuedCert,
  network: SimNetwork,
  generatedAt: Date,
): Promise<IssuedCert> {
  const hostnames = rotatedMcsHostnames(network);
  const notBefore = new Date(generatedAt.getTime() - 1000);
  return issueCertificate({
    subject: `CN=${hostnames[0] ?? network.apiIntName}`,
    issuer: ca,
    notBefore,
    notAfter: new Date(notBefore.getTime() + TEN_YEARS_MS),
    keyUsage: ['keyEncipherment', 'digitalSignature'],
    extKeyUsage: ['serverAuth'],
    dnsNames: hostnames,
    ipAddresses: [network.apiVip],
  });
}

/** The CA that signs the kube-apiserver's serving cert and the kubelet certificates. */
export function issueKubeCa(notBefore: Date): Promise<IssuedCert> {
  return issueCertificate({
    subject: 'CN=kube-apiserver-lb-signer, OU=openshift',
    notBefore,
    notAfter: new Date(notBefore.getTime() + TEN_YEARS_MS),
    isCA: true,
    keyUsage: ['keyEncipherment', 'digitalSignature', 'keyCertSign'],
  });
}

/** What `machine-config-server-tls` and the CA objects of one scenario hold. */
export interface ScenarioPki {
  /** Installer root-ca: kube-system/root-ca and the installer's pointer configs trust it. */
  rootCa: IssuedCert;
  /** The serving certificate in `machine-config-server-tls`. */
  serving: IssuedCert;
  /** tls.crt: the leaf, followed by the signer for library-go certs. */
  servingCertPem: string;
  /** tls.key: normally the serving cert's key. */
  servingKeyPem: string;
  /** How `machine-config-server-tls` was written: by the installer (Opaque) or library-go. */
  tlsSecretWriter: 'installer' | 'library-go';
  /** The CA in secret `machine-config-server-ca` (4.19 shapes, or after `oc adm ocp-certificates`). */
  mcsCa?: IssuedCert;
  /** PEMs of configmap `machine-config-server-ca` key `ca-bundle.crt`. */
  mcsCaBundle?: string[];
  kubeCa: IssuedCert;
}

/** A PEM block list joined the way Go's pem.Encode writes consecutive blocks. */
export function joinPem(pems: string[]): string {
  return pems.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('');
}
