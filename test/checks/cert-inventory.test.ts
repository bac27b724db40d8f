/**
 * The certificate inventory on objects built here: what each kind of holder gives (leaf only,
 * every certificate with allCerts), unparsable PEM as a row and never a crash or a leaked key,
 * copies of rotated certificates, RBAC refusals named with the permission to grant, and the
 * lean reader giving the facts Go's full parse gives.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { certInventory, type CertInventoryOptions } from '../../src/checks/facts/cert-inventory.js';
import { factsOf, leanFacts, readPemValue } from '../../src/checks/facts/cert-pem.js';
import { issueCertificate, type IssuedCert } from '../../src/pki/issue.js';
import { renderCertsJunit } from '../../src/report/certs-junit.js';
import { renderCertsSummary, renderCertsText } from '../../src/report/certs-text.js';
import { palette } from '../../src/report/colour.js';
import { renderData } from '../../src/report/data.js';
import type { ClusterSource, KubeObject, Read, ResourceRef } from '../../src/sources/types.js';

const DAY = 86_400_000;
const NOW = new Date('2026-12-01T00:00:00Z');
const OPTS: CertInventoryOptions = { allCerts: false, expiringWithinMs: 30 * DAY, now: NOW, chunkSize: 500 };

let ca: IssuedCert;
let leaf: IssuedCert;
let expiring: IssuedCert;
let otherCa: IssuedCert;

before(async () => {
  ca = await issueCertificate({
    subject: 'CN=test-ca',
    isCA: true,
    keyAlgorithm: 'ecdsa-p256',
    notBefore: new Date(NOW.getTime() - 100 * DAY),
    notAfter: new Date(NOW.getTime() + 1000 * DAY),
  });
  otherCa = await issueCertificate({
    subject: 'CN=other-ca, O=Example',
    isCA: true,
    keyAlgorithm: 'ecdsa-p256',
    notBefore: new Date(NOW.getTime() - 100 * DAY),
    notAfter: new Date(NOW.getTime() - DAY),
  });
  leaf = await issueCertificate({
    subject: 'CN=web.apps.svc',
    issuer: ca,
    keyAlgorithm: 'ecdsa-p256',
    dnsNames: ['web.apps.svc'],
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 200 * DAY),
  });
  expiring = await issueCertificate({
    subject: 'CN=old.apps.svc',
    issuer: ca,
    keyAlgorithm: 'ecdsa-p256',
    notBefore: new Date(NOW.getTime() - 300 * DAY),
    notAfter: new Date(NOW.getTime() + 5 * DAY),
  });
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function secret(
  namespace: string,
  name: string,
  crt: string,
  annotations: Record<string, string> = {},
  type = 'kubernetes.io/tls',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name, annotations },
    type,
    data: { 'tls.crt': b64(crt), 'tls.key': b64(leaf.keyPem) },
  };
}

function configMap(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data };
}

/** A source over fixed objects; `refuse` names the plurals RBAC refuses. */
function source(objects: KubeObject[], refuse: string[] = []): ClusterSource {
  return {
    kind: 'live',
    location: 'test',
    redactsSecrets: false,
    collectedAt: NOW,
    stats: () => ({ requests: 0 }),
    close: async () => {},
    podLog: async () => ({ ok: false, reason: 'not-found', message: 'no logs' }),
    async list(ref: ResourceRef, namespace?: string): Promise<Read<KubeObject[]>> {
      if (refuse.includes(ref.plural)) {
        return {
          ok: false,
          reason: 'forbidden',
          message: `${ref.plural} is forbidden: User "viewer" cannot list resource "${ref.plural}"`,
          permission: `list ${ref.plural}${namespace ? ` in namespace ${namespace}` : ' cluster-wide'}`,
        };
      }
      return {
        ok: true,
        value: objects.filter(
          (o) => o.kind === ref.kind && (!namespace || !ref.namespaced || o.metadata.namespace === namespace),
        ),
      };
    },
  };
}

test('a chain, a bundle and the pointer CAs: the first certificate by default, every one with allCerts', async () => {
  const pointer = JSON.stringify({
    ignition: {
      version: '3.2.0',
      config: { merge: [{ source: 'https://api-int.example.test:22623/config/worker' }] },
      security: {
        tls: {
          certificateAuthorities: [{ source: `data:text/plain;charset=utf-8;base64,${b64(ca.certPem)}` }],
        },
      },
    },
  });
  const objects = [
    secret('apps', 'web-tls', leaf.certPem + ca.certPem),
    configMap('apps', 'bundle', { 'ca-bundle.crt': ca.certPem + otherCa.certPem, 'other.crt': ca.certPem }),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'openshift-machine-api', name: 'worker-user-data' },
      type: 'Opaque',
      data: { userData: b64(pointer) },
    },
  ];
  const first = await certInventory(source(objects), OPTS);
  assert.deepEqual(
    first.certificates.map((r) => [r.kind, r.name, r.key, r.index, r.certificatesInValue, r.subject]),
    [
      ['Secret', 'web-tls', 'tls.crt', 0, 2, 'CN=web.apps.svc'],
      ['ConfigMap', 'bundle', 'ca-bundle.crt', 0, 2, 'CN=test-ca'],
      ['UserData', 'worker-user-data', 'userData', 0, 1, 'CN=test-ca'],
    ],
  );
  assert.equal(first.certificates[2]?.path, '$.ignition.security.tls.certificateAuthorities[0].source');
  assert.equal(first.exitCode, 0);

  const all = await certInventory(source(objects), { ...OPTS, allCerts: true });
  assert.deepEqual(
    all.certificates.map((r) => `${r.name}[${r.key}]#${r.index} ${r.status}`),
    [
      'web-tls[tls.crt]#0 ok',
      'web-tls[tls.crt]#1 ok',
      'bundle[ca-bundle.crt]#0 ok',
      'bundle[ca-bundle.crt]#1 expired',
      'worker-user-data[userData]#0 ok',
    ],
  );
  // The expired CA in an unmanaged bundle is a problem only when it is listed.
  assert.equal(all.summary.problems, 1);
  assert.equal(all.exitCode, 1);
  const text = renderCertsText(all, palette(false));
  assert.match(text, /^NAMESPACE +NAME +KIND +SUBJECT +ISSUER +NOT AFTER +EXPIRES IN +MANAGED-BY +STATUS\n/);
  assert.match(
    text,
    /bundle\[ca-bundle\.crt\]#1 +ConfigMap +other-ca +other-ca +2026-11-30T00:00:00Z +expired 24h ago +<none> +expired\n/,
  );
});

test('unparsable PEM is a row with the reason, never a crash, and no key material is ever printed', async () => {
  const keyOnly = leaf.keyPem;
  const truncated = leaf.certPem.split('\n').slice(0, 4).join('\n');
  const badBase64 = leaf.certPem.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1#!');
  const notDer = `-----BEGIN CERTIFICATE-----\n${Buffer.from('not a certificate at all').toString('base64')}\n-----END CERTIFICATE-----\n`;
  const objects = [
    secret('bad', 'key-only', keyOnly),
    secret('bad', 'truncated', truncated),
    secret('bad', 'bad-base64', badBase64),
    secret('bad', 'not-der', notDer),
    { ...secret('bad', 'no-crt', ''), data: { 'tls.key': b64(leaf.keyPem) } },
  ];
  const report = await certInventory(source(objects), { ...OPTS, allCerts: true });
  const byName = new Map(report.certificates.map((r) => [r.name, r]));
  assert.equal(report.certificates.length, 5);
  for (const r of report.certificates) assert.equal(r.status, 'unparsable', r.name);
  assert.match(byName.get('key-only')!.error!, /no PEM CERTIFICATE block/);
  assert.match(byName.get('truncated')!.error!, /truncated PEM/);
  assert.match(byName.get('bad-base64')!.error!, /invalid base64/);
  assert.match(byName.get('not-der')!.error!, /cannot parse certificate: malformed certificate/);
  assert.match(byName.get('no-crt')!.error!, /has no tls\.crt/);
  // Unparsable is shown, counted, and is not by itself the exit code's problem.
  assert.equal(report.summary.unparsable, 5);
  assert.equal(report.exitCode, 0);
  const keyBody = leaf.keyPem.split('\n')[1]!;
  for (const out of [
    renderCertsText(report, palette(false)),
    renderCertsSummary(report),
    renderData(report, 'json'),
    renderCertsJunit(report),
  ]) {
    assert.doesNotMatch(out, /PRIVATE KEY/);
    assert.equal(out.includes(keyBody), false, 'the key never appears');
    assert.equal(out.includes(b64(leaf.keyPem).slice(0, 40)), false, 'nor its base64');
  }
});

test('a copy of a certificate an operator rotates is managed as that copy; an unmanaged expiring one is the problem', async () => {
  const annotations = {
    'auth.openshift.io/certificate-not-before': leaf.cert.notBefore.toISOString(),
    'auth.openshift.io/certificate-not-after': leaf.cert.notAfter.toISOString(),
    'auth.openshift.io/certificate-issuer':
      'openshift-kube-controller-manager-operator_csr-signer-signer@1700000000',
  };
  const objects = [
    secret('openshift-kube-controller-manager-operator', 'csr-signer', leaf.certPem, annotations),
    secret('openshift-kube-controller-manager', 'csr-signer', leaf.certPem),
    configMap('openshift-config-managed', 'kubelet-serving-ca', { 'ca-bundle.crt': leaf.certPem }),
    secret('apps', 'old', expiring.certPem),
    secret('apps', 'old-managed', expiring.certPem, { 'cert-manager.io/certificate-name': 'old' }),
  ];
  const r = await certInventory(source(objects), OPTS);
  const row = (ns: string, name: string) =>
    r.certificates.find((c) => c.namespace === ns && c.name === name)!;
  const copy = row('openshift-kube-controller-manager', 'csr-signer');
  assert.equal(copy.management, 'managed');
  assert.equal(copy.copyOf, 'openshift-kube-controller-manager-operator/csr-signer');
  assert.equal(copy.managedBy, 'certrotation (openshift-kube-controller-manager-operator)');
  assert.equal(row('openshift-config-managed', 'kubelet-serving-ca').copyOf, copy.copyOf);
  // old is the same certificate as old-managed, but cert-manager renews only its own secret:
  // nothing keeps a copy made by someone else current.
  assert.equal(row('apps', 'old-managed').management, 'managed');
  assert.equal(row('apps', 'old').copyOf, undefined);
  assert.equal(row('apps', 'old').problem, true);
  assert.equal(r.summary.problems, 1);
  assert.equal(r.exitCode, 1);

  const alone = await certInventory(source([secret('apps', 'old', expiring.certPem)]), OPTS);
  assert.equal(alone.certificates[0]?.status, 'expiring');
  assert.equal(alone.certificates[0]?.problem, true);
  assert.equal(alone.verdict, 'problem');
  assert.equal(alone.exitCode, 1);
  const junit = renderCertsJunit(alone);
  assert.match(junit, /<testsuites name="mcs-doctor certs" tests="1" failures="1" errors="0" skipped="0">/);
  assert.match(junit, /<failure message="unmanaged: expires in 5d \(2026-12-06T00:00:00Z\), within 30d">/);
  // A narrower window: not expiring, no problem.
  assert.equal(
    (
      await certInventory(source([secret('apps', 'old', expiring.certPem)]), {
        ...OPTS,
        expiringWithinMs: 2 * DAY,
      })
    ).exitCode,
    0,
  );
});

test('one namespace: a problem certificate is looked up among the TLS secrets of every namespace, as a copy', async () => {
  const ns = 'openshift-kube-controller-manager';
  const objects = [
    secret('openshift-kube-controller-manager-operator', 'serving', expiring.certPem + ca.certPem, {
      'service.beta.openshift.io/originating-service-name': 'metrics',
    }),
    secret(ns, 'serving-copy', expiring.certPem),
    secret(ns, 'own', otherCa.certPem),
  ];
  const r = await certInventory(source(objects), { ...OPTS, namespace: ns });
  assert.deepEqual(
    r.certificates.map((c) => [c.name, c.copyOf ?? null, c.managedBy, c.problem]),
    [
      ['own', null, null, true],
      ['serving-copy', 'openshift-kube-controller-manager-operator/serving', 'service-ca', false],
    ],
  );
  // Not allowed to look in other namespaces: the problem stays, and a note says why.
  const scoped = source(objects);
  const refusing: ClusterSource = {
    ...scoped,
    list: (ref, namespace) =>
      ref.plural === 'secrets' && namespace !== ns
        ? Promise.resolve({
            ok: false,
            reason: 'forbidden',
            message: 'secrets is forbidden',
            permission: 'list secrets cluster-wide',
          })
        : scoped.list(ref, namespace),
  };
  const denied = await certInventory(refusing, { ...OPTS, namespace: ns });
  assert.equal(denied.certificates.find((c) => c.name === 'serving-copy')?.problem, true);
  assert.equal(denied.unreadable.length, 0);
  assert.equal(denied.exitCode, 1);
  assert.match(
    denied.notes.join('\n'),
    /for the sources of copies\): secrets is forbidden: a problem certificate that copies one rotated elsewhere is not recognised/,
  );
});

test('secrets RBAC refuses: the permission to grant, what could be read, verdict inconclusive (exit 4)', async () => {
  const objects = [
    configMap('apps', 'bundle', { 'ca.crt': ca.certPem }),
    secret('apps', 'web', leaf.certPem),
  ];
  const r = await certInventory(source(objects, ['secrets']), OPTS);
  assert.deepEqual(
    r.certificates.map((c) => c.name),
    ['bundle'],
  );
  assert.equal(r.unreadable.length, 3, JSON.stringify(r.unreadable));
  assert.equal(r.unreadable[0]?.permission, 'list secrets cluster-wide');
  assert.equal(r.unreadable[0]?.reason, 'forbidden');
  assert.equal(r.verdict, 'inconclusive');
  assert.equal(r.exitCode, 4);
  assert.match(
    renderCertsSummary(r),
    /error: secrets is forbidden: User "viewer" cannot list resource "secrets"; grant "list secrets cluster-wide" to list them/,
  );
  assert.match(
    renderCertsJunit(r),
    /<testsuite name="sources" tests="3" failures="0" errors="3" skipped="0">/,
  );
  // A problem found in what could be read still says so.
  const withProblem = await certInventory(
    source([...objects, configMap('apps', 'old', { 'ca.crt': expiring.certPem })], ['secrets']),
    OPTS,
  );
  assert.equal(withProblem.exitCode, 1);
});

test('a namespace: only its objects, and the version and MachineSets are not read outside the MCO and Machine API', async () => {
  let lists = 0;
  const base = source([secret('apps', 'web', leaf.certPem), secret('other', 'x', leaf.certPem)]);
  const counting: ClusterSource = {
    ...base,
    list: (ref, ns) => {
      lists++;
      return base.list(ref, ns);
    },
  };
  const r = await certInventory(counting, { ...OPTS, namespace: 'apps' });
  assert.deepEqual(
    r.certificates.map((c) => `${c.namespace}/${c.name}`),
    ['apps/web'],
  );
  assert.equal(r.namespace, 'apps');
  assert.equal(lists, 2, 'TLS secrets and ConfigMaps, nothing else');
  assert.equal(
    renderCertsText(r, palette(false)).split('\n')[0]?.startsWith('NAME '),
    true,
    'no NAMESPACE column',
  );
});

test("the lean reader gives the facts Go's full parse gives, and defers to it for what it refuses or must judge", () => {
  for (const c of [leaf, ca, expiring, otherCa]) {
    assert.deepEqual(leanFacts(c.cert.der), factsOf(c.cert));
  }
  assert.equal(leanFacts(Buffer.from('not a certificate')), undefined);
  const check = { now: NOW, expiringWithinMs: 30 * DAY };
  assert.deepEqual(readPemValue(leaf.certPem, 'x', false, check).parsed[0], {
    index: 0,
    cert: factsOf(leaf.cert),
  });
  // What the lean reader cannot read, Go's parser names.
  const truncatedDer = `-----BEGIN CERTIFICATE-----\n${leaf.cert.der.subarray(0, 200).toString('base64')}\n-----END CERTIFICATE-----\n`;
  const bad = readPemValue(truncatedDer, 'secret a/b tls.crt', false, check).parsed[0]!;
  assert.ok('error' in bad);
  assert.match(bad.error, /^cannot parse certificate: malformed certificate/);
});
