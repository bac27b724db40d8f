/**
 * tls-secrets-expiry: certificates OpenShift's operators rotate themselves (library-go
 * certrotation, auth.openshift.io/certificate-* annotations) are managed, not warnings; a
 * warning is kept for certificates nobody renews in time, and machine-config-server-tls is one
 * of them before 4.19. Proven on a real must-gather and on certificates built here.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildFacts } from '../../src/checks/facts/index.js';
import { ROTATOR_GRACE_MS } from '../../src/checks/facts/cert-rotation.js';
import { tlsSecretsExpiry } from '../../src/checks/rules/tls-secrets-expiry.js';
import { gatherSnapshot } from '../../src/checks/snapshot.js';
import { ISSUER_ANNOTATION, NOT_AFTER_ANNOTATION, NOT_BEFORE_ANNOTATION } from '../../src/core/names.js';
import { issueCertificate, type IssuedCert } from '../../src/pki/issue.js';
import { openMustGather } from '../../src/sources/must-gather/index.js';
import type { KubeObject } from '../../src/sources/types.js';
import { clusterVersion, DAY, factsOf, MAPI, MCO, tlsSecret } from './facts-of.js';

const REAL = '../shared/data/must-gather/must-gather-metal.tar.xz';

test('real must-gather: the operator-rotated client certificates are managed, not warnings', async () => {
  const source = await openMustGather(REAL);
  const facts = await buildFacts(await gatherSnapshot(source), {
    bmc: 'never',
    probe: false,
    expiryWarningDays: 30,
    now: source.collectedAt,
    probeTimeoutMs: 1000,
  });
  const findings = tlsSecretsExpiry.run(facts);
  const about = (name: string) => findings.filter((f) => f.message.includes(`/${name}:`));
  for (const name of [
    'aggregator-client',
    'aggregator-client-signer',
    'kube-controller-manager-client-cert-key',
    'kube-scheduler-client-cert-key',
    'check-endpoints-client-cert-key',
    'control-plane-node-admin-client-cert-key',
    'csr-signer',
  ]) {
    assert.ok(about(name).length > 0, `${name} is reported`);
    for (const f of about(name)) {
      assert.equal(f.status, 'pass', f.message);
      assert.match(
        f.message,
        /managed, rotated by library-go certrotation \(signer [^)]+\).*refreshed before expiry/,
      );
    }
  }
  const aggregator = about('aggregator-client')[0]!;
  assert.equal(
    aggregator.message,
    'secret openshift-kube-apiserver/aggregator-client: managed, rotated by library-go certrotation (signer aggregator-signer), refreshed before expiry (renewal due by 2021-09-15T09:09:30Z, expires 2021-09-15T13:53:30Z) (CN=system:openshift-aggregator)',
  );
  // The kube-controller-manager operator's copy of csr-signer has no annotations: it follows its source.
  assert.match(
    about('csr-signer').find((f) => f.message.startsWith('secret openshift-kube-controller-manager/'))!
      .message,
    /as a copy of secret openshift-kube-controller-manager-operator\/csr-signer/,
  );
  assert.ok(
    !findings.some(
      (f) => f.status === 'warn' && /client-cert-key|aggregator-client|csr-signer/.test(f.message),
    ),
    findings
      .filter((f) => f.status === 'warn')
      .map((f) => f.message)
      .join('\n'),
  );
  assert.match(findings[0]!.message, /^129 TLS secret\(s\) scanned, 29 rotated by OpenShift operators/);
});

describe_synthetic();

function describe_synthetic(): void {
  const now = new Date('2026-11-20T10:00:00Z');
  const at = (days: number): Date => new Date(now.getTime() + days * DAY);
  let certs: Record<string, IssuedCert>;

  before(async () => {
    const issue = (subject: string, from: number, to: number) =>
      issueCertificate({ subject, notBefore: at(from), notAfter: at(to), keyAlgorithm: 'ecdsa-p256' });
    certs = {
      // 30 days of validity, 10 left: before the 80% point (day 24 of 30 = 4 days from now).
      rotated: await issue('CN=system:kube-scheduler', -20, 10),
      // 30 days of validity, 3 left: past the 80% point (day 24 of 30) three days ago.
      overdue: await issue('CN=system:kube-controller-manager', -27, 3),
      unmanaged: await issue('CN=custom-ingress', -300, 10),
      expired: await issue('CN=system:openshift-aggregator', -31, -1),
      mcs: await issue('CN=api-int.c.example.com', -3640, 10),
    };
  });

  const annotated = (c: IssuedCert, issuer = 'kube-control-plane-signer'): Record<string, string> => ({
    [NOT_BEFORE_ANNOTATION]: c.cert.notBefore.toISOString().replace(/\.\d+Z$/, 'Z'),
    [NOT_AFTER_ANNOTATION]: c.cert.notAfter.toISOString().replace(/\.\d+Z$/, 'Z'),
    [ISSUER_ANNOTATION]: issuer,
  });

  const run = async (objects: KubeObject[], version = '4.16.3'): Promise<string[]> => {
    const facts = await factsOf({ objects: [clusterVersion(version), ...objects], now });
    return tlsSecretsExpiry
      .run(facts)
      .slice(1)
      .map((f) => `${f.status} ${f.message}`);
  };

  test('an annotated certificate before its 80% point is managed; past it (and the grace), the rotator is late', async () => {
    const lines = await run([
      tlsSecret(
        'openshift-kube-scheduler',
        'kube-scheduler-client-cert-key',
        certs.rotated!,
        annotated(certs.rotated!),
      ),
      tlsSecret('openshift-kube-controller-manager', 'kcm-client', certs.overdue!, annotated(certs.overdue!)),
    ]);
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      /^pass secret openshift-kube-scheduler\/kube-scheduler-client-cert-key: managed, rotated by library-go certrotation \(signer kube-control-plane-signer\), refreshed before expiry \(renewal due by 2026-11-24T10:00:00Z, expires 2026-11-30T10:00:00Z\)/,
    );
    assert.match(
      lines[1]!,
      /^warn secret openshift-kube-controller-manager\/kcm-client: expires 2026-11-23T10:00:00Z, in 3 days \(CN=system:kube-controller-manager\); library-go certrotation \(signer kube-control-plane-signer\) should have renewed it by 2026-11-17T10:00:00Z \(80% of its validity\) and has not/,
    );
    assert.ok(ROTATOR_GRACE_MS < 2 * DAY);
  });

  test('no annotation: nobody rotates it, a warning; expired: a failure, rotated or not', async () => {
    const lines = await run([
      tlsSecret('openshift-ingress', 'custom-cert', certs.unmanaged!),
      tlsSecret(
        'openshift-kube-apiserver',
        'aggregator-client',
        certs.expired!,
        annotated(certs.expired!, 'aggregator-signer'),
      ),
    ]);
    assert.deepEqual(lines, [
      'warn secret openshift-ingress/custom-cert: expires 2026-11-30T10:00:00Z, in 10 days (CN=custom-ingress); nobody rotates it: no auth.openshift.io/certificate-not-before/-not-after annotations',
      'fail secret openshift-kube-apiserver/aggregator-client: expired 2026-11-19T10:00:00Z (CN=system:openshift-aggregator); library-go certrotation (signer aggregator-signer) did not renew it',
    ]);
  });

  test('annotations that describe another certificate: the rotator would act too late', async () => {
    const other = { ...annotated(certs.rotated!), [NOT_AFTER_ANNOTATION]: at(400).toISOString() };
    const [line] = await run([
      tlsSecret('openshift-kube-scheduler', 'replaced-by-hand', certs.rotated!, other),
    ]);
    assert.match(
      line!,
      /^warn .*replaced-by-hand: expires .*do not describe the certificate in the secret, which expires first/,
    );
  });

  test('machine-config-server-tls: nothing rotates it before 4.19, even with the annotations oc writes', async () => {
    const mcs = (type = 'kubernetes.io/tls') =>
      tlsSecret(
        MCO,
        'machine-config-server-tls',
        certs.mcs!,
        annotated(certs.mcs!, 'openshift-machine-config-operator_machine-config-server-ca@1'),
        type,
      );
    assert.deepEqual(await run([mcs('Opaque')]), [
      'warn secret openshift-machine-config-operator/machine-config-server-tls: expires 2026-11-30T10:00:00Z, in 10 days (CN=api-int.c.example.com); nobody rotates it: nothing rotates machine-config-server-tls before OpenShift 4.19 (this cluster is 4.16.3)',
    ]);
    // 4.19 without MachineSets: the MCO's rotator is not started.
    assert.match(
      (await run([mcs()], '4.19.2'))[0]!,
      /^warn .*the MCO rotates it only on clusters with MachineSets/,
    );
    // 4.19 with a MachineSet: library-go's schedule applies (here: past its 80% point, so late).
    const ms: KubeObject = {
      apiVersion: 'machine.openshift.io/v1beta1',
      kind: 'MachineSet',
      metadata: { name: 'w', namespace: MAPI },
      spec: {
        template: { spec: { providerSpec: { value: { userData: { name: 'worker-user-data-managed' } } } } },
      },
    };
    assert.match((await run([mcs(), ms], '4.19.2'))[0]!, /^warn .*should have renewed it by .* and has not/);
  });
}
