/** Shared certificate builders for pki tests: a root, an intermediate and leaves, all real. */
import {
  issueCertificate,
  type IssuedCert,
  type IssueOptions,
  type KeyAlgorithm,
} from '../../src/pki/issue.js';

export const NB = new Date('2020-01-01T00:00:00Z');
export const NA = new Date('2040-01-01T00:00:00Z');
export const AT = new Date('2026-11-23T20:00:00Z');
export const HOST = 'api-int.cluster.example.com';

export async function root(
  subject = 'CN=root-ca, OU=openshift',
  extra: Partial<IssueOptions> = {},
): Promise<IssuedCert> {
  return issueCertificate({ subject, notBefore: NB, notAfter: NA, isCA: true, ...extra });
}

export async function intermediate(
  issuer: IssuedCert,
  extra: Partial<IssueOptions> = {},
): Promise<IssuedCert> {
  return issueCertificate({
    subject: 'CN=mcs-intermediate',
    notBefore: NB,
    notAfter: NA,
    isCA: true,
    issuer,
    ...extra,
  });
}

export async function leaf(issuer: IssuedCert, extra: Partial<IssueOptions> = {}): Promise<IssuedCert> {
  return issueCertificate({
    subject: 'CN=system:machine-config-server',
    notBefore: NB,
    notAfter: NA,
    issuer,
    dnsNames: [HOST],
    ...extra,
  });
}

export const ALGORITHMS: KeyAlgorithm[] = ['rsa2048', 'ecdsa-p256', 'ecdsa-p384', 'ed25519'];
