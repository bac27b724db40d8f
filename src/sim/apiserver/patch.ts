/**
 * The patch formats kubectl and client-node send: JSON merge patch (RFC 7386), JSON patch
 * (RFC 6902), strategic merge patch and server-side apply. Error texts follow
 * evanphx/json-patch, the library the apiserver uses, because they end up in the Status the
 * user sees.
 *
 * Strategic merge patch is simplified: it is a merge patch in which lists whose elements are
 * all objects with a `name` are merged element by element on `name` (how containers, volumes,
 * env and conditions-by-name merge in the real schema), and an element `{"name": x,
 * "$patch": "delete"}` removes x. Other directives ($retainKeys, $setElementOrder,
 * $deleteFromPrimitiveList) and per-field merge keys other than `name` are not modelled.
 *
 * Server-side apply (`application/apply-patch+yaml`, `kubectl apply --server-side`) is a field
 * merge of the applied configuration into the live object: the strategic merge above for
 * built-in types, a JSON merge (lists atomic, as a CRD's are by default) for custom resources.
 * Field ownership is not tracked (no managedFields), so there are no conflicts and a field
 * dropped from the applied configuration stays. Creating a missing object is the caller's part.
 */
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './status.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value) as Json;
  }
  return result;
}

const isNamedList = (v: unknown): v is JsonObject[] =>
  Array.isArray(v) && v.length > 0 && v.every((e) => isObject(e) && typeof e.name === 'string');

/** Merge patch, except that lists of named objects merge by `name` (see the file comment). */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (
    isNamedList(patch) &&
    (target === undefined || isNamedList(target) || (Array.isArray(target) && target.length === 0))
  ) {
    const merged: JsonObject[] = ((target as JsonObject[] | undefined) ?? []).map((e) => ({ ...e }));
    for (const element of patch) {
      const at = merged.findIndex((e) => e.name === element.name);
      if (element.$patch === 'delete') {
        if (at >= 0) merged.splice(at, 1);
        continue;
      }
      if (at >= 0) merged[at] = strategicMergePatch(merged[at], element) as JsonObject;
      else merged.push(strategicMergePatch(undefined, element) as JsonObject);
    }
    return merged;
  }
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = strategicMergePatch(result[key], value) as Json;
  }
  return result;
}

export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** A patch that decodes but does not apply: the apiserver's 422 with the library's cause. */
function cannotApply(cause: string): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: cause }],
  });
}

function decodePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw cannotApply(`JSON pointer must be empty or start with a "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = JsonObject | Json[];

/** The parent container of `path` and the last key, or undefined when the parent is missing. */
function resolveParent(doc: Json, parts: string[]): { parent: Container; key: string } | undefined {
  let cur: Json = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(part);
      if (!/^\d+$/.test(part) || i >= cur.length) return undefined;
      cur = cur[i] as Json;
    } else if (isObject(cur)) {
      if (!(part in cur)) return undefined;
      cur = cur[part] as Json;
    } else return undefined;
  }
  if (!Array.isArray(cur) && !isObject(cur)) return undefined;
  return { parent: cur, key: parts[parts.length - 1] as string };
}

function arrayIndex(arr: Json[], key: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  const i = Number(key);
  const max = forAdd ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(key) || i > max) {
    throw cannotApply(`Unable to access invalid index: ${key}: invalid index referenced`);
  }
  return i;
}

function getAt(doc: Json, path: string): Json | undefined {
  const parts = decodePointer(path);
  if (parts.length === 0) return doc;
  const r = resolveParent(doc, parts);
  if (!r) return undefined;
  if (Array.isArray(r.parent)) {
    const i = Number(r.key);
    return /^\d+$/.test(r.key) && i < r.parent.length ? r.parent[i] : undefined;
  }
  return r.key in r.parent ? r.parent[r.key] : undefined;
}

function addAt(doc: Json, path: string, value: Json, op = 'add'): Json {
  const parts = decodePointer(path);
  if (parts.length === 0) return value;
  const r = resolveParent(doc, parts);
  if (!r) throw cannotApply(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  if (Array.isArray(r.parent)) r.parent.splice(arrayIndex(r.parent, r.key, true), 0, value);
  else r.parent[r.key] = value;
  return doc;
}

function removeAt(doc: Json, path: string, op = 'remove'): Json {
  const parts = decodePointer(path);
  const r = parts.length === 0 ? undefined : resolveParent(doc, parts);
  const missing = (): ApiError =>
    cannotApply(
      op === 'remove'
        ? `error in remove for path: '${path}': Unable to remove nonexistent key: ${parts[parts.length - 1] ?? ''}: missing value`
        : `${op} operation does not apply: doc is missing from path: ${path}: missing value`,
    );
  if (!r) throw missing();
  if (Array.isArray(r.parent)) r.parent.splice(arrayIndex(r.parent, r.key, false), 1);
  else {
    if (!(r.key in r.parent)) throw missing();
    delete r.parent[r.key];
  }
  return doc;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Decodes a JSON patch body; anything but an array of operations is a 400, as DecodePatch. */
export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  return body.map((op) => {
    if (!isObject(op) || typeof op.op !== 'string') throw badRequest('Unexpected kind: <nil>');
    if (typeof op.path !== 'string') throw cannotApply(`${op.op} operation does not apply: missing path`);
    return op as unknown as JsonPatchOperation;
  });
}

/** RFC 6902, applied to a copy; a failing operation aborts the whole patch. */
export function applyJsonPatch(target: unknown, operations: JsonPatchOperation[]): unknown {
  let doc = structuredClone(target) as Json;
  for (const o of operations) {
    switch (o.op) {
      case 'add':
        if (!('value' in o)) throw cannotApply('add operation does not apply: missing value');
        doc = addAt(doc, o.path, structuredClone(o.value) as Json);
        break;
      case 'remove':
        doc = removeAt(doc, o.path);
        break;
      case 'replace': {
        if (!('value' in o)) throw cannotApply('replace operation does not apply: missing value');
        if (getAt(doc, o.path) === undefined) {
          throw cannotApply(`replace operation does not apply: doc is missing key: ${o.path}: missing value`);
        }
        if (o.path === '') doc = structuredClone(o.value) as Json;
        else
          doc = addAt(removeAt(doc, o.path, 'replace'), o.path, structuredClone(o.value) as Json, 'replace');
        break;
      }
      case 'move': {
        const from = o.from ?? '';
        const value = getAt(doc, from);
        if (value === undefined) {
          throw cannotApply(
            `move operation does not apply: doc is missing from path: ${from}: missing value`,
          );
        }
        doc = addAt(removeAt(doc, from, 'move'), o.path, value, 'move');
        break;
      }
      case 'copy': {
        const from = o.from ?? '';
        const value = getAt(doc, from);
        if (value === undefined) {
          throw cannotApply(
            `copy operation does not apply: doc is missing from path: ${from}: missing value`,
          );
        }
        doc = addAt(doc, o.path, structuredClone(value), 'copy');
        break;
      }
      case 'test': {
        const have = getAt(doc, o.path);
        const want = o.value === undefined ? null : o.value;
        if (!deepEqual(have === undefined ? null : have, want)) {
          throw cannotApply(`testing value ${o.path} failed: test failed`);
        }
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${o.op}`);
    }
  }
  return doc;
}

export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

const mediaTypeOf = (contentType: string): string => contentType.split(';')[0]?.trim().toLowerCase() ?? '';

export const isApplyPatch = (contentType: string): boolean => mediaTypeOf(contentType) === PATCH_TYPES.apply;

function unsupportedPatch(builtIn: boolean): ApiError {
  const accepted = builtIn
    ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply, PATCH_TYPES.strategic]
    : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/**
 * A PATCH body by its Content-Type: JSON for the patch formats, YAML (of which JSON is a part)
 * for server-side apply. Custom resources do not accept strategic merge patch (the real
 * apiserver answers 415 for them too); the type is checked before the body is read.
 */
export function decodePatchBody(contentType: string, raw: Buffer, opts: { builtIn: boolean }): unknown {
  const mediaType = mediaTypeOf(contentType);
  const known = [
    PATCH_TYPES.json,
    PATCH_TYPES.merge,
    PATCH_TYPES.apply,
    ...(opts.builtIn ? [PATCH_TYPES.strategic] : []),
  ];
  if (!(known as string[]).includes(mediaType)) throw unsupportedPatch(opts.builtIn);
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return mediaType === PATCH_TYPES.apply ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/** Applies a decoded patch body of the given Content-Type (see decodePatchBody). */
export function applyPatch(
  target: unknown,
  contentType: string,
  body: unknown,
  opts: { builtIn: boolean },
): unknown {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === PATCH_TYPES.merge) {
    if (!isObject(body)) throw badRequest('error decoding patch: a merge patch must be a JSON object');
    return mergePatch(target, body);
  }
  if (mediaType === PATCH_TYPES.json) return applyJsonPatch(target, decodeJsonPatch(body));
  if (mediaType === PATCH_TYPES.strategic && opts.builtIn) {
    if (!isObject(body))
      throw badRequest('error decoding patch: a strategic merge patch must be a JSON object');
    return strategicMergePatch(target, body);
  }
  if (mediaType === PATCH_TYPES.apply) {
    if (!isObject(body)) throw badRequest('error decoding patch: an applied configuration must be an object');
    return opts.builtIn ? strategicMergePatch(target, body) : mergePatch(target, body);
  }
  throw unsupportedPatch(opts.builtIn);
}
