import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BareMetalOperator } from '../../../../src/sim/controllers/metal3/baremetal-operator.js';
import {
  addHost,
  bmcSecret,
  buildHarness,
  events,
  getBmh,
  hostSeeds,
  NS,
  sleep,
  userDataSecret,
  waitFor,
  type Harness,
  type Json,
} from './sim-harness.js';

const IMAGE = {
  url: 'http://127.0.0.1:6181/images/rhcos.qcow2',
  checksum: 'http://127.0.0.1:6181/images/rhcos.qcow2.sha256',
};

async function started(h: Harness): Promise<BareMetalOperator> {
  const bmo = new BareMetalOperator();
  await bmo.start(h.ctx);
  return bmo;
}

function patchBmh(h: Harness, name: string, change: (bmh: Json) => void): void {
  h.store.mutate(h.store.type('baremetalhosts', 'metal3.io'), NS, name, (obj) => {
    change(obj as Json);
  });
}

describe('BareMetalOperator', () => {
  const harnesses: Harness[] = [];
  const operators: BareMetalOperator[] = [];
  after(async () => {
    for (const o of operators) await o.stop();
    for (const h of harnesses) h.abort();
  });
  const setup = async (seeds = hostSeeds(2)): Promise<Harness> => {
    const h = buildHarness(seeds);
    harnesses.push(h);
    operators.push(await started(h));
    return h;
  };

  it('registers, inspects and prepares a new host until it is available', async () => {
    const h = await setup();
    const states: string[] = [];
    h.store.watch(
      h.store.type('baremetalhosts', 'metal3.io'),
      { resourceVersion: h.store.resourceVersion() },
      (e) => {
        const s = (e.object.status as Json)?.provisioning?.state;
        if (s !== undefined && states[states.length - 1] !== s) states.push(s);
      },
    );
    addHost(h, 0);
    const bmh = await waitFor('available', () => {
      const b = getBmh(h, 'worker-0');
      return b.status?.provisioning?.state === 'available' && b;
    });
    assert.deepEqual(states, ['registering', 'inspecting', 'preparing', 'available']);
    const st = bmh.status;
    assert.equal(st.operationalStatus, 'OK');
    assert.equal(st.errorMessage, '');
    assert.equal(st.errorType, undefined);
    assert.match(st.provisioning.ID, /^[0-9a-f-]{36}$/);
    const secret = h.store.mustGet(h.store.type('secrets', ''), NS, 'worker-0-bmc-secret');
    assert.deepEqual(st.goodCredentials, {
      credentials: { name: 'worker-0-bmc-secret', namespace: NS },
      credentialsVersion: secret.metadata.resourceVersion,
    });
    assert.deepEqual(st.triedCredentials, st.goodCredentials);
    assert.equal(st.hardware.hostname, 'worker-0.sim.example.test');
    assert.deepEqual(
      st.hardware.nics.map((n: Json) => [n.mac, n.ip]),
      [['52:54:00:00:00:10', h.network.hostIp(0)]],
    );
    assert.equal(st.hardwareProfile, 'unknown');
    assert.equal(st.poweredOn, false);
    assert.ok(st.lastUpdated);
    assert.ok(st.operationHistory.register.end && st.operationHistory.inspect.end);
    const reasons = events(h, 'worker-0').map((e) => e.reason);
    assert.deepEqual(reasons, ['Registered', 'InspectionStarted', 'InspectionComplete']);
  });

  it('provisions the user-data onto the config drive once and never follows later edits of the secret', async () => {
    const h = await setup();
    const machine = h.ctx.hosts.get('worker-1');
    assert.ok(machine);
    h.store.create(h.store.type('secrets', ''), userDataSecret('worker-user-data-managed', 'pointer-v1'));
    addHost(h, 1, { image: IMAGE, userData: { name: 'worker-user-data-managed' } });
    await waitFor('provisioned', () => getBmh(h, 'worker-1').status?.provisioning?.state === 'provisioned');
    assert.equal(machine.configDrive, 'pointer-v1');
    assert.equal(machine.power, 'On');
    const bmh = getBmh(h, 'worker-1');
    assert.deepEqual(bmh.status.provisioning.image, IMAGE);
    assert.equal(bmh.status.poweredOn, true);
    assert.ok(
      events(h, 'worker-1').some((e) => e.reason === 'ProvisioningComplete' && e.message.includes(IMAGE.url)),
    );

    h.store.update(h.store.type('secrets', ''), userDataSecret('worker-user-data-managed', 'pointer-v2'));
    await sleep(300);
    assert.equal(machine.configDrive, 'pointer-v1');
    assert.equal(getBmh(h, 'worker-1').status.provisioning.state, 'provisioned');

    patchBmh(h, 'worker-1', (b) => delete b.spec.image);
    await waitFor('deprovisioned', () => getBmh(h, 'worker-1').status?.provisioning?.state === 'available');
    assert.equal(machine.configDrive, undefined);
    assert.equal(machine.power, 'Off');
    assert.deepEqual(getBmh(h, 'worker-1').status.provisioning.image, { url: '' });

    patchBmh(h, 'worker-1', (b) => (b.spec.image = IMAGE));
    await waitFor(
      'provisioned again',
      () => getBmh(h, 'worker-1').status?.provisioning?.state === 'provisioned',
    );
    assert.equal(machine.configDrive, 'pointer-v2');
  });

  it('keeps a host in provisioning while its user-data secret is missing, then provisions it', async () => {
    const h = await setup();
    addHost(h, 0, { image: IMAGE, userData: { name: 'late-user-data' } });
    await waitFor('provisioning', () => getBmh(h, 'worker-0').status?.provisioning?.state === 'provisioning');
    await sleep(400);
    const stuck = getBmh(h, 'worker-0');
    assert.equal(stuck.status.provisioning.state, 'provisioning');
    assert.equal(stuck.status.errorMessage, '');
    const log = h.ctx.podLogs
      .keys()
      .map((k) => h.ctx.podLogs.find(k)?.text() ?? '')
      .join('');
    assert.match(log, /could not retrieve user data: secrets \\"late-user-data\\" not found/);
    h.store.create(h.store.type('secrets', ''), userDataSecret('late-user-data', 'late'));
    await waitFor(
      'provisioned',
      () => getBmh(h, 'worker-0').status?.provisioning?.state === 'provisioned',
      8000,
    );
    assert.equal(h.ctx.hosts.get('worker-0')?.configDrive, 'late');
  });

  it('reports a wrong BMC password as a registration error and recovers when the secret is fixed', async () => {
    const h = await setup();
    h.store.create(
      h.store.type('secrets', ''),
      bmcSecret('worker-0-bmc-secret', 'admin', 'not-the-password'),
    );
    h.store.create(h.store.type('baremetalhosts', 'metal3.io'), {
      apiVersion: 'metal3.io/v1alpha1',
      kind: 'BareMetalHost',
      metadata: { name: 'worker-0', namespace: NS },
      spec: {
        online: true,
        bmc: {
          address: `redfish+http://${h.network.bmcIp(0)}:8000/redfish/v1/Systems/437XR1138R2`,
          credentialsName: 'worker-0-bmc-secret',
        },
      },
    });
    const failed = await waitFor('registration error', () => {
      const b = getBmh(h, 'worker-0');
      return b.status?.errorType === 'registration error' && b;
    });
    assert.equal(failed.status.provisioning.state, 'registering');
    assert.equal(failed.status.operationalStatus, 'error');
    assert.ok(failed.status.errorCount >= 1);
    assert.match(
      failed.status.errorMessage,
      new RegExp(
        `^Failed to get power state for node ${failed.status.provisioning.ID}\\. Error: HTTP GET http://${h.network.bmcIp(0).replaceAll('.', '\\.')}:8000/redfish/v1/Systems/437XR1138R2 returned code 401\\.`,
      ),
    );
    assert.doesNotMatch(failed.status.errorMessage, /not-the-password/);
    assert.ok(
      events(h, 'worker-0').some((e) => e.reason === 'RegistrationError' && e.message.includes('401')),
    );
    assert.equal(failed.status.goodCredentials.credentials, undefined);

    h.store.update(h.store.type('secrets', ''), bmcSecret('worker-0-bmc-secret', 'admin', ' bmc-pw-0\n'));
    const ok = await waitFor('available', () => {
      const b = getBmh(h, 'worker-0');
      return b.status?.provisioning?.state === 'available' && b;
    });
    assert.equal(ok.status.operationalStatus, 'OK');
    assert.equal(ok.status.errorMessage, '');
    assert.equal(ok.status.errorCount, 0);
  });

  it('uses BMO messages for a missing secret, empty fields and an unknown BMC type', async () => {
    const h = await setup();
    h.store.create(h.store.type('baremetalhosts', 'metal3.io'), {
      apiVersion: 'metal3.io/v1alpha1',
      kind: 'BareMetalHost',
      metadata: { name: 'worker-0', namespace: NS },
      spec: {
        online: true,
        bmc: { address: `ipmi://${h.network.bmcIp(0)}`, credentialsName: 'worker-0-bmc-secret' },
      },
    });
    const missing = await waitFor('missing secret', () => getBmh(h, 'worker-0').status?.errorMessage);
    assert.equal(
      missing,
      `BMC CredentialsName secret doesn't exist The BMC secret ${NS}/worker-0-bmc-secret does not exist`,
    );
    assert.ok(events(h, 'worker-0').some((e) => e.reason === 'BMCCredentialError'));
    h.store.create(h.store.type('secrets', ''), bmcSecret('worker-0-bmc-secret', 'admin', '  '));
    await waitFor('empty password', () =>
      getBmh(h, 'worker-0').status?.errorMessage?.endsWith(
        "Missing BMC connection details 'password' in credentials",
      ),
    );
    patchBmh(h, 'worker-0', (b) => (b.spec.bmc.address = `foo://${h.network.bmcIp(0)}`));
    h.store.update(h.store.type('secrets', ''), bmcSecret('worker-0-bmc-secret', 'admin', 'bmc-pw-0'));
    await waitFor('unknown type', () =>
      getBmh(h, 'worker-0').status?.errorMessage?.startsWith("Unknown BMC type 'foo' for address foo://"),
    );
    assert.equal(getBmh(h, 'worker-0').status.errorType, 'registration error');
    // an IPMI-only machine registers over IPMI
    patchBmh(h, 'worker-0', (b) => (b.spec.bmc.address = `${h.network.bmcIp(0)}:623`));
    await waitFor(
      'available over ipmi',
      () => getBmh(h, 'worker-0').status?.provisioning?.state === 'available',
    );
  });

  it('skips inspection when it is disabled', async () => {
    const h = await setup();
    addHost(h, 0, { inspectionMode: 'disabled' });
    await waitFor('available', () => getBmh(h, 'worker-0').status?.provisioning?.state === 'available');
    assert.equal(getBmh(h, 'worker-0').status.hardware, undefined);
    assert.deepEqual(
      events(h, 'worker-0').map((e) => e.reason),
      ['Registered', 'InspectionSkipped'],
    );
  });

  it('follows spec.online and the reboot annotations on a provisioned host', async () => {
    const h = await setup();
    const machine = h.ctx.hosts.get('worker-0');
    assert.ok(machine);
    h.store.create(h.store.type('secrets', ''), userDataSecret('ud', 'pointer'));
    addHost(h, 0, { image: IMAGE, userData: { name: 'ud' } });
    await waitFor('provisioned', () => getBmh(h, 'worker-0').status?.provisioning?.state === 'provisioned');
    const powers: string[] = [];
    machine.onPower((state) => powers.push(state));

    patchBmh(h, 'worker-0', (b) => (b.spec.online = false));
    await waitFor('off', () => getBmh(h, 'worker-0').status.poweredOn === false);
    assert.equal(machine.power, 'Off');
    assert.ok(events(h, 'worker-0').some((e) => e.reason === 'PowerOff'));
    patchBmh(h, 'worker-0', (b) => (b.spec.online = true));
    await waitFor('on', () => getBmh(h, 'worker-0').status.poweredOn === true);

    powers.length = 0;
    patchBmh(h, 'worker-0', (b) => (b.metadata.annotations = { 'reboot.metal3.io': '{"mode":"hard"}' }));
    await waitFor('reboot done', () => {
      const b = getBmh(h, 'worker-0');
      return !b.metadata.annotations?.['reboot.metal3.io'] && b.status.poweredOn === true;
    });
    assert.deepEqual(powers, ['Off', 'On']);
    assert.ok(events(h, 'worker-0').some((e) => e.reason === 'PowerOff' && e.message === 'Host powered off'));

    powers.length = 0;
    patchBmh(
      h,
      'worker-0',
      (b) => (b.metadata.annotations = { 'reboot.metal3.io/capbm-requested-power-off': '' }),
    );
    await waitFor('held off', () => getBmh(h, 'worker-0').status.poweredOn === false);
    await sleep(100);
    assert.equal(machine.power, 'Off');
    assert.ok(
      getBmh(h, 'worker-0').metadata.annotations['reboot.metal3.io/capbm-requested-power-off'] === '',
    );
    patchBmh(h, 'worker-0', (b) => delete b.metadata.annotations);
    await waitFor('back on', () => machine.power === 'On');
    assert.deepEqual(powers, ['Off', 'On']);
  });

  it('leaves 1000 settled provisioned hosts alone: no writes, no timers', async () => {
    const seeds = hostSeeds(1000, () => ({ poweredOn: true, configDrive: 'pointer', joined: true }));
    const h = buildHarness(seeds);
    harnesses.push(h);
    const secrets = h.store.type('secrets', '');
    const bmhs = h.store.type('baremetalhosts', 'metal3.io');
    h.store.create(secrets, userDataSecret('worker-user-data-managed', 'pointer'));
    for (const seed of seeds) {
      const secret = h.store.create(
        secrets,
        bmcSecret(`${seed.name}-bmc-secret`, 'admin', seed.bmc.password),
      );
      const creds = {
        credentials: { name: secret.metadata.name, namespace: NS },
        credentialsVersion: secret.metadata.resourceVersion,
      };
      h.store.apply(bmhs, {
        apiVersion: 'metal3.io/v1alpha1',
        kind: 'BareMetalHost',
        metadata: { name: seed.name, namespace: NS },
        spec: {
          online: true,
          bootMACAddress: '52:54:00:aa:bb:cc',
          bmc: {
            address: `redfish-virtualmedia://${h.network.bmcIp(seed.index)}/redfish/v1/Systems/437XR1138R2`,
            credentialsName: secret.metadata.name,
          },
          image: IMAGE,
          userData: { name: 'worker-user-data-managed', namespace: NS },
          consumerRef: {
            apiVersion: 'machine.openshift.io/v1beta1',
            kind: 'Machine',
            name: seed.name,
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
          provisioning: { state: 'provisioned', ID: `id-${seed.index}`, image: IMAGE },
        },
      });
    }
    const before = h.store.resourceVersion();
    const bmo = await started(h);
    operators.push(bmo);
    await sleep(50);
    assert.equal(h.store.resourceVersion(), before, 'no object was written');
    assert.equal(bmo.pendingTimers, 0);
    // and they are still managed: a power change from outside shows in the status
    h.ctx.hosts.get('worker-7')?.setPower('Off', 'test');
    assert.equal(getBmh(h, 'worker-7').status.poweredOn, false);
  });
});
