/**
 * The resource types the simulated cluster serves, with the names, short names, scopes and
 * verbs the real APIs have (kubectl's discovery and `get bmh` / `get csr` / `get mcp` rely on them).
 */
import type { ResourceType } from './types.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_VERBS = ['get', 'list', 'watch'];

function rt(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    listKind: `${kind}List`,
    namespaced,
    shortNames: [],
    verbs: ALL_VERBS,
    subresources: [],
    ...extra,
  };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  rt('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status'] }),
  rt('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    subresources: ['status', 'log'],
    categories: ['all'],
  }),
  rt('', 'v1', 'Secret', 'secrets', true),
  rt('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  rt('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  rt('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  rt('', 'v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    subresources: ['status'],
    categories: ['all'],
  }),
  rt('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  rt('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  rt('apps', 'v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  rt('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  rt('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  rt('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  // The Prometheus Operator's CRDs, as OpenShift's monitoring stack serves them.
  rt('monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors', true, { shortNames: ['smon'] }),
  rt('monitoring.coreos.com', 'v1', 'PrometheusRule', 'prometheusrules', true, { shortNames: ['promrule'] }),
  rt('apps', 'v1', 'DaemonSet', 'daemonsets', true, {
    shortNames: ['ds'],
    subresources: ['status'],
    categories: ['all'],
  }),
  rt('certificates.k8s.io', 'v1', 'CertificateSigningRequest', 'certificatesigningrequests', false, {
    shortNames: ['csr'],
    subresources: ['status', 'approval'],
  }),
  rt('metal3.io', 'v1alpha1', 'BareMetalHost', 'baremetalhosts', true, {
    shortNames: ['bmh', 'bmhost'],
    subresources: ['status'],
  }),
  rt('machine.openshift.io', 'v1beta1', 'Machine', 'machines', true, {
    shortNames: ['ma'],
    subresources: ['status'],
  }),
  rt('machine.openshift.io', 'v1beta1', 'MachineSet', 'machinesets', true, {
    shortNames: ['ms'],
    subresources: ['status', 'scale'],
  }),
  rt('machineconfiguration.openshift.io', 'v1', 'MachineConfig', 'machineconfigs', false, {
    shortNames: ['mc'],
  }),
  rt('machineconfiguration.openshift.io', 'v1', 'MachineConfigPool', 'machineconfigpools', false, {
    shortNames: ['mcp'],
    subresources: ['status'],
  }),
  rt('config.openshift.io', 'v1', 'Infrastructure', 'infrastructures', false, { subresources: ['status'] }),
  rt('config.openshift.io', 'v1', 'ClusterVersion', 'clusterversions', false, { subresources: ['status'] }),
  rt('config.openshift.io', 'v1', 'ClusterOperator', 'clusteroperators', false, {
    shortNames: ['co'],
    subresources: ['status'],
  }),
];

export { READ_VERBS };

/** Finds a type by plural, singular, kind or short name (case-insensitive), optionally within a group. */
export function findResourceType(
  name: string,
  group?: string,
  types: readonly ResourceType[] = RESOURCE_TYPES,
): ResourceType | undefined {
  const n = name.toLowerCase();
  return types.find(
    (t) =>
      (group === undefined || t.group === group) &&
      (t.plural === n || t.singular === n || t.kind.toLowerCase() === n || t.shortNames.includes(n)),
  );
}

/** The type for an apiVersion + kind pair, as in a manifest. */
export function resourceTypeForKind(
  apiVersion: string,
  kind: string,
  types: readonly ResourceType[] = RESOURCE_TYPES,
): ResourceType | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return types.find((t) => t.group === group && t.version === version && t.kind === kind);
}

/** Map key of a type: `plural.group` (core: `plural`). */
export function resourceKey(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return t.group === '' ? t.plural : `${t.plural}.${t.group}`;
}
