/**
 * OpenAPI v3 (`/openapi/v3` and one document per group-version), generated from the served
 * resource types. kubectl 1.32 reads it before `create -f`, `apply -f` and `replace -f`:
 *
 * - k8s.io/cli-runtime's queryParamVerifierV3 looks, in the group-version's document, for a
 *   PATCH operation whose `x-kubernetes-group-version-kind` is the object's GVK and which has
 *   a `fieldValidation` query parameter. Found: kubectl sends `fieldValidation=Strict` and
 *   leaves validation to the server. Without the document it fails with "failed to download
 *   openapi" (the v2 fallback is not served either).
 * - `apply` (client-side) builds a strategic merge patch from the document when the PATCH
 *   operation accepts `application/strategic-merge-patch+json`, using the component schema
 *   that carries the GVK. Built-in kinds have no component schema here (a partial one would
 *   fail with "unable to find api field"), so kubectl falls back to its own compiled-in
 *   types, the same patch metadata exactly. Custom resources' PATCH lists no strategic merge
 *   patch, as a real CRD's does not, so kubectl sends a JSON merge patch; their open schemas
 *   (crdSchema) are for `kubectl explain`.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceType } from '../kube/types.js';
import { canDecodeProtobuf, PROTOBUF } from './protobuf-codec.js';
import { BUILT_IN_GROUPS } from './api-resources.js';
import { PATCH_TYPES } from './patch.js';

interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: true;
  schema: { type: string; uniqueItems: true };
}

const query = (name: string, description: string, type = 'string'): Parameter => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});
const pathParam = (name: string, description: string): Parameter => ({
  name,
  in: 'path',
  description,
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

const PARAMS = {
  name: pathParam('name', 'name of the object'),
  namespace: pathParam('namespace', 'object name and auth scope'),
  pretty: query('pretty', "If 'true', the output is pretty printed."),
  dryRun: query('dryRun', 'When present, modifications are not persisted.'),
  fieldManager: query('fieldManager', 'The name of the actor making these changes.'),
  fieldValidation: query(
    'fieldValidation',
    'How to handle unknown or duplicate fields: Ignore, Warn, Strict.',
  ),
  force: query('force', 'Force Apply requests past conflicts.', 'boolean'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'Seconds before the object is deleted.', 'integer'),
  propagationPolicy: query('propagationPolicy', 'Whether and how garbage collection is done.'),
  labelSelector: query('labelSelector', 'Restricts the list by labels.'),
  fieldSelector: query('fieldSelector', 'Restricts the list by fields.'),
  limit: query('limit', 'The maximum number of items to return.', 'integer'),
  continue: query('continue', 'Where the previous page ended.'),
  resourceVersion: query('resourceVersion', 'Which resource versions may serve the request.'),
  timeoutSeconds: query('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  watch: query('watch', 'Watch for changes.', 'boolean'),
};

const WRITE = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
const LIST = [
  PARAMS.labelSelector,
  PARAMS.fieldSelector,
  PARAMS.limit,
  PARAMS.continue,
  PARAMS.resourceVersion,
  PARAMS.timeoutSeconds,
  PARAMS.watch,
];

/** `certificates.k8s.io` -> `Certificates`, `metal3.io` -> `Metal3Io`, core -> `Core` (operationIds). */
function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

const content = (types: readonly string[]): object =>
  Object.fromEntries(types.map((t) => [t, { schema: { type: 'object' } }]));

/** The operations of one resource type (and its writable subresources), keyed by path. */
function pathsOf(t: ResourceType): Record<string, object> {
  const builtIn = BUILT_IN_GROUPS.has(t.group);
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const prefix = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  const scope = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.plural}` : `${prefix}/${t.plural}`;
  const scoped = t.namespaced ? [PARAMS.namespace, PARAMS.pretty] : [PARAMS.pretty];
  const id = `${groupWord(t.group)}${t.version.charAt(0).toUpperCase()}${t.version.slice(1)}${t.namespaced ? 'Namespaced' : ''}${t.kind}`;
  const bodyTypes = ['application/json', ...(canDecodeProtobuf(t.kind) ? [PROTOBUF] : [])];
  const patchTypes = builtIn
    ? [PATCH_TYPES.apply, PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic]
    : [PATCH_TYPES.apply, PATCH_TYPES.json, PATCH_TYPES.merge];
  const op = (action: string, verb: string, extra: object = {}, sub = ''): object => ({
    operationId: `${verb}${id}${sub}`, // as readCoreV1NamespacedPodStatus
    tags: [`${groupWord(t.group).toLowerCase()}_${t.version}`],
    responses: { '200': { description: 'OK' }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const body = (types: readonly string[]) => ({ requestBody: { content: content(types), required: true } });
  /** The object's own path (sub undefined) or a subresource's (`Status`, `Approval`). */
  const item = (sub = ''): object => ({
    parameters: [PARAMS.name, ...scoped],
    get: op('get', 'read', {}, sub),
    put: op('put', 'replace', { parameters: WRITE, ...body(bodyTypes) }, sub),
    patch: op('patch', 'patch', { parameters: [...WRITE, PARAMS.force], ...body(patchTypes) }, sub),
    ...(sub
      ? {}
      : {
          delete: op('delete', 'delete', {
            parameters: [PARAMS.dryRun, PARAMS.gracePeriodSeconds, PARAMS.propagationPolicy],
          }),
        }),
  });
  const paths: Record<string, object> = {
    [scope]: {
      parameters: scoped,
      get: op('list', 'list', { parameters: LIST }),
      post: op('post', 'create', { parameters: WRITE, ...body(bodyTypes) }),
      delete: op('deletecollection', 'deleteCollection', { parameters: [...LIST, PARAMS.dryRun] }),
    },
    [`${scope}/{name}`]: item(),
  };
  for (const sub of t.subresources.filter((s) => s === 'status' || s === 'approval')) {
    paths[`${scope}/{name}/${sub}`] = item(sub.charAt(0).toUpperCase() + sub.slice(1));
  }
  return paths;
}

/** `api/v1`, `apis/metal3.io/v1alpha1`: the keys of the root document. */
const gvPath = (t: ResourceType): string => (t.group === '' ? `api/${t.version}` : `apis/${apiVersionOf(t)}`);

/** `metal3.io`, `v1alpha1`, `BareMetalHost` -> `io.metal3.v1alpha1.BareMetalHost`, a CRD schema's name. */
const schemaName = (t: ResourceType): string =>
  `${t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;

/**
 * A custom resource's schema as a CRD without a structural schema would publish it: the
 * envelope fields, with spec and status left open. It carries the GVK, for `kubectl explain`.
 */
function crdSchema(t: ResourceType): object {
  // A CRD the server was started with publishes its own schema, as the apiserver does.
  if (t.schema)
    return {
      ...t.schema,
      'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: t.kind }],
    };
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: open,
      status: open,
    },
    'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: t.kind }],
  };
}

/** The document of one group-version (`api/v1`, `apis/<group>/<version>`), or undefined. */
export function openApiDocument(
  types: readonly ResourceType[],
  path: string,
  serverVersion: string,
): object | undefined {
  const mine = types.filter((t) => gvPath(t) === path);
  if (mine.length === 0) return undefined;
  const crds = mine.filter((t) => !BUILT_IN_GROUPS.has(t.group));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: serverVersion },
    paths: Object.assign({}, ...mine.map(pathsOf)) as Record<string, object>,
    // Present even when empty: kubectl's apply reads it before it looks for the GVK's schema.
    components: { schemas: Object.fromEntries(crds.map((t) => [schemaName(t), crdSchema(t)])) },
  };
}

/** `/openapi/v3`: each group-version and the URL of its document (the hash changes with it). */
export function openApiRoot(types: readonly ResourceType[], serverVersion: string): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const path of new Set(types.map(gvPath))) {
    const hash = createHash('sha512')
      .update(JSON.stringify(openApiDocument(types, path, serverVersion)))
      .digest('hex')
      .toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}
