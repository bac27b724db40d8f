/**
 * The cluster-machine-approver's pod (openshift/cluster-machine-approver install/0000_50_*
 * deployment `machine-approver`: label app=machine-approver, containers kube-rbac-proxy and
 * machine-approver-controller, on a master). The simulated approver writes its log under this
 * pod's name, so `oc -n openshift-cluster-machine-approver logs deploy/machine-approver` and
 * `get pods` show what a real cluster shows.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../kube/types.js';
import { randomSuffix } from '../../kube/store.js';
import { iso, meta } from './meta.js';

export const APPROVER_NS = 'openshift-cluster-machine-approver';

export function machineApproverPod(master: { name: string; ip: string }, started: Date): KubeObject {
  const hash = createHash('sha256').update('machine-approver').digest('hex').slice(0, 9);
  const image = (name: string): string =>
    `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${createHash('sha256').update(name).digest('hex')}`;
  const containers = ['kube-rbac-proxy', 'machine-approver-controller'];
  const t = iso(started);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(`machine-approver-${hash}-${randomSuffix()}`, started, {
      namespace: APPROVER_NS,
      labels: { app: 'machine-approver', 'pod-template-hash': hash },
    }),
    spec: {
      containers: containers.map((name) => ({ name, image: image(name) })),
      nodeName: master.name,
      nodeSelector: { 'node-role.kubernetes.io/master': '' },
      priorityClassName: 'system-cluster-critical',
      serviceAccountName: 'machine-approver-sa',
      restartPolicy: 'Always',
    },
    status: {
      phase: 'Running',
      hostIP: master.ip,
      podIP: master.ip,
      startTime: t,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: t,
      })),
      containerStatuses: containers.map((name) => ({
        name,
        image: image(name),
        imageID: image(name),
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: t } },
        lastState: {},
      })),
    },
  };
}
