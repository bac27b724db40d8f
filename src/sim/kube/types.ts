/** Plain-JSON Kubernetes objects as the simulated API server stores and serves them. */

import type { KubeObject } from '../../core/kube.js';

export type { KubeObject, ObjectMeta, OwnerReference } from '../../core/kube.js';

/** What the API knows about one resource type (discovery, routing, storage). */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Lower-case plural, the URL segment: `baremetalhosts`. */
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  /** Subresources served: `status`, `approval` (CSRs), `log` (pods). */
  subresources: string[];
  categories?: string[];
  /** A CRD's openAPIV3Schema (apiserver/crd.ts): the server validates objects against it. */
  schema?: object;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** `group/version` as it appears in apiVersion. */
export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group === '' ? rt.version : `${rt.group}/${rt.version}`;
}
