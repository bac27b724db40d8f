/**
 * Where the real must-gather (`oc adm inspect` under openshift/must-gather's gather scripts)
 * puts each kind, as the OCP must-gather in ../shared/data shows:
 *  - core namespaced kinds: one list per namespace, `namespaces/<ns>/core/<plural>.yaml`
 *    (empty lists included); apps likewise under `apps/`;
 *  - custom resources: one file per object, `namespaces/<ns>/<group>/<plural>/<name>.yaml`;
 *  - cluster-scoped: one file per object, `cluster-scoped-resources/<group>/<plural>/<name>.yaml`;
 *    config.openshift.io has the list file `<plural>.yaml` as well;
 *  - the namespace itself: `namespaces/<ns>/<ns>.yaml`;
 *  - pods also get `pods/<pod>/<pod>.yaml` and their logs.
 */
export interface KindLayout {
  group: string;
  plural: string;
  namespaced: boolean;
  /** `<plural>.yaml` list file. */
  list: boolean;
  /** `<plural>/<name>.yaml` per object. */
  perObject: boolean;
  /** Written (empty) even when there is no object of the kind. */
  always?: boolean;
  /** The file starts without the `---` separator (the ClusterVersion is fetched apart). */
  bare?: boolean;
}

export const KIND_LAYOUTS: Record<string, KindLayout> = {
  Pod: { group: 'core', plural: 'pods', namespaced: true, list: true, perObject: false, always: true },
  Secret: { group: 'core', plural: 'secrets', namespaced: true, list: true, perObject: false, always: true },
  ConfigMap: {
    group: 'core',
    plural: 'configmaps',
    namespaced: true,
    list: true,
    perObject: false,
    always: true,
  },
  Event: { group: 'core', plural: 'events', namespaced: true, list: true, perObject: false, always: true },
  Service: {
    group: 'core',
    plural: 'services',
    namespaced: true,
    list: true,
    perObject: false,
    always: true,
  },
  Endpoints: {
    group: 'core',
    plural: 'endpoints',
    namespaced: true,
    list: true,
    perObject: false,
    always: true,
  },
  DaemonSet: {
    group: 'apps',
    plural: 'daemonsets',
    namespaced: true,
    list: true,
    perObject: false,
    always: true,
  },
  BareMetalHost: {
    group: 'metal3.io',
    plural: 'baremetalhosts',
    namespaced: true,
    list: false,
    perObject: true,
  },
  Machine: {
    group: 'machine.openshift.io',
    plural: 'machines',
    namespaced: true,
    list: false,
    perObject: true,
  },
  MachineSet: {
    group: 'machine.openshift.io',
    plural: 'machinesets',
    namespaced: true,
    list: false,
    perObject: true,
  },
  Node: { group: 'core', plural: 'nodes', namespaced: false, list: false, perObject: true },
  CertificateSigningRequest: {
    group: 'certificates.k8s.io',
    plural: 'certificatesigningrequests',
    namespaced: false,
    list: false,
    perObject: true,
  },
  MachineConfig: {
    group: 'machineconfiguration.openshift.io',
    plural: 'machineconfigs',
    namespaced: false,
    list: false,
    perObject: true,
  },
  MachineConfigPool: {
    group: 'machineconfiguration.openshift.io',
    plural: 'machineconfigpools',
    namespaced: false,
    list: false,
    perObject: true,
  },
  Infrastructure: {
    group: 'config.openshift.io',
    plural: 'infrastructures',
    namespaced: false,
    list: true,
    perObject: true,
  },
  ClusterVersion: {
    group: 'config.openshift.io',
    plural: 'clusterversions',
    namespaced: false,
    list: true,
    perObject: true,
    bare: true,
  },
  ClusterOperator: {
    group: 'config.openshift.io',
    plural: 'clusteroperators',
    namespaced: false,
    list: true,
    perObject: true,
  },
};

/** Namespaced lists the real archive has for every namespace even though the simulator has no such objects. */
export const EMPTY_NAMESPACED_LISTS: readonly {
  group: string;
  plural: string;
  apiVersion: string;
  listKind: string;
}[] = [
  {
    group: 'core',
    plural: 'replicationcontrollers',
    apiVersion: 'v1',
    listKind: 'ReplicationControllerList',
  },
  {
    group: 'core',
    plural: 'persistentvolumeclaims',
    apiVersion: 'v1',
    listKind: 'PersistentVolumeClaimList',
  },
  { group: 'apps', plural: 'deployments', apiVersion: 'apps/v1', listKind: 'DeploymentList' },
  { group: 'apps', plural: 'replicasets', apiVersion: 'apps/v1', listKind: 'ReplicaSetList' },
  { group: 'apps', plural: 'statefulsets', apiVersion: 'apps/v1', listKind: 'StatefulSetList' },
];
