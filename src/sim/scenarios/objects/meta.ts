/** Small helpers every object family of a scenario seed shares. */
import { randomUUID } from 'node:crypto';
import { isoSeconds } from '../../kube/store.js';
import type { KubeObject, ObjectMeta } from '../../kube/types.js';

export const MACHINE_API_NS = 'openshift-machine-api';
export const MCO_NS = 'openshift-machine-config-operator';

export const DAY_MS = 24 * 3600 * 1000;
/** Go's `time.Hour * 24 * 365`: the installer's and library-go's "year". */
export const YEAR_MS = 365 * DAY_MS;

export function iso(date: Date): string {
  return isoSeconds(date);
}

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * Object metadata with a uid fixed at seed time: ownerReferences, consumerRefs, nodeRefs and
 * providerIDs refer to it (loadScenarioObjects keeps those references right when the store
 * assigns its own uids).
 */
export function meta(
  name: string,
  created: Date,
  extra: Partial<ObjectMeta> & { namespace?: string } = {},
): ObjectMeta {
  return { name, uid: randomUUID(), creationTimestamp: iso(created), ...extra };
}

export function ownerRef(
  owner: KubeObject,
  controller = true,
): NonNullable<ObjectMeta['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    ...(controller ? { controller: true, blockOwnerDeletion: true } : {}),
  };
}

export function objectRef(obj: KubeObject): Record<string, string> {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    uid: obj.metadata.uid ?? '',
  };
}

/** The ClusterVersion owner reference the CVO puts on what it manages. */
export interface Owned {
  clusterVersion: KubeObject;
}
