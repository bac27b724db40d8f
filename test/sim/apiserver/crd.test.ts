/**
 * The simulated API server's CRD support (src/sim/apiserver/crd.ts) on small made-up CRDs: the
 * served type is the storage version with its status subresource; undeclared fields are a 400
 * when strict and pruned (nested and top-level) otherwise; preserve-unknown-fields, embedded
 * resources and int-or-string are honoured; several value errors are one 422 with every cause;
 * a CRD with CEL rules is refused rather than half-checked. The real ACM CRDs are exercised by
 * test/fleet/acm.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resourceTypeFromCrd, validateCustomResource } from '../../../src/sim/apiserver/crd.js';
import { ApiError } from '../../../src/sim/apiserver/status.js';

const crd = (schema: object, extra: object = {}) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.test' },
  spec: {
    group: 'example.test',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets' },
    versions: [
      { name: 'v1alpha1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: schema },
        subresources: { status: {} },
        ...extra,
      },
    ],
  },
});

const SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1 },
        port: { 'x-kubernetes-int-or-string': true },
        mode: { type: 'string', enum: ['a', 'b'] },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        inner: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: {} },
      },
    },
  },
};

const widget = (spec: object): Record<string, unknown> => ({
  apiVersion: 'example.test/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'n', labels: { a: 'b' } },
  spec,
});

describe('sim CRDs: the served type and the schema checks', () => {
  const t = resourceTypeFromCrd(crd(SCHEMA));

  test('the storage version, its names and its status subresource', () => {
    assert.deepEqual(
      [t.group, t.version, t.kind, t.plural, t.singular, t.listKind, t.namespaced, t.subresources],
      ['example.test', 'v1', 'Widget', 'widgets', 'widget', 'WidgetList', true, ['status']],
    );
  });

  test('valid: int-or-string both ways, open and embedded objects keep their fields', () => {
    for (const port of [8080, 'http']) {
      const o = widget({
        size: 2,
        port,
        mode: 'a',
        free: { anything: [1] },
        inner: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      });
      validateCustomResource(t, o, true);
      assert.deepEqual((o['spec'] as { free: unknown }).free, { anything: [1] });
    }
  });

  test('strict: an undeclared field is a 400 naming it; not strict: pruned at every level', () => {
    assert.throws(
      () => validateCustomResource(t, { ...widget({ size: 1, colour: 'red' }), extra: 1 }, true),
      (e: unknown) =>
        e instanceof ApiError &&
        e.code === 400 &&
        /strict decoding error: unknown field "spec\.colour", unknown field "extra"/.test(e.message),
    );
    const o: Record<string, unknown> = { ...widget({ size: 1, colour: 'red' }), extra: 1 };
    validateCustomResource(t, o, false);
    assert.deepEqual(o['spec'], { size: 1 });
    assert.equal('extra' in o, false);
    assert.deepEqual(o['metadata'], { name: 'w', namespace: 'n', labels: { a: 'b' } });
  });

  test('value errors: one 422 with every cause, as the apiserver words them', () => {
    assert.throws(
      () => validateCustomResource(t, widget({ size: 0, mode: 'c', port: true }), true),
      (e: unknown) => {
        assert.ok(e instanceof ApiError);
        assert.equal(e.code, 422);
        assert.deepEqual(
          e.details?.causes?.map((c) => [c.field, c.reason]),
          [
            ['spec.size', 'FieldValueInvalid'],
            ['spec.mode', 'FieldValueNotSupported'],
            ['spec.port', 'FieldValueTypeInvalid'],
          ],
        );
        assert.match(e.message, /^Widget\.example\.test "w" is invalid: \[spec\.size: Invalid value: 0: /);
        assert.match(e.message, /spec\.mode: Unsupported value: "c": supported values: "a", "b"/);
        return true;
      },
    );
    assert.throws(
      () => validateCustomResource(t, widget({}), true),
      /Widget\.example\.test "w" is invalid: spec\.size: Required value$/,
    );
  });

  test('a CRD with CEL rules is refused, not half-checked', () => {
    const cel = {
      ...SCHEMA,
      properties: {
        ...SCHEMA.properties,
        spec: { ...SCHEMA.properties.spec, 'x-kubernetes-validations': [{ rule: 'true' }] },
      },
    };
    assert.throws(() => resourceTypeFromCrd(crd(cel)), /CEL/);
  });
});
