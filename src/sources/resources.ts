/** The resource types diagnose reads, named as the API serves them. */
import type { ResourceRef } from './types.js';

function ref(group: string, version: string, kind: string, plural: string, namespaced: boolean): ResourceRef {
  return { group, version, kind, plural, namespaced };
}

export const RESOURCES = {
  pods: ref('', 'v1', 'Pod', 'pods', true),
  secrets: ref('', 'v1', 'Secret', 'secrets', true),
  configMaps: ref('', 'v1', 'ConfigMap', 'configmaps', true),
  nodes: ref('', 'v1', 'Node', 'nodes', false),
  events: ref('', 'v1', 'Event', 'events', true),
  daemonSets: ref('apps', 'v1', 'DaemonSet', 'daemonsets', true),
  csrs: ref('certificates.k8s.io', 'v1', 'CertificateSigningRequest', 'certificatesigningrequests', false),
  bareMetalHosts: ref('metal3.io', 'v1alpha1', 'BareMetalHost', 'baremetalhosts', true),
  machines: ref('machine.openshift.io', 'v1beta1', 'Machine', 'machines', true),
  machineSets: ref('machine.openshift.io', 'v1beta1', 'MachineSet', 'machinesets', true),
  infrastructures: ref('config.openshift.io', 'v1', 'Infrastructure', 'infrastructures', false),
  clusterVersions: ref('config.openshift.io', 'v1', 'ClusterVersion', 'clusterversions', false),
  clusterOperators: ref('config.openshift.io', 'v1', 'ClusterOperator', 'clusteroperators', false),
} as const satisfies Record<string, ResourceRef>;

export type ResourceName = keyof typeof RESOURCES;

/** `baremetalhosts.metal3.io`, or `pods` for the core group: the name RBAC rules and errors use. */
export function qualifiedName(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

/** The group a must-gather directory is named after (`core` for the core group). */
export function mustGatherGroup(ref: ResourceRef): string {
  return ref.group || 'core';
}
