/**
 * The read-write API a fix needs, over the live source's connection (same kubeconfig, same
 * timeouts): get, create, replace, merge-patch, delete, CSR approval and access reviews. Every
 * failure is an ApiError naming the verb, the object and, for a 403, the permission to grant.
 */
import { UnreachableError, UserError, ExitCode } from '../core/errors.js';
import { statusMessage, TransportError, type ApiRequest, type LiveSource } from '../sources/live.js';
import { qualifiedName } from '../sources/resources.js';
import type { KubeObject, ResourceRef } from '../sources/types.js';

export interface ObjectKey {
  ref: ResourceRef;
  namespace?: string;
  name: string;
}

/** A request the API server refused or failed; as a CLI error it exits 3 with what to do. */
export class ApiError extends UserError {
  constructor(
    message: string,
    readonly status: number,
    /** For a 403: `verb resource.group [in namespace NS]`. */
    readonly permission?: string,
  ) {
    super(
      message,
      {
        hint: permission
          ? `grant "${permission}" to this user (manifests/rbac/mcs-doctor-fix.yaml), or use a context that has it`
          : status === 409
            ? 'someone changed the object meanwhile; run the command again'
            : undefined,
      },
      ExitCode.unreachable,
    );
    this.name = 'ApiError';
  }
}

export function describeKey(key: ObjectKey): string {
  const kind = key.ref.kind.toLowerCase();
  return key.namespace ? `${kind} ${key.namespace}/${key.name}` : `${kind} ${key.name}`;
}

export function keyOf(ref: ResourceRef, obj: KubeObject): ObjectKey {
  return { ref, namespace: ref.namespaced ? obj.metadata.namespace : undefined, name: obj.metadata.name };
}

function collectionPath(ref: ResourceRef, namespace?: string): string {
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  return ref.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${ref.plural}`
    : `${base}/${ref.plural}`;
}

function objectPath(key: ObjectKey): string {
  return `${collectionPath(key.ref, key.namespace)}/${encodeURIComponent(key.name)}`;
}

export interface AccessCheck {
  verb: string;
  ref: ResourceRef;
  namespace?: string;
  subresource?: string;
}

export function describeAccess(a: AccessCheck): string {
  const resource = qualifiedName(a.ref) + (a.subresource ? `/${a.subresource}` : '');
  const scope = a.ref.namespaced ? (a.namespace ? ` in namespace ${a.namespace}` : ' cluster-wide') : '';
  return `${a.verb} ${resource}${scope}`;
}

export class KubeApi {
  constructor(private readonly source: LiveSource) {}

  get location(): string {
    return this.source.location;
  }

  async get(key: ObjectKey): Promise<KubeObject | undefined> {
    const answer = await this.call({ method: 'GET', path: objectPath(key) }, `get ${describeKey(key)}`, {
      verb: 'get',
      ref: key.ref,
      namespace: key.namespace,
    });
    if (answer === undefined) return undefined;
    return withKind(key.ref, answer);
  }

  async list(ref: ResourceRef, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const answer = await this.call(
      { method: 'GET', path: collectionPath(ref, namespace) + query },
      `list ${qualifiedName(ref)}${namespace ? ` in namespace ${namespace}` : ''}`,
      { verb: 'list', ref, namespace },
    );
    const items = (answer as { items?: KubeObject[] } | undefined)?.items ?? [];
    return items.map((o) => withKind(ref, o));
  }

  async create(ref: ResourceRef, obj: KubeObject): Promise<KubeObject> {
    const ns = ref.namespaced ? obj.metadata.namespace : undefined;
    const answer = await this.call(
      { method: 'POST', path: collectionPath(ref, ns), body: withKind(ref, obj) },
      `create ${describeKey({ ref, namespace: ns, name: obj.metadata.name })}`,
      { verb: 'create', ref, namespace: ns },
    );
    return withKind(ref, answer ?? obj);
  }

  /** PUT: the object must carry the resourceVersion it was read with (a 409 means someone changed it meanwhile). */
  async replace(ref: ResourceRef, obj: KubeObject): Promise<KubeObject> {
    const key = keyOf(ref, obj);
    const answer = await this.call(
      { method: 'PUT', path: objectPath(key), body: withKind(ref, obj) },
      `update ${describeKey(key)}`,
      { verb: 'update', ref, namespace: key.namespace },
    );
    return withKind(ref, answer ?? obj);
  }

  async mergePatch(key: ObjectKey, patch: unknown): Promise<KubeObject> {
    const answer = await this.call(
      { method: 'PATCH', path: objectPath(key), body: patch, contentType: 'application/merge-patch+json' },
      `patch ${describeKey(key)}`,
      { verb: 'patch', ref: key.ref, namespace: key.namespace },
    );
    return withKind(key.ref, answer ?? {});
  }

  /** Deletes; an object already gone is not an error. */
  async delete(key: ObjectKey): Promise<void> {
    await this.call({ method: 'DELETE', path: objectPath(key) }, `delete ${describeKey(key)}`, {
      verb: 'delete',
      ref: key.ref,
      namespace: key.namespace,
    });
  }

  /** Sets the Approved condition through the approval subresource, as `oc adm certificate approve` does. */
  async approveCsr(ref: ResourceRef, csr: KubeObject, reason: string, message: string): Promise<KubeObject> {
    const status = (csr.status ?? {}) as { conditions?: unknown[] };
    const body = {
      ...csr,
      status: {
        ...status,
        conditions: [
          ...(status.conditions ?? []),
          {
            type: 'Approved',
            status: 'True',
            reason,
            message,
            lastUpdateTime: new Date().toISOString(),
          },
        ],
      },
    };
    const key = keyOf(ref, csr);
    const answer = await this.call(
      { method: 'PUT', path: `${objectPath(key)}/approval`, body },
      `approve ${describeKey(key)}`,
      { verb: 'update', ref, subresource: 'approval' },
    );
    return withKind(ref, answer ?? body);
  }

  /** SelfSubjectAccessReview, as `kubectl auth can-i` asks it. */
  async canI(check: AccessCheck): Promise<boolean> {
    const answer = await this.call(
      {
        method: 'POST',
        path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb: check.verb,
              group: check.ref.group,
              resource: check.ref.plural,
              ...(check.subresource ? { subresource: check.subresource } : {}),
              ...(check.namespace ? { namespace: check.namespace } : {}),
            },
          },
        },
      },
      `check access (${describeAccess(check)})`,
      { verb: 'create', ref: SSAR_REF },
    );
    return (answer as { status?: { allowed?: boolean } } | undefined)?.status?.allowed === true;
  }

  private async call(
    request: ApiRequest,
    what: string,
    access: AccessCheck,
  ): Promise<(KubeObject & Record<string, unknown>) | undefined> {
    let answer;
    try {
      answer = await this.source.send(request);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof TransportError) {
        throw new UnreachableError(`${what}: the API server did not answer: ${message}`, {
          where: this.source.location,
          hint: 'check that the API is up (oc whoami --show-server); nothing more was changed, rerun the same command to continue',
        });
      }
      throw err;
    }
    // A GET of an absent object, or a DELETE of one already gone: nothing to read or do.
    if (answer.status === 404 && (request.method === 'GET' || request.method === 'DELETE')) return undefined;
    if (answer.status >= 200 && answer.status < 300) {
      if (answer.body.length === 0) return undefined;
      try {
        return JSON.parse(answer.body.toString('utf8')) as KubeObject & Record<string, unknown>;
      } catch {
        throw new ApiError(`${what}: the API server answered with something that is not JSON`, answer.status);
      }
    }
    const status = statusMessage(answer.body);
    if (answer.status === 401) {
      throw new UserError(
        `the API server refused the credentials (401 Unauthorized) on ${what}`,
        {
          where: this.source.location,
          hint: 'log in again (oc login) or pass a kubeconfig with a valid token',
        },
        ExitCode.unreachable,
      );
    }
    if (answer.status === 403) {
      throw new ApiError(`${what}: forbidden${status ? `: ${status}` : ''}`, 403, describeAccess(access));
    }
    throw new ApiError(`${what}: HTTP ${answer.status}${status ? `: ${status}` : ''}`, answer.status);
  }
}

const SSAR_REF: ResourceRef = {
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  namespaced: false,
};

function withKind(ref: ResourceRef, obj: unknown): KubeObject {
  const o = obj as KubeObject;
  return {
    ...o,
    apiVersion: o.apiVersion ?? (ref.group ? `${ref.group}/${ref.version}` : ref.version),
    kind: o.kind ?? ref.kind,
  };
}
