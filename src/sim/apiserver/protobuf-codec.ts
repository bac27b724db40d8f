/**
 * `application/vnd.kubernetes.protobuf`, what kubectl's typed clients send for built-in types
 * and ask for first (`Accept: application/vnd.kubernetes.protobuf,application/json`).
 *
 * A body is the 4 bytes `k8s\0` then a runtime.Unknown message {1 typeMeta {1 apiVersion,
 * 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}, raw being the object's own message
 * (k8s.io/apimachinery/pkg/runtime/serializer/protobuf). Objects are translated to and from
 * the JSON form the store keeps with the tables in protobuf-schemas.ts.
 *
 * Encoding refuses (returns undefined) any object with a field or value the tables cannot
 * carry, so an answer is never silently truncated: the caller answers JSON instead. Decoding
 * skips unknown fields (a real server in strict mode would reject them).
 */
import { MESSAGES, ROOT_KINDS } from './protobuf-schemas.js';
import { ProtoReader, ProtoWriter, ProtobufError, WIRE } from './protobuf-wire.js';

export { ProtobufError } from './protobuf-wire.js';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from('k8s\0', 'latin1');

type JsonObject = Record<string, unknown>;

interface Kind {
  base: string;
  repeated: boolean;
  map: boolean;
  pointer: boolean;
}

const kinds = new Map<string, Kind>();

/** `[]X`, `map<X>`, `X?` -> parts (see protobuf-schemas.ts). */
function kindOf(text: string): Kind {
  let kind = kinds.get(text);
  if (!kind) {
    const pointer = text.endsWith('?');
    let base = pointer ? text.slice(0, -1) : text;
    const repeated = base.startsWith('[]');
    const map = base.startsWith('map<');
    if (repeated) base = base.slice(2);
    if (map) base = base.slice(4, -1);
    kind = { base, repeated, map, pointer };
    kinds.set(text, kind);
  }
  return kind;
}

const VARINT_KINDS = new Set(['int32', 'int64', 'bool']);
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------- decoding ----------

function decodeTime(bytes: Uint8Array): string | undefined {
  // Empty is Go's zero time (JSON null): omitted. Nanos are ignored, as metav1.Time does.
  if (bytes.length === 0) return undefined;
  let seconds = 0;
  const r = new ProtoReader(bytes);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.varint) seconds = Number(BigInt.asIntN(64, r.varint()));
    else r.skip(wire);
  }
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear(); // NaN when out of Date's range
  if (!(year >= 1 && year <= 9999)) throw new ProtobufError(`proto: time out of range: ${seconds}`);
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** A small message of scalar fields, for the special kinds. */
function fieldsOf(bytes: Uint8Array): Map<number, (bigint | Uint8Array)[]> {
  const out = new Map<number, (bigint | Uint8Array)[]>();
  const r = new ProtoReader(bytes);
  while (!r.done()) {
    const { field, wire } = r.tag();
    const list = out.get(field) ?? [];
    if (wire === WIRE.varint) list.push(r.varint());
    else if (wire === WIRE.bytes) list.push(r.bytes());
    else {
      r.skip(wire);
      continue;
    }
    out.set(field, list);
  }
  return out;
}

const text = (b: bigint | Uint8Array | undefined): string =>
  b instanceof Uint8Array ? Buffer.from(b).toString('utf8') : '';

function decodeValue(r: ProtoReader, wire: number, base: string, where: string): unknown {
  const expected = VARINT_KINDS.has(base) ? WIRE.varint : WIRE.bytes;
  if (wire !== expected) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${where}`);
  switch (base) {
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint()));
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'bool':
      return r.varint() !== 0n;
  }
  const bytes = r.bytes();
  switch (base) {
    case 'string':
      return Buffer.from(bytes).toString('utf8');
    case 'bytes':
      return Buffer.from(bytes).toString('base64');
    case 'time':
      return decodeTime(bytes);
    case 'fieldsV1': {
      const raw = fieldsOf(bytes).get(1)?.at(-1);
      if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
      try {
        return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
      } catch {
        throw new ProtobufError(`proto: invalid JSON in ${where}`);
      }
    }
    case 'intOrString': {
      const f = fieldsOf(bytes);
      const type = f.get(1)?.at(-1);
      if (type === 1n) return text(f.get(3)?.at(-1));
      const value = f.get(2)?.at(-1);
      return typeof value === 'bigint' ? Number(BigInt.asIntN(32, value)) : 0;
    }
    case 'stringList':
      return (fieldsOf(bytes).get(1) ?? []).map(text);
    default:
      return decodeMessage(base, bytes);
  }
}

const ZERO_MAP_VALUE: Record<string, unknown> = { string: '', bytes: '', stringList: [] };

function decodeMapEntry(bytes: Uint8Array, base: string, where: string): [string, unknown] {
  let key = '';
  let value: unknown = ZERO_MAP_VALUE[base] ?? {};
  const r = new ProtoReader(bytes);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) key = decodeValue(r, wire, 'string', `${where} key`) as string;
    else if (field === 2) value = decodeValue(r, wire, base, `${where} value`) ?? value;
    else r.skip(wire);
  }
  return [key, value];
}

const isZero = (v: unknown): boolean =>
  v === undefined || v === '' || v === 0 || v === false || (isObject(v) && Object.keys(v).length === 0);

/** One message as Go's JSON would print it: zero non-pointer fields are left out (omitempty). */
function decodeMessage(name: string, bytes: Uint8Array): JsonObject {
  const table = MESSAGES[name];
  if (!table) throw new ProtobufError(`no table for ${name}`);
  const out: JsonObject = {};
  const r = new ProtoReader(bytes);
  while (!r.done()) {
    const { field, wire } = r.tag();
    const spec = table[field];
    if (!spec) {
      r.skip(wire);
      continue;
    }
    const [json, kindText] = spec;
    const kind = kindOf(kindText);
    const where = `${name}.${json}`;
    if (kind.map) {
      if (wire !== WIRE.bytes) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${where}`);
      const [key, value] = decodeMapEntry(r.bytes(), kind.base, where);
      const map = (isObject(out[json]) ? out[json] : (out[json] = {})) as JsonObject;
      // defineProperty: a key such as `__proto__` stays a plain key, as JSON.parse keeps it
      Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    } else if (kind.repeated) {
      const list = (Array.isArray(out[json]) ? out[json] : (out[json] = [])) as unknown[];
      if (VARINT_KINDS.has(kind.base) && wire === WIRE.bytes) {
        // packed encoding, which a proto3 writer may use for repeated numbers
        const packed = new ProtoReader(r.bytes());
        while (!packed.done()) list.push(decodeValue(packed, WIRE.varint, kind.base, where));
      } else list.push(decodeValue(r, wire, kind.base, where) ?? null);
    } else {
      const value = decodeValue(r, wire, kind.base, where);
      if (isZero(value) && !(kind.pointer && value !== undefined)) delete out[json];
      else out[json] = value;
    }
  }
  return out;
}

// ---------- encoding ----------

/** The object has something the tables cannot carry; internal to encodeProtobuf. */
class Unrepresentable extends Error {}

const fieldIndex = new Map<string, Map<string, [number, Kind]>>();

function indexOf(name: string): Map<string, [number, Kind]> {
  let index = fieldIndex.get(name);
  if (!index) {
    const table = MESSAGES[name];
    if (!table) throw new Unrepresentable(name);
    index = new Map(Object.entries(table).map(([n, [json, k]]) => [json, [Number(n), kindOf(k)]]));
    fieldIndex.set(name, index);
  }
  return index;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

const isInt32 = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31;

function encodeValue(w: ProtoWriter, field: number, base: string, v: unknown): void {
  const refuse = (): never => {
    throw new Unrepresentable(`${base} ${JSON.stringify(v)}`);
  };
  switch (base) {
    case 'string':
      return typeof v === 'string' ? w.string(field, v) : refuse();
    case 'bytes':
      return typeof v === 'string' && BASE64.test(v) ? w.bytes(field, Buffer.from(v, 'base64')) : refuse();
    case 'int32':
      return isInt32(v) ? w.varint(field, v) : refuse();
    case 'int64':
      return Number.isSafeInteger(v) ? w.varint(field, v as number) : refuse();
    case 'bool':
      return typeof v === 'boolean' ? w.varint(field, v) : refuse();
    case 'time': {
      const ms = typeof v === 'string' && RFC3339.test(v) ? Date.parse(v) : NaN;
      if (Number.isNaN(ms)) return refuse();
      return w.message(field, (t) => t.varint(1, Math.floor(ms / 1000)));
    }
    case 'fieldsV1':
      return w.message(field, (f) => f.string(1, JSON.stringify(v)));
    case 'intOrString':
      if (typeof v !== 'string' && !isInt32(v)) return refuse();
      return w.message(field, (i) => {
        i.varint(1, typeof v === 'string' ? 1 : 0);
        if (typeof v === 'string') i.string(3, v);
        else i.varint(2, v);
      });
    case 'stringList':
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return refuse();
      return w.message(field, (l) => v.forEach((s: string) => l.string(1, s)));
    default:
      return w.bytes(field, encodeMessage(base, v));
  }
}

function encodeMessage(name: string, obj: unknown): Buffer {
  if (!isObject(obj)) throw new Unrepresentable(`${name} is not an object`);
  const index = indexOf(name);
  const w = new ProtoWriter();
  for (const [json, value] of Object.entries(obj)) {
    const spec = index.get(json);
    // An object's TypeMeta: the envelope carries it, and list items drop it.
    if (!spec && (json === 'apiVersion' || json === 'kind') && ROOT_KINDS.has(name)) continue;
    if (!spec) throw new Unrepresentable(`${name}.${json}`);
    if (value === undefined || value === null) continue;
    const [field, kind] = spec;
    if (kind.map) {
      if (!isObject(value)) throw new Unrepresentable(`${name}.${json} is not a map`);
      for (const [k, v] of Object.entries(value)) {
        w.message(field, (entry) => {
          entry.string(1, k);
          encodeValue(entry, 2, kind.base, v);
        });
      }
    } else if (kind.repeated) {
      if (!Array.isArray(value)) throw new Unrepresentable(`${name}.${json} is not a list`);
      for (const item of value) encodeValue(w, field, kind.base, item);
    } else encodeValue(w, field, kind.base, value);
  }
  return w.finish();
}

// ---------- the envelope ----------

/** The object in protobuf, or undefined when its kind has no table or it does not fit one. */
export function encodeProtobuf(obj: unknown): Buffer | undefined {
  if (!isObject(obj) || typeof obj.kind !== 'string' || ROOT_KINDS.get(obj.kind) !== obj.apiVersion) {
    return undefined;
  }
  let raw: Buffer;
  try {
    raw = encodeMessage(obj.kind, obj);
  } catch (err) {
    if (err instanceof Unrepresentable) return undefined;
    throw err;
  }
  const { apiVersion, kind } = obj as { apiVersion: string; kind: string };
  const unknown = new ProtoWriter(); // runtime.Unknown
  unknown.message(1, (typeMeta) => {
    typeMeta.string(1, apiVersion);
    typeMeta.string(2, kind);
  });
  unknown.bytes(2, raw);
  return Buffer.concat([MAGIC, unknown.finish()]);
}

/** Whether request bodies of this kind can be read from protobuf. */
export function canDecodeProtobuf(kind: string): boolean {
  return ROOT_KINDS.has(kind);
}

/**
 * A request body of the expected kind (and apiVersion, unless omitted) as JSON. Any failure
 * is a ProtobufError whose message is what the apiserver's BadRequest says.
 */
export function decodeProtobuf(
  body: Uint8Array,
  expected: { kind: string; apiVersion?: string },
): JsonObject {
  const problem = (detail: string, got?: { kind: string; version: string }): ProtobufError =>
    new ProtobufError(
      got?.kind
        ? `${got.kind} in version "${got.version}" cannot be handled as a ${expected.kind}: ${detail}`
        : `the object provided is unrecognized (must be of type ${expected.kind}): ${detail}`,
    );
  if (body.length < 4 || !MAGIC.equals(body.subarray(0, 4))) {
    throw problem('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array();
  let encoding = '';
  try {
    const envelope = fieldsOf(body.subarray(4));
    const typeMeta = envelope.get(1)?.at(-1);
    if (typeMeta instanceof Uint8Array) {
      const t = fieldsOf(typeMeta);
      apiVersion = text(t.get(1)?.at(-1));
      kind = text(t.get(2)?.at(-1));
    }
    const r = envelope.get(2)?.at(-1);
    if (r instanceof Uint8Array) raw = r;
    encoding = text(envelope.get(3)?.at(-1));
  } catch (err) {
    throw problem(err instanceof Error ? err.message : String(err));
  }
  const got = { kind, version: apiVersion.split('/').at(-1) ?? '' };
  if (!kind) throw problem("Object 'Kind' is missing in protobuf envelope");
  if (encoding) throw problem(`unsupported content encoding "${encoding}"`, got);
  if (kind !== expected.kind) throw problem(`unexpected kind ${kind}`, got);
  if (expected.apiVersion !== undefined && apiVersion !== expected.apiVersion) {
    throw new ProtobufError(
      `the API version in the data (${apiVersion}) does not match the expected API version (${expected.apiVersion})`,
    );
  }
  try {
    return { apiVersion, kind, ...decodeMessage(kind, raw) };
  } catch (err) {
    throw problem(err instanceof Error ? err.message : String(err), got);
  }
}

// ---------- content negotiation ----------

export type Encoding = 'protobuf' | 'json';

/**
 * The encodings an Accept header allows, most preferred first (q values, then order). Ranges
 * with `as=` (Table, PartialObjectMetadata) are answered elsewhere and skipped here. A missing
 * header, or one naming only types the sim does not produce (YAML, text/html), gets JSON as
 * it always has; an Accept of protobuf alone gets protobuf or 406.
 */
export function acceptedEncodings(accept: string | undefined): Encoding[] {
  const ranges = (accept ?? '')
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim());
      const param = (k: string): string | undefined =>
        params.find((p) => p.toLowerCase().startsWith(`${k}=`))?.slice(k.length + 1);
      const q = Number(param('q') ?? 1);
      return { type: type.toLowerCase(), q: Number.isNaN(q) ? 0 : q, order, as: param('as') };
    })
    .filter((r) => r.type && r.q > 0 && r.as === undefined)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  const out: Encoding[] = [];
  for (const r of ranges) {
    const e: Encoding | undefined =
      r.type === PROTOBUF
        ? 'protobuf'
        : ['application/json', 'application/*', '*/*'].includes(r.type)
          ? 'json'
          : undefined;
    if (e && !out.includes(e)) out.push(e);
  }
  return out.length > 0 ? out : ['json'];
}
