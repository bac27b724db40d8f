/**
 * SelfSubjectAccessReview (authorization.k8s.io/v1), what `kubectl auth can-i` and mcs-doctor's
 * fix ask before they change anything: the same rule as `authorize`, answered instead of enforced.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from './auth.js';
import { decodeProtobuf, PROTOBUF } from './protobuf-codec.js';
import { ApiError, sendNegotiated } from './status.js';

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
    // kubectl sends it as protobuf (its typed client), mcs-doctor as JSON.
    review = (req.headers['content-type'] ?? '').startsWith(PROTOBUF)
      ? decodeProtobuf(body, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1' })
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
  const allowed = identity.canWrite || (identity.canRead && !WRITE_VERBS.has(verb));
  const answer = {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: review.spec,
    status: allowed
      ? { allowed: true, reason: identity.canWrite ? 'the admin may do anything' : 'reads are allowed' }
      : { allowed: false },
  };
  sendNegotiated(res, 201, answer, req.headers.accept);
}
