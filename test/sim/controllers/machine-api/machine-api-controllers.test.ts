import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BareMetalOperator } from '../../../../src/sim/controllers/metal3/baremetal-operator.js';
import { MachineApiControllers } from '../../../../src/sim/controllers/machine-api/machine-api-controllers.js';
import type { KubeObject } from '../../../../src/sim/kube/types.js';
import {
  addHost,
  bmcSecret,
  buildHarness,
  getBmh,
  hostSeeds,
  NS,
  sleep,
  userDataSecret,
  waitFor,
  type Harness,
  type Json,
} from '../metal3/sim-harness.js';

const IMAGE = {
  url: 'http://127.0.0.1:6181/images/rhcos.qcow2',
  checksum: 'http://127.0.0.1:6181/images/rhcos.qcow2.sha256',
};

function machineSet(replicas: number, hostSelector?: Record<string, unknown>): KubeObject {
  const labels = { 'machine.openshift.io/cluster-api-machineset': 'sim-worker-0' };
  return {
    apiVersion: 'machine.openshift.io/v1beta1',
    kind: 'MachineSet',
    metadata: { name: 'sim-worker-0', namespace: NS },
    spec: {
      replicas,
      deletePolicy: 'Newest',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, 'machine.openshift.io/cluster-api-machine-role': 'worker' } },
        spec: {
          metadata: { labels: { 'node-role.kubernetes.io/worker': '' } },
          providerSpec: {
            value: {
              apiVersion: 'baremetal.cluster.k8s.io/v1alpha1',
              kind: 'BareMetalMachineProviderSpec',
              image: IMAGE,
              userData: { name: 'worker-user-data-managed' },
              ...(hostSelector ? { hostSelector } : {}),
            },
          },
        },
      },
    },
  };
}

function scale(h: Harness, replicas: number): void {
  h.store.mutate(h.store.type('machinesets', 'machine.openshift.io'), NS, 'sim-worker-0', (ms) => {
    (ms.spec as { replicas: number }).replicas = replicas;
  });
}

function machines(h: Harness): Json[] {
  return h.store.list(h.store.type('machines', 'machine.openshift.io'), { namespace: NS }).items as Json[];
}

function node(name: string, ip: string, ready = true): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

describe('MachineApiControllers with the BareMetalOperator', () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const s of stops) await s();
  });
  const setup = async (seeds = hostSeeds(2)): Promise<Harness> => {
    const h = buildHarness(seeds);
    const bmo = new BareMetalOperator();
    const mapi = new MachineApiControllers();
    await bmo.start(h.ctx);
    await mapi.start(h.ctx);
    stops.push(async () => {
      await mapi.stop();
      await bmo.stop();
      h.abort();
    });
    return h;
  };

  it('scales up onto an available host, provisions it and links the Node', async () => {
    const h = await setup(hostSeeds(1));
    const machine = h.ctx.hosts.get('worker-0');
    assert.ok(machine);
    h.store.create(h.store.type('secrets', ''), userDataSecret('worker-user-data-managed', 'pointer-v1'));
    addHost(h, 0);
    await waitFor('available', () => getBmh(h, 'worker-0').status?.provisioning?.state === 'available');
    h.store.apply(h.store.type('machinesets', 'machine.openshift.io'), machineSet(1));

    const m = await waitFor('machine', () => machines(h)[0]);
    assert.match(m.metadata.name, /^sim-worker-0-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(m.spec.providerSpec.value.image, IMAGE);
    await waitFor(
      'host provisioned',
      () => getBmh(h, 'worker-0').status?.provisioning?.state === 'provisioned',
    );
    const bmh = getBmh(h, 'worker-0');
    assert.deepEqual(bmh.spec.consumerRef, {
      apiVersion: 'machine.openshift.io/v1beta1',
      kind: 'Machine',
      name: m.metadata.name,
      namespace: NS,
    });
    assert.deepEqual(bmh.spec.userData, { name: 'worker-user-data-managed', namespace: NS });
    assert.equal(bmh.spec.online, true);
    assert.equal(machine.configDrive, 'pointer-v1');
    assert.equal(machine.power, 'On');

    const linked = await waitFor('instance-state provisioned', () => {
      const x = machines(h)[0];
      return x?.metadata.annotations?.['machine.openshift.io/instance-state'] === 'provisioned' && x;
    });
    assert.equal(linked.metadata.annotations['metal3.io/BareMetalHost'], `${NS}/worker-0`);
    assert.equal(linked.spec.providerID, `baremetalhost:///${NS}/worker-0/${bmh.metadata.uid}`);
    assert.deepEqual(linked.status.addresses, [
      { type: 'InternalIP', address: h.network.hostIp(0) },
      { type: 'Hostname', address: 'worker-0.sim.example.test' },
      { type: 'InternalDNS', address: 'worker-0.sim.example.test' },
    ]);
    assert.equal(linked.status.phase, 'Provisioned');

    h.store.create(h.store.type('nodes', ''), node('worker-0.sim.example.test', h.network.hostIp(0)));
    const running = await waitFor('running', () => {
      const x = machines(h)[0];
      return x?.status?.phase === 'Running' && x;
    });
    const n = h.store.mustGet(h.store.type('nodes', ''), undefined, 'worker-0.sim.example.test');
    assert.deepEqual(running.status.nodeRef, { kind: 'Node', name: n.metadata.name, uid: n.metadata.uid });
    assert.equal(n.metadata.annotations?.['machine.openshift.io/machine'], `${NS}/${running.metadata.name}`);
    assert.equal(n.metadata.labels?.['node-role.kubernetes.io/worker'], '');
    await waitFor('node providerID', () => {
      const x = h.store.mustGet(h.store.type('nodes', ''), undefined, 'worker-0.sim.example.test');
      return (x.spec as Json)?.providerID === running.spec.providerID;
    });
    await waitFor('readyReplicas', () => {
      const ms = h.store.mustGet(h.store.type('machinesets', 'machine.openshift.io'), NS, 'sim-worker-0');
      return (ms.status as Json)?.readyReplicas === 1 && (ms.status as Json)?.replicas === 1;
    });

    // the user-data secret changes: the provisioned host keeps what it got
    h.store.update(h.store.type('secrets', ''), userDataSecret('worker-user-data-managed', 'pointer-v2'));
    await sleep(200);
    assert.equal(machine.configDrive, 'pointer-v1');

    // scale down: the Machine goes, the host is deprovisioned and released
    scale(h, 0);
    await waitFor('host released', () => {
      const b = getBmh(h, 'worker-0');
      return b.status?.provisioning?.state === 'available' && !b.spec.consumerRef && b;
    });
    assert.equal(machines(h).length, 0);
    const released = getBmh(h, 'worker-0');
    assert.equal(released.spec.image, undefined);
    assert.equal(released.spec.userData, undefined);
    assert.equal(machine.configDrive, undefined);
    assert.equal(machine.power, 'Off');

    // and up again: the new provisioning takes the current user-data
    scale(h, 1);
    await waitFor(
      'provisioned again',
      () => getBmh(h, 'worker-0').status?.provisioning?.state === 'provisioned',
    );
    assert.equal(machine.configDrive, 'pointer-v2');
  });

  it('marks a Machine InsufficientResources when no host is free, and takes one that becomes available', async () => {
    const h = await setup(hostSeeds(2));
    h.store.create(h.store.type('secrets', ''), userDataSecret('worker-user-data-managed', 'pointer'));
    // worker-0 does not match the selector; worker-1 has the wrong password for now
    addHost(h, 0);
    h.store.create(h.store.type('secrets', ''), bmcSecret('worker-1-bmc-secret', 'admin', 'wrong'));
    h.store.create(h.store.type('baremetalhosts', 'metal3.io'), {
      apiVersion: 'metal3.io/v1alpha1',
      kind: 'BareMetalHost',
      metadata: { name: 'worker-1', namespace: NS, labels: { pool: 'blue' } },
      spec: {
        online: true,
        bmc: { address: `redfish://${h.network.bmcIp(1)}:8000`, credentialsName: 'worker-1-bmc-secret' },
      },
    });
    h.store.apply(
      h.store.type('machinesets', 'machine.openshift.io'),
      machineSet(1, { matchLabels: { pool: 'blue' } }),
    );
    const stuck = await waitFor('insufficient', () => {
      const m = machines(h)[0];
      return m?.status?.errorReason === 'InsufficientResources' && m;
    });
    assert.equal(stuck.status.errorMessage, 'No available BareMetalHost found');
    assert.equal(stuck.status.phase, 'Provisioning');
    await waitFor(
      'worker-0 available',
      () => getBmh(h, 'worker-0').status?.provisioning?.state === 'available',
    );
    await sleep(50);
    assert.equal(getBmh(h, 'worker-0').spec.consumerRef, undefined);

    h.store.update(h.store.type('secrets', ''), bmcSecret('worker-1-bmc-secret', 'admin', 'bmc-pw-1'));
    await waitFor(
      'worker-1 taken',
      () => getBmh(h, 'worker-1').spec?.consumerRef?.name === stuck.metadata.name,
    );
    const m = machines(h)[0];
    assert.equal(m?.status?.errorReason, undefined);
    assert.equal(m?.metadata.annotations?.['metal3.io/BareMetalHost'], `${NS}/worker-1`);
  });

  it('starts on 1000 settled workers without writing anything', async () => {
    const count = 1000;
    const seeds = hostSeeds(count, () => ({ poweredOn: true, configDrive: 'pointer', joined: true }));
    const h = buildHarness(seeds);
    const t = {
      secrets: h.store.type('secrets', ''),
      bmhs: h.store.type('baremetalhosts', 'metal3.io'),
      machines: h.store.type('machines', 'machine.openshift.io'),
      sets: h.store.type('machinesets', 'machine.openshift.io'),
      nodes: h.store.type('nodes', ''),
    };
    h.store.create(t.secrets, userDataSecret('worker-user-data-managed', 'pointer'));
    const set = h.store.apply(t.sets, machineSet(count));
    const labels = (machineSet(count).spec as Json).template.metadata.labels;
    for (const seed of seeds) {
      const secret = h.store.create(
        t.secrets,
        bmcSecret(`${seed.name}-bmc-secret`, 'admin', seed.bmc.password),
      );
      const creds = {
        credentials: { name: secret.metadata.name, namespace: NS },
        credentialsVersion: secret.metadata.resourceVersion,
      };
      const machineName = `sim-worker-0-${seed.index}`;
      const hostname = seed.hostname;
      const ip = h.network.hostIp(seed.index);
      const bmh = h.store.apply(t.bmhs, {
        apiVersion: 'metal3.io/v1alpha1',
        kind: 'BareMetalHost',
        metadata: { name: seed.name, namespace: NS },
        spec: {
          online: true,
          bmc: {
            address: `redfish-virtualmedia://${h.network.bmcIp(seed.index)}/redfish/v1/Systems/437XR1138R2`,
            credentialsName: secret.metadata.name,
          },
          image: IMAGE,
          userData: { name: 'worker-user-data-managed', namespace: NS },
          consumerRef: {
            apiVersion: 'machine.openshift.io/v1beta1',
            kind: 'Machine',
            name: machineName,
            namespace: NS,
          },
        },
        status: {
          operationalStatus: 'OK',
          errorMessage: '',
          errorCount: 0,
          poweredOn: true,
          goodCredentials: creds,
          triedCredentials: creds,
          hardware: { hostname, nics: [{ name: 'eno1', mac: '52:54:00:aa:bb:cc', ip }] },
          provisioning: { state: 'provisioned', ID: `id-${seed.index}`, image: IMAGE },
        },
      });
      const providerID = `baremetalhost:///${NS}/${seed.name}/${bmh.metadata.uid}`;
      const n = h.store.apply(t.nodes, { ...node(hostname, ip), spec: { providerID } });
      h.store.mutate(t.nodes, undefined, hostname, (x) => {
        x.metadata.annotations = { 'machine.openshift.io/machine': `${NS}/${machineName}` };
        x.metadata.labels = { ...x.metadata.labels, 'node-role.kubernetes.io/worker': '' };
      });
      h.store.apply(t.machines, {
        apiVersion: 'machine.openshift.io/v1beta1',
        kind: 'Machine',
        metadata: {
          name: machineName,
          namespace: NS,
          labels,
          annotations: {
            'metal3.io/BareMetalHost': `${NS}/${seed.name}`,
            'machine.openshift.io/instance-state': 'provisioned',
          },
          ownerReferences: [
            {
              apiVersion: 'machine.openshift.io/v1beta1',
              kind: 'MachineSet',
              name: 'sim-worker-0',
              uid: set.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { ...(machineSet(count).spec as Json).template.spec, providerID },
        status: {
          phase: 'Running',
          addresses: [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: hostname },
            { type: 'InternalDNS', address: hostname },
          ],
          nodeRef: { kind: 'Node', name: hostname, uid: n.metadata.uid },
        },
      });
    }
    h.store.mutate(t.sets, NS, 'sim-worker-0', (x) => {
      x.status = {
        replicas: count,
        fullyLabeledReplicas: count,
        readyReplicas: count,
        availableReplicas: count,
        observedGeneration: 1,
      };
    });
    const before = h.store.resourceVersion();
    const bmo = new BareMetalOperator();
    const mapi = new MachineApiControllers();
    await bmo.start(h.ctx);
    await mapi.start(h.ctx);
    stops.push(async () => {
      await mapi.stop();
      await bmo.stop();
      h.abort();
    });
    await sleep(100);
    assert.equal(h.store.resourceVersion(), before, 'no object was written');
    assert.equal(bmo.pendingTimers, 0);
  });
});
