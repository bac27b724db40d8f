/**
 * The exporter's status ConfigMap (--status-configmap), which the RHACM compliance policy judges:
 * statusData() on made-up samples (ok, fail, unknown, expired vs expiring); then the built CLI's
 * exporter against the simulated cluster whose MCS certificate has 10 days left: before the
 * ConfigMap exists it says so in its log and keeps serving; once manifests/fleet/exporter's
 * ConfigMap is applied it writes verdict fail with the finding, and its only writes are the
 * ones status-rbac.yaml allows; after `fix --apply` and `verify` it writes verdict ok.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { statusData } from '../../src/exporter/status.js';
import { COLLECTED, type Collected } from '../../src/exporter/metrics.js';
import { ADMIN_USER } from '../../src/sim/apiserver/auth.js';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { ROOT, startExporterCli, waitFor } from '../helpers/exporter.js';
import { fixApply, HOST, kubectl, SPEED, verifyReady } from '../helpers/fix.js';

const OVERLAY = join(ROOT, 'manifests', 'fleet', 'exporter');
const NOW = new Date('2026-06-01T00:00:00Z');
const at = (days: number): number => NOW.getTime() / 1000 + days * 86400;

describe('statusData: the verdict and findings of one collection', () => {
  const fetch = (value: number, name: string): Collected =>
    new Map([
      [
        COLLECTED.workerFetch,
        [
          {
            labels: {
              secret_namespace: 'openshift-machine-api',
              secret_name: name,
              endpoint: 'api-int.a.example:22623',
              reason: value ? 'ok' : 'unknown-authority',
              cause: value ? '' : 'mcs-ca-mismatch',
            },
            value,
          },
        ],
      ],
    ]);
  const cert = (left: number, source = 'secret'): Collected =>
    new Map([
      [
        COLLECTED.servingNotAfter,
        [
          {
            labels: {
              source,
              secret_namespace: 'openshift-machine-config-operator',
              secret_name: 'machine-config-server-tls',
              endpoint: '',
              serial_number: '7',
            },
            value: at(left),
          },
        ],
      ],
    ]);

  test('nothing failing, 400 days left, a successful collection: ok', () => {
    const d = statusData(new Map([...fetch(1, 'worker-user-data'), ...cert(400)]), NOW, true);
    assert.deepEqual(
      { ...d, lastCollection: undefined },
      {
        verdict: 'ok',
        failingPointers: '0',
        expiringCertificates: '0',
        findings: '',
        collectionSuccess: 'true',
        lastCollection: undefined,
      },
    );
    assert.equal(d['lastCollection'], NOW.toISOString());
  });

  test('a failing pointer: fail, with the secret, reason and cause', () => {
    const d = statusData(fetch(0, 'worker-user-data-managed'), NOW, true);
    assert.equal(d['verdict'], 'fail');
    assert.equal(d['failingPointers'], '1');
    assert.equal(
      d['findings'],
      'worker-fetch-fail openshift-machine-api/worker-user-data-managed endpoint=api-int.a.example:22623 reason=unknown-authority cause=mcs-ca-mismatch',
    );
  });

  test('29 days left: expiring; expired: expired; 30 days left: not expiring', () => {
    assert.match(statusData(cert(29.5), NOW, true)['findings']!, /^mcs-cert-expiring secret .* left=29d$/);
    assert.match(statusData(cert(-1), NOW, true)['findings']!, /^mcs-cert-expired secret .* expired$/);
    assert.equal(statusData(cert(30), NOW, true)['verdict'], 'ok');
  });

  test('an incomplete collection that found nothing is unknown; one that found something is fail', () => {
    assert.equal(statusData(new Map(), NOW, false)['verdict'], 'unknown');
    assert.equal(statusData(new Map(), NOW, false)['collectionSuccess'], 'false');
    assert.equal(statusData(cert(10), NOW, false)['verdict'], 'fail');
  });
});

describe('exporter --status-configmap against the simulated cluster (mcs-cert-expiring)', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'mcs-cert-expiring', speed: SPEED });
    await waitForHostOutcome(cluster.ctx, HOST, 60_000);
  });
  after(async () => {
    await cluster?.close();
  });

  test('no ConfigMap: logged, metrics still served; applied: verdict fail with the finding; writes only what its Role allows; fixed: ok', async () => {
    const kc = ['--kubeconfig', cluster.kubeconfigPath];
    const exporter = await startExporterCli([
      ...kc,
      '--interval',
      '1s',
      '--status-configmap',
      'mcs-doctor/mcs-doctor-status',
    ]);
    try {
      await waitFor('the exporter says it could not write the status', () =>
        /msg="status not written" error="configmap mcs-doctor\/mcs-doctor-status: 404 .*create it first/.test(
          exporter.stderr(),
        ),
      );
      assert.ok(
        (await exporter.scrape()).some(
          (s) => s.name === 'mcs_doctor_mcs_serving_cert_not_after_timestamp_seconds',
        ),
      );

      await kubectl([...kc, 'apply', '-f', join(ROOT, 'manifests', 'exporter', 'namespace.yaml')]);
      await kubectl([...kc, 'apply', '-f', join(OVERLAY, 'status-configmap.yaml')]);
      cluster.api.resetStats();
      const get = async (): Promise<Record<string, string>> =>
        (
          JSON.parse(
            (
              await kubectl([
                ...kc,
                'get',
                'configmap',
                'mcs-doctor-status',
                '-n',
                'mcs-doctor',
                '-o',
                'json',
              ])
            ).stdout,
          ) as { data?: Record<string, string> }
        ).data ?? {};
      const failing = await waitFor('verdict fail', async () => {
        const d = await get();
        return d['verdict'] === 'fail' ? d : undefined;
      });
      assert.equal(failing['failingPointers'], '0');
      assert.ok(Number(failing['expiringCertificates']) >= 1);
      assert.match(
        failing['findings']!,
        /^mcs-cert-expiring secret openshift-machine-config-operator\/machine-config-server-tls serial=\d+ left=(9|10)d$/m,
      );
      assert.equal(failing['collectionSuccess'], 'true');

      // Every write the exporter made since: allowed by status-rbac.yaml (patch configmaps in
      // mcs-doctor; the Role names the one ConfigMap), and nothing else.
      const role = YAML.parseAllDocuments(readFileSync(join(OVERLAY, 'status-rbac.yaml'), 'utf8'))
        .map(
          (d) =>
            d.toJSON() as {
              kind: string;
              rules?: Array<{ resources: string[]; verbs: string[]; resourceNames: string[] }>;
            },
        )
        .find((d) => d.kind === 'Role')!;
      assert.deepEqual(role.rules, [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: ['mcs-doctor-status'],
          verbs: ['patch'],
        },
      ]);
      const writes = Object.keys(cluster.api.stats().byAccess)
        .map((k) => k.split('|'))
        .filter(([user, verb]) => user === ADMIN_USER && !['get', 'list', 'watch'].includes(verb!));
      assert.deepEqual(
        [...new Set(writes.map((w) => w.slice(1).join('|')))],
        ['patch||configmaps|mcs-doctor'],
        'the exporter wrote nothing but its status ConfigMap',
      );

      const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-status-fix-'));
      try {
        const fix = await fixApply(cluster.kubeconfigPath, join(dir, 'backup'));
        assert.equal(fix.code, 0, fix.stdout + fix.stderr);
        await verifyReady(cluster.kubeconfigPath);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const ok = await waitFor('verdict ok after the fix', async () => {
        const d = await get();
        return d['verdict'] === 'ok' ? d : undefined;
      });
      assert.deepEqual([ok['failingPointers'], ok['expiringCertificates'], ok['findings']], ['0', '0', '']);
    } finally {
      assert.equal(await exporter.stop(), 0);
    }
  });
});
