/** The protobuf wire format, the Kubernetes envelope and the field tables, without a server. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptedEncodings,
  decodeProtobuf,
  encodeProtobuf,
  ProtobufError,
} from '../../../src/sim/apiserver/protobuf-codec.js';
import { ProtoReader, ProtoWriter } from '../../../src/sim/apiserver/protobuf-wire.js';

/** Bodies real kubectl 1.32 sent (from `-v=8`), hex. */
const KUBECTL_BODIES = {
  // kubectl create secret generic x --from-literal=a=b --from-literal=empty= -n openshift-machine-api
  secret:
    '6b3873000a0c0a0276311206536563726574123d0a260a017812001a156f70656e73686966742d6d616368696e652d61706922002a0032003800420012060a016112016212090a05656d70747912001a001a002200',
  // kubectl create configmap c1 --from-literal=k=v -n openshift-machine-api
  configMap:
    '6b3873000a0f0a0276311209436f6e6669674d617012310a270a02633112001a156f70656e73686966742d6d616368696e652d61706922002a0032003800420012060a016b1201761a002200',
  // kubectl create service clusterip svc1 --tcp=80:8080 -n openshift-machine-api
  service:
    '6b3873000a0d0a0276311207536572766963651281010a360a047376633112001a156f70656e73686966742d6d616368696e652d61706922002a003200380042005a0b0a0361707012047376633112430a1b0a0738302d38303830120354435018502207080010903f1a002800120b0a036170701204737663311a002209436c757374657249503a00420052005a00600068001a020a001a002200',
  // kubectl create namespace ns9
  namespace:
    '6b3873000a0f0a02763112094e616d657370616365121b0a130a036e733912001a0022002a0032003800420012001a020a001a002200',
};

const hex = (h: string): Buffer => Buffer.from(h, 'hex');

/** `k8s\0` + runtime.Unknown{typeMeta, raw}, built by hand to feed odd messages in. */
function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = new ProtoWriter();
  typeMeta.string(1, apiVersion);
  typeMeta.string(2, kind);
  const unknown = new ProtoWriter();
  unknown.bytes(1, typeMeta.finish());
  unknown.bytes(2, raw);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown.finish()]);
}

/** A decode may succeed or fail, but only ever with a ProtobufError. */
function decodesOrRejectsCleanly(body: Buffer, kind: string): 'ok' | 'rejected' {
  try {
    decodeProtobuf(body, { kind });
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof ProtobufError, `not a ProtobufError: ${String(err)}`);
    return 'rejected';
  }
}

describe('protobuf wire format', () => {
  test('varints round-trip, negatives as ten-byte two’s complement', () => {
    const values = [0n, 1n, 127n, 128n, 300n, 2n ** 31n - 1n, 2n ** 53n, 2n ** 64n - 1n];
    const w = new ProtoWriter();
    for (const [i, v] of values.entries()) w.varint(i + 1, v);
    w.varint(20, -1);
    const r = new ProtoReader(w.finish());
    for (const [i, v] of values.entries()) {
      assert.deepEqual(r.tag(), { field: i + 1, wire: 0 });
      assert.equal(r.varint(), v);
    }
    assert.deepEqual(r.tag(), { field: 20, wire: 0 });
    assert.equal(BigInt.asIntN(64, r.varint()), -1n);
    assert.ok(r.done());
    const minusOne = new ProtoWriter();
    minusOne.varint(1, -1);
    assert.equal(minusOne.finish().length, 11, 'one key byte, then -1 sign-extended to ten bytes');
  });

  test('skips fixed32/fixed64 and rejects groups, long varints and truncation', () => {
    const r = new ProtoReader(Uint8Array.from([0x0d, 1, 2, 3, 4, 0x11, 1, 2, 3, 4, 5, 6, 7, 8]));
    r.skip(r.tag().wire);
    r.skip(r.tag().wire);
    assert.ok(r.done());
    assert.throws(() => new ProtoReader(Uint8Array.from([0x0b])).skip(3), /illegal wireType 3/);
    assert.throws(() => new ProtoReader(Buffer.alloc(11, 0xff)).varint(), /integer overflow/);
    assert.throws(() => new ProtoReader(Uint8Array.from([0x80])).varint(), /unexpected EOF/);
    assert.throws(() => new ProtoReader(Uint8Array.from([0x05, 1, 2])).bytes(), /unexpected EOF/);
    assert.throws(() => new ProtoReader(Uint8Array.from([0x00])).tag(), /illegal tag 0/);
  });
});

describe('kubernetes protobuf codec', () => {
  test('decodes the bodies real kubectl sends, as the JSON the apiserver would store', () => {
    assert.deepEqual(decodeProtobuf(hex(KUBECTL_BODIES.secret), { kind: 'Secret', apiVersion: 'v1' }), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'x', namespace: 'openshift-machine-api' },
      data: { a: 'Yg==', empty: '' },
    });
    assert.deepEqual(decodeProtobuf(hex(KUBECTL_BODIES.configMap), { kind: 'ConfigMap' }), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1', namespace: 'openshift-machine-api' },
      data: { k: 'v' },
    });
    assert.deepEqual(decodeProtobuf(hex(KUBECTL_BODIES.service), { kind: 'Service' }), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc1', namespace: 'openshift-machine-api', labels: { app: 'svc1' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 'svc1' },
        type: 'ClusterIP',
      },
    });
    assert.deepEqual(decodeProtobuf(hex(KUBECTL_BODIES.namespace), { kind: 'Namespace' }), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns9' },
    });
  });

  const meta = {
    name: 'n',
    namespace: 'ns',
    uid: '6f1c1d6e-2a5b-4c8e-9f00-123456789abc',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2024-02-29T12:34:56Z',
    deletionTimestamp: '2030-01-01T00:00:00Z',
    deletionGracePeriodSeconds: 0, // a pointer: an explicit zero survives
    labels: { a: 'b', empty: '' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}' },
    ownerReferences: [
      { apiVersion: 'v1', kind: 'Node', name: 'm', uid: 'u', controller: true, blockOwnerDeletion: false },
    ],
    finalizers: ['kubernetes.io/pvc-protection'],
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2024-02-29T12:34:56Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} } },
      },
    ],
  };
  const examples: Record<string, unknown>[] = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      immutable: false,
      data: { 'tls.crt': Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64'), none: '' },
      stringData: { plain: 'text' },
      type: 'kubernetes.io/tls',
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'ns' },
      immutable: true,
      data: { 'ca.crt': 'PEM\n' },
      binaryData: { bin: Buffer.from([0, 1, 2, 255]).toString('base64') },
    },
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns' },
      spec: { finalizers: ['kubernetes'] },
      status: {
        phase: 'Terminating',
        conditions: [
          {
            type: 'NamespaceDeletionContentFailure',
            status: 'False',
            lastTransitionTime: '2024-01-01T00:00:00Z',
            reason: 'ContentDeleted',
            message: 'All content successfully deleted',
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'ns' },
      spec: {
        ports: [
          {
            name: 'https',
            protocol: 'TCP',
            appProtocol: 'https',
            port: 443,
            targetPort: 'https',
            nodePort: 30443,
          },
          { name: 'mcs', protocol: 'TCP', port: 22623, targetPort: 22623 },
        ],
        selector: { 'k8s-app': 'machine-config-server' },
        clusterIP: '172.30.0.10',
        clusterIPs: ['172.30.0.10'],
        type: 'NodePort',
        externalTrafficPolicy: 'Cluster',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
      status: {
        loadBalancer: {
          ingress: [{ ip: '192.0.2.1', ipMode: 'VIP', ports: [{ port: 443, protocol: 'TCP' }] }],
        },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            observedGeneration: 2,
            lastTransitionTime: '2024-01-01T00:00:00Z',
            reason: 'Ok',
            message: 'fine',
          },
        ],
      },
    },
    {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'csr-x', generateName: 'csr-', creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: {
        request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\n').toString('base64'),
        signerName: 'kubernetes.io/kubelet-serving',
        expirationSeconds: 86400,
        usages: ['digital signature', 'server auth'],
        username: 'system:node:worker-0',
        uid: 'u-1',
        groups: ['system:nodes', 'system:authenticated'],
        extra: { 'scopes.example': ['a', 'b'], empty: [] },
      },
      status: {
        conditions: [
          {
            type: 'Approved',
            status: 'True',
            reason: 'NodeCSRApprove',
            message: 'This CSR was approved by the Node CSR Approver',
            lastUpdateTime: '2024-01-01T00:01:00Z',
            lastTransitionTime: '2024-01-01T00:01:00Z',
          },
        ],
        certificate: Buffer.from('cert').toString('base64'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: { resourceVersion: '9' },
      status: 'Failure',
      message: 'secrets "x" already exists',
      reason: 'AlreadyExists',
      details: {
        name: 'x',
        kind: 'secrets',
        uid: 'u',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'metadata.name' }],
        retryAfterSeconds: -1,
      },
      code: 409,
    },
    {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u', resourceVersion: '7' },
      orphanDependents: false,
      propagationPolicy: 'Background',
      dryRun: ['All'],
    },
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'openshift-machine-api',
          verb: 'update',
          resource: 'secrets',
          labelSelector: {
            rawSelector: 'a=b',
            requirements: [{ key: 'a', operator: 'In', values: ['b'] }],
          },
        },
      },
      status: { allowed: true, reason: 'ok' },
    },
    {
      apiVersion: 'v1',
      kind: 'SecretList',
      metadata: { resourceVersion: '12', continue: 'abc', remainingItemCount: 5 },
      items: [
        { metadata: { name: 'a', namespace: 'ns' }, data: { k: 'dg==' }, type: 'Opaque' },
        { metadata: { name: 'b', namespace: 'ns' }, type: 'Opaque' },
      ],
    },
  ];

  for (const example of examples) {
    test(`${String(example.kind)} round-trips through protobuf`, () => {
      const bytes = encodeProtobuf(example);
      assert.ok(bytes, 'encodable');
      assert.deepEqual(bytes.subarray(0, 4), Buffer.from('k8s\0', 'latin1'));
      const decoded = decodeProtobuf(bytes, {
        kind: String(example.kind),
        apiVersion: String(example.apiVersion),
      });
      const expected = structuredClone(example);
      // An empty non-pointer message prints as nothing (Go would print {}); nothing else changes.
      if (example.kind === 'SelfSubjectAccessReview') delete expected.metadata;
      assert.deepEqual(decoded, expected);
    });
  }

  test('decoding leaves out Go zero values of non-pointer fields, keeps pointer ones', () => {
    const secret = new ProtoWriter();
    const metadata = new ProtoWriter();
    metadata.string(1, 'z');
    metadata.string(2, '');
    metadata.varint(7, 0);
    metadata.bytes(8, Buffer.alloc(0)); // zero metav1.Time
    secret.bytes(1, metadata.finish());
    secret.string(3, '');
    secret.varint(5, false); // immutable is *bool
    assert.deepEqual(decodeProtobuf(envelope('v1', 'Secret', secret.finish()), { kind: 'Secret' }), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'z' },
      immutable: false,
    });
  });

  test('unknown fields of every wire type are skipped', () => {
    const w = new ProtoWriter();
    const metadata = new ProtoWriter();
    metadata.string(1, 'x');
    metadata.string(99, 'a field from a newer release');
    w.bytes(1, metadata.finish());
    w.varint(100, 12345);
    w.string(3, 'Opaque');
    const raw = Buffer.concat([
      w.finish(),
      Buffer.from([0xad, 0x06, 1, 2, 3, 4]), // field 101, fixed32
      Buffer.from([0xb1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8]), // field 102, fixed64
    ]);
    assert.deepEqual(decodeProtobuf(envelope('v1', 'Secret', raw), { kind: 'Secret' }), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'x' },
      type: 'Opaque',
    });
  });

  test('every truncation of a real body is decoded or rejected with a ProtobufError', () => {
    const body = hex(KUBECTL_BODIES.service);
    let rejected = 0;
    for (let n = 0; n < body.length; n += 1) {
      if (decodesOrRejectsCleanly(body.subarray(0, n), 'Service') === 'rejected') rejected += 1;
    }
    // Only cuts at a field boundary of the envelope or the raw object's end can decode.
    assert.ok(rejected > body.length - 10, `${rejected} of ${body.length} rejected`);
    assert.throws(() => decodeProtobuf(body.subarray(0, 60), { kind: 'Service' }), /unexpected EOF/);
  });

  test('random bytes after the magic never crash the decoder', () => {
    let seed = 42;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let i = 0; i < 2000; i += 1) {
      const garbage = Buffer.from(Array.from({ length: 1 + (i % 64) }, next));
      decodesOrRejectsCleanly(Buffer.concat([Buffer.from('k8s\0', 'latin1'), garbage]), 'Secret');
      // and inside a well-formed envelope, as the object's own bytes
      decodesOrRejectsCleanly(envelope('v1', 'Secret', garbage), 'Secret');
    }
  });

  test('map keys stay plain keys, even __proto__; times beyond year 9999 are rejected', () => {
    const csr = new ProtoWriter();
    csr.message(1, (m) => {
      m.string(1, 'c');
      m.message(11, (entry) => {
        entry.string(1, '__proto__');
        entry.string(2, 'x');
      });
    });
    csr.message(2, (spec) =>
      spec.message(6, (entry) => {
        entry.string(1, '__proto__');
        entry.message(2, (list) => list.string(1, 'polluted'));
      }),
    );
    const body = envelope('certificates.k8s.io/v1', 'CertificateSigningRequest', csr.finish());
    const decoded = decodeProtobuf(body, { kind: 'CertificateSigningRequest' }) as {
      metadata: { labels: object };
      spec: { extra: object };
    };
    assert.deepEqual(Object.entries(decoded.metadata.labels), [['__proto__', 'x']]);
    assert.deepEqual(Object.entries(decoded.spec.extra), [['__proto__', ['polluted']]]);
    assert.equal(Object.getPrototypeOf(decoded.spec.extra), Object.prototype);
    const late = new ProtoWriter();
    late.message(1, (m) => m.message(8, (t) => t.varint(1, 253402300800))); // 10000-01-01
    assert.throws(
      () => decodeProtobuf(envelope('v1', 'Secret', late.finish()), { kind: 'Secret' }),
      /time out of range/,
    );
  });

  test('rejections say what the apiserver says', () => {
    assert.throws(
      () => decodeProtobuf(Buffer.from('{"kind":"Secret"}'), { kind: 'Secret' }),
      /^ProtobufError: the object provided is unrecognized \(must be of type Secret\): provided data does not appear to be a protobuf message, expected prefix \[107 56 115 0\]$/,
    );
    assert.throws(
      () => decodeProtobuf(hex(KUBECTL_BODIES.configMap), { kind: 'Secret' }),
      /ConfigMap in version "v1" cannot be handled as a Secret/,
    );
    assert.throws(
      () => decodeProtobuf(hex(KUBECTL_BODIES.secret), { kind: 'Secret', apiVersion: 'v2' }),
      /the API version in the data \(v1\) does not match the expected API version \(v2\)/,
    );
    const wrongWire = new ProtoWriter();
    wrongWire.varint(3, 1); // Secret.type is a string
    assert.throws(
      () => decodeProtobuf(envelope('v1', 'Secret', wrongWire.finish()), { kind: 'Secret' }),
      /Secret in version "v1" cannot be handled as a Secret: proto: wrong wireType = 0 for field Secret\.type/,
    );
  });

  test('an object the tables cannot carry is not encoded (the server answers JSON instead)', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } };
    assert.ok(encodeProtobuf(secret));
    assert.equal(encodeProtobuf({ ...secret, extra: 1 }), undefined, 'unknown field');
    assert.equal(encodeProtobuf({ ...secret, data: { a: 'not base64!' } }), undefined, 'bad base64');
    assert.equal(encodeProtobuf({ ...secret, metadata: { name: 'x', generation: 1.5 } }), undefined);
    assert.equal(
      encodeProtobuf({ ...secret, metadata: { name: 'x', creationTimestamp: 'yesterday' } }),
      undefined,
    );
    assert.equal(encodeProtobuf({ ...secret, apiVersion: 'v2' }), undefined, 'wrong apiVersion');
    assert.equal(
      encodeProtobuf({ apiVersion: 'metal3.io/v1alpha1', kind: 'BareMetalHost', metadata: { name: 'w' } }),
      undefined,
      'custom resource',
    );
  });

  test('Accept negotiation', () => {
    assert.deepEqual(acceptedEncodings('application/vnd.kubernetes.protobuf,application/json'), [
      'protobuf',
      'json',
    ]);
    assert.deepEqual(acceptedEncodings('application/vnd.kubernetes.protobuf'), ['protobuf']);
    assert.deepEqual(acceptedEncodings('application/json;q=0.5, application/vnd.kubernetes.protobuf'), [
      'protobuf',
      'json',
    ]);
    assert.deepEqual(acceptedEncodings(undefined), ['json']);
    assert.deepEqual(acceptedEncodings('application/json, */*'), ['json']);
    assert.deepEqual(acceptedEncodings('text/html'), ['json']);
    assert.deepEqual(
      acceptedEncodings('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'),
      ['json'],
      'Table ranges are answered elsewhere',
    );
  });
});
