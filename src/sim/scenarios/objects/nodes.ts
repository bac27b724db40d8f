/** Nodes of the masters and of the workers that joined, as the kubelet and the MCO leave them. */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../kube/types.js';
import type { OpenShiftVersion } from '../../seed.js';
import { RELEASES } from '../versions.js';
import { iso, MACHINE_API_NS, meta } from './meta.js';

export interface NodePlan {
  name: string;
  role: 'master' | 'worker';
  ip: string;
  created: Date;
  rendered: string;
  machineName: string;
  /** `baremetalhost:///ns/name/uid` once the Machine controller copied it. */
  providerID?: string;
  heartbeat: Date;
  /**
   * The kubelet has posted Ready=False since registration with this message (its network plugin
   * never came up); the node lifecycle controller then taints it not-ready (NoSchedule, and
   * NoExecute with TaintBasedEvictions).
   */
  notReadyMessage?: string;
}

export function node(plan: NodePlan, version: OpenShiftVersion): KubeObject {
  const release = RELEASES[version];
  const ready = iso(new Date(plan.created.getTime() + 20_000));
  const created = iso(plan.created);
  const heartbeat = iso(plan.heartbeat);
  const cond = (type: string, status: string, reason: string, message: string, since = created) => ({
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: since,
    message,
    reason,
    status,
    type,
  });
  const roles: Record<string, string> =
    plan.role === 'master'
      ? { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' }
      : { 'node-role.kubernetes.io/worker': '' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta(plan.name, plan.created, {
      annotations: {
        'machine.openshift.io/machine': `${MACHINE_API_NS}/${plan.machineName}`,
        'machineconfiguration.openshift.io/controlPlaneTopology': 'HighlyAvailable',
        'machineconfiguration.openshift.io/currentConfig': plan.rendered,
        'machineconfiguration.openshift.io/desiredConfig': plan.rendered,
        'machineconfiguration.openshift.io/reason': '',
        'machineconfiguration.openshift.io/state': 'Done',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': plan.name,
        'kubernetes.io/os': 'linux',
        ...roles,
        'node.openshift.io/os_id': 'rhcos',
      },
    }),
    spec: {
      ...(plan.providerID ? { providerID: plan.providerID } : {}),
      ...(plan.role === 'master'
        ? { taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] }
        : plan.notReadyMessage
          ? {
              taints: [
                { effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready' },
                { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', timeAdded: created },
              ],
            }
          : {}),
    },
    status: {
      addresses: [
        { address: plan.ip, type: 'InternalIP' },
        { address: plan.name, type: 'Hostname' },
      ],
      allocatable: {
        cpu: '31500m',
        'ephemeral-storage': '431110276429',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: '195455464Ki',
        pods: '250',
      },
      capacity: {
        cpu: '32',
        'ephemeral-storage': '467784684Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: '196606440Ki',
        pods: '250',
      },
      conditions: [
        cond(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        plan.notReadyMessage
          ? cond('Ready', 'False', 'KubeletNotReady', plan.notReadyMessage)
          : cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', ready),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: randomUUID(),
        containerRuntimeVersion: release.containerRuntimeVersion,
        kernelVersion: release.kernelVersion,
        kubeProxyVersion: release.kubeletVersion,
        kubeletVersion: release.kubeletVersion,
        machineID: randomUUID().replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: release.osImage,
        systemUUID: randomUUID(),
      },
    },
  };
}
