/**
 * `mcs-doctor certs` through the built CLI, as a user runs it: against a simulated cluster with
 * 1,200 extra TLS secrets reached through its kubeconfig and real HTTPS (paged lists, the
 * requests they take, the context's namespace, -A, exit codes, every output format, a secret
 * that does not parse), offline on a must-gather the simulator writes, and on the real OCP 4.9
 * must-gather, whose managed certificates it must recognise.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { CertRow, CertsReport } from '../../src/core/certs.js';
import { issueCertificate } from '../../src/pki/issue.js';
import { kubeconfigYaml } from '../../src/sim/apiserver/kubeconfig-file.js';
import { captureMustGather } from '../../src/sim/capture.js';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { runCli } from '../helpers/cli.js';

const REAL_MUST_GATHER = join('..', 'shared', 'data', 'must-gather', 'must-gather-metal.tar.xz');
const BULK = 1200;
/** Secrets tls-N with N % 1000 = 7 expired, = 13 expire in 10 days, both unmanaged (src/sim/bulk-tls.ts). */
const BULK_PROBLEMS = ['bulk-13/tls-1013', 'bulk-13/tls-13', 'bulk-7/tls-1007', 'bulk-7/tls-7'];

let tmp: string;
let cluster: SimCluster;
let kc: string;

const json = (stdout: string): CertsReport => JSON.parse(stdout) as CertsReport;
const find = (r: CertsReport, ns: string, name: string): CertRow | undefined =>
  r.certificates.find((c) => c.namespace === ns && c.name === name);

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-certs-'));
  cluster = await startSimCluster({ scenario: 'healthy', tlsSecrets: BULK });
  kc = cluster.kubeconfigPath;
  const { store } = cluster.ctx;
  store.create(store.type('namespaces', ''), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'bad' },
  });
  // A TLS secret whose certificate is cut short, and its key, which must never be printed.
  store.create(store.type('secrets', ''), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'broken', namespace: 'bad' },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n').toString('base64'),
      'tls.key': Buffer.from(
        '-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n',
      ).toString('base64'),
    },
  });
});

after(async () => {
  await cluster?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('certs: a simulated cluster with 1,200 TLS secrets, live', () => {
  test('-A: every certificate, paged 500 at a time, the unmanaged expired and expiring ones exit 1', async () => {
    const r = await runCli(['certs', '-A', '--kubeconfig', kc, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const j = json(r.stdout);
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.namespace, null);
    // 1,200 bulk + broken + MCS serving + root-ca + 4 pointer CAs.
    assert.equal(j.summary.certificates, BULK + 7);
    assert.deepEqual(
      j.certificates
        .filter((c) => c.problem)
        .map((c) => `${c.namespace}/${c.name}`)
        .sort(),
      BULK_PROBLEMS,
    );
    assert.equal(
      j.summary.managed,
      898,
      'service CA, certrotation and cert-manager annotated: 3 in 4, less tls-13 and tls-1013',
    );
    assert.equal(find(j, 'bulk-2', 'tls-2')?.status, 'expiring', 'cert-manager, 20 days');
    assert.equal(find(j, 'bulk-2', 'tls-2')?.problem, false);
    // Pages: TLS secrets 3 (1,201 by 500), the MCS secret by name, the Machine API secrets, the ConfigMaps.
    assert.equal(j.source.pages, 6);
    assert.equal(j.source.requests, 8, 'the 6 pages, the ClusterVersion and the MachineSets');
    const broken = find(j, 'bad', 'broken')!;
    assert.equal(broken.status, 'unparsable');
    assert.match(broken.error!, /truncated PEM/);
    const mcs = find(j, 'openshift-machine-config-operator', 'machine-config-server-tls')!;
    assert.equal(mcs.management, 'unmanaged');
    assert.match(mcs.managementReason, /nothing rotates machine-config-server-tls before OpenShift 4\.19/);
    assert.equal(find(j, 'openshift-machine-api', 'worker-user-data')?.kind, 'UserData');
  });

  test('text: an oc-style table on stdout, the summary on stderr, no key material anywhere', async () => {
    const r = await runCli(['certs', '-A', '--kubeconfig', kc]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^NAMESPACE +NAME +KIND +SUBJECT +ISSUER +NOT AFTER +EXPIRES IN +MANAGED-BY +STATUS$/,
    );
    assert.equal(lines.length, BULK + 8);
    assert.match(
      r.stdout,
      /\nbad +broken +Secret +<unparsable> +<unparsable> +<unknown> +<unknown> +<none> +unparsable: truncated PEM/,
    );
    assert.match(
      r.stdout,
      /\nbulk-7 +tls-7 +Secret +tls-7\.bulk-7\.svc +sim-bulk-ca +\S+ +expired 3d ago +<none> +expired\n/,
    );
    assert.match(
      r.stdout,
      /\nbulk-1 +tls-1 +Secret +tls-1\.bulk-1\.svc +sim-bulk-ca +\S+ +334d +certrotation \(signer sim-bulk-ca\) +ok\n/,
    );
    assert.match(r.stdout, /\nbulk-0 +tls-0 +Secret .* service-ca +ok\n/);
    assert.match(
      r.stdout,
      /\nbulk-2 +tls-2 +Secret .* cert-manager \(ClusterIssuer\/sim-issuer\) +expiring\n/,
    );
    assert.match(
      r.stderr,
      /^1207 certificates: 898 managed, 309 unmanaged; 2 expired, 4 expiring within 30d, 1 unparsable\.\n4 problems: /,
    );
    for (const out of [r.stdout, r.stderr]) {
      assert.doesNotMatch(out, /PRIVATE KEY|TOPSECRETKEYMATERIAL/);
    }
  });

  test("without -n: the kubeconfig context's namespace, as kubectl (the simulator's is openshift-machine-api)", async () => {
    const r = await runCli(['certs', '--kubeconfig', kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME +KIND +SUBJECT /, 'no NAMESPACE column for one namespace');
    assert.deepEqual(
      r.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/).slice(0, 2).join(' ')),
      [
        'master-user-data UserData',
        'master-user-data-managed UserData',
        'worker-user-data UserData',
        'worker-user-data-managed UserData',
      ],
    );
  });

  test('-n and --expiring: a narrower window makes the 10-day certificates no problem', async () => {
    const wide = await runCli(['certs', '-n', 'bulk-13', '--kubeconfig', kc, '-o', 'json']);
    assert.equal(wide.code, 1, wide.stderr);
    assert.deepEqual(
      json(wide.stdout)
        .certificates.filter((c) => c.problem)
        .map((c) => c.name)
        .sort(),
      ['tls-1013', 'tls-13'],
    );
    const narrow = await runCli(['certs', '-n', 'bulk-13', '--expiring', '5d', '--kubeconfig', kc]);
    assert.equal(narrow.code, 0, narrow.stderr);
    assert.match(narrow.stderr, /No problem: no unmanaged certificate is expired or expiring within 5d\./);
  });

  test('--chunk-size 0: each list in one request; --all-certs: the CA after each leaf', async () => {
    const r = await runCli([
      'certs',
      '-A',
      '--chunk-size',
      '0',
      '--all-certs',
      '--kubeconfig',
      kc,
      '-o',
      'json',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const j = json(r.stdout);
    assert.equal(j.source.pages, 4);
    assert.equal(j.source.requests, 6);
    assert.equal(j.allCerts, true);
    assert.deepEqual(
      j.certificates
        .filter((c) => c.namespace === 'bulk-0' && c.name === 'tls-0')
        .map((c) => [c.index, c.subject]),
      [
        [0, 'CN=tls-0.bulk-0.svc'],
        [1, 'CN=sim-bulk-ca'],
      ],
    );
  });

  test('-o junit: one testcase per certificate, a failure for each problem; -o yaml is the same report', async () => {
    const r = await runCli(['certs', '-A', '--kubeconfig', kc, '-o', 'junit']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="mcs-doctor certs" tests="1207" failures="4" errors="0" skipped="1">/,
    );
    assert.equal((r.stdout.match(/<testcase /g) ?? []).length, BULK + 7);
    assert.equal((r.stdout.match(/<failure /g) ?? []).length, 4);
    assert.match(
      r.stdout,
      /<testcase classname="mcs-doctor\.certs\.Secret\.bulk-7" name="Secret bulk-7\/tls-7\[tls\.crt\] \(tls-7\.bulk-7\.svc\)" time="0\.000">\n {6}<failure message="unmanaged: expired 3d ago/,
    );
    const y = await runCli([
      'certs',
      '-n',
      'openshift-machine-config-operator',
      '--kubeconfig',
      kc,
      '-o',
      'yaml',
    ]);
    assert.equal(y.code, 0, y.stderr);
    const doc = parseYaml(y.stdout) as CertsReport;
    assert.equal(doc.certificates.length, 1);
    assert.equal(doc.certificates[0]?.name, 'machine-config-server-tls');
    assert.equal(doc.openshiftVersion?.startsWith('4.16'), true);
  });

  test('bad flags exit 2; an API server that does not answer exits 3', async () => {
    const bad = await runCli(['certs', '--expiring', '30x', '--kubeconfig', kc]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--expiring "30x" is not a duration/);
    const chunk = await runCli(['certs', '--chunk-size', '-1', '--kubeconfig', kc]);
    assert.equal(chunk.code, 2);
    assert.match(chunk.stderr, /--chunk-size "-1" is not a whole number/);
    const dead = join(tmp, 'dead.kubeconfig');
    await writeFile(dead, (await readFile(kc, 'utf8')).replace(/server: .*/, 'server: https://127.0.0.1:1'));
    const r = await runCli(['certs', '-A', '--kubeconfig', dead, '--request-timeout', '5s']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot reach the API server at https:\/\/127\.0\.0\.1:1/);
  });
});

describe('certs: offline', () => {
  test('a must-gather of mcs-cert-expired: the expired, unmanaged MCS certificate exits 1; redacted pointers are named', async () => {
    const dir = join(tmp, 'mg-expired');
    await captureMustGather({ scenario: 'mcs-cert-expired', outDir: dir });
    const r = await runCli(['certs', '--must-gather', dir, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const j = json(r.stdout);
    assert.equal(j.source.kind, 'must-gather');
    assert.equal(j.namespace, null, 'a must-gather lists every namespace unless -n');
    const mcs = find(j, 'openshift-machine-config-operator', 'machine-config-server-tls')!;
    assert.deepEqual([mcs.status, mcs.management, mcs.problem], ['expired', 'unmanaged', true]);
    assert.ok(
      j.notes.some((n) => /worker-user-data: userData is redacted/.test(n)),
      j.notes.join('\n'),
    );
    assert.equal(j.certificates.filter((c) => c.kind === 'UserData').length, 0);
  });

  test('the real OCP 4.9 must-gather: 369 certificates, the operators’ ones recognised as managed, no problem', async () => {
    const r = await runCli(['certs', '--must-gather', REAL_MUST_GATHER, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.includes('    at '), false, 'no stack trace');
    const j = json(r.stdout);
    assert.equal(j.at, '2021-09-14T14:43:46.909Z', 'judged at must-gather time');
    assert.match(j.openshiftVersion ?? '', /^4\.9\./);
    assert.equal(j.summary.certificates, 369);
    assert.equal(j.summary.problems, 0);
    const kinds = (k: string) => j.certificates.filter((c) => c.kind === k).length;
    assert.deepEqual([kinds('Secret'), kinds('ConfigMap'), kinds('UserData')], [129, 240, 0]);
    const by = (pattern: RegExp) => j.certificates.filter((c) => pattern.test(c.managedBy ?? '')).length;
    assert.ok(by(/^service-ca$/) >= 100, 'service CA serving secrets and injected bundles');
    assert.ok(by(/^certrotation/) >= 40, 'library-go certrotation');
    assert.equal(by(/^kube-controller-manager$/), 58, 'kube-root-ca.crt in every namespace');
    // The MCS serving certificate: Opaque, unmanaged on 4.9, valid until 2031.
    const mcs = find(j, 'openshift-machine-config-operator', 'machine-config-server-tls')!;
    assert.deepEqual(
      [mcs.subject, mcs.issuer, mcs.management],
      ['CN=system:machine-config-server', 'CN=root-ca, OU=openshift', 'unmanaged'],
    );
    assert.match(mcs.managementReason, /before OpenShift 4\.19 \(this cluster is 4\.9\./);
    // Expiring within 30 days, but renewed by their operators: not problems.
    const aggregator = find(j, 'openshift-kube-apiserver', 'aggregator-client')!;
    assert.deepEqual([aggregator.status, aggregator.management], ['expiring', 'managed']);
    const copy = find(j, 'openshift-kube-controller-manager', 'csr-signer')!;
    assert.equal(copy.copyOf, 'openshift-kube-controller-manager-operator/csr-signer');
    assert.equal(
      find(j, 'openshift-operator-lifecycle-manager', 'pprof-cert')?.managedBy,
      'olm (collect-profiles)',
    );
    assert.equal(find(j, 'openshift-service-ca', 'signing-key')?.managedBy, 'service-ca-operator');
    assert.equal(find(j, 'kube-system', 'root-ca')?.management, 'unmanaged');
    assert.deepEqual(
      j.notes.filter((n) => /userData is redacted/.test(n)).length,
      2,
      'master-user-data and worker-user-data cannot be read offline',
    );
  });
});

describe('certs: an API server whose RBAC refuses secrets', () => {
  test('the refused lists are named with the rule to grant, the ConfigMaps listed, exit 4', async () => {
    const now = Date.now();
    const ca = await issueCertificate({
      subject: 'CN=rbac-test-ca',
      isCA: true,
      keyAlgorithm: 'ecdsa-p256',
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 400 * 86_400_000),
    });
    const serving = await issueCertificate({
      subject: 'CN=127.0.0.1',
      issuer: ca,
      keyAlgorithm: 'ecdsa-p256',
      ipAddresses: ['127.0.0.1'],
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 3_600_000),
    });
    const seen: string[] = [];
    // As the kube-apiserver's RBAC authorizer answers a user who may read ConfigMaps only.
    const server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      seen.push(`${url.pathname}?${url.searchParams.toString()}`);
      res.setHeader('Content-Type', 'application/json');
      if (url.pathname.endsWith('/secrets')) {
        const ns = /\/namespaces\/([^/]+)\//.exec(url.pathname)?.[1];
        res.statusCode = 403;
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Forbidden',
            code: 403,
            message: `secrets is forbidden: User "system:serviceaccount:support:viewer" cannot list resource "secrets" in API group "" ${ns ? `in the namespace "${ns}"` : 'at the cluster scope'}`,
          }),
        );
        return;
      }
      if (url.pathname === '/api/v1/configmaps') {
        res.end(
          JSON.stringify({
            kind: 'ConfigMapList',
            apiVersion: 'v1',
            metadata: {},
            items: [{ metadata: { namespace: 'apps', name: 'bundle' }, data: { 'ca.crt': ca.certPem } }],
          }),
        );
        return;
      }
      res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: {}, items: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const kubeconfig = join(tmp, 'rbac.kubeconfig');
      await writeFile(
        kubeconfig,
        kubeconfigYaml({
          server: `https://127.0.0.1:${port}`,
          caPem: ca.certPem,
          adminToken: 'viewer-token',
          readOnlyToken: 'unused',
          clusterName: 'rbac',
        }),
      );
      const r = await runCli(['certs', '-A', '--kubeconfig', kubeconfig, '--request-timeout', '5s']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stdout, /^NAMESPACE +NAME +KIND +SUBJECT/);
      assert.match(r.stdout, /\napps +bundle +ConfigMap +rbac-test-ca +rbac-test-ca /);
      assert.match(
        r.stderr,
        /error: list secrets in all namespaces \(type=kubernetes\.io\/tls\): forbidden: secrets is forbidden: User "system:serviceaccount:support:viewer" cannot list resource "secrets" in API group "" at the cluster scope; grant "list secrets cluster-wide" to list them/,
      );
      assert.match(r.stderr, /grant "list secrets in namespace openshift-machine-api" to list them/);
      assert.ok(
        seen.includes('/api/v1/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls&limit=500'),
        seen.join('\n'),
      );
      const j = await runCli(['certs', '-A', '--kubeconfig', kubeconfig, '-o', 'json']);
      assert.equal(j.code, 4);
      assert.equal(json(j.stdout).verdict, 'inconclusive');
      assert.deepEqual(
        json(j.stdout).unreadable.map((u) => u.permission),
        [
          'list secrets cluster-wide',
          'list secrets in namespace openshift-machine-config-operator',
          'list secrets in namespace openshift-machine-api',
        ],
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
