/**
 * Who renews a certificate, read from the annotations and labels the operators write: library-go
 * certrotation, the service CA, OLM, cert-manager, the network operator's trusted bundle,
 * kube-controller-manager's kube-root-ca.crt and the MCO's 4.19 rotation of the pointer CAs. A
 * manager that should already have renewed (or whose certificate expired) is overdue.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configMapManager, secretManager, userDataManager } from '../../src/checks/facts/cert-managers.js';
import type { RotationContext } from '../../src/checks/facts/cert-rotation.js';
import type { KubeObject } from '../../src/sources/types.js';

const DAY = 86_400_000;
const NOW = new Date('2026-12-01T00:00:00Z');
const ctx = (version: string | null = '4.16.3', hasMachineSets = true): RotationContext => ({
  now: NOW,
  version,
  hasMachineSets,
});
const leaf = (daysLeft: number) => ({ notAfter: new Date(NOW.getTime() + daysLeft * DAY) });
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function obj(
  kind: 'Secret' | 'ConfigMap',
  namespace: string,
  name: string,
  annotations: Record<string, string> = {},
  labels: Record<string, string> = {},
): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { namespace, name, annotations, labels } };
}

test('library-go certrotation: managed before 80% of the validity, overdue after, owner from the signer name', () => {
  const notBefore = new Date(NOW.getTime() - 10 * DAY);
  const notAfter = new Date(NOW.getTime() + 20 * DAY);
  const secret = obj('Secret', 'openshift-kube-apiserver', 'aggregator-client', {
    'auth.openshift.io/certificate-not-before': iso(notBefore),
    'auth.openshift.io/certificate-not-after': iso(notAfter),
    'auth.openshift.io/certificate-issuer':
      'openshift-kube-apiserver-operator_aggregator-client-signer@1631625512',
  });
  const v = secretManager(secret, { notAfter }, ctx());
  assert.equal(v.management, 'managed');
  assert.equal(v.managedBy, 'certrotation (openshift-kube-apiserver-operator)');
  assert.match(v.reason, /renewed by 2026-12-15T00:00:00Z \(80% of its validity\)/);

  // The same certificate read 15 days later: past its 80% point (day 24 of 30), not renewed.
  const late = secretManager(secret, { notAfter }, { ...ctx(), now: new Date(NOW.getTime() + 15 * DAY) });
  assert.equal(late.management, 'overdue');

  // A signer named without an operator: the signer is what is known.
  const plain = obj('Secret', 'openshift-config-managed', 'kube-scheduler-client-cert-key', {
    'auth.openshift.io/certificate-not-before': iso(notBefore),
    'auth.openshift.io/certificate-not-after': iso(notAfter),
    'auth.openshift.io/certificate-issuer': 'kube-control-plane-signer',
  });
  assert.equal(
    secretManager(plain, { notAfter }, ctx()).managedBy,
    'certrotation (signer kube-control-plane-signer)',
  );
});

test('machine-config-server-tls: nobody rotates it before 4.19 or without MachineSets, whatever its annotations', () => {
  const annotated = obj('Secret', 'openshift-machine-config-operator', 'machine-config-server-tls', {
    'auth.openshift.io/certificate-not-before': iso(new Date(NOW.getTime() - DAY)),
    'auth.openshift.io/certificate-not-after': iso(new Date(NOW.getTime() + 3650 * DAY)),
  });
  const plain = obj('Secret', 'openshift-machine-config-operator', 'machine-config-server-tls');
  const old = secretManager(annotated, leaf(3650), ctx('4.16.3'));
  assert.equal(old.management, 'unmanaged');
  assert.match(old.reason, /before OpenShift 4\.19 \(this cluster is 4\.16\.3\)/);
  assert.match(secretManager(plain, leaf(3650), ctx('4.9.0')).reason, /before OpenShift 4\.19/);
  assert.match(
    secretManager(plain, leaf(3650), ctx('4.19.2', false)).reason,
    /only on clusters with MachineSets/,
  );
  assert.equal(secretManager(annotated, leaf(3650), ctx('4.19.2', true)).management, 'managed');
});

test('the service CA: serving certificates regenerated an hour before expiry, its own CA when 395 days are left', () => {
  const serving = obj('Secret', 'openshift-apiserver', 'serving-cert', {
    'service.beta.openshift.io/originating-service-name': 'api',
  });
  assert.deepEqual(
    [secretManager(serving, leaf(2), ctx()).managedBy, secretManager(serving, leaf(2), ctx()).management],
    ['service-ca', 'managed'],
  );
  const alpha = obj('Secret', 'x', 'y', { 'service.alpha.openshift.io/originating-service-name': 'svc' });
  assert.equal(secretManager(alpha, leaf(100), ctx()).managedBy, 'service-ca');
  // Half an hour left: the regeneration an hour before expiry did not happen.
  assert.equal(
    secretManager(serving, { notAfter: new Date(NOW.getTime() + 1_800_000) }, ctx()).management,
    'overdue',
  );
  assert.equal(secretManager(serving, leaf(-1), ctx()).management, 'overdue');

  const ca = obj('Secret', 'openshift-service-ca', 'signing-key');
  assert.equal(secretManager(ca, leaf(700), ctx()).managedBy, 'service-ca-operator');
  assert.equal(secretManager(ca, leaf(700), ctx()).management, 'managed');
  assert.equal(secretManager(ca, leaf(300), ctx()).management, 'overdue');
});

test('cert-manager, OLM and the owning component', () => {
  const cm = obj('Secret', 'apps', 'web-tls', {
    'cert-manager.io/certificate-name': 'web',
    'cert-manager.io/issuer-name': 'letsencrypt',
    'cert-manager.io/issuer-kind': 'ClusterIssuer',
  });
  assert.equal(secretManager(cm, leaf(5), ctx()).managedBy, 'cert-manager (ClusterIssuer/letsencrypt)');
  assert.equal(secretManager(cm, leaf(5), ctx()).management, 'managed');
  assert.equal(secretManager(cm, leaf(-2), ctx()).management, 'overdue');

  const olm = obj('Secret', 'openshift-operator-lifecycle-manager', 'packageserver-service-cert', {
    olmcahash: 'abc',
  });
  assert.equal(secretManager(olm, leaf(100), ctx()).managedBy, 'olm');
  assert.equal(
    secretManager(olm, { notAfter: new Date(NOW.getTime() + 3_600_000) }, ctx()).management,
    'overdue',
  );
  const pprof = obj('Secret', 'openshift-operator-lifecycle-manager', 'pprof-cert');
  assert.equal(
    secretManager(pprof, { notAfter: new Date(NOW.getTime() + 2_760_000) }, ctx()).management,
    'managed',
  );

  const owned = obj('Secret', 'ns', 'owned', { 'openshift.io/owning-component': 'Networking / ovn' });
  assert.equal(secretManager(owned, leaf(10), ctx()).managedBy, 'Networking / ovn');

  const nobody = secretManager(obj('Secret', 'apps', 'hand-made'), leaf(10), ctx());
  assert.deepEqual([nobody.managedBy, nobody.management], [null, 'unmanaged']);
});

test('CA bundles: injected, labelled, owned or published by kube-controller-manager; otherwise unmanaged', () => {
  const by = (o: KubeObject) => configMapManager(o).managedBy;
  assert.equal(
    by(obj('ConfigMap', 'a', 'b', { 'service.beta.openshift.io/inject-cabundle': 'true' })),
    'service-ca',
  );
  assert.equal(
    by(obj('ConfigMap', 'a', 'b', { 'service.alpha.openshift.io/inject-cabundle': 'True' })),
    'service-ca',
  );
  assert.equal(
    by(obj('ConfigMap', 'a', 'b', { 'service.beta.openshift.io/inject-cabundle': 'false' })),
    null,
  );
  assert.equal(
    by(obj('ConfigMap', 'a', 'b', {}, { 'config.openshift.io/inject-trusted-cabundle': 'true' })),
    'cluster-network-operator',
  );
  assert.equal(
    by(obj('ConfigMap', 'a', 'b', {}, { 'auth.openshift.io/managed-certificate-type': 'ca-bundle' })),
    'certrotation',
  );
  assert.equal(by(obj('ConfigMap', 'default', 'kube-root-ca.crt')), 'kube-controller-manager');
  assert.equal(by(obj('ConfigMap', 'kube-system', 'root-ca')), null);
});

test('user-data pointer CAs: managed by the MCO only from 4.19, with MachineSets, and one CA (or the -managed secret)', () => {
  const worker = obj('Secret', 'openshift-machine-api', 'worker-user-data');
  const managed = obj('Secret', 'openshift-machine-api', 'worker-user-data-managed');
  assert.equal(userDataManager(worker, 1, ctx('4.16.3')).management, 'unmanaged');
  assert.equal(userDataManager(worker, 1, ctx('4.19.1', false)).management, 'unmanaged');
  assert.equal(userDataManager(worker, 1, ctx('4.19.1')).managedBy, 'machine-config-operator');
  assert.match(userDataManager(worker, 2, ctx('4.19.1')).reason, /has 2 CAs/);
  assert.equal(userDataManager(managed, 2, ctx('4.19.1')).management, 'managed');
  assert.match(userDataManager(worker, 1, ctx(null)).reason, /version is unknown/);
});
