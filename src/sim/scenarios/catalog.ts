/**
 * The scenarios: each is the healthy cluster with one thing broken, and says which root cause
 * (src/diagnosis/causes.ts) a correct diagnosis names. `requires` lists what the scenario
 * expects of the simulated controllers for its failure to show.
 */
import { issueCertificate } from '../../pki/issue.js';
import type { CauseId } from '../../diagnosis/causes.js';
import type { ClusterSeed, OpenShiftVersion } from '../seed.js';
import { assembleSeed, PROBLEM_HOST, type ScenarioOptions, type ScenarioShape } from './assemble.js';
import { YEAR_MS, DAY_MS } from './objects/meta.js';
import { TEN_YEARS_MS } from './pki.js';
import { healthyShape, rotatedPki, upgradedFrom } from './shapes.js';

export interface ScenarioDef {
  name: string;
  /** One line: what is broken. */
  description: string;
  /** Default version. */
  version: OpenShiftVersion;
  /** Versions where the scenario's story holds. */
  versions: readonly OpenShiftVersion[];
  /** How the story goes on a version where it differs (what `sim start` prints under the description). */
  notes?: Partial<Record<OpenShiftVersion, string>>;
  /** BareMetalHost that shows the problem. */
  host: string;
  expectedCause: CauseId | null;
  /** What the simulated controllers must do for the failure to show as it does on a real cluster. */
  requires: readonly string[];
  build(opts: ScenarioOptions): Promise<ClusterSeed>;
}

const ALL: readonly OpenShiftVersion[] = ['4.12', '4.16', '4.19'];
const PRE_ROTATION: readonly OpenShiftVersion[] = ['4.12', '4.16'];

const PROVISION_AND_FETCH =
  'BMO takes the problem host from provisioning to provisioned, writes the referenced user-data to its config drive and powers it on; the host fetches its Ignition over TLS at its own clock';
const PODS_FROM_DAEMONSET =
  'The MCO controller creates the machine-config-server pods from the DaemonSet at start, so they load the secret as seeded (the pods restarted after the secret changed)';

function scenario(
  def: Omit<ScenarioDef, 'build' | 'host'> & { shape: (opts: ScenarioOptions) => Promise<ScenarioShape> },
): ScenarioDef {
  const { shape, ...rest } = def;
  return {
    ...rest,
    host: PROBLEM_HOST,
    build: async (opts) => assembleSeed(opts, await shape(opts)),
  };
}

/**
 * An installer PKI past its notAfter: the cluster was installed ten years and 20 days ago. On
 * 4.19 the rotator would have replaced it whenever a MachineSet exists; this cluster has none,
 * so the rotator was never added and the installer's secret (with no CA objects) stayed.
 */
async function expiredShape(opts: ScenarioOptions): Promise<ScenarioShape> {
  return healthyWithoutRotator(opts, { ageMs: TEN_YEARS_MS + 20 * DAY_MS });
}

/**
 * The installer's PKI, never rotated. On 4.19 the rotator replaces a serving certificate that is
 * expiring, lacks a SAN or is missing, whenever it runs; such a failure lasts only on a cluster
 * without MachineSets, where the rotator is never added (hasFunctionalMachineAPI).
 */
async function healthyWithoutRotator(
  opts: ScenarioOptions,
  o: Omit<NonNullable<Parameters<typeof healthyShape>[1]>, 'rotate'> = {},
): Promise<ScenarioShape> {
  const shape = await healthyShape(opts, { ...o, rotate: false });
  return opts.version === '4.19' ? { ...shape, machineSet: false } : shape;
}

const ROTATOR_GATE =
  'The 4.19 cert rotation controller is not started when no MachineSet exists (hasFunctionalMachineAPI)';
const NO_ROTATOR_419 =
  'On 4.19 the cluster has no MachineSet, so the MCS cert rotator is never added (hasFunctionalMachineAPI) and nothing replaces the certificate';

/** `oc adm ocp-certificates regenerate-machine-config-server-serving-cert --update-ignition=false` a week ago. */
async function caMismatchAfterOc(opts: ScenarioOptions): Promise<ScenarioShape> {
  const shape = await healthyShape(opts);
  const rotated = await rotatedPki(shape.pki, opts, new Date(opts.now.getTime() - 7 * DAY_MS));
  return { ...shape, pki: rotated };
}

/**
 * 4.19 after the upgrade's rotation: the administrator had added the CA of their own TLS
 * inspection proxy to the installer's user-data secrets (and pointed the MachineSet at
 * worker-user-data), so reconcileSecret, which rewrites only a pointer with one CA, aborted on
 * them: they still trust root-ca, which no longer signs the serving certificate.
 */
async function caMismatchAfterRotation(opts: ScenarioOptions): Promise<ScenarioShape> {
  const shape = await healthyShape(opts);
  const ownCa = await issueCertificate({
    subject: 'CN=Example Corp TLS Inspection CA, O=Example Corp',
    notBefore: shape.installedAt,
    notAfter: new Date(shape.installedAt.getTime() + TEN_YEARS_MS),
    isCA: true,
    keyUsage: ['digitalSignature', 'keyCertSign'],
  });
  return {
    ...shape,
    installerPointerCas: [shape.pki.rootCa.certPem, ownCa.certPem],
    workerUserData: 'worker-user-data',
  };
}

export const SCENARIO_LIST: readonly ScenarioDef[] = [
  scenario({
    name: 'healthy',
    description: 'Nothing is broken: the new worker provisions, fetches its Ignition and joins',
    version: '4.16',
    versions: ALL,
    expectedCause: null,
    requires: [
      PROVISION_AND_FETCH,
      'The approver approves the CSRs of a host whose Machine has its InternalDNS',
    ],
    shape: (opts) => healthyShape(opts),
  }),
  scenario({
    name: 'mcs-cert-expired',
    description: "The installer's 10-year MCS serving certificate (and root-ca) expired 20 days ago",
    version: '4.16',
    versions: PRE_ROTATION,
    expectedCause: 'mcs-cert-expired',
    requires: [
      PROVISION_AND_FETCH,
      'The MCS (<=4.18) serves the expired certificate as loaded; nothing rotates it',
    ],
    shape: expiredShape,
  }),
  scenario({
    name: 'mcs-cert-expired-4.12',
    description: "4.12: the installer's 10-year MCS serving certificate (and root-ca) expired 20 days ago",
    version: '4.12',
    versions: ['4.12'],
    expectedCause: 'mcs-cert-expired',
    requires: [PROVISION_AND_FETCH, 'The MCS (4.12, ListenAndServeTLS) serves the expired certificate'],
    shape: expiredShape,
  }),
  scenario({
    name: 'mcs-cert-expired-4.19',
    description:
      '4.19 without MachineSets: the cert rotator is never added and the installer MCS certificate expired',
    version: '4.19',
    versions: ['4.19'],
    expectedCause: 'mcs-cert-expired',
    requires: [
      PROVISION_AND_FETCH,
      ROTATOR_GATE,
      'Managed user-data falls back to kube-system/root-ca when configmap machine-config-server-ca is missing',
    ],
    shape: expiredShape,
  }),
  scenario({
    name: 'mcs-ca-mismatch',
    description:
      'The MCS cert was regenerated by a new CA (oc adm ocp-certificates, --update-ignition=false); user-data still trusts root-ca',
    notes: {
      '4.19':
        "The upgrade's cert rotation minted a new CA; worker-user-data (the MachineSet's) also trusts a CA of the administrator's, and the rotator rewrites only pointers with one CA, so it still trusts root-ca",
    },
    version: '4.16',
    versions: ALL,
    expectedCause: 'mcs-ca-mismatch',
    requires: [
      PROVISION_AND_FETCH,
      PODS_FROM_DAEMONSET,
      'Pre-4.19 MCO renders managed user-data from kube-system/root-ca (unchanged), so nothing fixes the pointers',
      '4.19: reconcileSecret replaces the CA only in a pointer with exactly one (additional CAs detected ... Aborting)',
    ],
    shape: async (opts) =>
      opts.version === '4.19' ? caMismatchAfterRotation(opts) : caMismatchAfterOc(opts),
  }),
  scenario({
    name: 'clock-behind',
    description:
      "The new worker's BMC clock is 3 years behind: the MCS certificate is not yet valid at its clock",
    version: '4.16',
    versions: ALL,
    expectedCause: 'worker-clock-skew',
    requires: [PROVISION_AND_FETCH, "The host's TLS verification uses HostClock (seed clockOffsetMs)"],
    shape: async (opts) => {
      const shape = await healthyShape(opts);
      return { ...shape, problem: { ...shape.problem, clockOffsetMs: -3 * YEAR_MS } };
    },
  }),
  scenario({
    name: 'clock-ahead',
    description:
      "The new worker's BMC clock is 10 years ahead: past the MCS certificate's notAfter at its clock",
    version: '4.16',
    versions: ALL,
    expectedCause: 'worker-clock-skew',
    requires: [PROVISION_AND_FETCH, "The host's TLS verification uses HostClock (seed clockOffsetMs)"],
    shape: async (opts) => {
      const shape = await healthyShape(opts);
      return { ...shape, problem: { ...shape.problem, clockOffsetMs: TEN_YEARS_MS } };
    },
  }),
  scenario({
    name: 'mcs-san-mismatch',
    description:
      'The MCS certificate has only the api-int DNS name (old installer shape), but the pointer fetches from the API VIP',
    version: '4.16',
    versions: ALL,
    notes: { '4.19': NO_ROTATOR_419 },
    expectedCause: 'mcs-san-mismatch',
    requires: [PROVISION_AND_FETCH, ROTATOR_GATE],
    shape: async (opts) => healthyWithoutRotator(opts, { certShape: 'legacy' }),
  }),
  scenario({
    name: 'mcs-unreachable',
    description: 'Port 22623 on the API VIP refuses connections (load balancer / firewall)',
    version: '4.16',
    versions: ALL,
    expectedCause: 'mcs-unreachable',
    requires: [PROVISION_AND_FETCH, 'The VIP listener honours seed.vip = refuse'],
    shape: async (opts) => ({ ...(await healthyShape(opts)), vip: 'refuse' }),
  }),
  scenario({
    name: 'mcs-not-running',
    description:
      'Secret machine-config-server-tls was deleted and the MCS pods restarted: they cannot mount it (ContainerCreating)',
    version: '4.12',
    versions: ALL,
    notes: { '4.19': NO_ROTATOR_419 },
    expectedCause: 'mcs-not-running',
    requires: [
      PROVISION_AND_FETCH,
      PODS_FROM_DAEMONSET,
      'Pods whose secret volume is missing stay ContainerCreating with FailedMount events; no MCS listens',
      'Nothing recreates machine-config-server-tls before 4.19',
      ROTATOR_GATE,
    ],
    shape: async (opts) => ({ ...(await healthyWithoutRotator(opts)), tlsSecretDeleted: true }),
  }),
  scenario({
    name: 'mcs-cert-corrupt',
    description:
      'tls.key in machine-config-server-tls does not match tls.crt; the restarted MCS pods crash-loop',
    version: '4.16',
    versions: ALL,
    expectedCause: 'mcs-cert-corrupt',
    requires: [
      PROVISION_AND_FETCH,
      PODS_FROM_DAEMONSET,
      'An MCS whose key does not match its certificate exits (tls: private key does not match public key) and goes CrashLoopBackOff',
    ],
    shape: async (opts) => {
      const shape = await healthyShape(opts);
      const other = await issueCertificate({
        subject: `CN=${opts.network.apiIntName}`,
        notBefore: shape.pki.serving.cert.notBefore,
        notAfter: shape.pki.serving.cert.notAfter,
      });
      return { ...shape, pki: { ...shape.pki, servingKeyPem: other.keyPem } };
    },
  }),
  scenario({
    name: 'mcs-cert-expiring',
    description: 'The MCS serving certificate expires in 10 days; the new worker still joins',
    version: '4.16',
    versions: ALL,
    notes: { '4.19': NO_ROTATOR_419 },
    expectedCause: 'mcs-cert-expiring',
    requires: [PROVISION_AND_FETCH, 'The approver approves the CSRs (the host joins)', ROTATOR_GATE],
    shape: async (opts) => healthyWithoutRotator(opts, { ageMs: TEN_YEARS_MS - 10 * DAY_MS }),
  }),
  scenario({
    name: 'csr-pending',
    description:
      'Inspection reported hostname localhost.localdomain, so no Machine has the InternalDNS the kubelet registers with: its CSR stays Pending',
    version: '4.16',
    versions: ALL,
    expectedCause: 'csr-pending',
    requires: [
      PROVISION_AND_FETCH,
      'The host registers with seed hostname (worker-0), not with BMH hardware.hostname',
      'The approver matches the client CSR only against Machine InternalDNS addresses',
    ],
    shape: async (opts) => {
      const shape = await healthyShape(opts);
      return { ...shape, problem: { ...shape.problem, inspectedHostname: 'localhost.localdomain' } };
    },
  }),
  scenario({
    name: 'spec2-pointer',
    description:
      'The MachineSet still uses the 4.5-era worker-user-data, a spec-2 pointer (config.append) the worker Ignition refuses',
    version: '4.16',
    versions: ALL,
    expectedCause: 'pointer-unsupported-version',
    requires: [
      PROVISION_AND_FETCH,
      "The host's Ignition (spec 3 only) refuses a 2.x pointer before fetching",
    ],
    shape: async (opts) => {
      const shape = await healthyShape(opts, { ageMs: 5 * YEAR_MS, certShape: 'legacy' });
      return {
        ...shape,
        upgradedFrom: upgradedFrom(opts.version),
        installerPointerStyle: 'spec2',
        pointerHost: 'api-int',
        workerUserData: 'worker-user-data',
      };
    },
  }),
  scenario({
    name: 'bmh-stuck',
    description:
      "The new host's BMC credentials secret has a wrong password: the BareMetalHost never gets past registering",
    version: '4.16',
    versions: ALL,
    expectedCause: 'bmh-stuck',
    requires: [
      'BMO registers the problem host with the credentials in its secret; the BMC answers 401 and BMO sets registration error',
    ],
    shape: async (opts) => {
      const shape = await healthyShape(opts);
      return { ...shape, problem: { state: 'registering', wrongBmcPassword: true } };
    },
  }),
];
