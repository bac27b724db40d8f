/**
 * Assembles a ClusterSeed from a scenario's shape: the healthy cluster for the version, with
 * whatever the scenario changed (its PKI, its user-data, its problem host, its VIP).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { randomSuffix } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import type { SimNetwork } from '../network.js';
import type { ClusterSeed, HostSeed, OpenShiftVersion, VipMode } from '../seed.js';
import { bareMetalHost, bmcSecret, bootMac, type BmhPlan, type BmhState } from './objects/bmh.js';
import {
  clusterOperators,
  clusterVersion,
  degradeClusterOperator,
  infrastructure,
  namespaces,
} from './objects/config.js';
import { machineApproverPod } from './objects/approver.js';
import { bootImageRelease } from '../controllers/host/boot-image.js';
import { RELEASES } from './versions.js';
import { approvedNodeCsrs } from './objects/csr.js';
import { machine, workerMachineSet } from './objects/machines.js';
import {
  coreosBootImages,
  machineConfigPool,
  machineConfigs,
  mcsCaObjects,
  mcsDaemonSet,
  mcsService,
  mcsTlsSecret,
  nodeBootstrapperToken,
  pausedUpdateConfigs,
  renderedNames,
  rootCaConfigMap,
} from './objects/mco.js';
import { NETWORK_NOT_READY_MESSAGE } from '../network-plugin.js';
import { DAY_MS, MACHINE_API_NS } from './objects/meta.js';
import { node } from './objects/nodes.js';
import {
  installerUserDataSecret,
  managedUserDataSecret,
  userDataSecret,
  pointerConfig,
  pointerSourceUrl,
  type PointerStyle,
} from './objects/userdata.js';
import type { ScenarioPki } from './pki.js';
import { layoutWorkers } from './workers.js';

export interface ScenarioOptions {
  version: OpenShiftVersion;
  hosts: number;
  network: SimNetwork;
  now: Date;
}

/** What a scenario decides; everything else is the healthy cluster. */
export interface ScenarioShape {
  /** Install time: root-ca's NotBefore, the age of the cluster's objects. */
  installedAt: Date;
  /** Versions the cluster was upgraded from, oldest first. */
  upgradedFrom: OpenShiftVersion[];
  pki: ScenarioPki;
  /** CAs in the installer's `<role>-user-data` (after any rewrite by the MCO or oc). */
  installerPointerCas: string[];
  installerPointerStyle: Extract<PointerStyle, 'installer' | 'spec2'>;
  /** CAs in `<role>-user-data-managed`. */
  managedPointerCas: string[];
  /** Host in the pointer's source URL. */
  pointerHost: 'vip' | 'api-int';
  /**
   * The secret the MachineSet and the new hosts' BMHs reference: the MCO's, the installer's, or
   * `customUserData`'s name.
   */
  workerUserData: string;
  /**
   * A user-data secret an administrator wrote by hand (compact JSON like the installer's), with
   * its own merge source URL and CAs. Hosts that joined before it existed keep the managed one.
   */
  customUserData?: { name: string; source: string; cas: string[]; created: Date };
  /**
   * The worker pool was paused, a MachineConfig was added (so spec names a new rendered config no
   * node runs yet), and the rendered config its nodes run, status.configuration, which the MCS
   * serves while updatedMachineCount is 0, was deleted.
   */
  workerPoolPausedConfigDeleted?: boolean;
  /**
   * The worker pool cannot render (an administrator's MachineConfig with an invalid Ignition
   * config): RenderDegraded with this message, and the rendered config the pool names, deleted
   * by a clean-up, is never made again. The MCS answers new workers 500.
   */
  workerPoolRenderDegraded?: { message: string; badConfig: KubeObject };
  /** A ClusterOperator whose last sync failed: Degraded True with this reason and message. */
  degradedOperator?: { name: string; reason: string; message: string; available?: boolean };
  /** The machine-api-controllers deployment runs no Ready pod: no MachineSet or Machine is reconciled. */
  machineApiControllersDown?: boolean;
  /** network.config.openshift.io/cluster status.clusterNetworkMTU (unset: MTU plays no part). */
  clusterNetworkMtu?: number;
  /** PEM of kube-system/root-ca `ca.crt`. */
  rootCaConfigMapPem: string;
  /** A worker MachineSet exists (the 4.19 cert rotator is only added when one does). */
  machineSet: boolean;
  /** `machine-config-server-tls` is absent. */
  tlsSecretDeleted?: boolean;
  problem: {
    /**
     * BMH state the problem host starts in; `joined`: provisioned, fetched its Ignition, CSRs
     * approved and Node registered before the cluster started, its system up (HostSeed.running);
     * `available`: a spare host, inspected, powered off, claimed by no Machine: the MachineSet
     * stops at the joined hosts, and scaling it up by one provisions this host.
     */
    state: 'provisioning' | 'registering' | 'joined' | 'available';
    /** MTU its NIC comes up with (HostSeed.nicMtu). */
    nicMtu?: number;
    clockOffsetMs?: number;
    /** hardware.hostname from inspection, when it differs from the name the host registers with. */
    inspectedHostname?: string;
    /** Its credentials secret holds a password the BMC refuses. */
    wrongBmcPassword?: boolean;
  };
  vip: VipMode;
}

export const PROBLEM_HOST = 'worker-0';
const BMC_USER = 'admin';

function password(): string {
  return randomBytes(12).toString('base64url');
}

function uniqueSuffix(used: Set<string>): string {
  for (;;) {
    const s = randomSuffix();
    if (!used.has(s)) {
      used.add(s);
      return s;
    }
  }
}

export async function assembleSeed(opts: ScenarioOptions, shape: ScenarioShape): Promise<ClusterSeed> {
  const { version, network, now } = opts;
  const installedAt = shape.installedAt;
  const at = (ms: number): Date => new Date(installedAt.getTime() + ms);
  const ago = (ms: number): Date => new Date(now.getTime() - ms);
  const infra = `${network.clusterName}-${randomSuffix()}`;
  const upgradedAt = shape.upgradedFrom.length > 0 ? ago(60 * DAY_MS) : installedAt;
  const objects: KubeObject[] = [];
  const hosts: HostSeed[] = [];
  const masters = network.masterIps.length;

  const cv = clusterVersion(version, installedAt, shape.upgradedFrom, upgradedAt);
  objects.push(cv, ...namespaces(installedAt, cv), infrastructure(network, infra, installedAt));

  // MCO namespace and CA material.
  const { secret: tokenSecret, token } = nodeBootstrapperToken(shape.pki, at(600_000));
  const rendered = renderedNames(network, token, shape.pki.kubeCa.certPem);
  objects.push(mcsDaemonSet(network, at(900_000), masters), mcsService(network, at(900_000)), tokenSecret);
  if (!shape.tlsSecretDeleted) {
    const written = shape.pki.tlsSecretWriter === 'library-go' ? shape.pki.serving.cert.notBefore : at(0);
    objects.push(mcsTlsSecret(shape.pki, network, written));
  }
  objects.push(...mcsCaObjects(shape.pki, shape.pki.mcsCa?.cert.notBefore ?? at(0)));
  objects.push(rootCaConfigMap(shape.rootCaConfigMapPem, at(300_000)));
  objects.push(coreosBootImages(version, RELEASES[version].full, bootImageRelease(version), upgradedAt));

  // User data.
  const pointer = (role: string, style: PointerStyle, cas: string[]): string =>
    pointerConfig(pointerSourceUrl(network, role, shape.pointerHost), cas, style);
  objects.push(
    installerUserDataSecret(
      'master',
      pointer('master', shape.installerPointerStyle, shape.installerPointerCas),
      at(60_000),
    ),
    installerUserDataSecret(
      'worker',
      pointer('worker', shape.installerPointerStyle, shape.installerPointerCas),
      at(60_000),
    ),
  );
  const layout = layoutWorkers(opts.hosts);
  const problemJoined = shape.problem.state === 'joined';
  const problemNotReady = problemJoined && shape.clusterNetworkMtu !== undefined;
  // Every Node of the pool counts; a problem host seeded joined is one of them.
  const joinedCount = layout.roles.filter((r) => r === 'joined').length + (problemJoined ? 1 : 0);
  const paused = shape.workerPoolPausedConfigDeleted
    ? pausedUpdateConfigs('worker', rendered.worker, ago(7 * DAY_MS), version)
    : undefined;
  const renderDegraded = shape.workerPoolRenderDegraded;
  const renderDegradedAt = ago(2 * DAY_MS);
  const pools = {
    master: machineConfigPool(
      { pool: 'master', rendered: rendered.master, machineCount: masters },
      at(900_000),
      at(2_400_000),
    ),
    worker: machineConfigPool(
      {
        pool: 'worker',
        rendered: rendered.worker,
        machineCount: joinedCount,
        ...(problemNotReady ? { notReady: 1 } : {}),
        ...(paused ? { pausedBefore: { rendered: paused.rendered, source: paused.source } } : {}),
        ...(renderDegraded ? { renderDegraded: renderDegraded.message } : {}),
      },
      at(900_000),
      paused ? ago(7 * DAY_MS) : renderDegraded ? renderDegradedAt : at(2_400_000),
    ),
  };
  objects.push(
    pools.master,
    pools.worker,
    // Someone deleted the rendered config the paused pool's nodes run (a clean-up that kept only
    // the newest rendered config per pool); the render controller recreates only spec's.
    // Likewise when the pool cannot render: nothing makes its rendered config again.
    ...machineConfigs(rendered, at(900_000), version).filter(
      (mc) => !((paused || renderDegraded) && mc.metadata.name === rendered.worker),
    ),
    ...(paused?.objects ?? []),
    ...(renderDegraded ? [renderDegraded.badConfig] : []),
  );
  const managedFromConfigMap = shape.pki.mcsCaBundle !== undefined;
  const managedPointers = {
    master: pointer('master', 'mco-managed', shape.managedPointerCas),
    worker: pointer('worker', 'mco-managed', shape.managedPointerCas),
  };
  objects.push(
    managedUserDataSecret(pools.master, managedPointers.master, upgradedAt, managedFromConfigMap),
    managedUserDataSecret(pools.worker, managedPointers.worker, upgradedAt, managedFromConfigMap),
  );
  const userDataText: Record<string, string> = {
    'worker-user-data-managed': managedPointers.worker,
    'worker-user-data': pointer('worker', shape.installerPointerStyle, shape.installerPointerCas),
  };
  if (shape.customUserData) {
    const custom = shape.customUserData;
    const text = pointerConfig(custom.source, custom.cas, 'installer');
    userDataText[custom.name] = text;
    objects.push(userDataSecret(custom.name, text, custom.created));
  }
  // What the hosts that joined earlier were provisioned with.
  const joinedUserData = shape.customUserData ? 'worker-user-data-managed' : shape.workerUserData;

  const degradedOperator = shape.degradedOperator;
  objects.push(
    ...clusterOperators(version, upgradedAt, cv, {
      master: rendered.master,
      worker: rendered.worker,
      masters,
      workers: joinedCount,
    }).map((co) =>
      degradedOperator && co.metadata.name === degradedOperator.name
        ? degradeClusterOperator(co, degradedOperator, ago(3 * 3_600_000))
        : co,
    ),
  );
  objects.push(
    machineApproverPod({ name: 'master-0', ip: network.masterIps[0] ?? network.apiVip }, at(1_800_000)),
  );

  // Masters: externally provisioned hosts, their Machines and Nodes.
  for (let i = 0; i < masters; i++) {
    const name = `master-${i}`;
    const ip = network.masterIps[i] ?? '';
    const machineName = `${infra}-master-${i}`;
    const created = at(1_200_000);
    const plan: BmhPlan = {
      name,
      role: 'master',
      index: i,
      ip,
      mac: bootMac('master', network.octet, i),
      inspectedHostname: name,
      state: 'externally provisioned',
      poweredOn: true,
      online: true,
      created,
      stateSince: created,
    };
    const m = machine({
      name: machineName,
      role: 'master',
      infra,
      userDataSecret: 'master-user-data-managed',
      created,
      phase: 'Running',
    });
    plan.consumer = m;
    const bmh = bareMetalHost(plan, network, '1');
    (bmh.spec as { bmc: { address: string } }).bmc.address =
      `redfish-virtualmedia://127.${network.octet}.127.${10 + i}:${network.bmcPort}/redfish/v1/Systems/437XR1138R2`;
    const n = node(
      {
        name,
        role: 'master',
        ip,
        created,
        rendered: rendered.master,
        machineName,
        providerID: `baremetalhost:///${MACHINE_API_NS}/${name}/${bmh.metadata.uid}`,
        heartbeat: ago(20_000),
      },
      version,
    );
    const linked = machine({
      name: machineName,
      role: 'master',
      infra,
      userDataSecret: 'master-user-data-managed',
      created,
      bmh,
      instanceState: 'externally provisioned',
      addresses: { ip, hostname: name },
      node: n,
      phase: 'Running',
    });
    linked.metadata.uid = m.metadata.uid;
    objects.push(bmcSecret(name, BMC_USER, password(), created), bmh, linked, n);
  }

  // Workers.
  const workerMachineCount = layout.roles.filter(
    (r, i) =>
      r === 'joined' ||
      r === 'provisioning' ||
      (r === 'problem' &&
        shape.problem.state !== 'registering' &&
        shape.problem.state !== 'available' &&
        i === 0),
  ).length;
  const machineSet = shape.machineSet
    ? workerMachineSet(infra, workerMachineCount, shape.workerUserData, at(1_200_000))
    : undefined;
  if (machineSet) objects.push(machineSet);
  const suffixes = new Set<string>();
  const csrSuffixes = new Set<string>();
  const csrJobs: Promise<KubeObject[]>[] = [];
  const bootstrapperUid = (tokenSecret.metadata.annotations ?? {})['kubernetes.io/service-account.uid'] ?? '';

  layout.roles.forEach((layoutRole, i) => {
    const name = `worker-${i}`;
    const ip = network.hostIp(i);
    const problem = layoutRole === 'problem';
    // A problem host seeded joined goes the way of the joined hosts, as one that joined recently.
    const role = problem && problemJoined ? 'joined' : layoutRole;
    const state: BmhState =
      role === 'joined'
        ? 'provisioned'
        : role === 'available'
          ? 'available'
          : role === 'registration-error'
            ? 'registering'
            : problem
              ? (shape.problem.state as BmhState)
              : 'provisioning';
    const recent = layout.recentlyJoined.has(i) || (problem && problemJoined);
    const created =
      role === 'joined'
        ? recent
          ? ago(3 * 3_600_000)
          : at(2 * 3_600_000 + i * 60_000)
        : role === 'available' || state === 'available'
          ? ago(2 * DAY_MS)
          : role === 'registration-error'
            ? ago(DAY_MS)
            : ago(20 * 60_000);
    const machineCreated = role === 'joined' ? (recent ? ago(50 * 60_000) : created) : ago(30_000);
    const stateSince = role === 'joined' ? new Date(machineCreated.getTime() + 150_000) : ago(20_000);
    const consumed =
      role === 'joined' || role === 'provisioning' || (problem && shape.problem.state === 'provisioning');
    const hostUserData = role === 'joined' && !problem ? joinedUserData : shape.workerUserData;
    const bmcPassword = password();
    const wrongPassword =
      role === 'registration-error' || (problem && shape.problem.wrongBmcPassword === true);
    const inspectedHostname = (problem && shape.problem.inspectedHostname) || name;
    const plan: BmhPlan = {
      name,
      role: 'worker',
      index: i,
      ip,
      mac: bootMac('worker', network.octet, i),
      inspectedHostname,
      state,
      poweredOn: consumed,
      online: consumed || state === 'registering',
      created,
      stateSince,
      registrationError: role === 'registration-error',
      ...(consumed ? { userDataSecret: hostUserData } : {}),
    };
    const machineName = `${infra}-worker-0-${uniqueSuffix(suffixes)}`;
    let m: KubeObject | undefined;
    if (consumed) {
      m = machine({
        name: machineName,
        role: 'worker',
        infra,
        machineSet,
        userDataSecret: hostUserData,
        created: machineCreated,
        phase: 'Provisioning',
      });
      plan.consumer = m;
    }
    const secret = bmcSecret(name, BMC_USER, wrongPassword ? `${bmcPassword}-old` : bmcPassword, created);
    const bmh = bareMetalHost(plan, network, '1');
    objects.push(secret, bmh);
    let n: KubeObject | undefined;
    if (role === 'joined') {
      const nodeCreated = new Date(stateSince.getTime() + 10 * 60_000);
      n = node(
        {
          name,
          role: 'worker',
          ip,
          created: nodeCreated,
          rendered: rendered.worker,
          machineName,
          providerID: `baremetalhost:///${MACHINE_API_NS}/${name}/${bmh.metadata.uid}`,
          heartbeat: ago(15_000),
          ...(problem && problemNotReady ? { notReadyMessage: NETWORK_NOT_READY_MESSAGE } : {}),
        },
        version,
      );
      objects.push(n);
      if (recent) {
        const names: [string, string] = [
          `csr-${uniqueSuffix(csrSuffixes)}`,
          `csr-${uniqueSuffix(csrSuffixes)}`,
        ];
        csrJobs.push(
          approvedNodeCsrs(
            names,
            name,
            ip,
            shape.pki.kubeCa,
            new Date(nodeCreated.getTime() - 8_000),
            bootstrapperUid,
            randomUUID(),
          ),
        );
      }
    }
    if (m) {
      const linked = machine({
        name: machineName,
        role: 'worker',
        infra,
        machineSet,
        userDataSecret: hostUserData,
        created: machineCreated,
        bmh,
        instanceState: state,
        addresses: { ip, hostname: inspectedHostname },
        ...(n ? { node: n } : {}),
        phase: role === 'joined' ? 'Running' : 'Provisioning',
      });
      linked.metadata.uid = m.metadata.uid;
      objects.push(linked);
    }
    hosts.push({
      name,
      index: i,
      hostname: name,
      clockOffsetMs: problem ? (shape.problem.clockOffsetMs ?? 0) : 0,
      poweredOn: consumed,
      bmc: { username: BMC_USER, password: bmcPassword, protocol: 'redfish' },
      ...(role === 'joined' ? { configDrive: userDataText[hostUserData], joined: true } : {}),
      ...(problem && problemJoined ? { running: true } : {}),
      ...(problem && shape.problem.nicMtu !== undefined ? { nicMtu: shape.problem.nicMtu } : {}),
    });
  });

  for (const csrs of await Promise.all(csrJobs)) objects.push(...csrs);

  return {
    version,
    network,
    objects,
    hosts,
    vip: shape.vip,
    kubeCa: { certPem: shape.pki.kubeCa.certPem, keyPem: shape.pki.kubeCa.keyPem },
    ...(shape.clusterNetworkMtu !== undefined ? { clusterNetworkMtu: shape.clusterNetworkMtu } : {}),
    ...(shape.machineApiControllersDown ? { machineApiControllersDown: true } : {}),
  };
}
