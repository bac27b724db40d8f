/**
 * user-data-references reads the user-data secret of a MachineSet of every platform: bare metal
 * names it in providerSpec.value.userData (a SecretReference), AWS, GCP, vSphere, Nutanix and
 * the others in providerSpec.value.userDataSecret (a LocalObjectReference), Azure and OpenStack
 * in userDataSecret as a SecretReference that may carry a namespace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { machineUserDataRef } from '../../src/checks/facts/machine-user-data.js';
import { userDataReferences } from '../../src/checks/rules/user-data-refs.js';
import type { KubeObject } from '../../src/sources/types.js';
import { factsOf, MAPI, opaqueSecret } from './facts-of.js';

const now = new Date('2026-11-20T10:00:00Z');

function machineSet(name: string, value: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'machine.openshift.io/v1beta1',
    kind: 'MachineSet',
    metadata: { name, namespace: MAPI },
    spec: {
      replicas: 1,
      template: { metadata: {}, spec: { providerSpec: { value } } },
    },
  };
}

// Shapes as the installer writes them (openshift/api machine/v1beta1, cluster-api-provider-baremetal).
const baremetal = machineSet('ocp-worker-0', {
  apiVersion: 'baremetal.cluster.k8s.io/v1alpha1',
  kind: 'BareMetalMachineProviderSpec',
  customDeploy: { method: 'install_coreos' },
  userData: { name: 'worker-user-data-managed', namespace: MAPI },
});
const aws = machineSet('ocp-worker-us-east-1a', {
  apiVersion: 'machine.openshift.io/v1beta1',
  kind: 'AWSMachineProviderConfig',
  instanceType: 'm6i.xlarge',
  credentialsSecret: { name: 'aws-cloud-credentials' },
  userDataSecret: { name: 'worker-user-data' },
});
const vsphere = machineSet('ocp-worker-vsphere', {
  apiVersion: 'machine.openshift.io/v1beta1',
  kind: 'VSphereMachineProviderSpec',
  credentialsSecret: { name: 'vsphere-cloud-credentials' },
  userDataSecret: { name: 'worker-user-data' },
  numCPUs: 4,
});
const azure = machineSet('ocp-worker-eastus1', {
  apiVersion: 'machine.openshift.io/v1beta1',
  kind: 'AzureMachineProviderSpec',
  credentialsSecret: { name: 'azure-cloud-credentials', namespace: 'openshift-machine-api' },
  userDataSecret: { name: 'worker-user-data', namespace: 'openshift-machine-api' },
  vmSize: 'Standard_D4s_v3',
});
const gcpOtherSecret = machineSet('ocp-worker-gcp', {
  apiVersion: 'machine.openshift.io/v1beta1',
  kind: 'GCPMachineProviderSpec',
  userDataSecret: { name: 'custom-user-data' },
});
const none = machineSet('ocp-worker-none', {
  apiVersion: 'machine.openshift.io/v1beta1',
  kind: 'AWSMachineProviderConfig',
});

const pointer = JSON.stringify({
  ignition: {
    version: '3.2.0',
    config: { merge: [{ source: 'https://api-int.c.example.com:22623/config/worker' }] },
  },
});
const secrets = [
  opaqueSecret(MAPI, 'worker-user-data', { userData: pointer }),
  opaqueSecret(MAPI, 'worker-user-data-managed', { userData: pointer }),
];

test('the user-data secret of a MachineSet, from either providerSpec field', () => {
  assert.deepEqual(machineUserDataRef(baremetal), {
    name: 'worker-user-data-managed',
    namespace: MAPI,
    field: 'userData',
  });
  assert.deepEqual(machineUserDataRef(aws), {
    name: 'worker-user-data',
    namespace: MAPI,
    field: 'userDataSecret',
  });
  assert.deepEqual(machineUserDataRef(vsphere), {
    name: 'worker-user-data',
    namespace: MAPI,
    field: 'userDataSecret',
  });
  assert.deepEqual(machineUserDataRef(azure), {
    name: 'worker-user-data',
    namespace: 'openshift-machine-api',
    field: 'userDataSecret',
  });
  assert.equal(machineUserDataRef(none), undefined);
  // A Machine carries the same providerSpec under spec directly.
  const machine: KubeObject = {
    apiVersion: 'machine.openshift.io/v1beta1',
    kind: 'Machine',
    metadata: { name: 'ocp-worker-us-east-1a-x7k2p', namespace: MAPI },
    spec: { providerSpec: { value: { userDataSecret: { name: 'worker-user-data' } } } },
  };
  assert.equal(machineUserDataRef(machine)?.name, 'worker-user-data');
});

test('user-data-references reports each MachineSet of every platform with its secret', async () => {
  const facts = await factsOf({
    objects: [...secrets, baremetal, aws, vsphere, azure, gcpOtherSecret, none],
    now,
  });
  const lines = userDataReferences.run(facts).map((f) => `${f.status} ${f.message}`);
  assert.deepEqual(lines, [
    'pass MachineSet ocp-worker-0 (BareMetal) uses openshift-machine-api/worker-user-data-managed (providerSpec.value.userData)',
    'pass MachineSet ocp-worker-us-east-1a (AWS) uses openshift-machine-api/worker-user-data (providerSpec.value.userDataSecret)',
    'pass MachineSet ocp-worker-vsphere (VSphere) uses openshift-machine-api/worker-user-data (providerSpec.value.userDataSecret)',
    'pass MachineSet ocp-worker-eastus1 (Azure) uses openshift-machine-api/worker-user-data (providerSpec.value.userDataSecret)',
    'fail MachineSet ocp-worker-gcp (GCP) uses openshift-machine-api/custom-user-data (providerSpec.value.userDataSecret) (does not exist)',
    'warn MachineSet ocp-worker-none (AWS) names no user-data secret (neither providerSpec.value.userData nor userDataSecret): its machines get no pointer config',
  ]);
  assert.ok(!lines.some((l) => l.includes('no MachineSet')));
});

test('with no MachineSet and no host, it says so', async () => {
  const facts = await factsOf({ objects: secrets, now });
  assert.deepEqual(
    userDataReferences.run(facts).map((f) => `${f.status} ${f.message}`),
    ['skip no MachineSet and no diagnosed BareMetalHost names a user-data secret'],
  );
});
