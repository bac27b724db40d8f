/**
 * SelfSubjectAccessReview (authorization.k8s.io/v1), what `kubectl auth can-i` and mcs-doctor's
 * fix ask before they change anything: the same rule as `authorize`, answered instead of enforced.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from './auth.js';
import { ApiError } from './status.js';

export const ACCESS_REVIEW_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', '*']);
const MAX_BODY = 64 * 1024;

interface ResourceAttributes {
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** One protobuf field: its number and, for length-delimited fields, the bytes. */
interface ProtoField {
  no: number;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, at: { i: number }): number {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at.i >= buf.length) throw new Error('truncated varint');
    const b = buf[at.i++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value;
    shift += 7;
    if (shift > 49) throw new Error('varint too long');
  }
}

function protoFields(buf: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  const at = { i: 0 };
  while (at.i < buf.length) {
    const key = readVarint(buf, at);
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) readVarint(buf, at);
    else if (wire === 2) {
      const len = readVarint(buf, at);
      if (at.i + len > buf.length) throw new Error('truncated field');
      out.push({ no, bytes: buf.subarray(at.i, at.i + len) });
      at.i += len;
    } else if (wire === 5) at.i += 4;
    else if (wire === 1) at.i += 8;
    else throw new Error(`wire type ${wire}`);
  }
  return out;
}

const field = (fields: ProtoField[], no: number) => fields.find((f) => f.no === no)?.bytes;

/**
 * kubectl sends SelfSubjectAccessReviews as protobuf (`k8s\0` + runtime.Unknown{raw}); only the
 * resource attributes are read (authorization/v1 generated.proto field numbers).
 */
function reviewFromProtobuf(body: Buffer): {
  spec: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: unknown };
} {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('no k8s protobuf magic');
  const raw = field(protoFields(body.subarray(4)), 2);
  if (!raw) throw new Error('no raw object');
  const spec = field(protoFields(raw), 2);
  if (!spec) throw new Error('no spec');
  const specFields = protoFields(spec);
  const attrs = field(specFields, 1);
  if (!attrs) return { spec: { nonResourceAttributes: field(specFields, 2) ? {} : undefined } };
  const a = protoFields(attrs);
  const text = (no: number) => field(a, no)?.toString('utf8');
  return {
    spec: {
      resourceAttributes: {
        namespace: text(1),
        verb: text(2),
        group: text(3),
        resource: text(5),
        subresource: text(6),
        name: text(7),
      },
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function handleAccessReview(
  req: IncomingMessage,
  res: ServerResponse,
  identity: Identity,
): Promise<void> {
  if (req.method !== 'POST') {
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`,
    );
  }
  let review: { spec?: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: unknown } };
  const body = await readBody(req);
  try {
    review = (req.headers['content-type'] ?? '').includes('protobuf')
      ? reviewFromProtobuf(body)
      : (JSON.parse(body.toString('utf8')) as typeof review);
  } catch {
    throw new ApiError(400, 'BadRequest', 'the body is not a SelfSubjectAccessReview (JSON or protobuf)');
  }
  const attrs = review.spec?.resourceAttributes;
  const nonResource = review.spec?.nonResourceAttributes;
  if (!attrs && !nonResource) {
    throw new ApiError(
      422,
      'Invalid',
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  }
  const verb = attrs?.verb ?? 'get';
  const allowed = identity.canWrite || !WRITE_VERBS.has(verb);
  const answer = {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: review.spec,
    status: allowed
      ? { allowed: true, reason: identity.canWrite ? 'the admin may do anything' : 'reads are allowed' }
      : { allowed: false },
  };
  const payload = JSON.stringify(answer);
  res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}
