/**
 * Protobuf field tables for the built-in types kubectl's typed clients send and read as
 * `application/vnd.kubernetes.protobuf` (create secret/configmap/namespace/service,
 * certificate approve/deny, auth can-i), and for the Status and DeleteOptions around them. Field numbers
 * are those of k8s.io/api and k8s.io/apimachinery `generated.proto`; JSON names are the Go
 * types' json tags.
 *
 * A table is field number -> [JSON name, kind]. Kinds:
 * - `string`, `bytes` (base64 in JSON), `int32`, `int64`, `bool`;
 * - `time`: metav1.Time, message {1 seconds, 2 nanos}, RFC 3339 in JSON, whole seconds;
 * - `fieldsV1`: message {1 raw}, the raw bytes being JSON that appears inline in JSON;
 * - `intOrString`: message {1 type, 2 intVal, 3 strVal}, a number or a string in JSON;
 * - `stringList`: message {1 repeated items}, an array in JSON (CSR `extra` values);
 * - any other name: a nested message from MESSAGES;
 * - `[]K`: repeated K; `map<K>`: map<string, K>;
 * - `K?`: a pointer field in Go. Go's JSON drops a zero non-pointer field (omitempty) but
 *   keeps a set pointer, so only these keep a zero value when decoded.
 *
 * Only complete tables are listed: an object with a field missing here is answered in JSON
 * (see protobuf-codec.ts), and a request field missing here would be lost.
 */

export type MessageTable = Readonly<Record<number, readonly [json: string, kind: string]>>;

const STATUS_DETAILS: MessageTable = {
  1: ['name', 'string'],
  2: ['group', 'string'],
  3: ['kind', 'string'],
  6: ['uid', 'string'],
  4: ['causes', '[]StatusCause'],
  5: ['retryAfterSeconds', 'int32'],
};

const TABLES: Readonly<Record<string, MessageTable>> = {
  // k8s.io/apimachinery/pkg/apis/meta/v1
  ObjectMeta: {
    1: ['name', 'string'],
    2: ['generateName', 'string'],
    3: ['namespace', 'string'],
    4: ['selfLink', 'string'],
    5: ['uid', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['generation', 'int64'],
    8: ['creationTimestamp', 'time'],
    9: ['deletionTimestamp', 'time?'],
    10: ['deletionGracePeriodSeconds', 'int64?'],
    11: ['labels', 'map<string>'],
    12: ['annotations', 'map<string>'],
    13: ['ownerReferences', '[]OwnerReference'],
    14: ['finalizers', '[]string'],
    17: ['managedFields', '[]ManagedFieldsEntry'],
  },
  OwnerReference: {
    5: ['apiVersion', 'string'],
    1: ['kind', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
    6: ['controller', 'bool?'],
    7: ['blockOwnerDeletion', 'bool?'],
  },
  ManagedFieldsEntry: {
    1: ['manager', 'string'],
    2: ['operation', 'string'],
    3: ['apiVersion', 'string'],
    4: ['time', 'time?'],
    6: ['fieldsType', 'string'],
    7: ['fieldsV1', 'fieldsV1?'],
    8: ['subresource', 'string'],
  },
  ListMeta: {
    1: ['selfLink', 'string'],
    2: ['resourceVersion', 'string'],
    3: ['continue', 'string'],
    4: ['remainingItemCount', 'int64?'],
  },
  Status: {
    1: ['metadata', 'ListMeta'],
    2: ['status', 'string'],
    3: ['message', 'string'],
    4: ['reason', 'string'],
    5: ['details', 'StatusDetails?'],
    6: ['code', 'int32'],
  },
  StatusDetails: STATUS_DETAILS,
  StatusCause: { 1: ['reason', 'string'], 2: ['message', 'string'], 3: ['field', 'string'] },
  DeleteOptions: {
    1: ['gracePeriodSeconds', 'int64?'],
    2: ['preconditions', 'Preconditions?'],
    3: ['orphanDependents', 'bool?'],
    4: ['propagationPolicy', 'string?'],
    5: ['dryRun', '[]string'],
    6: ['ignoreStoreReadErrorWithClusterBreakingPotential', 'bool?'],
  },
  Preconditions: { 1: ['uid', 'string?'], 2: ['resourceVersion', 'string?'] },
  Condition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    3: ['observedGeneration', 'int64'],
    4: ['lastTransitionTime', 'time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },

  // k8s.io/api/core/v1
  Secret: {
    1: ['metadata', 'ObjectMeta'],
    5: ['immutable', 'bool?'],
    2: ['data', 'map<bytes>'],
    4: ['stringData', 'map<string>'],
    3: ['type', 'string'],
  },
  ConfigMap: {
    1: ['metadata', 'ObjectMeta'],
    4: ['immutable', 'bool?'],
    2: ['data', 'map<string>'],
    3: ['binaryData', 'map<bytes>'],
  },
  Namespace: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'NamespaceSpec'],
    3: ['status', 'NamespaceStatus'],
  },
  NamespaceSpec: { 1: ['finalizers', '[]string'] },
  NamespaceStatus: { 1: ['phase', 'string'], 2: ['conditions', '[]NamespaceCondition'] },
  NamespaceCondition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    4: ['lastTransitionTime', 'time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },
  Service: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'ServiceSpec'], 3: ['status', 'ServiceStatus'] },
  ServiceSpec: {
    1: ['ports', '[]ServicePort'],
    2: ['selector', 'map<string>'],
    3: ['clusterIP', 'string'],
    18: ['clusterIPs', '[]string'],
    4: ['type', 'string'],
    5: ['externalIPs', '[]string'],
    7: ['sessionAffinity', 'string'],
    8: ['loadBalancerIP', 'string'],
    9: ['loadBalancerSourceRanges', '[]string'],
    10: ['externalName', 'string'],
    11: ['externalTrafficPolicy', 'string'],
    12: ['healthCheckNodePort', 'int32'],
    13: ['publishNotReadyAddresses', 'bool'],
    14: ['sessionAffinityConfig', 'SessionAffinityConfig?'],
    19: ['ipFamilies', '[]string'],
    17: ['ipFamilyPolicy', 'string?'],
    20: ['allocateLoadBalancerNodePorts', 'bool?'],
    21: ['loadBalancerClass', 'string?'],
    22: ['internalTrafficPolicy', 'string?'],
    23: ['trafficDistribution', 'string?'],
  },
  ServicePort: {
    1: ['name', 'string'],
    2: ['protocol', 'string'],
    6: ['appProtocol', 'string?'],
    3: ['port', 'int32'],
    4: ['targetPort', 'intOrString'],
    5: ['nodePort', 'int32'],
  },
  SessionAffinityConfig: { 1: ['clientIP', 'ClientIPConfig?'] },
  ClientIPConfig: { 1: ['timeoutSeconds', 'int32?'] },
  ServiceStatus: { 1: ['loadBalancer', 'LoadBalancerStatus'], 2: ['conditions', '[]Condition'] },
  LoadBalancerStatus: { 1: ['ingress', '[]LoadBalancerIngress'] },
  LoadBalancerIngress: {
    1: ['ip', 'string'],
    2: ['hostname', 'string'],
    3: ['ipMode', 'string?'],
    4: ['ports', '[]PortStatus'],
  },
  PortStatus: { 1: ['port', 'int32'], 2: ['protocol', 'string'], 3: ['error', 'string?'] },

  // k8s.io/api/certificates/v1
  CertificateSigningRequest: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'CertificateSigningRequestSpec'],
    3: ['status', 'CertificateSigningRequestStatus'],
  },
  CertificateSigningRequestSpec: {
    1: ['request', 'bytes'],
    7: ['signerName', 'string'],
    8: ['expirationSeconds', 'int32?'],
    5: ['usages', '[]string'],
    2: ['username', 'string'],
    3: ['uid', 'string'],
    4: ['groups', '[]string'],
    6: ['extra', 'map<stringList>'],
  },
  CertificateSigningRequestStatus: {
    1: ['conditions', '[]CertificateSigningRequestCondition'],
    2: ['certificate', 'bytes'],
  },
  CertificateSigningRequestCondition: {
    1: ['type', 'string'],
    6: ['status', 'string'],
    2: ['reason', 'string'],
    3: ['message', 'string'],
    4: ['lastUpdateTime', 'time'],
    5: ['lastTransitionTime', 'time'],
  },

  // k8s.io/api/authorization/v1 (kubectl auth can-i)
  SelfSubjectAccessReview: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'SelfSubjectAccessReviewSpec'],
    3: ['status', 'SubjectAccessReviewStatus'],
  },
  SelfSubjectAccessReviewSpec: {
    1: ['resourceAttributes', 'ResourceAttributes?'],
    2: ['nonResourceAttributes', 'NonResourceAttributes?'],
  },
  ResourceAttributes: {
    1: ['namespace', 'string'],
    2: ['verb', 'string'],
    3: ['group', 'string'],
    4: ['version', 'string'],
    5: ['resource', 'string'],
    6: ['subresource', 'string'],
    7: ['name', 'string'],
    8: ['fieldSelector', 'SelectorAttributes?'],
    9: ['labelSelector', 'SelectorAttributes?'],
  },
  // FieldSelectorAttributes and LabelSelectorAttributes have the same fields.
  SelectorAttributes: { 1: ['rawSelector', 'string'], 2: ['requirements', '[]SelectorRequirement'] },
  SelectorRequirement: { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', '[]string'] },
  NonResourceAttributes: { 1: ['path', 'string'], 2: ['verb', 'string'] },
  SubjectAccessReviewStatus: {
    1: ['allowed', 'bool'],
    4: ['denied', 'bool'],
    2: ['reason', 'string'],
    3: ['evaluationError', 'string'],
  },
};

/** The object kinds with a table and their apiVersion; each is also served as a list. */
const OBJECT_KINDS: Readonly<Record<string, string>> = {
  Secret: 'v1',
  ConfigMap: 'v1',
  Namespace: 'v1',
  Service: 'v1',
  CertificateSigningRequest: 'certificates.k8s.io/v1',
};

export const MESSAGES: Readonly<Record<string, MessageTable>> = {
  ...TABLES,
  ...Object.fromEntries(
    Object.keys(OBJECT_KINDS).map((kind) => [
      `${kind}List`,
      { 1: ['metadata', 'ListMeta'], 2: ['items', `[]${kind}`] },
    ]),
  ),
};

/**
 * Top-level kinds (what an envelope's TypeMeta names) -> apiVersion. Only these carry
 * apiVersion and kind in JSON; the envelope carries them in protobuf.
 */
export const ROOT_KINDS: ReadonlyMap<string, string> = new Map([
  ...Object.entries(OBJECT_KINDS),
  ...Object.entries(OBJECT_KINDS).map(([kind, apiVersion]): [string, string] => [`${kind}List`, apiVersion]),
  ['SelfSubjectAccessReview', 'authorization.k8s.io/v1'],
  ['Status', 'v1'],
  ['DeleteOptions', 'v1'],
]);
