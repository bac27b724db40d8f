/**
 * The scenarios: each is the healthy cluster with one thing broken, and says which root cause
 * (src/diagnosis/causes.ts) a correct diagnosis names. `requires` lists what the scenario
 * expects of the simulated controllers for its failure to show.
 */
import { issueCertificate } from '../../pki/issue.js';
import type { CauseId } from '../../core/causes.js';
import type { ClusterSeed, OpenShiftVersion } from '../seed.js';
import { assembleSeed, PROBLEM_HOST, type ScenarioOptions, type ScenarioShape } from './assemble.js';
import { YEAR_MS, DAY_MS } from './objects/meta.js';
import { adminMachineConfig } from './objects/mco.js';
import { issueRootCa, joinPem, TEN_YEARS_MS } from './pki.js';
import { healthyShape, rotatedPki, upgradedFrom } from './shapes.js';
import { RELEASES } from './versions.js';

/**
 * A latent scenario: nothing has failed yet. The problem host is a spare BareMetalHost
 * (`available`, powered off, claimed by no Machine) and the worker MachineSet stops at the hosts
 * that joined; scaling the MachineSet up by one makes the machine controller give the spare host
 * to a new Machine, and it meets the problem on its first boot.
 */
export interface LatentStory {
  /** What the spare host meets once the MachineSet is scaled up, in words. */
  afterScaleUp: string;
  /** How it shows: its Ignition fails, its CSR pends, or no Machine is ever made for it. */
  outcome: 'ignition-failing' | 'csr-pending' | 'no-machine';
}

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
  /**
   * Set for a latent scenario: the problem is there before any host is provisioned, and
   * `expectedCause` is what the spare host meets once the MachineSet is scaled up.
   */
  latent?: LatentStory;
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

/** Jumbo frames on the machine network (9000) minus OVN-Kubernetes' 100 bytes: the cluster network MTU. */
const CLUSTER_NETWORK_MTU = 8900;

const ROTATOR_GATE =
  'The 4.19 cert rotation controller is not started when no MachineSet exists (hasFunctionalMachineAPI)';
const NO_ROTATOR_419 =
  'On 4.19 the cluster has no MachineSet, so the MCS cert rotator is never added (hasFunctionalMachineAPI) and nothing replaces the certificate';

/**
 * A second rack's MachineSet was pointed at a user-data secret written by hand, whose merge
 * source names the file UPI installs serve from a web server (`/worker.ign`) instead of the MCS
 * path `/config/worker`. Its CA is right (copied from the cluster's pointer; on 4.19 the cert
 * rotator's reconcileSecret keeps it current, as it rewrites the CA of every unmanaged user-data
 * secret with one CA and never the URL), so the TLS handshake passes and the MCS's mux sends the
 * path to its defaultHandler: 404, no log line (pkg/server/api.go NewAPIServer). An unknown pool
 * under /config/ would be a 500 instead, on every release.
 */
async function configNotFoundShape(opts: ScenarioOptions): Promise<ScenarioShape> {
  const shape = await healthyShape(opts);
  const { network } = opts;
  return {
    ...shape,
    customUserData: {
      name: RACK2_USER_DATA,
      source: `https://${network.apiVip}:${network.mcsPort}/worker.ign`,
      cas: [(shape.pki.mcsCa ?? shape.pki.rootCa).certPem],
      created: new Date(opts.now.getTime() - 3 * DAY_MS),
    },
    workerUserData: RACK2_USER_DATA,
  };
}

const RACK2_USER_DATA = 'worker-rack2-user-data';

/**
 * The MCS serving certificate re-issued by hand from a corporate CA with a client-only template
 * (extendedKeyUsage clientAuth): the administrator put that CA in kube-system/root-ca and the
 * installer's user-data secret (what `oc adm ocp-certificates
 * update-ignition-ca-bundle-for-machine-config-server` writes on BareMetal), so CA, names and
 * dates are right; Go's crypto/x509 (checkChainForKeyUsage, as crypto/tls calls Verify with
 * ExtKeyUsageServerAuth) still refuses it: `x509: certificate specifies an incompatible key usage`.
 * On 4.19 the story lasts only without a MachineSet (no cert rotator to replace the secret).
 */
async function certInvalidShape(opts: ScenarioOptions): Promise<ScenarioShape> {
  const shape = await healthyWithoutRotator(opts);
  const { network, now } = opts;
  const corporateCa = await issueCertificate({
    subject: 'CN=Example Corp Issuing CA 2, O=Example Corp',
    notBefore: new Date(now.getTime() - 2 * YEAR_MS),
    notAfter: new Date(now.getTime() + 8 * YEAR_MS),
    isCA: true,
    keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
  });
  const issuedAt = new Date(now.getTime() - 14 * DAY_MS);
  const serving = await issueCertificate({
    subject: `CN=${network.apiIntName}, O=Example Corp`,
    issuer: corporateCa,
    notBefore: issuedAt,
    notAfter: new Date(issuedAt.getTime() + YEAR_MS),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['clientAuth'],
    dnsNames: [network.apiIntName, network.apiVip],
    ipAddresses: [network.apiVip],
  });
  return {
    ...shape,
    pki: {
      ...shape.pki,
      serving,
      servingCertPem: joinPem([serving.certPem, corporateCa.certPem]),
      servingKeyPem: serving.keyPem,
    },
    installerPointerCas: [corporateCa.certPem],
    managedPointerCas: [corporateCa.certPem],
    rootCaConfigMapPem: corporateCa.certPem,
  };
}

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
    name: 'mcs-config-not-found',
    description:
      "The MachineSet's hand-written user-data fetches https://<API VIP>:22623/worker.ign instead of /config/worker: the MCS answers 404",
    notes: {
      '4.19':
        "The 4.19 cert rotator keeps that secret's CA current (reconcileSecret rewrites certificateAuthorities of unmanaged user-data secrets, never the URL): the handshake passes, only the path is wrong",
    },
    version: '4.16',
    versions: ALL,
    expectedCause: 'mcs-config-not-found',
    requires: [
      PROVISION_AND_FETCH,
      'The MCS mux sends a path outside /config/ and /healthz to its defaultHandler: 404, empty body, no log line',
      "Ignition stops at a 404 (ErrNotFound: 'resource not found') without retrying",
      '4.19: reconcileSecret replaces the CA of every unmanaged user-data secret that has exactly one',
    ],
    shape: configNotFoundShape,
  }),
  scenario({
    name: 'mcs-server-error',
    description:
      'The worker pool is paused mid-update and the rendered MachineConfig its nodes run was deleted: the MCS serves that one to new nodes and answers 500',
    notes: {
      '4.12':
        "No `oc adm prune renderedmachineconfigs` on 4.12: a clean-up script deleted every rendered config but the newest per pool; the MCS logs `couldn't get config for req: {worker 0xc...}`",
      '4.16':
        '`oc adm prune renderedmachineconfigs` would have kept it (in use by the pool status and the nodes); a hand-made `oc delete mc` did not',
      '4.19':
        '`oc adm prune renderedmachineconfigs` would have kept it (in use by the pool status and the nodes); a hand-made `oc delete mc` did not',
    },
    version: '4.16',
    versions: ALL,
    expectedCause: 'mcs-server-error',
    requires: [
      PROVISION_AND_FETCH,
      "The MCS's GetConfig serves status.configuration while updatedMachineCount is 0 and answers a missing MachineConfig with 500 (could not fetch config ...)",
      'A paused pool keeps status.configuration on the config its nodes run (node controller calculateStatus); the render controller recreates only the spec config',
      'At least one joined worker (the default 3 hosts): a pool with no node would have status = spec',
    ],
    shape: async (opts) => ({ ...(await healthyShape(opts)), workerPoolPausedConfigDeleted: true }),
  }),
  scenario({
    name: 'mcs-not-tls',
    description:
      "A load-balancer rule forwards the API VIP's port 22623 to the masters' plain-HTTP port 22624: the worker's TLS handshake gets an HTTP answer",
    version: '4.16',
    versions: ALL,
    expectedCause: 'mcs-not-tls',
    requires: [
      PROVISION_AND_FETCH,
      "The VIP listener honours seed.vip = plain-http (22623 handed to the MCS's 22624 server)",
      "The MCS's plain-HTTP server answers a TLS ClientHello as Go's net/http does: 400 Bad Request, no log line",
    ],
    shape: async (opts) => ({ ...(await healthyShape(opts)), vip: 'plain-http' }),
  }),
  scenario({
    name: 'mcs-cert-invalid',
    description:
      'The MCS serving certificate was re-issued from the corporate CA with a client-only template (extendedKeyUsage clientAuth): Go refuses it for a server',
    notes: {
      '4.12': 'No reload before 4.19: the MCS pods were deleted to load the replaced secret',
      '4.19': `${NO_ROTATOR_419}; the MCS loaded the replaced secret live (certwatcher hot reload)`,
    },
    version: '4.16',
    versions: ALL,
    expectedCause: 'mcs-cert-invalid',
    requires: [
      PROVISION_AND_FETCH,
      PODS_FROM_DAEMONSET,
      "The host's TLS verification is Go's (pki/verify: a chain whose leaf has only clientAuth fails with incompatible key usage)",
      'Pre-4.19 and rotator-less 4.19 MCO render managed user-data from kube-system/root-ca',
      ROTATOR_GATE,
    ],
    shape: certInvalidShape,
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
    name: 'node-not-ready',
    description:
      'The new worker joined (CSRs approved, Node registered 37 minutes ago), but its NIC came up with MTU 1500 on a cluster network of MTU 8900: OVN-Kubernetes never starts and the Node stays NotReady',
    version: '4.16',
    versions: ALL,
    expectedCause: 'node-not-ready',
    requires: [
      'The problem host is seeded joined: BMH provisioned, CSRs issued, Node registered before the cluster started, its system up and its kubelet running',
      "The kubelet keeps the Node Ready=False (NetworkReady=false, no CNI configuration) while the host's NIC MTU is below the cluster network MTU + 58 (ovnkube-node's MTU check)",
    ],
    shape: async (opts) => {
      const shape = await healthyShape(opts);
      return {
        ...shape,
        clusterNetworkMtu: CLUSTER_NETWORK_MTU,
        problem: { ...shape.problem, state: 'joined', nicMtu: 1500 },
      };
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

const SCALE_UP =
  "The MachineSet controller creates a Machine when spec.replicas grows; the Metal3 actuator gives it the available BareMetalHost and BMO provisions it with the MachineSet's user-data";

/** A spare host waiting in `available` for the next scale-up, with what the scenario gives it. */
function spare(shape: ScenarioShape, extra: Partial<ScenarioShape['problem']> = {}): ScenarioShape {
  return { ...shape, problem: { state: 'available', ...extra } };
}

/** The staging cluster's installer root-ca: the same subject as this cluster's, another key. */
async function wrongCaUserData(opts: ScenarioOptions): Promise<ScenarioShape> {
  const shape = await healthyShape(opts);
  const staging = await issueRootCa(new Date(opts.now.getTime() - 2 * YEAR_MS));
  const name = 'worker-rack3-user-data';
  return spare({
    ...shape,
    customUserData: {
      name,
      source: `https://${opts.network.apiVip}:${opts.network.mcsPort}/config/worker`,
      cas: [staging.certPem],
      created: new Date(opts.now.getTime() - 3 * DAY_MS),
    },
    workerUserData: name,
  });
}

/**
 * An administrator's MachineConfig written for a newer cluster (Ignition spec 3.5.0, which this
 * MCO does not know): the render controller fails on every sync, so pool worker is
 * RenderDegraded; the rendered config the pool names was removed by a clean-up, and no render
 * can make it again. The MCS answers /config/worker with 500 (could not fetch config ...).
 */
async function poolDegradedShape(opts: ScenarioOptions): Promise<ScenarioShape> {
  const shape = await healthyShape(opts);
  const created = new Date(opts.now.getTime() - 2 * DAY_MS);
  const badConfig = adminMachineConfig('99-worker-chrony-ntp', 'worker', created, {
    ignition: { version: '3.5.0' },
    storage: {
      files: [
        {
          path: '/etc/chrony.d/ntp.conf',
          mode: 420,
          overwrite: true,
          contents: { source: `data:,${encodeURIComponent('server ntp.example.test iburst\n')}` },
        },
      ],
    },
  });
  return spare({
    ...shape,
    workerPoolRenderDegraded: {
      message:
        'Failed to render configuration for pool worker: parsing Ignition config failed: unknown version. Supported spec versions: 2.2, 3.0, 3.1, 3.2, 3.3, 3.4',
      badConfig,
    },
  });
}

export const LATENT_SCENARIOS: readonly ScenarioDef[] = [
  scenario({
    name: 'latent-cert-expiring',
    description:
      "Nothing has failed yet: the MCS serving certificate expires in 3 days, nothing renews it before 4.19, and the spare host's BMC clock runs 5 days ahead",
    version: '4.16',
    versions: PRE_ROTATION,
    expectedCause: 'worker-clock-skew',
    latent: {
      afterScaleUp:
        "its first boot happens past the certificate's notAfter at its own clock: x509 certificate has expired",
      outcome: 'ignition-failing',
    },
    requires: [
      SCALE_UP,
      PROVISION_AND_FETCH,
      "The host's TLS verification uses HostClock (seed clockOffsetMs)",
    ],
    shape: async (opts) =>
      spare(await healthyShape(opts, { ageMs: TEN_YEARS_MS - 3 * DAY_MS, rotate: false }), {
        clockOffsetMs: 5 * DAY_MS,
      }),
  }),
  scenario({
    name: 'latent-bmc-clock',
    description:
      "Nothing has failed yet: the spare host waiting in available has a BMC clock 3 years behind; the MachineSet's next replica will boot with it",
    version: '4.16',
    versions: ALL,
    expectedCause: 'worker-clock-skew',
    latent: {
      afterScaleUp: 'its Ignition finds the MCS certificate not yet valid at its clock',
      outcome: 'ignition-failing',
    },
    requires: [
      SCALE_UP,
      PROVISION_AND_FETCH,
      "The host's TLS verification uses HostClock (seed clockOffsetMs)",
    ],
    shape: async (opts) => spare(await healthyShape(opts), { clockOffsetMs: -3 * YEAR_MS }),
  }),
  scenario({
    name: 'latent-user-data-wrong-ca',
    description:
      "Nothing has failed yet: the MachineSet hands out worker-rack3-user-data, copied from the staging cluster, whose pointer trusts the staging cluster's root-ca",
    version: '4.16',
    versions: ['4.12', '4.16'],
    expectedCause: 'mcs-ca-mismatch',
    latent: {
      afterScaleUp:
        'its Ignition rejects the MCS certificate: signed by an authority its pointer does not trust',
      outcome: 'ignition-failing',
    },
    requires: [SCALE_UP, PROVISION_AND_FETCH],
    shape: wrongCaUserData,
  }),
  scenario({
    name: 'latent-pool-degraded',
    description:
      "Nothing has failed yet: pool worker is RenderDegraded by an administrator's MachineConfig of spec 3.5.0, and the rendered config it names was deleted: the MCS has nothing to serve new workers",
    version: '4.16',
    versions: ALL,
    expectedCause: 'mcs-server-error',
    latent: {
      afterScaleUp: 'its Ignition gets 500 Internal Server Error for /config/worker until it gives up',
      outcome: 'ignition-failing',
    },
    requires: [
      SCALE_UP,
      PROVISION_AND_FETCH,
      'The MCS answers a pool whose rendered MachineConfig is missing with 500 (could not fetch config ...)',
    ],
    shape: poolDegradedShape,
  }),
  scenario({
    name: 'latent-inspection-hostname',
    description:
      'Nothing has failed yet: inspection reported hostname localhost.localdomain for the spare host, so the Machine it gets will not have the name its kubelet registers with',
    version: '4.16',
    versions: ALL,
    expectedCause: 'csr-pending',
    latent: {
      afterScaleUp:
        'it fetches its Ignition, then its kubelet client CSR stays Pending: no Machine has its name',
      outcome: 'csr-pending',
    },
    requires: [
      SCALE_UP,
      PROVISION_AND_FETCH,
      'The host registers with seed hostname (worker-0), not with BMH hardware.hostname',
      'The approver matches the client CSR only against Machine InternalDNS addresses',
    ],
    shape: async (opts) => spare(await healthyShape(opts), { inspectedHostname: 'localhost.localdomain' }),
  }),
  scenario({
    name: 'latent-operator-degraded',
    description:
      'Nothing has failed yet: ClusterOperator machine-api is Degraded, its machine-api-controllers deployment has no Ready pod: a MachineSet scale-up makes no Machine',
    version: '4.16',
    versions: ALL,
    expectedCause: null,
    latent: {
      afterScaleUp: 'no Machine is created, so the spare host is never provisioned',
      outcome: 'no-machine',
    },
    requires: ['No MachineSet or Machine is reconciled while seed.machineApiControllersDown is set'],
    shape: async (opts) =>
      spare({
        ...(await healthyShape(opts)),
        degradedOperator: {
          name: 'machine-api',
          reason: 'SyncingFailed',
          message: `Failed to resync for operator: ${RELEASES[opts.version].full} because deployment machine-api-controllers is not ready. status: (replicas: 1, updated: 1, ready: 0, unavailable: 1)`,
        },
        machineApiControllersDown: true,
      }),
  }),
];
