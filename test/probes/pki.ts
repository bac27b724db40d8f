/** Certificates for the probe tests, built with pki/issue (real X.509, signed). */
import { issueCertificate, type IssuedCert } from '../../src/pki/issue.js';

const DAY = 86_400_000;

export interface ProbePki {
  root: IssuedCert;
  /** Same subject as root, another key (a regenerated CA). */
  rootImpostor: IssuedCert;
  intermediate: IssuedCert;
  /** Signed by root directly, SAN localhost + api-int.test.invalid, no IP SANs. */
  leaf: IssuedCert;
  /** Signed by the intermediate. */
  leafViaIntermediate: IssuedCert;
  /** Expired 3 days ago. */
  expiredLeaf: IssuedCert;
  /** Valid from 5 days in the future. */
  futureLeaf: IssuedCert;
  now: number;
}

export async function buildProbePki(): Promise<ProbePki> {
  const now = Date.now();
  const at = (days: number): Date => new Date(now + days * DAY);
  const caOpts = {
    subject: 'CN=root-ca, OU=openshift',
    notBefore: at(-400),
    notAfter: at(3000),
    isCA: true,
    keyAlgorithm: 'ecdsa-p256' as const,
  };
  const root = await issueCertificate(caOpts);
  const rootImpostor = await issueCertificate(caOpts);
  const intermediate = await issueCertificate({
    subject: 'CN=mcs-intermediate',
    issuer: root,
    notBefore: at(-300),
    notAfter: at(2000),
    isCA: true,
    keyAlgorithm: 'ecdsa-p256',
  });
  const leafOpts = {
    dnsNames: ['localhost', 'api-int.test.invalid'],
    extKeyUsage: ['serverAuth'],
    keyAlgorithm: 'ecdsa-p256' as const,
  };
  const leaf = await issueCertificate({
    ...leafOpts,
    subject: 'CN=api-int.test.invalid',
    issuer: root,
    notBefore: at(-100),
    notAfter: at(100),
  });
  const leafViaIntermediate = await issueCertificate({
    ...leafOpts,
    subject: 'CN=api-int.test.invalid (via intermediate)',
    issuer: intermediate,
    notBefore: at(-100),
    notAfter: at(100),
  });
  const expiredLeaf = await issueCertificate({
    ...leafOpts,
    subject: 'CN=api-int.test.invalid (expired)',
    issuer: root,
    notBefore: at(-200),
    notAfter: at(-3),
  });
  const futureLeaf = await issueCertificate({
    ...leafOpts,
    subject: 'CN=api-int.test.invalid (future)',
    issuer: root,
    notBefore: at(5),
    notAfter: at(200),
  });
  return { root, rootImpostor, intermediate, leaf, leafViaIntermediate, expiredLeaf, futureLeaf, now };
}

export { DAY };
