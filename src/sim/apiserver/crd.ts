/**
 * CustomResourceDefinitions the simulated API server is started with (SimClusterOptions.crds):
 * each becomes a served resource type whose objects are checked against the storage version's
 * `openAPIV3Schema` as the apiserver's structural-schema validation does on create, update and
 * patch, dry run included:
 *
 * - a field the schema does not declare (outside `x-kubernetes-preserve-unknown-fields` and
 *   `additionalProperties`) is, with `fieldValidation=Strict` (what kubectl 1.32 sends), a 400
 *   "strict decoding error: unknown field"; otherwise it is pruned, as the apiserver prunes;
 * - a value that breaks the schema (type, required, enum, pattern, lengths, bounds, item and
 *   property counts, oneOf/anyOf/allOf/not, int32/int64/date-time formats) is a 422 Invalid
 *   listing every cause, with the apiserver's field paths and wording.
 *
 * Not done: CEL rules (`x-kubernetes-validations`; a CRD that has any is refused, so nothing is
 * silently skipped), defaulting, conversion between versions (only the storage version is
 * served), list-type/map-type uniqueness.
 */
import type { ResourceType } from '../kube/types.js';
import { ApiError, badRequest } from './status.js';

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  not?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-validations'?: unknown[];
}

interface CrdObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: {
      kind: string;
      plural: string;
      singular?: string;
      listKind?: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      schema?: { openAPIV3Schema?: Schema };
      subresources?: { status?: object; scale?: object };
    }>;
  };
}

function hasCel(s: Schema | undefined): boolean {
  if (!s || typeof s !== 'object') return false;
  if (s['x-kubernetes-validations']?.length) return true;
  const subs = [
    ...Object.values(s.properties ?? {}),
    ...(typeof s.additionalProperties === 'object' ? [s.additionalProperties] : []),
    ...(s.items ? [s.items] : []),
    ...(s.oneOf ?? []),
    ...(s.anyOf ?? []),
    ...(s.allOf ?? []),
    ...(s.not ? [s.not] : []),
  ];
  return subs.some(hasCel);
}

/** The resource type a CRD (apiextensions.k8s.io/v1) serves: its storage version, with its schema. */
export function resourceTypeFromCrd(crd: unknown): ResourceType {
  const c = crd as CrdObject;
  if (c.apiVersion !== 'apiextensions.k8s.io/v1' || c.kind !== 'CustomResourceDefinition' || !c.spec)
    throw new Error(`not an apiextensions.k8s.io/v1 CustomResourceDefinition: ${c.metadata?.name ?? '?'}`);
  const storage = c.spec.versions.find((v) => v.storage && v.served);
  if (!storage) throw new Error(`${c.metadata?.name}: no served storage version`);
  const schema = storage.schema?.openAPIV3Schema;
  if (!schema) throw new Error(`${c.metadata?.name}: version ${storage.name} has no openAPIV3Schema`);
  if (hasCel(schema))
    throw new Error(
      `${c.metadata?.name}: x-kubernetes-validations (CEL) rules are not evaluated by the simulated API`,
    );
  const n = c.spec.names;
  return {
    group: c.spec.group,
    version: storage.name,
    kind: n.kind,
    plural: n.plural,
    singular: n.singular ?? n.kind.toLowerCase(),
    listKind: n.listKind ?? `${n.kind}List`,
    namespaced: c.spec.scope === 'Namespaced',
    shortNames: n.shortNames ?? [],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [
      ...(storage.subresources?.status ? ['status'] : []),
      ...(storage.subresources?.scale ? ['scale'] : []),
    ],
    ...(n.categories ? { categories: n.categories } : {}),
    schema,
  };
}

export interface Cause {
  reason:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueNotSupported'
    | 'FieldValueTypeInvalid'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany';
  field: string;
  message: string;
}

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `"${typeOf(v)}"`;
}

const child = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/**
 * Value validation of one node (what OpenAPI's validator checks), with the apiserver's causes.
 * `unknown` receives the paths of undeclared fields (and `prune` removes them) unless the
 * caller is inside oneOf/anyOf/allOf/not, where only values are judged.
 */
function check(
  s: Schema,
  v: unknown,
  path: string,
  out: Cause[],
  unknown: ((path: string, holder: Record<string, unknown>, key: string) => void) | undefined,
): void {
  if (v === null) {
    if (!s.nullable && s.type)
      out.push({
        reason: 'FieldValueTypeInvalid',
        field: path,
        message: `Invalid value: "null": ${path} in body must be of type ${s.type}: "null"`,
      });
    return;
  }
  const t = typeOf(v);
  if (s['x-kubernetes-int-or-string']) {
    if (t !== 'integer' && t !== 'string')
      out.push({
        reason: 'FieldValueTypeInvalid',
        field: path,
        message: `Invalid value: ${shown(v)}: ${path} in body must be of type integer,string: "${t}"`,
      });
  } else if (s.type) {
    const ok = s.type === t || (s.type === 'number' && t === 'integer');
    if (!ok) {
      out.push({
        reason: 'FieldValueTypeInvalid',
        field: path,
        message: `Invalid value: ${shown(v)}: ${path} in body must be of type ${s.type}: "${t}"`,
      });
      return;
    }
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v)))
    out.push({
      reason: 'FieldValueNotSupported',
      field: path,
      message: `Unsupported value: ${shown(v)}: supported values: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    });
  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength)
      out.push({
        reason: 'FieldValueTooLong',
        field: path,
        message: `Too long: may not be more than ${s.maxLength} bytes`,
      });
    if (s.minLength !== undefined && len < s.minLength)
      out.push({
        reason: 'FieldValueInvalid',
        field: path,
        message: `Invalid value: ${shown(v)}: ${path} in body should be at least ${s.minLength} chars long`,
      });
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v))
      out.push({
        reason: 'FieldValueInvalid',
        field: path,
        message: `Invalid value: ${shown(v)}: ${path} in body should match '${s.pattern}'`,
      });
    if (s.format === 'date-time' && Number.isNaN(Date.parse(v)))
      out.push({
        reason: 'FieldValueInvalid',
        field: path,
        message: `Invalid value: ${shown(v)}: ${path} in body must be of type date-time: ${shown(v)}`,
      });
  }
  if (typeof v === 'number') {
    const limits: Record<string, [number, number]> = {
      int32: [-(2 ** 31), 2 ** 31 - 1],
      int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    };
    const range = s.format ? limits[s.format] : undefined;
    if (range && (v < range[0] || v > range[1]))
      out.push({
        reason: 'FieldValueInvalid',
        field: path,
        message: `Invalid value: ${v}: ${path} in body must be of type ${s.format}: "${v}"`,
      });
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum))
      out.push({
        reason: 'FieldValueInvalid',
        field: path,
        message: `Invalid value: ${v}: ${path} in body should be greater than or equal to ${s.minimum}`,
      });
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum))
      out.push({
        reason: 'FieldValueInvalid',
        field: path,
        message: `Invalid value: ${v}: ${path} in body should be less than or equal to ${s.maximum}`,
      });
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems)
      out.push({
        reason: 'FieldValueTooMany',
        field: path,
        message: `Too many: ${v.length}: must have at most ${s.maxItems} items`,
      });
    if (s.minItems !== undefined && v.length < s.minItems)
      out.push({
        reason: 'FieldValueInvalid',
        field: path,
        message: `Invalid value: ${v.length}: ${path} in body should have at least ${s.minItems} items`,
      });
    if (s.items) v.forEach((item, i) => check(s.items!, item, `${path}[${i}]`, out, unknown));
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties)
      out.push({
        reason: 'FieldValueTooMany',
        field: path,
        message: `Too many: ${keys.length}: must have at most ${s.maxProperties} items`,
      });
    if (s.minProperties !== undefined && keys.length < s.minProperties)
      out.push({
        reason: 'FieldValueInvalid',
        field: path,
        message: `Invalid value: ${keys.length}: ${path} in body should have at least ${s.minProperties} properties`,
      });
    for (const r of s.required ?? [])
      if (!(r in o))
        out.push({ reason: 'FieldValueRequired', field: child(path, r), message: 'Required value' });
    const embedded = s['x-kubernetes-embedded-resource']
      ? new Set(['apiVersion', 'kind', 'metadata'])
      : new Set<string>();
    for (const k of keys) {
      const declared = s.properties?.[k];
      if (declared) check(declared, o[k], child(path, k), out, unknown);
      else if (typeof s.additionalProperties === 'object')
        check(s.additionalProperties, o[k], child(path, k), out, unknown);
      else if (
        s.additionalProperties === true ||
        s['x-kubernetes-preserve-unknown-fields'] ||
        embedded.has(k)
      )
        continue;
      else unknown?.(child(path, k), o, k);
    }
  }
  // Value-only branches: their own unknown fields are not fields of the object.
  const only = (sub: Schema): boolean => {
    const errs: Cause[] = [];
    check(sub, v, path, errs, undefined);
    return errs.length === 0;
  };
  if (s.oneOf && s.oneOf.filter(only).length !== 1)
    out.push({
      reason: 'FieldValueInvalid',
      field: path,
      message: `Invalid value: ${shown(v)}: ${path} in body must validate one and only one schema (oneOf)`,
    });
  if (s.anyOf && !s.anyOf.some(only))
    out.push({
      reason: 'FieldValueInvalid',
      field: path,
      message: `Invalid value: ${shown(v)}: ${path} in body must validate at least one schema (anyOf)`,
    });
  for (const sub of s.allOf ?? []) if (!only(sub)) check(sub, v, path, out, undefined);
  if (s.not && only(s.not))
    out.push({
      reason: 'FieldValueInvalid',
      field: path,
      message: `Invalid value: ${shown(v)}: ${path} in body must not validate the schema (not)`,
    });
}

/**
 * Checks an object of a CRD-backed type against its schema, as the apiserver does on a write.
 * Strict: an undeclared field is a 400; otherwise it is pruned from `obj`. Any value error: 422.
 * metadata is the apiserver's (name, labels...), not the schema's: only its type is checked.
 */
export function validateCustomResource(t: ResourceType, obj: Record<string, unknown>, strict: boolean): void {
  const schema = t.schema as Schema | undefined;
  if (!schema) return;
  const unknownFields: string[] = [];
  const causes: Cause[] = [];
  const { metadata, ...rest } = obj;
  const bodySchema: Schema = {
    ...schema,
    properties: {
      ...schema.properties,
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  // A shallow copy: below the top level the nodes are the object's own, so pruning there
  // prunes the object; top-level fields are pruned from it afterwards.
  check(bodySchema, { ...rest, metadata: metadata ?? {} }, '', causes, (path, holder, key) => {
    unknownFields.push(path);
    if (!strict) delete holder[key];
  });
  if (!strict) for (const p of unknownFields) if (!p.includes('.') && !p.includes('[')) delete obj[p];
  if (strict && unknownFields.length > 0) {
    throw badRequest(
      `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${unknownFields
        .map((f) => `unknown field "${f}"`)
        .join(', ')}`,
    );
  }
  if (causes.length > 0) {
    const name =
      typeof (metadata as { name?: unknown } | undefined)?.name === 'string'
        ? (metadata as { name: string }).name
        : '';
    throw new ApiError(
      422,
      'Invalid',
      `${t.kind}.${t.group} "${name}" is invalid: ${
        causes.length === 1
          ? `${causes[0]!.field}: ${causes[0]!.message}`
          : `[${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}]`
      }`,
      { name, group: t.group, kind: t.kind, causes },
    );
  }
}
