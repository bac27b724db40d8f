/** config.openshift.io objects and namespaces: what `oc get infrastructure/clusterversion/co` shows. */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../kube/types.js';
import type { SimNetwork } from '../../network.js';
import type { OpenShiftVersion } from '../../seed.js';
import { RELEASES, releaseImage } from '../versions.js';
import { iso, MACHINE_API_NS, MCO_NS, meta, ownerRef } from './meta.js';

const RELEASE_ANNOTATIONS = {
  'include.release.openshift.io/self-managed-high-availability': 'true',
  'include.release.openshift.io/single-node-developer': 'true',
};

export const SEED_NAMESPACES = [
  'default',
  'kube-system',
  'openshift-config',
  'openshift-config-managed',
  MACHINE_API_NS,
  MCO_NS,
  'openshift-cluster-machine-approver',
];

export function namespaces(installedAt: Date, clusterVersion: KubeObject): KubeObject[] {
  return SEED_NAMESPACES.map((name) => {
    const openshift = name.startsWith('openshift-');
    return {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(name, installedAt, {
        labels: {
          'kubernetes.io/metadata.name': name,
          ...(openshift ? { 'openshift.io/cluster-monitoring': 'true', 'openshift.io/run-level': '' } : {}),
        },
        annotations: {
          ...(openshift ? { ...RELEASE_ANNOTATIONS, 'workload.openshift.io/allowed': 'management' } : {}),
          'openshift.io/sa.scc.mcs': 's0:c9,c4',
          'openshift.io/sa.scc.supplemental-groups': '1000080000/10000',
          'openshift.io/sa.scc.uid-range': '1000080000/10000',
        },
        ...(name === MCO_NS || name === MACHINE_API_NS
          ? { ownerReferences: [ownerRef(clusterVersion, false)] }
          : {}),
      }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
  });
}

export function infrastructure(network: SimNetwork, infraName: string, installedAt: Date): KubeObject {
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'Infrastructure',
    metadata: meta('cluster', installedAt, { generation: 1 }),
    spec: {
      cloudConfig: { name: '' },
      platformSpec: {
        type: 'BareMetal',
        baremetal: { apiServerInternalIPs: [network.apiVip], ingressIPs: [network.ingressVip] },
      },
    },
    status: {
      // The Go field is APIServerInternalURL; its JSON name has always been apiServerInternalURI.
      apiServerInternalURI: `https://${network.apiIntName}:${network.apiPort}`,
      apiServerURL: `https://${network.apiName}:${network.apiPort}`,
      controlPlaneTopology: 'HighlyAvailable',
      cpuPartitioning: 'None',
      etcdDiscoveryDomain: '',
      infrastructureName: infraName,
      infrastructureTopology: 'HighlyAvailable',
      platform: 'BareMetal',
      platformStatus: {
        type: 'BareMetal',
        baremetal: {
          apiServerInternalIP: network.apiVip,
          apiServerInternalIPs: [network.apiVip],
          ingressIP: network.ingressVip,
          ingressIPs: [network.ingressVip],
          loadBalancer: { type: 'OpenShiftManagedDefault' },
          machineNetworks: [`127.${network.octet}.0.0/16`],
        },
      },
    },
  };
}

export function clusterVersion(
  version: OpenShiftVersion,
  installedAt: Date,
  upgradedFrom: OpenShiftVersion[],
  upgradedAt: Date,
): KubeObject {
  const release = RELEASES[version];
  const image = releaseImage(version);
  const completed = iso(new Date(upgradedAt.getTime() + 3_600_000));
  const history = [
    {
      completionTime: completed,
      image,
      startedTime: iso(upgradedAt),
      state: 'Completed',
      verified: upgradedFrom.length > 0,
      version: release.full,
    },
    ...upgradedFrom
      .slice()
      .reverse()
      .map((v, i, all) => ({
        completionTime: iso(i === all.length - 1 ? new Date(installedAt.getTime() + 3_600_000) : upgradedAt),
        image: releaseImage(v),
        startedTime: iso(i === all.length - 1 ? installedAt : upgradedAt),
        state: 'Completed',
        verified: i < all.length - 1,
        version: RELEASES[v].full,
      })),
  ];
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterVersion',
    metadata: meta('version', installedAt, { generation: 2 }),
    spec: { channel: release.channel, clusterID: randomUUID() },
    status: {
      availableUpdates: null,
      capabilities: {
        enabledCapabilities: ['baremetal', 'MachineAPI', 'marketplace', 'openshift-samples'],
        knownCapabilities: ['baremetal', 'MachineAPI', 'marketplace', 'openshift-samples'],
      },
      conditions: [
        {
          lastTransitionTime: iso(installedAt),
          status: 'True',
          type: 'RetrievedUpdates',
        },
        {
          lastTransitionTime: completed,
          message: `Done applying ${release.full}`,
          status: 'True',
          type: 'Available',
        },
        { lastTransitionTime: completed, status: 'False', type: 'Failing' },
        {
          lastTransitionTime: completed,
          message: `Cluster version is ${release.full}`,
          status: 'False',
          type: 'Progressing',
        },
      ],
      desired: { channels: [release.channel], image, version: release.full },
      history,
      observedGeneration: 2,
      versionHash: 'pzWgHCV7QXo=',
    },
  };
}

interface RelatedObject {
  group: string;
  name: string;
  namespace?: string;
  resource: string;
}

function clusterOperator(
  name: string,
  since: Date,
  version: OpenShiftVersion,
  owner: KubeObject,
  available: string,
  relatedObjects: RelatedObject[],
  extension: Record<string, string> | null = null,
): KubeObject {
  const full = RELEASES[version].full;
  const t = iso(since);
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterOperator',
    metadata: meta(name, since, {
      annotations: {
        ...RELEASE_ANNOTATIONS,
        'exclude.release.openshift.io/internal-openshift-hosted': 'true',
      },
      generation: 1,
      ownerReferences: [ownerRef(owner, false)],
    }),
    spec: {},
    status: {
      conditions: [
        {
          lastTransitionTime: t,
          message: `Cluster version is ${full}`,
          status: 'False',
          type: 'Progressing',
        },
        { lastTransitionTime: t, reason: 'AsExpected', status: 'True', type: 'Upgradeable' },
        { lastTransitionTime: t, status: 'False', type: 'Degraded' },
        {
          lastTransitionTime: t,
          message: available,
          reason: 'AsExpected',
          status: 'True',
          type: 'Available',
        },
      ],
      extension,
      relatedObjects,
      versions: [{ name: 'operator', version: full }],
    },
  };
}

export function clusterOperators(
  version: OpenShiftVersion,
  since: Date,
  owner: KubeObject,
  pools: { master: string; worker: string; masters: number; workers: number },
): KubeObject[] {
  const full = RELEASES[version].full;
  return [
    clusterOperator(
      'machine-config',
      since,
      version,
      owner,
      `Cluster has deployed [{operator ${full}}]`,
      [
        { group: '', name: MCO_NS, resource: 'namespaces' },
        { group: 'machineconfiguration.openshift.io', name: '', resource: 'machineconfigpools' },
        { group: 'machineconfiguration.openshift.io', name: '', resource: 'controllerconfigs' },
        { group: 'machineconfiguration.openshift.io', name: '', resource: 'kubeletconfigs' },
        { group: 'machineconfiguration.openshift.io', name: '', resource: 'containerruntimeconfigs' },
        { group: 'machineconfiguration.openshift.io', name: '', resource: 'machineconfigs' },
        { group: '', name: '', resource: 'nodes' },
        { group: '', name: 'openshift-kni-infra', resource: 'namespaces' },
        { group: '', name: 'openshift-openstack-infra', resource: 'namespaces' },
        { group: '', name: 'openshift-ovirt-infra', resource: 'namespaces' },
        { group: '', name: 'openshift-vsphere-infra', resource: 'namespaces' },
      ],
      {
        master: `all ${pools.masters} nodes are at latest configuration ${pools.master}`,
        worker: `all ${pools.workers} nodes are at latest configuration ${pools.worker}`,
      },
    ),
    clusterOperator('baremetal', since, version, owner, 'Operational', [
      { group: '', name: MACHINE_API_NS, resource: 'namespaces' },
      { group: 'metal3.io', name: '', namespace: MACHINE_API_NS, resource: 'baremetalhosts' },
      { group: 'metal3.io', name: '', resource: 'provisioning' },
    ]),
    clusterOperator(
      'machine-api',
      since,
      version,
      owner,
      `Cluster Machine API Operator is available at operator: ${full}`,
      [
        { group: '', name: MACHINE_API_NS, resource: 'namespaces' },
        { group: 'machine.openshift.io', name: '', namespace: MACHINE_API_NS, resource: 'machines' },
        { group: 'machine.openshift.io', name: '', namespace: MACHINE_API_NS, resource: 'machinesets' },
        {
          group: 'machine.openshift.io',
          name: '',
          namespace: MACHINE_API_NS,
          resource: 'machinehealthchecks',
        },
        { group: 'metal3.io', name: '', namespace: MACHINE_API_NS, resource: 'baremetalhosts' },
      ],
    ),
    clusterOperator(
      'kube-apiserver',
      since,
      version,
      owner,
      'StaticPodsAvailable: 3 nodes are active; 3 nodes are at revision 17',
      [
        { group: 'operator.openshift.io', name: 'cluster', resource: 'kubeapiservers' },
        { group: '', name: 'openshift-config', resource: 'namespaces' },
        { group: '', name: 'openshift-config-managed', resource: 'namespaces' },
        { group: '', name: 'openshift-kube-apiserver-operator', resource: 'namespaces' },
        { group: '', name: 'openshift-kube-apiserver', resource: 'namespaces' },
      ],
    ),
  ];
}

/**
 * A ClusterOperator's status as its operator writes it when a sync fails: Degraded True with the
 * reason and message, Progressing False, Available as given (library-go and machine-api-operator
 * statusDegraded keep Available as it was unless the operand is gone).
 */
export function degradeClusterOperator(
  co: KubeObject,
  degraded: { reason: string; message: string; available?: boolean },
  since: Date,
): KubeObject {
  const t = iso(since);
  const status = (co.status ?? {}) as { conditions?: Array<Record<string, unknown>> };
  const conditions = (status.conditions ?? []).map((c) => {
    if (c['type'] === 'Degraded')
      return {
        lastTransitionTime: t,
        message: degraded.message,
        reason: degraded.reason,
        status: 'True',
        type: 'Degraded',
      };
    if (c['type'] === 'Available' && degraded.available === false)
      return {
        ...c,
        lastTransitionTime: t,
        status: 'False',
        reason: degraded.reason,
        message: degraded.message,
      };
    return c;
  });
  return { ...co, status: { ...status, conditions } };
}
