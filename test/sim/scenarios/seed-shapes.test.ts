import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { UserError } from '../../../src/core/errors.js';
import { parsePointer } from '../../../src/ignition/pointer.js';
import { parseCertificates } from '../../../src/pki/parse.js';
import { ObjectStore } from '../../../src/sim/kube/store.js';
import { planNetwork } from '../../../src/sim/network.js';
import {
  buildScenario,
  getScenario,
  loadScenarioObjects,
  validateScenarioOptions,
} from '../../../src/sim/scenarios/index.js';
import { bmhState, find, secretText } from './helpers.js';

const network = planNetwork({ octet: 42 });

describe('seed shapes per version', () => {
  it('kubelet versions follow the release (4.12 v1.25, 4.16 v1.29, 4.19 v1.32)', async () => {
    for (const [version, kube] of [
      ['4.12', 'v1.25.'],
      ['4.16', 'v1.29.'],
      ['4.19', 'v1.32.'],
    ] as const) {
      const seed = await buildScenario('healthy', { network, version });
      const nodes = seed.objects.filter((o) => o.kind === 'Node');
      assert.equal(nodes.length, 3 + 2, `${version}: 3 masters + 2 joined workers`);
      for (const n of nodes) {
        const info = (n.status as { nodeInfo: { kubeletVersion: string } }).nodeInfo;
        assert.ok(info.kubeletVersion.startsWith(kube), `${version} ${info.kubeletVersion}`);
      }
      const cv = find(seed, 'ClusterVersion', 'version');
      assert.match(
        (cv?.status as { desired: { version: string } }).desired.version,
        new RegExp(`^${version}\\.\\d+$`),
      );
    }
  });

  it('4.12/4.16: installer-shaped Opaque secret, root-ca in the pointer, VIP URL', async () => {
    const seed = await buildScenario('healthy', { network, version: '4.12' });
    const tls = find(seed, 'Secret', 'machine-config-server-tls', 'openshift-machine-config-operator');
    assert.equal(tls?.type, 'Opaque');
    assert.equal(tls?.metadata.annotations, undefined);
    assert.equal(find(seed, 'Secret', 'machine-config-server-ca'), undefined);
    const [leaf] = parseCertificates(secretText(tls!, 'tls.crt'), 'tls.crt');
    assert.equal(leaf?.issuer, 'CN=root-ca, OU=openshift');
    assert.equal(leaf?.subject, `CN=${network.apiIntName}`);
    assert.deepEqual(leaf?.dnsNames, [network.apiIntName, network.apiVip]);
    assert.equal(
      Math.round(((leaf?.notAfter.getTime() ?? 0) - (leaf?.notBefore.getTime() ?? 0)) / 86_400_000),
      3650,
    );
    for (const name of ['worker-user-data', 'worker-user-data-managed', 'master-user-data']) {
      const secret = find(seed, 'Secret', name, 'openshift-machine-api');
      assert.ok(secret, name);
      const p = parsePointer(secretText(secret, 'userData'), name);
      assert.equal(p.specVersion, '3.2.0');
      assert.equal(p.certificateAuthorities[0]?.certs[0]?.subject, 'CN=root-ca, OU=openshift');
      assert.match(p.certificateAuthorities[0]?.source ?? '', /^data:text\/plain;charset=utf-8;base64,/);
      assert.equal(secretText(secret, 'disableTemplating'), 'true\n');
    }
    const managed = find(seed, 'Secret', 'worker-user-data-managed');
    const pool = find(seed, 'MachineConfigPool', 'worker');
    assert.equal(managed?.metadata.ownerReferences?.[0]?.uid, pool?.metadata.uid);
  });

  it('4.19: rotated CA shape, kubernetes.io/tls with cert annotations, bundle-derived managed user-data', async () => {
    const seed = await buildScenario('healthy', { network, version: '4.19' });
    const tls = find(seed, 'Secret', 'machine-config-server-tls');
    assert.equal(tls?.type, 'kubernetes.io/tls');
    assert.match(
      tls?.metadata.annotations?.['auth.openshift.io/certificate-not-after'] ?? '',
      /^\d{4}-\d\d-\d\dT/,
    );
    const caSecret = find(seed, 'Secret', 'machine-config-server-ca', 'openshift-machine-config-operator');
    const caMap = find(seed, 'ConfigMap', 'machine-config-server-ca', 'openshift-machine-config-operator');
    assert.equal(caSecret?.type, 'kubernetes.io/tls');
    const bundle = (caMap?.data as Record<string, string>)['ca-bundle.crt'] ?? '';
    const [ca] = parseCertificates(bundle, 'ca-bundle.crt');
    assert.match(ca?.subject ?? '', /^CN=openshift-machine-config-operator_machine-config-server-ca@\d+$/);
    const managed = find(seed, 'Secret', 'worker-user-data-managed');
    assert.ok(
      managed?.metadata.labels?.[
        'machineconfiguration.openshift.io/managed-ca-bundle-derived-from-configmap'
      ],
    );
    const p = parsePointer(secretText(managed!, 'userData'), 'managed');
    assert.equal(p.certificateAuthorities[0]?.certs[0]?.subject, ca?.subject);
  });

  it('infrastructure, MCS DaemonSet and masters look like a bare-metal IPI cluster', async () => {
    const seed = await buildScenario('healthy', { network });
    const infra = find(seed, 'Infrastructure', 'cluster');
    const status = infra?.status as Record<string, unknown>;
    assert.equal(status.apiServerInternalURI, `https://${network.apiIntName}:6443`);
    assert.equal(status.platform, 'BareMetal');
    assert.deepEqual(
      (status.platformStatus as { baremetal: { apiServerInternalIPs: string[] } }).baremetal
        .apiServerInternalIPs,
      [network.apiVip],
    );
    const ds = find(seed, 'DaemonSet', 'machine-config-server');
    const spec = (ds?.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    assert.equal(spec.hostNetwork, true);
    assert.deepEqual(spec.nodeSelector, { 'node-role.kubernetes.io/master': '' });
    const masters = seed.objects.filter(
      (o) => o.kind === 'BareMetalHost' && o.metadata.name.startsWith('master-'),
    );
    assert.equal(masters.length, 3);
    assert.ok(masters.every((m) => bmhState(m) === 'externally provisioned'));
    const worker = find(seed, 'BareMetalHost', 'worker-1');
    const bmc = (worker?.spec as { bmc: { address: string; disableCertificateVerification: boolean } }).bmc;
    assert.equal(
      bmc.address,
      `redfish-virtualmedia://${network.bmcIp(1)}:${network.bmcPort}/redfish/v1/Systems/437XR1138R2`,
    );
    const nics = (worker?.status as { hardware: { nics: { ip: string }[] } }).hardware.nics;
    assert.equal(nics[0]?.ip, network.hostIp(1));
  });

  it('approved CSRs of joined workers carry real PKCS#10 requests from the right users', async () => {
    const seed = await buildScenario('healthy', { network });
    const csrs = seed.objects.filter((o) => o.kind === 'CertificateSigningRequest');
    assert.equal(csrs.length, 4);
    for (const csr of csrs) {
      const spec = csr.spec as { request: string; signerName: string; username: string; groups: string[] };
      const req = new x509.Pkcs10CertificateRequest(Buffer.from(spec.request, 'base64').toString('utf8'));
      assert.ok(await req.verify());
      assert.match(req.subject, /^O=system:nodes, CN=system:node:worker-\d+$/);
      if (spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet') {
        assert.equal(
          spec.username,
          'system:serviceaccount:openshift-machine-config-operator:node-bootstrapper',
        );
        assert.ok(spec.groups.includes('system:serviceaccounts:openshift-machine-config-operator'));
      } else {
        assert.equal(spec.signerName, 'kubernetes.io/kubelet-serving');
        assert.match(spec.username, /^system:node:worker-\d+$/);
      }
      const approved = (csr.status as { conditions: { type: string; reason: string }[] }).conditions[0];
      assert.equal(approved?.type, 'Approved');
    }
  });

  // How fast it is built is measured by `npm run bench` (sim start at 1000 hosts), never asserted here.
  it('1000 hosts: a realistic mix', async () => {
    const seed = await buildScenario('mcs-cert-expired', { network, hosts: 1000 });
    const states = new Map<string, number>();
    for (const o of seed.objects) {
      if (o.kind !== 'BareMetalHost' || o.metadata.name.startsWith('master-')) continue;
      const s = (o.status as { errorType?: string }).errorType ?? bmhState(o);
      states.set(s, (states.get(s) ?? 0) + 1);
    }
    assert.equal(seed.hosts.length, 1000);
    assert.ok((states.get('provisioned') ?? 0) > 900, JSON.stringify([...states]));
    assert.equal(states.get('available'), 30);
    assert.equal(states.get('registration error'), 2);
    assert.equal(states.get('provisioning'), 11);
    assert.equal(seed.hosts.filter((h) => h.joined).length, states.get('provisioned'));
    const errored = seed.objects.find((o) => (o.status as { errorType?: string } | undefined)?.errorType);
    assert.match((errored?.status as { errorMessage: string }).errorMessage, /returned code 401/);
    assert.equal((errored?.status as { operationalStatus: string }).operationalStatus, 'error');
    const ms2 = seed.objects.find((o) => o.kind === 'MachineSet');
    assert.equal(
      (ms2?.spec as { replicas: number }).replicas,
      seed.objects.filter((o) => o.kind === 'Machine').length - 3,
    );
    assert.equal(
      new Set(
        seed.objects
          .filter((o) => o.kind === 'BareMetalHost')
          .map((o) => (o.spec as { bootMACAddress: string }).bootMACAddress),
      ).size,
      1003,
    );
  });

  it('loadScenarioObjects keeps uid references right in the store', async () => {
    const seed = await buildScenario('healthy', { network });
    const store = new ObjectStore();
    loadScenarioObjects(store, seed.objects);
    const machines = store.list(store.type('machines')).items;
    const bmhs = store.list(store.type('baremetalhosts')).items;
    const nodes = store.list(store.type('nodes')).items;
    const joined = machines.filter((m) => (m.status as { nodeRef?: unknown }).nodeRef);
    assert.equal(joined.length, 5);
    for (const m of joined) {
      const bmhName = m.metadata.annotations?.['metal3.io/BareMetalHost']?.split('/')[1];
      const bmh = bmhs.find((b) => b.metadata.name === bmhName);
      assert.equal(
        (m.spec as { providerID: string }).providerID,
        `baremetalhost:///openshift-machine-api/${bmhName}/${bmh?.metadata.uid}`,
      );
      const nodeRef = (m.status as { nodeRef: { name: string; uid: string } }).nodeRef;
      assert.equal(nodes.find((n) => n.metadata.name === nodeRef.name)?.metadata.uid, nodeRef.uid);
    }
    const managed = store.get(store.type('secrets'), 'openshift-machine-api', 'worker-user-data-managed');
    const pool = store.get(store.type('machineconfigpools'), undefined, 'worker');
    assert.equal(managed?.metadata.ownerReferences?.[0]?.uid, pool?.metadata.uid);
  });

  it('validateScenarioOptions explains what is wrong', () => {
    assert.throws(
      () => validateScenarioOptions('nope'),
      (e: unknown) => e instanceof UserError && /healthy, mcs-cert-expired/.test(e.hint ?? ''),
    );
    assert.throws(
      () => validateScenarioOptions('healthy', { version: '4.99' }),
      /unsupported OpenShift version "4.99"/,
    );
    assert.throws(
      () => validateScenarioOptions('mcs-cert-expired-4.12', { version: '4.19' }),
      /does not exist on OpenShift 4.19/,
    );
    assert.throws(
      () => validateScenarioOptions('healthy', { hosts: 0 }),
      /--hosts must be a whole number from 1 to 25000, got 0/,
    );
    assert.throws(() => validateScenarioOptions('healthy', { hosts: 25_001 }), /got 25001/);
    assert.throws(() => getScenario('nope'), /unknown scenario "nope"/);
    assert.deepEqual(
      { ...validateScenarioOptions('mcs-not-running'), scenario: undefined },
      { scenario: undefined, version: '4.12', hosts: 3 },
    );
  });
});
