/**
 * The certificates of the Ignition oracle matrix, built once per run with the project's own
 * issuer. Dates come from the certificates, never from a fake clock: Go reads the real clock
 * (faketime has no effect on Ignition, see oracles.md).
 */
import { issueCertificate, type IssuedCert, type IssueOptions } from '../../src/pki/issue.js';

const DAY = 86_400_000;

export interface OraclePki {
  root: IssuedCert;
  /** Same subject (same DER) as `root`, different key: what a regenerated installer CA looks like. */
  rootSameSubjectOtherKey: IssuedCert;
  otherRoot: IssuedCert;
  intermediate: IssuedCert;
  expiredIntermediate: IssuedCert;
  intermediateNotCA: IssuedCert;
  rootWithoutBasicConstraints: IssuedCert;
  ecdsaRoot: IssuedCert;
  ed25519Root: IssuedCert;
  /** Leaf for localhost and 127.0.0.1, signed by `root`, valid now. */
  leaf(options?: Partial<IssueOptions>): Promise<IssuedCert>;
}

/** A machine-config-server style leaf: CN system:machine-config-server, serverAuth, SANs for loopback. */
export function leafOptions(issuer: IssuedCert, overrides: Partial<IssueOptions> = {}): IssueOptions {
  const now = Date.now();
  return {
    subject: 'CN=system:machine-config-server',
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    issuer,
    dnsNames: ['localhost'],
    ipAddresses: [],
    ...overrides,
  };
}

function caOptions(subject: string, overrides: Partial<IssueOptions> = {}): IssueOptions {
  return {
    subject,
    notBefore: new Date('2015-01-01T00:00:00Z'),
    notAfter: new Date('2045-01-01T00:00:00Z'),
    isCA: true,
    ...overrides,
  };
}

export async function buildOraclePki(): Promise<OraclePki> {
  const root = await issueCertificate(caOptions('CN=root-ca, OU=openshift'));
  const [rootSameSubjectOtherKey, otherRoot, ecdsaRoot, ed25519Root, rootWithoutBasicConstraints] =
    await Promise.all([
      issueCertificate(caOptions('CN=root-ca, OU=openshift')),
      issueCertificate(caOptions('CN=other-ca, OU=openshift')),
      issueCertificate(caOptions('CN=ecdsa-root-ca, OU=openshift', { keyAlgorithm: 'ecdsa-p384' })),
      issueCertificate(caOptions('CN=ed25519-root-ca, OU=openshift', { keyAlgorithm: 'ed25519' })),
      issueCertificate(caOptions('CN=no-bc-root-ca, OU=openshift', { basicConstraints: false })),
    ]);
  const [intermediate, expiredIntermediate, intermediateNotCA] = await Promise.all([
    issueCertificate(caOptions('CN=mcs-intermediate-ca, OU=openshift', { issuer: root })),
    issueCertificate(
      caOptions('CN=expired-intermediate-ca, OU=openshift', {
        issuer: root,
        notBefore: new Date('2019-01-01T00:00:00Z'),
        notAfter: new Date('2021-01-01T00:00:00Z'),
      }),
    ),
    issueCertificate(
      caOptions('CN=not-a-ca-intermediate, OU=openshift', {
        issuer: root,
        isCA: false,
        keyUsage: ['digitalSignature', 'keyCertSign'],
        extKeyUsage: [],
      }),
    ),
  ]);
  return {
    root,
    rootSameSubjectOtherKey,
    otherRoot,
    intermediate,
    expiredIntermediate,
    intermediateNotCA,
    rootWithoutBasicConstraints,
    ecdsaRoot,
    ed25519Root,
    leaf: (options) => issueCertificate(leafOptions(root, options)),
  };
}
