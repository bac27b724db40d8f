/**
 * Kubernetes `Status` failures: the body every API error carries, with the reasons and codes
 * real clients branch on (kubectl prints `Error from server (<reason>): <message>`,
 * client-node throws ApiException with the code).
 */
import type { ServerResponse } from 'node:http';
import { StoreError } from '../kube/store.js';
import { PROTOBUF, acceptedEncodings, encodeProtobuf } from './protobuf-codec.js';

export type StatusReason =
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Expired'
  | 'InternalError'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason?: string; message: string; field?: string }[];
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** An error the API answers with a Status body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): KubeStatus {
    return failureStatus(this.code, this.reason, this.message, this.details);
  }
}

export function failureStatus(
  code: number,
  reason: StatusReason,
  message: string,
  details?: StatusDetails,
): KubeStatus {
  const status: KubeStatus = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details && Object.keys(details).length > 0) status.details = details;
  return status;
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const resourceNotFound = (): ApiError =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource');

/** The apiserver's answer when no encoding the client accepts can carry the object. */
export const notAcceptable = (): ApiError =>
  new ApiError(406, 'NotAcceptable', 'only the following media types are accepted: application/json');

/** A request body in a format the resource does not read (protobuf for a type without a table). */
export const unsupportedMediaType = (accepted: readonly string[]): ApiError =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );

export const methodNotAllowed = (): ApiError =>
  new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

/** A store failure as the apiserver reports it; a Gone from the watch cache is `Expired` 410. */
export function fromStoreError(err: StoreError): ApiError {
  const reason = err.reason === 'Gone' ? 'Expired' : err.reason;
  return new ApiError(err.code, reason, err.message, err.details);
}

/** Any thrown value as an ApiError (unexpected ones are a 500 without internals leaking). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreError) return fromStoreError(err);
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' };

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    ...JSON_HEADERS,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendBytes(res: ServerResponse, code: number, body: Buffer, contentType: string): void {
  res.writeHead(code, { ...JSON_HEADERS, 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

/**
 * An object (or Status) in the first encoding of the client's Accept that can carry it:
 * protobuf for the kinds with a table (protobuf-schemas.ts), JSON otherwise. When only
 * protobuf is acceptable and the object has no protobuf form, 406 (as a protobuf Status).
 */
export function sendNegotiated(res: ServerResponse, code: number, body: unknown, accept?: string): void {
  for (const encoding of acceptedEncodings(accept)) {
    if (encoding === 'json') return sendJson(res, code, body);
    const bytes = encodeProtobuf(body);
    if (bytes) return sendBytes(res, code, bytes, PROTOBUF);
  }
  const status = notAcceptable().toStatus();
  const bytes = encodeProtobuf(status);
  if (bytes) sendBytes(res, status.code, bytes, PROTOBUF);
  else sendJson(res, status.code, status);
}

/** The Status for any thrown value, in the encoding the client asked for. */
export function sendError(res: ServerResponse, err: unknown, accept?: string): void {
  const apiError = toApiError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendNegotiated(res, apiError.code, apiError.toStatus(), accept);
}
