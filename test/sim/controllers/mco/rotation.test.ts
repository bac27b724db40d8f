/** 4.19 MCS cert rotation in machine-config-controller. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCertificates } from '../../../../src/pki/parse.js';
import type { KubeObject } from '../../../../src/sim/kube/types.js';
import { httpsGet, startFixture, waitFor, type Fixture } from './fixture.js';

const MCO_NS = 'openshift-machine-config-operator';
const MAPI = 'openshift-machine-api';

function userDataSecret(name: string, caSources: string[]): KubeObject {
  const ign = {
    ignition: {
      config: { merge: [{ source: 'https://api-int.example:22623/config/worker' }] },
      security: { tls: { certificateAuthorities: caSources.map((source) => ({ source })) } },
      version: '3.2.0',
    },
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: MAPI },
    type: 'Opaque',
    data: { userData: Buffer.from(JSON.stringify(ign)).toString('base64') },
  };
}

function mccLog(f: Fixture): string {
  const key = f.ctx.podLogs.keys().find((k) => k.includes('/machine-config-controller-'));
  return key ? (f.ctx.podLogs.find(key)?.text() ?? '') : '';
}

function secret(f: Fixture, ns: string, name: string) {
  return f.ctx.store.get(f.ctx.store.type('secrets', ''), ns, name);
}

test('with a MachineSet: mints a CA and a serving cert, pods hot-reload, unmanaged user-data follows, 2 CAs abort', async () => {
  const old = 'data:text/plain;charset=utf-8;base64,' + Buffer.from('old').toString('base64');
  const f = await startFixture({
    version: '4.19',
    machineSet: true,
    extraObjects: [userDataSecret('worker-user-data', [old]), userDataSecret('custom-user-data', [old, old])],
  });
  try {
    assert.equal(f.mco.certRotationEnabled(), true);
    const ca = await waitFor('CA secret', () => secret(f, MCO_NS, 'machine-config-server-ca'), 15000);
    assert.equal(ca.type, 'kubernetes.io/tls');
    const caCn = ca.metadata.annotations?.['auth.openshift.io/certificate-issuer'] ?? '';
    assert.match(caCn, /^openshift-machine-config-operator_machine-config-server-ca@\d{10}$/);
    assert.ok(ca.metadata.annotations?.['auth.openshift.io/certificate-not-after']);
    const caPem = Buffer.from((ca.data as Record<string, string>)['tls.crt'] ?? '', 'base64').toString(
      'utf8',
    );
    const caCert = parseCertificates(caPem, 'ca')[0];
    assert.equal(caCert?.subject, `CN=${caCn}`);
    assert.equal(caCert?.isCA, true);
    assert.ok(
      Math.abs(
        (caCert?.notAfter.getTime() ?? 0) - (caCert?.notBefore.getTime() ?? 0) - 10 * 365 * 86_400_000,
      ) < 5000,
    );

    const tls = await waitFor(
      'serving secret rotated',
      () => {
        const s = secret(f, MCO_NS, 'machine-config-server-tls');
        return s?.metadata.annotations?.['auth.openshift.io/certificate-issuer'] === caCn ? s : undefined;
      },
      15000,
    );
    assert.equal(tls.type, 'kubernetes.io/tls');
    assert.match(mccLog(f), /Migration to kubernetes\.io\/tls for machine-config-server-tls successful/);
    const chain = parseCertificates(
      Buffer.from((tls.data as Record<string, string>)['tls.crt'] ?? '', 'base64').toString('utf8'),
      'tls',
    );
    assert.equal(chain.length, 2);
    assert.deepEqual(chain[0]?.ipAddresses, [f.ctx.network.apiVip]);
    assert.deepEqual(chain[0]?.dnsNames, [f.ctx.network.apiVip, f.ctx.network.apiIntName].sort());

    const bundle = f.ctx.store.get(f.ctx.store.type('configmaps', ''), MCO_NS, 'machine-config-server-ca');
    assert.equal((bundle?.data as Record<string, string>)['ca-bundle.crt'], caPem);

    // Pods hot-reload: the VIP now serves a cert the old root does not sign, the new CA does.
    const deadline = Date.now() + 5000;
    let reply;
    for (;;) {
      reply = await httpsGet(`https://${f.ctx.network.apiVip}:22623/healthz`, caPem).catch((e: Error) => e);
      if (!(reply instanceof Error) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(!(reply instanceof Error), String(reply));
    assert.equal(reply.fingerprint, chain[0]?.fingerprintSha256);

    const updated = await waitFor('unmanaged user-data rewritten', () => {
      const ud = Buffer.from(
        (secret(f, MAPI, 'worker-user-data')?.data as Record<string, string>).userData ?? '',
        'base64',
      ).toString('utf8');
      return ud.includes(Buffer.from(caPem).toString('base64')) ? ud : undefined;
    });
    // Go's json.Marshal of a map: keys sorted.
    assert.ok(
      updated.startsWith(
        '{"ignition":{"config":{"merge":[{"source":"https://api-int.example:22623/config/worker"}]},"security"',
      ),
    );
    const custom = Buffer.from(
      (secret(f, MAPI, 'custom-user-data')?.data as Record<string, string>).userData ?? '',
      'base64',
    ).toString('utf8');
    assert.ok(custom.includes(old) && !custom.includes(Buffer.from(caPem).toString('base64')));
    await waitFor('abort logged', () =>
      mccLog(f).includes(
        'error reconciling secret: custom-user-data additional CAs detected, cannot modify automatically. Aborting',
      ),
    );
    // The managed secrets follow the bundle too.
    await waitFor('managed follows', () =>
      Buffer.from(
        (secret(f, MAPI, 'worker-user-data-managed')?.data as Record<string, string>).userData ?? '',
        'base64',
      )
        .toString('utf8')
        .includes(Buffer.from(caPem).toString('base64')),
    );

    // A deleted serving secret comes back, signed by the same CA.
    f.ctx.store.delete(f.ctx.store.type('secrets', ''), MCO_NS, 'machine-config-server-tls');
    const back = await waitFor('recreated', () => secret(f, MCO_NS, 'machine-config-server-tls'), 15000);
    assert.equal(back.metadata.annotations?.['auth.openshift.io/certificate-issuer'], caCn);
  } finally {
    await f.stop();
  }
});

test('without a MachineSet the rotator is not added', async () => {
  const f = await startFixture({ version: '4.19' });
  try {
    await waitFor('ready', () => f.mco.mcsEndpoints().length === 3);
    assert.match(mccLog(f), /MCS CA\/TLS cert rotator not added\n/);
    assert.equal(secret(f, MCO_NS, 'machine-config-server-ca'), undefined);
    assert.equal(secret(f, MCO_NS, 'machine-config-server-tls')?.type, 'Opaque');
  } finally {
    await f.stop();
  }
});
