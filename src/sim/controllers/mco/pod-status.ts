/** The status a kubelet reports for an MCS pod, from the container's state. */
import { isoSeconds } from '../../kube/store.js';
import type { Condition } from './kube-util.js';
import { setCondition } from './kube-util.js';

export const MCS_CONTAINER = 'machine-config-server';

export interface TerminatedState {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

export type ContainerPhase =
  | { kind: 'creating' }
  | { kind: 'running'; startedAt: string; containerID: string }
  | { kind: 'backoff'; message: string };

export interface ContainerView {
  phase: ContainerPhase;
  restartCount: number;
  lastTerminated?: TerminatedState;
  image: string;
  imageID: string;
}

function terminatedJson(t: TerminatedState): Record<string, unknown> {
  return {
    terminated: {
      containerID: t.containerID,
      exitCode: t.exitCode,
      finishedAt: t.finishedAt,
      ...(t.message ? { message: t.message } : {}),
      reason: t.reason,
      startedAt: t.startedAt,
    },
  };
}

export function podStatus(
  previous: Record<string, unknown> | undefined,
  view: ContainerView,
  ip: string,
  startTime: string,
  now: Date,
): Record<string, unknown> {
  const ready = view.phase.kind === 'running';
  const started = view.phase.kind === 'running';
  const mounted = view.phase.kind !== 'creating' || view.restartCount > 0;
  let conditions = ((previous?.conditions as Condition[] | undefined) ?? []).slice();
  const notReady = `containers with unready status: [${MCS_CONTAINER}]`;
  conditions = setCondition(conditions, { type: 'Initialized', status: 'True', lastProbeTime: null }, now);
  conditions = setCondition(
    conditions,
    ready
      ? { type: 'Ready', status: 'True', lastProbeTime: null }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'ContainersNotReady',
          message: notReady,
          lastProbeTime: null,
        },
    now,
  );
  conditions = setCondition(
    conditions,
    ready
      ? { type: 'ContainersReady', status: 'True', lastProbeTime: null }
      : {
          type: 'ContainersReady',
          status: 'False',
          reason: 'ContainersNotReady',
          message: notReady,
          lastProbeTime: null,
        },
    now,
  );
  conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, now);
  const order = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));

  let state: Record<string, unknown>;
  if (view.phase.kind === 'running') state = { running: { startedAt: view.phase.startedAt } };
  else if (view.phase.kind === 'backoff')
    state = { waiting: { reason: 'CrashLoopBackOff', message: view.phase.message } };
  else state = { waiting: { reason: 'ContainerCreating' } };

  const containerStatus: Record<string, unknown> = {
    ...(view.phase.kind === 'running'
      ? { containerID: view.phase.containerID }
      : view.lastTerminated
        ? { containerID: view.lastTerminated.containerID }
        : {}),
    image: view.image,
    imageID: mounted ? view.imageID : '',
    lastState: view.lastTerminated ? terminatedJson(view.lastTerminated) : {},
    name: MCS_CONTAINER,
    ready,
    restartCount: view.restartCount,
    started,
    state,
  };
  return {
    conditions,
    containerStatuses: [containerStatus],
    hostIP: ip,
    phase: mounted ? 'Running' : 'Pending',
    podIP: ip,
    podIPs: [{ ip }],
    qosClass: 'Burstable',
    startTime,
  };
}

export function nowIso(now = new Date()): string {
  return isoSeconds(now);
}
