/** The API's HTTP contract, request by request: auth, selectors, paging, watch, conflicts, subresources, faults. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { parseFault } from '../../../src/sim/apiserver/faults.js';
import { MAPI_NS, startApiFixture, type ApiFixture } from './server-fixture.js';

interface Reply {
  status: number;
  body: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function call(
  fx: ApiFixture,
  method: string,
  path: string,
  opts: {
    token?: string | null;
    body?: unknown;
    contentType?: string;
    accept?: string;
    timeoutMs?: number;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
    const token = opts.token === undefined ? fx.tokens.admin : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (payload) headers['content-type'] = opts.contentType ?? 'application/json';
    const req = request(
      new URL(path, fx.server.url),
      { method, headers, ca: fx.caPem, timeout: opts.timeoutMs ?? 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

const BMH = `/apis/metal3.io/v1alpha1/namespaces/${MAPI_NS}/baremetalhosts`;

describe('the simulated API over HTTP', () => {
  let fx: ApiFixture;
  before(async () => {
    fx = await startApiFixture({ historyLimit: 5 });
  });
  after(async () => {
    await fx.close();
  });

  test('401 without a token or with a wrong one; /version is public', async () => {
    assert.equal((await call(fx, 'GET', BMH, { token: null })).status, 401);
    const wrong = await call(fx, 'GET', BMH, { token: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json().reason, 'Unauthorized');
    assert.equal((await call(fx, 'GET', '/version', { token: null })).json().minor, '32');
  });

  test('the read-only token gets the RBAC 403 on create', async () => {
    const r = await call(fx, 'POST', `/api/v1/namespaces/${MAPI_NS}/secrets`, {
      token: fx.tokens.readOnly,
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
    });
    assert.equal(r.status, 403);
    assert.equal(
      r.json().message,
      'secrets is forbidden: User "system:serviceaccount:mcs-doctor:readonly" cannot create resource "secrets" in API group "" in the namespace "openshift-machine-api"',
    );
  });

  test('label and field selectors; malformed ones are 400', async () => {
    const names = async (q: string): Promise<string[]> =>
      (await call(fx, 'GET', `${BMH}?${q}`))
        .json()
        .items.map((o: { metadata: { name: string } }) => o.metadata.name);
    assert.deepEqual(await names('labelSelector=role%3Dnew'), ['worker-0']);
    assert.equal((await names('labelSelector=role!%3Dnew')).length, 4);
    assert.deepEqual(await names('labelSelector=role%20in%20(new)'), ['worker-0']);
    assert.equal((await names('labelSelector=role%20notin%20(new)')).length, 4);
    assert.equal((await names('labelSelector=role')).length, 5);
    assert.equal((await names('labelSelector=!role')).length, 0);
    assert.deepEqual(await names('fieldSelector=metadata.name%3Dworker-2'), ['worker-2']);
    assert.equal((await call(fx, 'GET', `${BMH}?labelSelector=role%20in%20new`)).status, 400);
    const field = await call(fx, 'GET', `${BMH}?fieldSelector=spec.online%3Dtrue`);
    assert.equal(field.status, 400);
    assert.match(field.json().message, /field label not supported: spec\.online/);
  });

  test('limit and continue page through every item exactly once', async () => {
    const seen: string[] = [];
    let cont = '';
    for (let page = 0; page < 5; page += 1) {
      const r = (
        await call(fx, 'GET', `${BMH}?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)
      ).json();
      seen.push(...r.items.map((o: { metadata: { name: string } }) => o.metadata.name));
      cont = r.metadata.continue ?? '';
      if (!cont) break;
    }
    assert.deepEqual(seen, ['worker-0', 'worker-1', 'worker-2', 'worker-3', 'worker-4']);
    assert.equal((await call(fx, 'GET', `${BMH}?limit=2&continue=garbage!`)).status, 400);
  });

  test('a stale resourceVersion is a 409 Conflict; dryRun writes nothing; a missing namespace is 404', async () => {
    const current = (await call(fx, 'GET', `${BMH}/worker-4`)).json();
    const stale = { ...current, metadata: { ...current.metadata, resourceVersion: '1' } };
    const conflict = await call(fx, 'PUT', `${BMH}/worker-4`, { body: stale });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json().reason, 'Conflict');
    const dry = await call(fx, 'PATCH', `${BMH}/worker-4?dryRun=All`, {
      body: { spec: { online: false } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(dry.status, 200);
    assert.equal(dry.json().spec.online, false);
    assert.equal((await call(fx, 'GET', `${BMH}/worker-4`)).json().spec.online, true);
    const ns = await call(fx, 'POST', '/api/v1/namespaces/nowhere/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
    });
    assert.equal(ns.status, 404);
    assert.match(ns.json().message, /namespaces "nowhere" not found/);
  });

  test('the CSR approval subresource changes only conditions; status changes only status', async () => {
    const path = '/apis/certificates.k8s.io/v1/certificatesigningrequests/csr-abcde';
    const csr = (await call(fx, 'GET', path)).json();
    csr.spec.usages = ['changed'];
    csr.status = { conditions: [{ type: 'Approved', status: 'True', reason: 'Test', message: 'ok' }] };
    const r = await call(fx, 'PUT', `${path}/approval`, { body: csr });
    assert.equal(r.status, 200, r.body);
    const after = (await call(fx, 'GET', path)).json();
    assert.equal(after.status.conditions[0].type, 'Approved');
    assert.deepEqual(after.spec.usages, ['digital signature', 'client auth']);
    const st = await call(fx, 'PATCH', `${BMH}/worker-3/status`, {
      body: { status: { errorType: 'registration error' }, spec: { online: false } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(st.status, 200);
    const bmh = (await call(fx, 'GET', `${BMH}/worker-3`)).json();
    assert.equal(bmh.status.errorType, 'registration error');
    assert.equal(bmh.spec.online, true);
  });

  test('a watch resumes after a resourceVersion; one too old gets an ERROR 410 Expired event', async () => {
    const rv = (await call(fx, 'GET', BMH)).json().metadata.resourceVersion;
    await call(fx, 'PATCH', `${BMH}/worker-1`, {
      body: { metadata: { labels: { seen: 'a' } } },
      contentType: 'application/merge-patch+json',
    });
    const resumed = await call(fx, 'GET', `${BMH}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    const events = resumed.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['MODIFIED worker-1'],
    );
    for (let i = 0; i < 8; i += 1) {
      await call(fx, 'PATCH', `${BMH}/worker-1`, {
        body: { metadata: { labels: { n: String(i) } } },
        contentType: 'application/merge-patch+json',
      });
    }
    const old = await call(fx, 'GET', `${BMH}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    const [event] = old.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(event.type, 'ERROR');
    assert.equal(event.object.code, 410);
    assert.equal(event.object.reason, 'Expired');
  });

  test('server-side Table for kubectl', async () => {
    const t = (
      await call(
        fx,
        'GET',
        `/api/v1/namespaces/openshift-machine-config-operator/pods?labelSelector=k8s-app%3Dmachine-config-server`,
        {
          accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
        },
      )
    ).json();
    assert.equal(t.kind, 'Table');
    assert.deepEqual(
      t.columnDefinitions.slice(0, 5).map((c: { name: string }) => c.name),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
    );
    assert.deepEqual(t.rows[1].cells.slice(0, 4), ['machine-config-server-lcksm', '1/1', 'Running', '1']);
  });

  test('faults: error rate 1 fails resource requests but not /version; latency; watch drop', async () => {
    fx.server.setFaults({ errorRate: 1 });
    const failed = await call(fx, 'GET', BMH);
    assert.equal(failed.status, 500);
    assert.equal(failed.json().message, 'etcdserver: request timed out');
    assert.equal((await call(fx, 'GET', '/version')).status, 200);
    fx.server.setFaults({ latencyMs: 300 });
    const t0 = Date.now();
    assert.equal((await call(fx, 'GET', BMH)).status, 200);
    assert.ok(Date.now() - t0 >= 290);
    fx.server.setFaults({ watchDropMs: 200 });
    await assert.rejects(
      call(fx, 'GET', `${BMH}?watch=true`, { timeoutMs: 5000 }),
      /aborted|socket hang up|ECONNRESET|terminated/,
    );
    fx.server.setFaults({});
  });

  test('parseFault takes the CLI forms and names the accepted ones otherwise', () => {
    assert.deepEqual(parseFault('api-error-rate=0.1'), { errorRate: 0.1 });
    assert.deepEqual(parseFault('api-latency=300ms'), { latencyMs: 300 });
    assert.deepEqual(parseFault('watch-drop=30s'), { watchDropMs: 30_000 });
    assert.throws(() => parseFault('api-error-rate=2'), /from 0 to 1/);
    assert.throws(() => parseFault('disk-full'), /unknown fault "disk-full"; accepted forms: api-error-rate/);
  });
});
