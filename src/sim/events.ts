/** Kubernetes Events as controllers record them (core/v1 Event, the shape `oc get events` reads). */
import type { ObjectStore } from './kube/store.js';
import { isoSeconds, randomSuffix } from './kube/store.js';
import type { KubeObject } from './kube/types.js';

export interface EventInput {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Reporting component, e.g. `metal3-baremetal-controller`, `kubelet`. */
  component: string;
  host?: string;
}

export function recordEvent(store: ObjectStore, input: EventInput, now = new Date()): KubeObject {
  const ns = input.involved.metadata.namespace ?? 'default';
  const time = isoSeconds(now);
  return store.create(store.type('events', ''), {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${input.involved.metadata.name}.${Date.now().toString(16)}${randomSuffix(4)}`,
      namespace: ns,
    },
    involvedObject: {
      apiVersion: input.involved.apiVersion,
      kind: input.involved.kind,
      name: input.involved.metadata.name,
      namespace: input.involved.metadata.namespace,
      uid: input.involved.metadata.uid,
      resourceVersion: input.involved.metadata.resourceVersion,
    },
    reason: input.reason,
    message: input.message,
    type: input.type,
    source: { component: input.component, ...(input.host ? { host: input.host } : {}) },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    reportingComponent: input.component,
    reportingInstance: input.host ?? '',
  });
}
