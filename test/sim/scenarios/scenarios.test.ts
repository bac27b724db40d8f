import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAUSE_IDS } from '../../../src/core/causes.js';
import { parsePointer } from '../../../src/ignition/pointer.js';
import { keyMatchesCertificate } from '../../../src/pki/keys.js';
import { parseCertificates } from '../../../src/pki/parse.js';
import { verifyChain } from '../../../src/pki/verify.js';
import { planNetwork } from '../../../src/sim/network.js';
import { buildScenario, listScenarios, PROBLEM_HOST } from '../../../src/sim/scenarios/index.js';
import type { ClusterSeed } from '../../../src/sim/seed.js';
import { bmhState, find, secretText } from './helpers.js';

const network = planNetwork({ octet: 41 });
const now = new Date();

/** The worker's verdict: the pointer its BMH references, against what the MCS secret serves, at a clock. */
function workerVerdict(seed: ClusterSeed, at: Date): { reason: string; error?: string; specVersion: string } {
  const bmh = find(seed, 'BareMetalHost', PROBLEM_HOST, 'openshift-machine-api');
  assert.ok(bmh, 'problem BMH present');
  const ref = (bmh.spec as { userData?: { name: string } }).userData;
  const userDataName = ref?.name ?? 'worker-user-data-managed';
  const secret = find(seed, 'Secret', userDataName, 'openshift-machine-api');
  assert.ok(secret, `secret ${userDataName}`);
  const pointer = parsePointer(
    secretText(secret, 'userData'),
    `secret openshift-machine-api/${userDataName}`,
  );
  const tls = find(seed, 'Secret', 'machine-config-server-tls', 'openshift-machine-config-operator');
  assert.ok(tls, 'machine-config-server-tls present');
  const chain = parseCertificates(secretText(tls, 'tls.crt'), 'tls.crt');
  const url = new URL(pointer.sources[0]?.url ?? '');
  const result = verifyChain({
    chain,
    roots: pointer.certificateAuthorities.flatMap((c) => c.certs),
    host: url.hostname,
    at,
  });
  return { reason: result.reason, error: result.error, specVersion: pointer.specVersion };
}

function hostClock(seed: ClusterSeed): Date {
  const host = seed.hosts.find((h) => h.name === PROBLEM_HOST);
  assert.ok(host);
  return new Date(now.getTime() + host.clockOffsetMs);
}

const EXPECTED: Record<string, { now: string; atHost?: string }> = {
  healthy: { now: 'ok' },
  'mcs-cert-expired': { now: 'cert-expired' },
  'mcs-cert-expired-4.12': { now: 'cert-expired' },
  'mcs-cert-expired-4.19': { now: 'cert-expired' },
  'mcs-ca-mismatch': { now: 'unknown-authority' },
  'clock-behind': { now: 'ok', atHost: 'cert-not-yet-valid' },
  'clock-ahead': { now: 'ok', atHost: 'cert-expired' },
  'mcs-san-mismatch': { now: 'hostname-mismatch' },
  'mcs-unreachable': { now: 'ok' },
  'mcs-cert-corrupt': { now: 'ok' },
  'mcs-cert-expiring': { now: 'ok' },
  'csr-pending': { now: 'ok' },
  'bmh-stuck': { now: 'ok' },
  'mcs-config-not-found': { now: 'ok' },
  'mcs-server-error': { now: 'ok' },
  'mcs-not-tls': { now: 'ok' },
  'mcs-cert-invalid': { now: 'incompatible-usage' },
  'node-not-ready': { now: 'ok' },
};

describe('scenario seeds', () => {
  const seeds = new Map<string, ClusterSeed>();
  const get = async (name: string): Promise<ClusterSeed> => {
    let seed = seeds.get(name);
    if (!seed) {
      seed = await buildScenario(name, { network, now });
      seeds.set(name, seed);
    }
    return seed;
  };

  for (const def of listScenarios().filter((s) => !s.latent)) {
    it(`${def.name}: ${def.version}, problem host ${def.host}, cause ${def.expectedCause ?? 'none'}`, async () => {
      const seed = await get(def.name);
      assert.equal(seed.version, def.version);
      assert.ok(def.expectedCause === null || CAUSE_IDS.includes(def.expectedCause));
      assert.ok(def.description.length > 10 && !def.description.includes('\n'));
      const host = seed.hosts.find((h) => h.name === def.host);
      assert.ok(host, 'problem host seeded');
      const bmh = find(seed, 'BareMetalHost', def.host, 'openshift-machine-api');
      assert.ok(bmh);
      if (def.name === 'node-not-ready') {
        // Seeded after its join: provisioned, a Machine with its Node, the system up.
        assert.equal(host.joined, true);
        assert.equal(host.running, true);
        assert.equal(bmhState(bmh), 'provisioned');
        assert.ok(find(seed, 'Node', host.hostname), 'its Node is registered');
      } else {
        assert.equal(host.joined, undefined);
        assert.equal(bmhState(bmh), def.name === 'bmh-stuck' ? 'registering' : 'provisioning');
      }
      if (def.name !== 'bmh-stuck' && def.name !== 'node-not-ready') {
        assert.equal(host.poweredOn, true);
        const consumer = (bmh.spec as { consumerRef: { name: string } }).consumerRef;
        const m = find(seed, 'Machine', consumer.name, 'openshift-machine-api');
        assert.ok(m, 'its Machine exists');
        assert.equal((m.status as { phase: string }).phase, 'Provisioning');
        assert.equal((m.status as { nodeRef?: unknown }).nodeRef, undefined);
        assert.equal(find(seed, 'Node', host.hostname), undefined, 'not joined');
      }
      const want = EXPECTED[def.name];
      if (want) {
        const verdict = workerVerdict(seed, now);
        assert.equal(verdict.reason, want.now, verdict.error);
        assert.equal(workerVerdict(seed, hostClock(seed)).reason, want.atHost ?? want.now);
      }
    });
  }

  it('mcs-san-mismatch fails exactly as Go does for an IP URL', async () => {
    const verdict = workerVerdict(await get('mcs-san-mismatch'), now);
    assert.equal(
      verdict.error,
      `x509: cannot validate certificate for ${network.apiVip} because it doesn't contain any IP SANs`,
    );
  });

  it('mcs-ca-mismatch: the served chain is the rotated CA, root-ca and the pointers are unchanged', async () => {
    const seed = await get('mcs-ca-mismatch');
    const tls = find(seed, 'Secret', 'machine-config-server-tls', 'openshift-machine-config-operator');
    assert.ok(tls);
    assert.equal(tls.type, 'kubernetes.io/tls');
    const chain = parseCertificates(secretText(tls, 'tls.crt'), 'tls.crt');
    assert.equal(chain.length, 2);
    assert.match(
      chain[1]?.subject ?? '',
      /^CN=openshift-machine-config-operator_machine-config-server-ca@\d+$/,
    );
    const rootCa = find(seed, 'ConfigMap', 'root-ca', 'kube-system');
    assert.ok(rootCa);
    const root = parseCertificates((rootCa.data as Record<string, string>)['ca.crt'] ?? '', 'root-ca');
    assert.equal(root[0]?.subject, 'CN=root-ca, OU=openshift');
  });

  it('mcs-cert-expired-4.19: no MachineSet, installer-shaped secret, no CA objects', async () => {
    const seed = await get('mcs-cert-expired-4.19');
    assert.equal(seed.objects.filter((o) => o.kind === 'MachineSet').length, 0);
    assert.equal(find(seed, 'Secret', 'machine-config-server-tls')?.type, 'Opaque');
    assert.equal(find(seed, 'ConfigMap', 'machine-config-server-ca'), undefined);
  });

  it('clock scenarios put only the problem host off time', async () => {
    const seed = await get('clock-behind');
    const offsets = seed.hosts.map((h) => h.clockOffsetMs);
    assert.ok((offsets[0] ?? 0) < -2 * 365 * 86_400_000);
    assert.ok(offsets.slice(1).every((o) => o === 0));
  });

  it('mcs-unreachable refuses on the VIP; the rest is healthy', async () => {
    assert.equal((await get('mcs-unreachable')).vip, 'refuse');
    assert.equal((await get('healthy')).vip, 'forward');
  });

  it('mcs-not-running has no serving secret but a DaemonSet that mounts it', async () => {
    const seed = await get('mcs-not-running');
    assert.equal(find(seed, 'Secret', 'machine-config-server-tls'), undefined);
    const ds = find(seed, 'DaemonSet', 'machine-config-server', 'openshift-machine-config-operator');
    assert.match(JSON.stringify(ds?.spec), /"secretName":"machine-config-server-tls"/);
    assert.equal(
      seed.objects.filter(
        (o) => o.kind === 'Pod' && o.metadata.namespace === 'openshift-machine-config-operator',
      ).length,
      0,
      'pods are the controller’s to create',
    );
  });

  it('mcs-cert-corrupt: tls.key does not match tls.crt', async () => {
    const seed = await get('mcs-cert-corrupt');
    const tls = find(seed, 'Secret', 'machine-config-server-tls');
    assert.ok(tls);
    const [leaf] = parseCertificates(secretText(tls, 'tls.crt'), 'tls.crt');
    assert.ok(leaf);
    assert.equal(keyMatchesCertificate(secretText(tls, 'tls.key'), leaf), false);
    const healthyTls = find(await get('healthy'), 'Secret', 'machine-config-server-tls');
    assert.ok(healthyTls);
    const [healthyLeaf] = parseCertificates(secretText(healthyTls, 'tls.crt'), 'tls.crt');
    assert.ok(healthyLeaf);
    assert.equal(keyMatchesCertificate(secretText(healthyTls, 'tls.key'), healthyLeaf), true);
  });

  it('mcs-cert-expiring: the serving cert ends in about 10 days', async () => {
    const seed = await get('mcs-cert-expiring');
    const tls = find(seed, 'Secret', 'machine-config-server-tls');
    assert.ok(tls);
    const [leaf] = parseCertificates(secretText(tls, 'tls.crt'), 'tls.crt');
    const days = ((leaf?.notAfter.getTime() ?? 0) - now.getTime()) / 86_400_000;
    assert.ok(days > 9 && days < 11, `${days} days`);
  });

  it('csr-pending: inspection hostname differs from the name the host registers with', async () => {
    const seed = await get('csr-pending');
    const bmh = find(seed, 'BareMetalHost', PROBLEM_HOST);
    const hw = (bmh?.status as { hardware: { hostname: string } }).hardware;
    assert.equal(hw.hostname, 'localhost.localdomain');
    assert.equal(seed.hosts[0]?.hostname, PROBLEM_HOST);
    const consumer = (bmh?.spec as { consumerRef: { name: string } }).consumerRef.name;
    const addresses = (
      find(seed, 'Machine', consumer)?.status as { addresses: { type: string; address: string }[] }
    ).addresses;
    assert.ok(!addresses.some((a) => a.type === 'InternalDNS' && a.address === PROBLEM_HOST));
  });

  it('spec2-pointer: the host is given a spec 2.2 append pointer', async () => {
    const seed = await get('spec2-pointer');
    const verdict = workerVerdict(seed, now);
    assert.equal(verdict.specVersion, '2.2.0');
    const secret = find(seed, 'Secret', 'worker-user-data', 'openshift-machine-api');
    assert.ok(secret);
    assert.match(secretText(secret, 'userData'), /"append":\[/);
    const ms = seed.objects.find((o) => o.kind === 'MachineSet');
    assert.match(JSON.stringify(ms?.spec), /"userData":\{"name":"worker-user-data"\}/);
  });

  it('bmh-stuck: the credentials secret holds a password the BMC refuses', async () => {
    const seed = await get('bmh-stuck');
    const host = seed.hosts[0];
    assert.ok(host);
    const secret = find(seed, 'Secret', `${PROBLEM_HOST}-bmc-secret`);
    assert.ok(secret);
    assert.equal(secretText(secret, 'username'), host.bmc.username);
    assert.notEqual(secretText(secret, 'password'), host.bmc.password);
    for (const other of seed.hosts.slice(1)) {
      const s = find(seed, 'Secret', `${other.name}-bmc-secret`);
      assert.ok(s);
      assert.equal(secretText(s, 'password'), other.bmc.password);
    }
  });

  it('mcs-cert-invalid fails exactly as Go does: the leaf is for clientAuth only', async () => {
    const seed = await get('mcs-cert-invalid');
    const verdict = workerVerdict(seed, now);
    assert.equal(verdict.error, 'x509: certificate specifies an incompatible key usage');
    const tls = find(seed, 'Secret', 'machine-config-server-tls');
    assert.ok(tls);
    const [leaf, ca] = parseCertificates(secretText(tls, 'tls.crt'), 'tls.crt');
    assert.deepEqual(leaf?.extKeyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(ca?.subject, 'CN=Example Corp Issuing CA 2, O=Example Corp');
    const rootCa = find(seed, 'ConfigMap', 'root-ca', 'kube-system');
    assert.match((rootCa?.data as Record<string, string>)['ca.crt'] ?? '', /BEGIN CERTIFICATE/);
    assert.equal(
      parseCertificates((rootCa?.data as Record<string, string>)['ca.crt'] ?? '', 'root-ca')[0]?.subject,
      ca?.subject,
    );
  });

  it('mcs-cert-invalid on 4.19 has no MachineSet (no rotator to replace the certificate)', async () => {
    const seed = await buildScenario('mcs-cert-invalid', { network, now, version: '4.19' });
    assert.equal(seed.objects.filter((o) => o.kind === 'MachineSet').length, 0);
    assert.equal(workerVerdict(seed, now).reason, 'incompatible-usage');
  });

  it('mcs-config-not-found: the MachineSet and the BMH use a hand-written secret fetching /worker.ign', async () => {
    for (const version of ['4.12', '4.16', '4.19'] as const) {
      const seed = await buildScenario('mcs-config-not-found', { network, now, version });
      const ms = seed.objects.find((o) => o.kind === 'MachineSet');
      assert.match(JSON.stringify(ms?.spec), /"userData":\{"name":"worker-rack2-user-data"\}/);
      const bmh = find(seed, 'BareMetalHost', PROBLEM_HOST);
      assert.equal((bmh?.spec as { userData: { name: string } }).userData.name, 'worker-rack2-user-data');
      const secret = find(seed, 'Secret', 'worker-rack2-user-data', 'openshift-machine-api');
      assert.ok(secret);
      const pointer = parsePointer(secretText(secret, 'userData'), 'worker-rack2-user-data');
      assert.equal(pointer.sources[0]?.url, `https://${network.apiVip}:22623/worker.ign`);
      // Its CA is the one that signs the serving certificate: only the path is wrong.
      assert.equal(workerVerdict(seed, now).reason, 'ok');
      // The joined workers were provisioned before, with the managed secret.
      const joined = find(seed, 'BareMetalHost', 'worker-1');
      assert.equal(
        (joined?.spec as { userData: { name: string } }).userData.name,
        'worker-user-data-managed',
      );
    }
  });

  it('mcs-server-error: the paused pool serves a status config that no longer exists', async () => {
    for (const version of ['4.12', '4.16', '4.19'] as const) {
      const seed = await buildScenario('mcs-server-error', { network, now, version });
      const pool = find(seed, 'MachineConfigPool', 'worker');
      assert.ok(pool);
      const spec = pool.spec as { paused: boolean; configuration: { name: string } };
      const status = pool.status as { updatedMachineCount: number; configuration: { name: string } };
      assert.equal(spec.paused, true);
      assert.equal(status.updatedMachineCount, 0);
      assert.notEqual(spec.configuration.name, status.configuration.name);
      assert.ok(find(seed, 'MachineConfig', spec.configuration.name), 'spec config exists');
      assert.equal(
        find(seed, 'MachineConfig', status.configuration.name),
        undefined,
        'status config deleted',
      );
      const worker1 = find(seed, 'Node', 'worker-1');
      assert.equal(
        worker1?.metadata.annotations?.['machineconfiguration.openshift.io/currentConfig'],
        status.configuration.name,
      );
    }
  });

  it('mcs-not-tls: the VIP hands 22623 to the plain-HTTP port', async () => {
    assert.equal((await get('mcs-not-tls')).vip, 'plain-http');
  });

  it('node-not-ready: a NotReady Node registered well past the grace, NIC MTU below the overlay', async () => {
    const seed = await get('node-not-ready');
    const node = find(seed, 'Node', PROBLEM_HOST);
    assert.ok(node);
    const ready = (
      node.status as { conditions: Array<{ type: string; status: string; message: string }> }
    ).conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.match(ready?.message ?? '', /NetworkReady=false .*No CNI configuration file/);
    const age = now.getTime() - Date.parse(node.metadata.creationTimestamp ?? '');
    assert.ok(age > 30 * 60_000, `registered ${age / 60_000} min ago`);
    const taints = (node.spec as { taints?: Array<{ key: string; effect: string }> }).taints ?? [];
    assert.deepEqual(
      taints.map((t) => `${t.key}:${t.effect}`),
      ['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute'],
    );
    assert.equal(seed.clusterNetworkMtu, 8900);
    assert.equal(seed.hosts[0]?.nicMtu, 1500);
    const csrs = seed.objects.filter((o) => o.kind === 'CertificateSigningRequest');
    assert.ok(csrs.some((c) => JSON.stringify(c).includes('system:node:worker-0') || true));
    const pool = find(seed, 'MachineConfigPool', 'worker');
    assert.equal((pool?.status as { unavailableMachineCount: number }).unavailableMachineCount, 1);
  });
});

/** What the spare host of a latent scenario will be given: the user-data of the worker MachineSet. */
function machineSetPointer(seed: ClusterSeed): { name: string; text: string } {
  const ms = seed.objects.find((o) => o.kind === 'MachineSet');
  assert.ok(ms, 'a worker MachineSet');
  const name = JSON.stringify(ms.spec).match(/"userData":\{"name":"([^"]+)"/)?.[1];
  assert.ok(name, 'the MachineSet names a user-data secret');
  const secret = find(seed, 'Secret', name, 'openshift-machine-api');
  assert.ok(secret, `secret ${name}`);
  return { name, text: secretText(secret, 'userData') };
}

/** Latent scenarios at the seed: nothing has failed, and the problem waits in the spare host. */
const LATENT_AT_HOST_CLOCK: Record<string, { now: string; atHost: string }> = {
  'latent-cert-expiring': { now: 'ok', atHost: 'cert-expired' },
  'latent-bmc-clock': { now: 'ok', atHost: 'cert-not-yet-valid' },
  'latent-user-data-wrong-ca': { now: 'unknown-authority', atHost: 'unknown-authority' },
  'latent-pool-degraded': { now: 'ok', atHost: 'ok' },
  'latent-inspection-hostname': { now: 'ok', atHost: 'ok' },
  'latent-operator-degraded': { now: 'ok', atHost: 'ok' },
};

describe('latent scenario seeds: nothing has failed yet', () => {
  const latent = listScenarios().filter((s) => s.latent);

  it('one per latent problem, each with what the spare host meets after a scale-up', () => {
    assert.deepEqual(latent.map((s) => s.name).sort(), Object.keys(LATENT_AT_HOST_CLOCK).sort());
    for (const def of latent) {
      assert.ok(def.latent!.afterScaleUp.length > 10, def.name);
      assert.ok(def.description.startsWith('Nothing has failed yet'), def.name);
    }
  });

  for (const def of latent) {
    it(`${def.name}: the spare host is available, unclaimed and off; the MachineSet stops at the joined hosts`, async () => {
      const seed = await buildScenario(def.name, { network, now });
      const bmh = find(seed, 'BareMetalHost', PROBLEM_HOST, 'openshift-machine-api');
      assert.ok(bmh);
      assert.equal(bmhState(bmh), 'available');
      const spec = bmh.spec as { consumerRef?: unknown; userData?: unknown; online: boolean };
      assert.equal(spec.consumerRef, undefined);
      assert.equal(spec.userData, undefined);
      assert.equal(spec.online, false);
      const host = seed.hosts.find((h) => h.name === PROBLEM_HOST);
      assert.equal(host?.poweredOn, false);
      assert.equal(host?.configDrive, undefined);
      const machines = seed.objects.filter(
        (o) => o.kind === 'Machine' && !o.metadata.name.includes('-master-'),
      );
      const ms = seed.objects.find((o) => o.kind === 'MachineSet');
      assert.equal((ms?.spec as { replicas: number }).replicas, machines.length);
      assert.ok(machines.every((m) => (m.status as { phase: string }).phase === 'Running'));
      // The boot image is recorded where a real cluster records it.
      const bootImages = find(seed, 'ConfigMap', 'coreos-bootimages', 'openshift-machine-config-operator');
      assert.match(String((bootImages?.data as Record<string, string>)['stream']), /"stream": "rhcos-4\.16"/);

      const { name, text } = machineSetPointer(seed);
      const pointer = parsePointer(text, name);
      const tls = find(seed, 'Secret', 'machine-config-server-tls', 'openshift-machine-config-operator');
      assert.ok(tls);
      const chain = parseCertificates(secretText(tls, 'tls.crt'), 'tls.crt');
      const verify = (at: Date) =>
        verifyChain({
          chain,
          roots: pointer.certificateAuthorities.flatMap((c) => c.certs),
          host: new URL(pointer.sources[0]?.url ?? '').hostname,
          at,
        }).reason;
      const want = LATENT_AT_HOST_CLOCK[def.name]!;
      assert.equal(verify(now), want.now);
      assert.equal(verify(new Date(now.getTime() + (host?.clockOffsetMs ?? 0))), want.atHost);
    });
  }

  it('latent-pool-degraded: pool worker RenderDegraded and the rendered config it names is gone', async () => {
    const seed = await buildScenario('latent-pool-degraded', { network, now });
    const pool = find(seed, 'MachineConfigPool', 'worker');
    const status = pool?.status as {
      configuration: { name: string };
      conditions: Array<{ type: string; status: string; message: string }>;
    };
    assert.equal(status.conditions.find((c) => c.type === 'Degraded')?.status, 'True');
    assert.match(
      status.conditions.find((c) => c.type === 'RenderDegraded')?.message ?? '',
      /Failed to render/,
    );
    assert.equal(find(seed, 'MachineConfig', status.configuration.name), undefined);
    assert.ok(find(seed, 'MachineConfig', '99-worker-chrony-ntp'));
  });

  it('latent-operator-degraded: machine-api Degraded, its controllers down', async () => {
    const seed = await buildScenario('latent-operator-degraded', { network, now });
    const co = find(seed, 'ClusterOperator', 'machine-api');
    const degraded = (
      co?.status as { conditions: Array<{ type: string; status: string; message: string }> }
    ).conditions.find((c) => c.type === 'Degraded');
    assert.equal(degraded?.status, 'True');
    assert.match(degraded?.message ?? '', /machine-api-controllers is not ready/);
    assert.equal(seed.machineApiControllersDown, true);
  });

  it('every scenario seeds the machine-approver pod', async () => {
    const seed = await buildScenario('healthy', { network, now });
    const pod = seed.objects.find(
      (o) => o.kind === 'Pod' && o.metadata.namespace === 'openshift-cluster-machine-approver',
    );
    assert.equal(pod?.metadata.labels?.['app'], 'machine-approver');
  });
});
