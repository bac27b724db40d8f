/** `<pool>-user-data-managed` secrets: pointer Ignition to the VIP with the CA of the release's source. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueCertificate } from '../../../../src/pki/issue.js';
import { startFixture, waitFor, type Fixture } from './fixture.js';

const MAPI = 'openshift-machine-api';

function managed(f: Fixture, pool: string) {
  const s = f.ctx.store.get(f.ctx.store.type('secrets', ''), MAPI, `${pool}-user-data-managed`);
  if (!s) return undefined;
  const data = s.data as Record<string, string>;
  return {
    secret: s,
    userData: Buffer.from(data.userData ?? '', 'base64').toString('utf8'),
    disableTemplating: Buffer.from(data.disableTemplating ?? '', 'base64').toString('utf8'),
  };
}

function caOf(userData: string): string {
  const ign = JSON.parse(userData) as {
    ignition: { security: { tls: { certificateAuthorities: Array<{ source: string }> } } };
  };
  const source = ign.ignition.security.tls.certificateAuthorities[0]?.source ?? '';
  assert.match(source, /^data:text\/plain;charset=utf-8;base64,/);
  return Buffer.from(source.split(',')[1] ?? '', 'base64').toString('utf8');
}

async function newCa(cn: string) {
  return issueCertificate({
    subject: `CN=${cn}`,
    isCA: true,
    notBefore: new Date(Date.now() - 1000),
    notAfter: new Date(Date.now() + 86_400_000),
  });
}

test('4.16: one managed secret per pool, pointing at the VIP with root-ca, re-rendered when root-ca changes', async () => {
  const f = await startFixture({ version: '4.16' });
  try {
    const worker = managed(f, 'worker');
    assert.ok(worker && managed(f, 'master'));
    assert.equal(worker.disableTemplating, 'true\n');
    assert.equal(
      worker.userData,
      `{"ignition":{"config":{"merge":[{"source":"https://${f.ctx.network.apiVip}:22623/config/worker","verification":{}}],"replace":{"verification":{}}},"proxy":{},"security":{"tls":{"certificateAuthorities":[{"source":"data:text/plain;charset=utf-8;base64,${Buffer.from(f.root.certPem).toString('base64')}","verification":{}}]}},"timeouts":{},"version":"3.4.0"},"kernelArguments":{},"passwd":{},"storage":{},"systemd":{}}`,
    );
    const pool = f.ctx.store.mustGet(
      f.ctx.store.type('machineconfigpools', 'machineconfiguration.openshift.io'),
      undefined,
      'worker',
    );
    assert.deepEqual(worker.secret.metadata.ownerReferences, [
      {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfigPool',
        name: 'worker',
        uid: pool.metadata.uid,
      },
    ]);
    assert.equal(worker.secret.metadata.labels, undefined);
    const rv = worker.secret.metadata.resourceVersion;
    // An unrelated change does not rewrite it.
    f.ctx.store.mutate(f.ctx.store.type('configmaps', ''), 'kube-system', 'root-ca', (cm) => {
      cm.metadata.annotations = { touched: 'yes' };
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(managed(f, 'worker')?.secret.metadata.resourceVersion, rv);
    const next = await newCa('next-root');
    f.ctx.store.mutate(f.ctx.store.type('configmaps', ''), 'kube-system', 'root-ca', (cm) => {
      cm.data = { 'ca.crt': next.certPem };
    });
    await waitFor(
      're-rendered',
      () =>
        caOf(
          managed(f, 'worker')?.userData ??
            '{"ignition":{"security":{"tls":{"certificateAuthorities":[{"source":"data:text/plain;charset=utf-8;base64,"}]}}}}',
        ) === next.certPem,
    );
    // Someone edits it by hand: the operator puts it back.
    f.ctx.store.mutate(f.ctx.store.type('secrets', ''), MAPI, 'worker-user-data-managed', (s) => {
      s.data = { ...(s.data as Record<string, string>), userData: Buffer.from('{}').toString('base64') };
    });
    await waitFor('reverted', () => managed(f, 'worker')?.userData.startsWith('{"ignition"'));
  } finally {
    await f.stop();
  }
});

test('4.12: spec 3.2.0 pointer, no kernelArguments', async () => {
  const f = await startFixture({ version: '4.12' });
  try {
    const worker = managed(f, 'worker');
    assert.match(worker?.userData ?? '', /"timeouts":\{\},"version":"3\.2\.0"\},"passwd":\{\}/);
  } finally {
    await f.stop();
  }
});

test('4.19: the CA comes from the machine-config-server-ca bundle (root-ca as fallback) and the secret is labelled', async () => {
  const f = await startFixture({ version: '4.19' });
  try {
    const first = managed(f, 'worker');
    assert.ok(first);
    assert.equal(caOf(first.userData), f.root.certPem, 'no bundle yet: root-ca');
    assert.deepEqual(first.secret.metadata.labels, {
      'machineconfiguration.openshift.io/managed-ca-bundle-derived-from-configmap': '',
    });
    assert.match(first.userData, /"version":"3\.5\.0"/);
    const bundleCa = await newCa('openshift-machine-config-operator_machine-config-server-ca@1700000000');
    f.ctx.store.create(f.ctx.store.type('configmaps', ''), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'machine-config-server-ca', namespace: 'openshift-machine-config-operator' },
      data: { 'ca-bundle.crt': bundleCa.certPem },
    });
    await waitFor('follows the bundle', () => {
      const ud = managed(f, 'worker')?.userData;
      return ud !== undefined && caOf(ud) === bundleCa.certPem;
    });
  } finally {
    await f.stop();
  }
});
