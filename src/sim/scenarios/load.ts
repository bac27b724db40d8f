/**
 * Puts a seed's objects into a store. The store gives every created object a new uid, as the
 * apiserver does, so the references a seed fixed (ownerReferences, nodeRef, providerIDs such as
 * `baremetalhost:///ns/name/<uid>`) are rewritten to the new uids: referenced objects are
 * created first and each later object has the old uids replaced before it is created.
 */
import type { ObjectStore } from '../kube/store.js';
import { resourceTypeForKind } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';

/** Kinds other objects refer to by uid, in an order where referrers come later. */
const REFERENCED_FIRST = [
  'ClusterVersion',
  'Namespace',
  'MachineConfigPool',
  'MachineSet',
  'BareMetalHost',
  'Node',
];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function rank(obj: KubeObject): number {
  const i = REFERENCED_FIRST.indexOf(obj.kind);
  return i < 0 ? REFERENCED_FIRST.length : i;
}

export function loadScenarioObjects(store: ObjectStore, objects: readonly KubeObject[]): KubeObject[] {
  const uids = new Map<string, string>();
  const ordered = objects
    .map((obj, i) => ({ obj, i }))
    .sort((a, b) => rank(a.obj) - rank(b.obj) || a.i - b.i)
    .map((e) => e.obj);
  const created: KubeObject[] = [];
  for (const obj of ordered) {
    const type = resourceTypeForKind(obj.apiVersion, obj.kind, store.types);
    if (!type) throw new Error(`seed object ${obj.kind} ${obj.metadata.name}: the store has no such type`);
    const oldUid = obj.metadata.uid;
    const text = JSON.stringify(obj).replace(UUID, (u) => (u === oldUid ? u : (uids.get(u) ?? u)));
    const written = store.apply(type, JSON.parse(text) as KubeObject);
    if (oldUid && written.metadata.uid) uids.set(oldUid, written.metadata.uid);
    created.push(written);
  }
  return created.map((obj) => (obj.kind === 'BareMetalHost' ? pinCredentialsVersion(store, obj) : obj));
}

/**
 * A registered host's status names the resourceVersion of the credentials secret it was
 * registered with; the store assigns versions only now, so point them at the loaded secret.
 */
function pinCredentialsVersion(store: ObjectStore, bmh: KubeObject): KubeObject {
  const status = bmh.status as
    { goodCredentials?: { credentials?: { name?: string; namespace?: string } } } | undefined;
  const ref = status?.goodCredentials?.credentials;
  if (!ref?.name) return bmh;
  const secret = store.get(store.type('secrets', ''), ref.namespace ?? bmh.metadata.namespace, ref.name);
  if (!secret) return bmh;
  const version = secret.metadata.resourceVersion;
  const type = store.type('baremetalhosts', 'metal3.io');
  return (
    store.mutate(
      type,
      bmh.metadata.namespace,
      bmh.metadata.name,
      (o) => {
        const st = o.status as Record<string, { credentialsVersion?: string } | undefined>;
        for (const key of ['goodCredentials', 'triedCredentials']) {
          const c = st[key];
          if (c && typeof c === 'object') c.credentialsVersion = version;
        }
      },
      { subresource: 'status' },
    ) ?? bmh
  );
}
