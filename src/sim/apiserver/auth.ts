/**
 * Bearer-token authentication and the one authorization rule the simulator needs: the admin
 * may do anything, the read-only service account may only read. Messages are the RBAC
 * authorizer's, word for word, because kubectl shows them to the user.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ResourceType } from '../kube/types.js';
import { resourceKey } from '../kube/resources.js';
import { ApiError } from './status.js';

export const ADMIN_USER = 'system:admin';
export const READ_ONLY_USER = 'system:serviceaccount:mcs-doctor:readonly';
/** Authenticated, bound to no role: every resource request answers 403 (discovery and /version still work). */
export const NO_ACCESS_USER = 'system:serviceaccount:mcs-doctor:no-access';

export interface Identity {
  user: string;
  groups: string[];
  /** False for the read-only token: every write answers 403. */
  canWrite: boolean;
  /** False for the no-access token: every resource request answers 403. */
  canRead: boolean;
}

export interface ApiTokens {
  admin: string;
  readOnly: string;
  /** A user with no RBAC binding (what `sim start --clusters` gives its forbidden context). */
  noAccess?: string;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The caller's identity; undefined for a request without credentials. A wrong token is a 401
 * (never a silent downgrade to anonymous), as with the real token authenticator.
 */
export function authenticate(req: IncomingMessage, tokens: ApiTokens): Identity | undefined {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (token !== undefined) {
    if (sameToken(token, tokens.admin)) {
      return {
        user: ADMIN_USER,
        groups: ['system:masters', 'system:authenticated'],
        canWrite: true,
        canRead: true,
      };
    }
    if (sameToken(token, tokens.readOnly)) {
      return {
        user: READ_ONLY_USER,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:mcs-doctor', 'system:authenticated'],
        canWrite: false,
        canRead: true,
      };
    }
    if (tokens.noAccess !== undefined && sameToken(token, tokens.noAccess)) {
      return {
        user: NO_ACCESS_USER,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:mcs-doctor', 'system:authenticated'],
        canWrite: false,
        canRead: false,
      };
    }
  }
  throw unauthorized();
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export interface AccessRequest {
  verb: string;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Throws the authorizer's 403 when `identity` may not do this. */
export function authorize(identity: Identity, access: AccessRequest): void {
  if (identity.canWrite || (identity.canRead && !WRITE_VERBS.has(access.verb))) return;
  throw forbidden(identity, access);
}

export function forbidden(identity: Identity, access: AccessRequest): ApiError {
  const { type, verb, name, namespace, subresource } = access;
  const qualified = resourceKey(type);
  const subject = name ? `${qualified} "${name}"` : qualified;
  const resource = subresource ? `${type.plural}/${subresource}` : type.plural;
  const scope = type.namespaced && namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return new ApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${identity.user}" cannot ${verb} resource "${resource}" in API group "${type.group}" ${scope}`,
    { ...(name ? { name } : {}), group: type.group, kind: type.plural },
  );
}
