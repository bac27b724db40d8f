/**
 * The machine-config-operator and machine-config-controller pods, so their logs can be read like
 * the real ones (`oc logs -n openshift-machine-config-operator machine-config-controller-...`).
 * Seeded pods are used as they are; missing ones are created Running on the first master.
 */
import { createHash } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { LogBook } from '../../linelog.js';
import { formatKlogLine, type KlogSeverity } from '../../mcs/klog.js';
import { isoSeconds, randomSuffix } from '../../kube/store.js';
import type { KubeObject } from '../../kube/types.js';
import { MASTER_ROLE_LABEL, MCO_NAMESPACE, MCS_APP_LABEL } from './names.js';

export type KlogWriter = (severity: KlogSeverity, source: string, message: string) => void;

function runningPod(ctx: SimContext, app: string, containers: string[]): KubeObject {
  const s = ctx.store;
  const master = s.list(s.type('nodes', ''), {
    filter: (n) => n.metadata.labels?.[MASTER_ROLE_LABEL] !== undefined,
  }).items[0];
  const ip = ctx.network.masterIps[0] ?? ctx.network.apiVip;
  const hash = createHash('sha256').update(`${app} ${ctx.version}`).digest('hex').slice(0, 9);
  const now = isoSeconds(new Date());
  const image =
    'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:' + createHash('sha256').update(app).digest('hex');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${app}-${hash}-${randomSuffix()}`,
      namespace: MCO_NAMESPACE,
      labels: { [MCS_APP_LABEL]: app, 'pod-template-hash': hash },
    },
    spec: {
      containers: containers.map((name) => ({ name, image })),
      nodeName: master?.metadata.name ?? '',
      serviceAccountName: app,
      restartPolicy: 'Always',
    },
    status: {
      phase: 'Running',
      hostIP: ip,
      podIP: ip,
      startTime: now,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
      })),
      containerStatuses: containers.map((name) => ({
        name,
        image,
        imageID: image,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
        containerID: `cri-o://${createHash('sha256').update(`${name}${now}${Math.random()}`).digest('hex')}`,
      })),
    },
  };
}

/** A klog writer for `container` of the pod labelled k8s-app=`app`, creating the pod when missing. */
export function operatorLog(ctx: SimContext, app: string, containers: string[]): KlogWriter {
  const s = ctx.store;
  const pods = s.type('pods', '');
  let pod = s.list(pods, {
    namespace: MCO_NAMESPACE,
    filter: (p) => p.metadata.labels?.[MCS_APP_LABEL] === app,
  }).items[0];
  if (!pod) {
    try {
      pod = s.apply(pods, runningPod(ctx, app, containers));
    } catch {
      pod = undefined; // no namespace yet: keep the lines under the app's name
    }
  }
  const key = LogBook.podKey(MCO_NAMESPACE, pod?.metadata.name ?? app, containers[0] ?? app);
  return (severity, source, message) =>
    ctx.podLogs.log(key).append(formatKlogLine(severity, new Date(), source, message));
}
