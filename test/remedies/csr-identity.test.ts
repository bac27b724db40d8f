/**
 * The CSR identity checks on real PKCS#10 requests (made the way the kubelet makes them): the
 * host's own client and serving CSRs pass; a rogue CSR (wrong CN, wrong requester, SANs outside
 * the host's addresses, extra organization, a Node that exists) is refused with the reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectedNodeOf, judgeCsr } from '../../src/remedies/csr-identity.js';
import {
  createCsrPem,
  csrObject,
  kubeletClientCsr,
  kubeletServingCsr,
  KUBELET_CLIENT_SIGNER,
  KUBELET_SERVING_SIGNER,
  NODE_BOOTSTRAPPER_GROUPS,
  NODE_BOOTSTRAPPER_USERNAME,
  NODE_GROUPS,
} from '../../src/sim/controllers/host/csr-request.js';
import type { KubeObject } from '../../src/sources/types.js';

const bmh: KubeObject = {
  apiVersion: 'metal3.io/v1alpha1',
  kind: 'BareMetalHost',
  metadata: { name: 'worker-0', namespace: 'openshift-machine-api' },
  status: { hardware: { hostname: 'localhost.localdomain', nics: [{ ip: '192.0.2.20' }] } },
};
const machine: KubeObject = {
  apiVersion: 'machine.openshift.io/v1beta1',
  kind: 'Machine',
  metadata: { name: 'w-0', namespace: 'openshift-machine-api' },
  status: {
    addresses: [
      { type: 'InternalIP', address: '192.0.2.21' },
      { type: 'InternalDNS', address: 'worker-0.example.test' },
    ],
  },
};
const expected = expectedNodeOf(bmh, machine);
const none = new Set<string>();

function named(csr: KubeObject, name: string): KubeObject {
  return { ...csr, metadata: { ...csr.metadata, name } };
}

describe('expectedNodeOf', () => {
  test('names come from the BMH and the Machine; the placeholder localhost hostname is not one', () => {
    assert.deepEqual(expected.names.sort(), ['worker-0', 'worker-0.example.test']);
    assert.deepEqual(expected.ips.sort(), ['192.0.2.20', '192.0.2.21']);
  });
});

describe('judgeCsr: the host’s own CSRs', () => {
  test('the kubelet bootstrap client CSR is approved', async () => {
    const v = judgeCsr(named(await kubeletClientCsr('worker-0', 'uid-1'), 'csr-a'), expected, none);
    assert.deepEqual(v.reasons, []);
    assert.equal(v.approve, true);
    assert.equal(v.kind, 'client');
  });
  test('the kubelet serving CSR with its own name and IP is approved', async () => {
    const v = judgeCsr(named(await kubeletServingCsr('worker-0', '192.0.2.21'), 'csr-b'), expected, none);
    assert.deepEqual(v.reasons, []);
    assert.equal(v.approve, true);
    assert.equal(v.kind, 'serving');
  });
});

describe('judgeCsr: rogue CSRs are refused, with the reason', () => {
  test('a CN naming another node', async () => {
    const v = judgeCsr(await kubeletClientCsr('master-0', 'uid-1'), expected, none);
    assert.equal(v.approve, false);
    assert.match(v.reasons.join(';'), /CN system:node:master-0 is not a name host worker-0 registers as/);
  });
  test('a client CSR from a requester other than the node-bootstrapper', async () => {
    const requestPem = await createCsrPem({
      commonName: 'system:node:worker-0',
      organization: ['system:nodes'],
    });
    const v = judgeCsr(
      csrObject({
        requestPem,
        signerName: KUBELET_CLIENT_SIGNER,
        usages: ['digital signature', 'client auth'],
        username: 'system:serviceaccount:default:attacker',
        groups: ['system:serviceaccounts', 'system:authenticated'],
      }),
      expected,
      none,
    );
    assert.equal(v.approve, false);
    assert.match(
      v.reasons.join(';'),
      /requested by system:serviceaccount:default:attacker, not the node-bootstrapper/,
    );
    assert.match(v.reasons.join(';'), /groups lack system:serviceaccounts:openshift-machine-config-operator/);
  });
  test('a serving CSR with SANs outside the host’s addresses', async () => {
    const requestPem = await createCsrPem({
      commonName: 'system:node:worker-0',
      organization: ['system:nodes'],
      dnsNames: ['worker-0', 'api.example.test'],
      ipAddresses: ['192.0.2.21', '198.51.100.7'],
    });
    const v = judgeCsr(
      csrObject({
        requestPem,
        signerName: KUBELET_SERVING_SIGNER,
        usages: ['digital signature', 'key encipherment', 'server auth'],
        username: 'system:node:worker-0',
        groups: NODE_GROUPS,
      }),
      expected,
      none,
    );
    assert.equal(v.approve, false);
    assert.match(v.reasons.join(';'), /DNS SANs api\.example\.test are not addresses of worker-0/);
    assert.match(v.reasons.join(';'), /IP SANs 198\.51\.100\.7 are not addresses of worker-0/);
  });
  test('a serving CSR requested by someone other than the node itself', async () => {
    const csr = await kubeletServingCsr('worker-0', '192.0.2.21');
    (csr['spec'] as Record<string, unknown>)['username'] = 'system:node:worker-1';
    const v = judgeCsr(csr, expected, none);
    assert.equal(v.approve, false);
    assert.match(
      v.reasons.join(';'),
      /requested by system:node:worker-1, not by system:node:worker-0 itself/,
    );
  });
  test('an extra organization (system:masters) and server usages on a client CSR', async () => {
    const requestPem = await createCsrPem({
      commonName: 'system:node:worker-0',
      organization: ['system:nodes', 'system:masters'],
    });
    const v = judgeCsr(
      csrObject({
        requestPem,
        signerName: KUBELET_CLIENT_SIGNER,
        usages: ['digital signature', 'server auth'],
        username: NODE_BOOTSTRAPPER_USERNAME,
        groups: NODE_BOOTSTRAPPER_GROUPS,
      }),
      expected,
      none,
    );
    assert.equal(v.approve, false);
    assert.match(v.reasons.join(';'), /organization is \[system:nodes, system:masters\]/);
    assert.match(v.reasons.join(';'), /are not client usages/);
  });
  test('a bootstrap CSR for a Node that already exists', async () => {
    const v = judgeCsr(await kubeletClientCsr('worker-0', 'uid-1'), expected, new Set(['worker-0']));
    assert.equal(v.approve, false);
    assert.match(v.reasons.join(';'), /Node worker-0 already exists/);
  });
  test('a request that is not PKCS#10', () => {
    const v = judgeCsr(
      csrObject({
        requestPem: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
        signerName: KUBELET_CLIENT_SIGNER,
        usages: ['client auth'],
        username: NODE_BOOTSTRAPPER_USERNAME,
        groups: NODE_BOOTSTRAPPER_GROUPS,
      }),
      expected,
      none,
    );
    assert.equal(v.approve, false);
    assert.match(v.reasons.join(';'), /does not parse as PKCS#10/);
  });
});
