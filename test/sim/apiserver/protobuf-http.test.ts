/**
 * The API's protobuf, content negotiation, DELETE bodies, server-side apply and OpenAPI v3,
 * request by request over HTTPS.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { decodeProtobuf, encodeProtobuf, PROTOBUF } from '../../../src/sim/apiserver/protobuf-codec.js';
import { ProtoWriter } from '../../../src/sim/apiserver/protobuf-wire.js';
import { MAPI_NS, startApiFixture, type ApiFixture } from './server-fixture.js';

interface Reply {
  status: number;
  contentType: string;
  body: Buffer;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The body decoded from protobuf as `kind`. */
  proto: (kind: string) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const KUBECTL_ACCEPT = `${PROTOBUF},application/json`;

function call(
  fx: ApiFixture,
  method: string,
  path: string,
  opts: { body?: Buffer | string | object; contentType?: string; accept?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      accept: opts.accept ?? 'application/json',
      authorization: `Bearer ${fx.tokens.admin}`,
    };
    const payload =
      opts.body === undefined
        ? undefined
        : Buffer.isBuffer(opts.body) || typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body);
    if (payload !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      // Node sends a DELETE body neither chunked nor sized unless told the length.
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const req = request(
      new URL(path, fx.server.url),
      { method, headers, ca: fx.caPem, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body,
            json: () => JSON.parse(body.toString('utf8')),
            proto: (kind) => decodeProtobuf(body, { kind }),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

const SECRETS = `/api/v1/namespaces/${MAPI_NS}/secrets`;
const BMH = `/apis/metal3.io/v1alpha1/namespaces/${MAPI_NS}/baremetalhosts`;
const pb = (obj: object): Buffer => encodeProtobuf(obj) as Buffer;

/** Items of a list carry their apiVersion and kind in JSON, not in protobuf. */
const withoutTypeMeta = (o: object | undefined): object => {
  const { apiVersion: _a, kind: _k, ...rest } = o as Record<string, unknown>;
  return rest;
};

describe('protobuf, negotiation, apply and OpenAPI over HTTP', () => {
  let fx: ApiFixture;
  before(async () => {
    fx = await startApiFixture();
  });
  after(async () => {
    await fx.close();
  });

  test('a protobuf create is stored and answered in protobuf', async () => {
    const body = pb({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pb-1', namespace: MAPI_NS },
      data: { a: 'Yg==' },
    });
    const r = await call(fx, 'POST', SECRETS, { body, contentType: PROTOBUF, accept: KUBECTL_ACCEPT });
    assert.equal(r.status, 201, r.body.toString('latin1'));
    assert.equal(r.contentType, PROTOBUF);
    const answer = r.proto('Secret');
    assert.equal(answer.metadata.name, 'pb-1');
    assert.match(answer.metadata.uid, /^[0-9a-f-]{36}$/);
    const stored = fx.store.get(fx.store.type('secrets', ''), MAPI_NS, 'pb-1');
    assert.deepEqual(stored?.data, { a: 'Yg==' });
    assert.equal(stored?.type, 'Opaque', 'defaulted as the apiserver does');
    // and a JSON client reads the same object
    const get = await call(fx, 'GET', `${SECRETS}/pb-1`);
    assert.equal(get.contentType, 'application/json');
    assert.deepEqual(get.json(), answer);
  });

  test('truncated or garbage protobuf is a 400 Status, and the server carries on', async () => {
    const good = pb({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pb-2', namespace: MAPI_NS } });
    const truncated = await call(fx, 'POST', SECRETS, {
      body: good.subarray(0, good.length - 5),
      contentType: PROTOBUF,
      accept: KUBECTL_ACCEPT,
    });
    assert.equal(truncated.status, 400);
    assert.equal(truncated.contentType, PROTOBUF, 'the Status in the encoding asked for');
    const status = truncated.proto('Status');
    assert.equal(status.reason, 'BadRequest');
    assert.equal(status.code, 400);
    assert.match(
      status.message,
      /^the object provided is unrecognized \(must be of type Secret\): unexpected EOF$/,
    );
    const envelope = new ProtoWriter();
    envelope.message(1, (typeMeta) => (typeMeta.string(1, 'v1'), typeMeta.string(2, 'Secret')));
    envelope.bytes(2, Buffer.from([0x0a, 0x05, 0x0a, 0x01])); // metadata: 5 bytes said, 2 sent
    const cutRaw = await call(fx, 'POST', SECRETS, {
      body: Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope.finish()]),
      contentType: PROTOBUF,
    });
    assert.equal(cutRaw.status, 400);
    assert.equal(
      cutRaw.json().message,
      'Secret in version "v1" cannot be handled as a Secret: unexpected EOF',
    );

    const garbage = await call(fx, 'POST', SECRETS, { body: 'k8s\u0000\u00ff\u00ff', contentType: PROTOBUF });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.json().reason, 'BadRequest');
    const noMagic = await call(fx, 'POST', SECRETS, { body: '{"kind":"Secret"}', contentType: PROTOBUF });
    assert.equal(noMagic.status, 400);
    assert.match(noMagic.json().message, /expected prefix \[107 56 115 0\]/);

    const after = await call(fx, 'POST', SECRETS, { body: good, contentType: PROTOBUF });
    assert.equal(after.status, 201);
  });

  test('protobuf for a type without a table is 415; protobuf-only Accept of a CRD is 406', async () => {
    const node = await call(fx, 'POST', '/api/v1/nodes', { body: 'k8s\u0000', contentType: PROTOBUF });
    assert.equal(node.status, 415);
    assert.equal(node.json().reason, 'UnsupportedMediaType');

    const only = await call(fx, 'GET', `${BMH}/worker-0`, { accept: PROTOBUF });
    assert.equal(only.status, 406);
    assert.equal(only.proto('Status').reason, 'NotAcceptable');
    const either = await call(fx, 'GET', `${BMH}/worker-0`, { accept: KUBECTL_ACCEPT });
    assert.equal(either.status, 200);
    assert.equal(either.contentType, 'application/json');
    assert.equal(either.json().metadata.name, 'worker-0');

    const watch = await call(fx, 'GET', `${SECRETS}?watch=true&timeoutSeconds=1`, { accept: PROTOBUF });
    assert.equal(watch.status, 406);
  });

  test('gets, lists and errors in protobuf when asked', async () => {
    const get = await call(fx, 'GET', `${SECRETS}/worker-user-data`, { accept: KUBECTL_ACCEPT });
    assert.equal(get.contentType, PROTOBUF);
    assert.deepEqual(
      get.proto('Secret'),
      fx.store.get(fx.store.type('secrets', ''), MAPI_NS, 'worker-user-data'),
    );

    const list = await call(fx, 'GET', `${SECRETS}?limit=1`, { accept: KUBECTL_ACCEPT });
    assert.equal(list.contentType, PROTOBUF);
    const decoded = list.proto('SecretList');
    assert.equal(decoded.items.length, 1);
    const first = decoded.items[0] as { metadata: { name: string } };
    const stored = fx.store.get(fx.store.type('secrets', ''), MAPI_NS, first.metadata.name);
    assert.deepEqual(first, withoutTypeMeta(stored));
    assert.ok(decoded.metadata.continue);

    const missing = await call(fx, 'GET', `${SECRETS}/nope`, { accept: KUBECTL_ACCEPT });
    assert.equal(missing.status, 404);
    assert.equal(missing.proto('Status').message, 'secrets "nope" not found');

    const csr = await call(fx, 'GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests/csr-abcde', {
      accept: KUBECTL_ACCEPT,
    });
    assert.equal(csr.contentType, PROTOBUF);
    assert.equal(
      csr.proto('CertificateSigningRequest').spec.signerName,
      'kubernetes.io/kube-apiserver-client-kubelet',
    );
  });

  test('an object with a field the table lacks is answered in JSON, whole', async () => {
    const t = fx.store.type('secrets', '');
    fx.store.create(t, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'odd', namespace: MAPI_NS },
      futureField: { x: 1 },
    });
    const r = await call(fx, 'GET', `${SECRETS}/odd`, { accept: KUBECTL_ACCEPT });
    assert.equal(r.contentType, 'application/json');
    assert.deepEqual(r.json().futureField, { x: 1 });
  });

  test('DELETE reads DeleteOptions (JSON or protobuf): preconditions and dryRun', async () => {
    const t = fx.store.type('secrets', '');
    const victim = fx.store.create(t, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'del-me', namespace: MAPI_NS },
    });
    const wrong = await call(fx, 'DELETE', `${SECRETS}/del-me`, {
      body: pb({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'not-it' } }),
      contentType: PROTOBUF,
      accept: KUBECTL_ACCEPT,
    });
    assert.equal(wrong.status, 409);
    assert.match(wrong.proto('Status').message, /Precondition failed: UID in precondition: not-it/);
    const dry = await call(fx, 'DELETE', `${SECRETS}/del-me`, { body: { dryRun: ['All'] } });
    assert.equal(dry.status, 200);
    assert.ok(fx.store.get(t, MAPI_NS, 'del-me'), 'a dry run deletes nothing');
    const bad = await call(fx, 'DELETE', `${SECRETS}/del-me`, { body: '{not json' });
    assert.equal(bad.status, 400);
    const right = await call(fx, 'DELETE', `${SECRETS}/del-me`, {
      body: pb({
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        preconditions: { uid: victim.metadata.uid },
        propagationPolicy: 'Background',
      }),
      contentType: PROTOBUF,
      accept: KUBECTL_ACCEPT,
    });
    assert.equal(right.status, 200);
    assert.equal(fx.store.get(t, MAPI_NS, 'del-me'), undefined);
  });

  test('server-side apply creates, then merges fields; it needs a fieldManager', async () => {
    const path = `/api/v1/namespaces/${MAPI_NS}/configmaps/ssa`;
    const applyType = 'application/apply-patch+yaml';
    const none = await call(fx, 'PATCH', path, {
      body: 'apiVersion: v1\nkind: ConfigMap\n',
      contentType: applyType,
    });
    assert.equal(none.status, 422);
    assert.match(none.json().message, /fieldManager: Required value: is required for apply patch/);

    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
    const created = await call(fx, 'PATCH', `${path}?fieldManager=test`, {
      body: yaml,
      contentType: applyType,
    });
    assert.equal(created.status, 201, created.body.toString());
    assert.deepEqual(created.json().data, { a: '1' });
    const merged = await call(fx, 'PATCH', `${path}?fieldManager=other`, {
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ssa', labels: { l: 'x' } },
        data: { b: '2' },
      },
      contentType: applyType,
    });
    assert.equal(merged.status, 200);
    assert.deepEqual(merged.json().data, { a: '1', b: '2' });
    assert.deepEqual(merged.json().metadata.labels, { l: 'x' });

    const wrongKind = await call(fx, 'PATCH', `${path}?fieldManager=test`, {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ssa' } },
      contentType: applyType,
    });
    assert.equal(wrongKind.status, 400);
    const unknownPatch = await call(fx, 'PATCH', `${BMH}/worker-0`, {
      body: '{}',
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(unknownPatch.status, 415, 'custom resources take no strategic merge patch');
  });

  test('OpenAPI v3: every group-version, each PATCH with its GVK and fieldValidation', async () => {
    const root = await call(fx, 'GET', '/openapi/v3');
    assert.equal(root.status, 200);
    const paths = root.json().paths as Record<string, { serverRelativeURL: string }>;
    assert.ok(paths['api/v1'] && paths['apis/metal3.io/v1alpha1'] && paths['apis/certificates.k8s.io/v1']);
    for (const t of fx.store.types) {
      const key = t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`;
      const doc = await call(fx, 'GET', (paths[key] as { serverRelativeURL: string }).serverRelativeURL);
      assert.equal(doc.status, 200);
      const patches = Object.values(doc.json().paths as Record<string, { patch?: any }>) // eslint-disable-line @typescript-eslint/no-explicit-any
        .map((p) => p.patch)
        .filter((op) => op && op['x-kubernetes-group-version-kind'].kind === t.kind);
      assert.ok(patches.length > 0, `a PATCH for ${t.kind}`);
      for (const op of patches) {
        assert.deepEqual(op['x-kubernetes-group-version-kind'], {
          group: t.group,
          version: t.version,
          kind: t.kind,
        });
        assert.ok(
          op.parameters.some(
            (p: { name: string; in: string }) => p.name === 'fieldValidation' && p.in === 'query',
          ),
        );
        const smp = 'application/strategic-merge-patch+json' in op.requestBody.content;
        // The groups the apiserver compiles in take strategic merge patches; CRDs do not.
        const builtIn = ['', 'apps', 'certificates.k8s.io', 'rbac.authorization.k8s.io', 'networking.k8s.io'];
        assert.equal(smp, builtIn.includes(t.group), `${t.kind} strategic merge`);
      }
    }
    const missing = await call(fx, 'GET', '/openapi/v3/apis/nope.io/v1');
    assert.equal(missing.status, 404);
  });
});
