/**
 * The Ignition oracle matrix: each case is a served chain (or a fault) plus a pointer config.
 * The expected outcome is deliberately NOT written here as Ignition text: real Ignition says
 * what is right; the matrix asserts that `probe` says the same. Only `expectOk` (a sanity check
 * that the case builds what its name says) and the cause `explain` should name are given.
 */
import type { IssuedCert } from '../../src/pki/issue.js';
import type { McsFaults } from '../../src/sim/mcs/index.js';
import { leafOptions, type OraclePki } from './oracle-pki.js';
import { issueCertificate } from '../../src/pki/issue.js';

export interface ServedEndpoint {
  /** Leaf first, then whatever else the server sends. */
  chain: IssuedCert[];
  key: IssuedCert;
  faults?: McsFaults;
}

export interface CaseSetup {
  /** Undefined: nothing listens on the port. */
  server?: ServedEndpoint;
  /** Host as written in the pointer's URL (Ignition resolves it via /etc/hosts to 127.0.0.1). */
  urlHost: string;
  /** Loopback address the MCS binds to; default 127.0.0.1. */
  bindHost?: string;
  /** CAs written into the pointer, in order. */
  pointerCas: IssuedCert[];
  caEncoding?: 'base64' | 'percent';
  spec?: 2 | 3;
  specVersion?: string;
}

export interface OracleCase {
  name: string;
  /** Does real Ignition finish successfully? (checked first: a case that does not do what it says is a bug.) */
  expectOk: boolean;
  /** Cause id `explain` must name for Ignition's output; undefined for successful fetches. */
  cause?: string;
  setup(pki: OraclePki): Promise<CaseSetup>;
}

const served = (leaf: IssuedCert, ...rest: IssuedCert[]): ServedEndpoint => ({
  chain: [leaf, ...rest],
  key: leaf,
});

export const ORACLE_CASES: OracleCase[] = [
  {
    name: 'valid',
    expectOk: true,
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'expired leaf',
    expectOk: false,
    cause: 'mcs-cert-expired',
    setup: async (pki) => ({
      server: served(
        await pki.leaf({
          notBefore: new Date('2020-01-01T00:00:00Z'),
          notAfter: new Date('2020-01-31T00:00:00Z'),
        }),
      ),
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'leaf not yet valid',
    expectOk: false,
    cause: 'worker-clock-skew',
    setup: async (pki) => ({
      server: served(
        await pki.leaf({
          notBefore: new Date('2040-01-01T00:00:00Z'),
          notAfter: new Date('2041-01-01T00:00:00Z'),
        }),
      ),
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'pointer CA has the same subject but another key',
    expectOk: false,
    cause: 'mcs-ca-mismatch',
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'localhost',
      pointerCas: [pki.rootSameSubjectOtherKey],
    }),
  },
  {
    name: 'pointer CA is another CA',
    expectOk: false,
    cause: 'mcs-ca-mismatch',
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'localhost',
      pointerCas: [pki.otherRoot],
    }),
  },
  {
    name: 'SAN mismatch (DNS)',
    expectOk: false,
    cause: 'mcs-san-mismatch',
    setup: async (pki) => ({
      server: served(await pki.leaf({ dnsNames: ['api-int.other.example.com', 'api.other.example.com'] })),
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'IP URL, IP SAN present',
    expectOk: true,
    setup: async (pki) => ({
      server: served(await pki.leaf({ ipAddresses: ['127.0.0.1'] })),
      urlHost: '127.0.0.1',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'IP URL, no IP SANs',
    expectOk: false,
    cause: 'mcs-san-mismatch',
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: '127.0.0.1',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'IP URL, other IP SAN',
    expectOk: false,
    cause: 'mcs-san-mismatch',
    setup: async (pki) => ({
      server: served(await pki.leaf({ ipAddresses: ['192.0.2.10', '127.0.0.2'] })),
      urlHost: '127.0.0.1',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'IPv6 URL, IPv6 SAN present',
    expectOk: true,
    setup: async (pki) => ({
      server: served(await pki.leaf({ ipAddresses: ['::1'] })),
      urlHost: '[::1]',
      bindHost: '::1',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'IPv6 URL, only an IPv4 SAN',
    expectOk: false,
    cause: 'mcs-san-mismatch',
    setup: async (pki) => ({
      server: served(await pki.leaf({ ipAddresses: ['127.0.0.1'] })),
      urlHost: '[::1]',
      bindHost: '::1',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'intermediate sent by the server',
    expectOk: true,
    setup: async (pki) => {
      const leaf = await issueCertificate(leafOptions(pki.intermediate));
      return { server: served(leaf, pki.intermediate), urlHost: 'localhost', pointerCas: [pki.root] };
    },
  },
  {
    name: 'intermediate missing (leaf only, pointer has the root)',
    expectOk: false,
    cause: 'mcs-ca-mismatch',
    setup: async (pki) => {
      const leaf = await issueCertificate(leafOptions(pki.intermediate));
      return { server: served(leaf), urlHost: 'localhost', pointerCas: [pki.root] };
    },
  },
  {
    name: 'server sends a stale intermediate: same name, another key',
    expectOk: false,
    cause: 'mcs-ca-mismatch',
    setup: async (pki) => {
      const leaf = await issueCertificate(leafOptions(pki.intermediate));
      // A re-issued intermediate with the same subject but a new key: it did not sign this leaf.
      const stale = await issueCertificate({
        subject: pki.intermediate.cert.subject,
        issuer: pki.root,
        isCA: true,
        notBefore: new Date('2015-01-01T00:00:00Z'),
        notAfter: new Date('2045-01-01T00:00:00Z'),
      });
      return { server: served(leaf, stale), urlHost: 'localhost', pointerCas: [pki.root] };
    },
  },
  {
    name: 'server sends an unrelated extra certificate after the right intermediate',
    expectOk: true,
    setup: async (pki) => {
      const leaf = await issueCertificate(leafOptions(pki.intermediate));
      return {
        server: served(leaf, pki.intermediate, pki.otherRoot),
        urlHost: 'localhost',
        pointerCas: [pki.root],
      };
    },
  },
  {
    name: 'expired intermediate sent by the server',
    expectOk: false,
    cause: 'mcs-cert-expired',
    setup: async (pki) => {
      const leaf = await issueCertificate(leafOptions(pki.expiredIntermediate));
      return { server: served(leaf, pki.expiredIntermediate), urlHost: 'localhost', pointerCas: [pki.root] };
    },
  },
  {
    name: 'intermediate that is not a CA',
    expectOk: false,
    cause: 'mcs-ca-mismatch',
    setup: async (pki) => {
      const leaf = await issueCertificate(leafOptions(pki.intermediateNotCA));
      return { server: served(leaf, pki.intermediateNotCA), urlHost: 'localhost', pointerCas: [pki.root] };
    },
  },
  {
    // Go refuses a root without basicConstraints as a parent, even one the pointer trusts.
    name: 'root without basicConstraints',
    expectOk: false,
    cause: 'mcs-ca-mismatch',
    setup: async (pki) => ({
      server: served(await issueCertificate(leafOptions(pki.rootWithoutBasicConstraints))),
      urlHost: 'localhost',
      pointerCas: [pki.rootWithoutBasicConstraints],
    }),
  },
  {
    name: 'pointer bundle of two CAs, the second is right',
    expectOk: true,
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'localhost',
      pointerCas: [pki.otherRoot, pki.root],
    }),
  },
  {
    name: 'percent-encoded CA data URL',
    expectOk: true,
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'localhost',
      pointerCas: [pki.root],
      caEncoding: 'percent',
    }),
  },
  {
    name: 'spec 2.2 pointer',
    expectOk: false,
    cause: 'pointer-unsupported-version',
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'localhost',
      pointerCas: [pki.root],
      spec: 2,
    }),
  },
  {
    name: 'spec 3.4.0 pointer (newer than Ignition 2.14 accepts)',
    expectOk: false,
    cause: 'pointer-unsupported-version',
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'localhost',
      pointerCas: [pki.root],
      specVersion: '3.4.0',
    }),
  },
  {
    name: 'spec 3.4.0-experimental pointer (Ignition 2.14 accepts it)',
    expectOk: true,
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'localhost',
      pointerCas: [pki.root],
      specVersion: '3.4.0-experimental',
    }),
  },
  {
    name: 'ECDSA chain (P-384 root, P-256 leaf)',
    expectOk: true,
    setup: async (pki) => ({
      server: served(await issueCertificate(leafOptions(pki.ecdsaRoot, { keyAlgorithm: 'ecdsa-p256' }))),
      urlHost: 'localhost',
      pointerCas: [pki.ecdsaRoot],
    }),
  },
  {
    name: 'Ed25519 root and leaf',
    expectOk: true,
    setup: async (pki) => ({
      server: served(
        await issueCertificate(
          leafOptions(pki.ed25519Root, { keyAlgorithm: 'ed25519', keyUsage: ['digitalSignature'] }),
        ),
      ),
      urlHost: 'localhost',
      pointerCas: [pki.ed25519Root],
    }),
  },
  {
    name: 'leaf with only the clientAuth EKU',
    expectOk: false,
    cause: 'mcs-cert-invalid',
    setup: async (pki) => ({
      server: served(await pki.leaf({ extKeyUsage: ['clientAuth'] })),
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'wildcard SAN does not cover the bare name',
    expectOk: false,
    cause: 'mcs-san-mismatch',
    setup: async (pki) => ({
      server: served(await pki.leaf({ dnsNames: ['*.localhost'] })),
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'upper-case URL host',
    expectOk: true,
    setup: async (pki) => ({
      server: served(await pki.leaf()),
      urlHost: 'LOCALHOST',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'no SANs, CN matches the host',
    expectOk: false,
    cause: 'mcs-san-mismatch',
    setup: async (pki) => ({
      server: served(await pki.leaf({ subject: 'CN=localhost', dnsNames: [], ipAddresses: [] })),
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'server accepts TCP and never answers',
    expectOk: false,
    cause: 'mcs-unreachable',
    setup: async (pki) => ({
      server: { ...served(await pki.leaf()), faults: { silentOnSecurePort: true } },
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'server not listening',
    expectOk: false,
    cause: 'mcs-unreachable',
    setup: async (pki) => ({ urlHost: 'localhost', pointerCas: [pki.root] }),
  },
  {
    name: 'HTTP 404',
    expectOk: false,
    cause: 'mcs-config-not-found',
    setup: async (pki) => ({
      server: { ...served(await pki.leaf()), faults: { configStatus: 404 } },
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'HTTP 500',
    expectOk: false,
    cause: 'mcs-server-error',
    setup: async (pki) => ({
      server: { ...served(await pki.leaf()), faults: { configStatus: 500 } },
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
  {
    name: 'plain HTTP on the TLS port',
    expectOk: false,
    cause: 'mcs-not-tls',
    setup: async (pki) => ({
      server: { ...served(await pki.leaf()), faults: { plainHttpOnSecurePort: true } },
      urlHost: 'localhost',
      pointerCas: [pki.root],
    }),
  },
];
