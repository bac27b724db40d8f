/**
 * The Machine API objects (metal3-redfish-csr.md §4): the worker MachineSet and a Machine per
 * consumed host, linked to its BareMetalHost by annotation, providerID and addresses.
 */
import type { KubeObject } from '../../kube/types.js';
import { iso, MACHINE_API_NS, meta, ownerRef } from './meta.js';

export function providerSpec(userDataSecret: string): Record<string, unknown> {
  return {
    value: {
      apiVersion: 'baremetal.cluster.k8s.io/v1alpha1',
      customDeploy: { method: 'install_coreos' },
      hostSelector: {},
      image: { checksum: '', url: '' },
      kind: 'BareMetalMachineProviderSpec',
      metadata: { creationTimestamp: null },
      userData: { name: userDataSecret },
    },
  };
}

function machineLabels(
  infra: string,
  role: 'master' | 'worker',
  machineSet?: string,
): Record<string, string> {
  return {
    'machine.openshift.io/cluster-api-cluster': infra,
    'machine.openshift.io/cluster-api-machine-role': role,
    'machine.openshift.io/cluster-api-machine-type': role,
    ...(machineSet ? { 'machine.openshift.io/cluster-api-machineset': machineSet } : {}),
  };
}

export function workerMachineSet(
  infra: string,
  replicas: number,
  userDataSecret: string,
  created: Date,
): KubeObject {
  const name = `${infra}-worker-0`;
  return {
    apiVersion: 'machine.openshift.io/v1beta1',
    kind: 'MachineSet',
    metadata: meta(name, created, {
      namespace: MACHINE_API_NS,
      annotations: {
        'capacity.cluster-autoscaler.kubernetes.io/labels': 'kubernetes.io/arch=amd64',
        'machine.openshift.io/memoryMb': '196608',
        'machine.openshift.io/vCPU': '32',
      },
      generation: 1,
      labels: {
        'machine.openshift.io/cluster-api-cluster': infra,
        'machine.openshift.io/cluster-api-machine-role': 'worker',
        'machine.openshift.io/cluster-api-machine-type': 'worker',
      },
    }),
    spec: {
      replicas,
      selector: {
        matchLabels: {
          'machine.openshift.io/cluster-api-cluster': infra,
          'machine.openshift.io/cluster-api-machineset': name,
        },
      },
      template: {
        metadata: { labels: machineLabels(infra, 'worker', name) },
        spec: { lifecycleHooks: {}, metadata: {}, providerSpec: providerSpec(userDataSecret) },
      },
    },
    status: {
      availableReplicas: replicas,
      fullyLabeledReplicas: replicas,
      observedGeneration: 1,
      readyReplicas: replicas,
      replicas,
    },
  };
}

export interface MachinePlan {
  name: string;
  role: 'master' | 'worker';
  infra: string;
  machineSet?: KubeObject;
  userDataSecret: string;
  created: Date;
  /** The host the actuator picked (annotation set), with its addresses once copied. */
  bmh?: KubeObject;
  /** The BMH's provisioning state (instance-state annotation). */
  instanceState?: string;
  addresses?: { ip: string; hostname: string };
  node?: KubeObject;
  phase: 'Provisioning' | 'Provisioned' | 'Running';
}

export function machine(plan: MachinePlan): KubeObject {
  const ms = plan.machineSet;
  const bmh = plan.bmh;
  return {
    apiVersion: 'machine.openshift.io/v1beta1',
    kind: 'Machine',
    metadata: meta(plan.name, plan.created, {
      namespace: MACHINE_API_NS,
      ...(bmh
        ? {
            annotations: {
              'machine.openshift.io/instance-state': plan.instanceState ?? 'provisioned',
              'metal3.io/BareMetalHost': `${MACHINE_API_NS}/${bmh.metadata.name}`,
            },
          }
        : {}),
      finalizers: ['machine.machine.openshift.io'],
      ...(ms ? { generateName: `${ms.metadata.name}-` } : {}),
      generation: 1,
      labels: machineLabels(plan.infra, plan.role, ms?.metadata.name),
      ...(ms ? { ownerReferences: [ownerRef(ms)] } : {}),
    }),
    spec: {
      lifecycleHooks: {},
      metadata: {},
      ...(bmh && plan.phase !== 'Provisioning'
        ? { providerID: `baremetalhost:///${MACHINE_API_NS}/${bmh.metadata.name}/${bmh.metadata.uid}` }
        : {}),
      providerSpec: providerSpec(plan.userDataSecret),
    },
    status: {
      ...(plan.addresses
        ? {
            addresses: [
              { address: plan.addresses.ip, type: 'InternalIP' },
              { address: plan.addresses.hostname, type: 'Hostname' },
              { address: plan.addresses.hostname, type: 'InternalDNS' },
            ],
          }
        : {}),
      lastUpdated: iso(plan.created),
      ...(plan.node
        ? { nodeRef: { kind: 'Node', name: plan.node.metadata.name, uid: plan.node.metadata.uid } }
        : {}),
      phase: plan.phase,
    },
  };
}
