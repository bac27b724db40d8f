/** manifests/machineconfigserver/daemonset.yaml, as the operator applies it when it is missing. */
import type { SimContext } from '../../context.js';
import type { KubeObject } from '../../kube/types.js';
import {
  BOOTSTRAP_TOKEN_SECRET,
  MASTER_ROLE_LABEL,
  MCO_NAMESPACE,
  MCS_APP_LABEL,
  MCS_NAME,
  MCS_TLS_SECRET,
} from './names.js';

export function mcsDaemonSet(ctx: SimContext, apiServerUrl: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: MCS_NAME, namespace: MCO_NAMESPACE },
    spec: {
      selector: { matchLabels: { [MCS_APP_LABEL]: MCS_NAME } },
      template: {
        metadata: {
          name: MCS_NAME,
          labels: { [MCS_APP_LABEL]: MCS_NAME },
          annotations: {
            'target.workload.openshift.io/management': '{"effect": "PreferredDuringScheduling"}',
            'openshift.io/required-scc': 'hostnetwork',
          },
        },
        spec: {
          containers: [
            {
              name: MCS_NAME,
              image:
                'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:bd92a45320a08835316fcbbe43cea468cbd57ac83583deced2ffdd644470aec4',
              command: ['/usr/bin/machine-config-server'],
              args: ['start', `--apiserver-url=${apiServerUrl}`, `--payload-version=${ctx.version}.0`],
              resources: { requests: { cpu: '20m', memory: '50Mi' } },
              terminationMessagePolicy: 'FallbackToLogsOnError',
              ports: [
                {
                  name: 'https',
                  containerPort: ctx.network.mcsPort,
                  hostPort: ctx.network.mcsPort,
                  protocol: 'TCP',
                },
                {
                  name: 'http',
                  containerPort: ctx.network.mcsInsecurePort,
                  hostPort: ctx.network.mcsInsecurePort,
                  protocol: 'TCP',
                },
              ],
              volumeMounts: [
                { name: 'certs', mountPath: '/etc/ssl/mcs' },
                { name: 'node-bootstrap-token', mountPath: '/etc/mcs/bootstrap-token' },
              ],
            },
          ],
          hostNetwork: true,
          nodeSelector: { [MASTER_ROLE_LABEL]: '' },
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: MCS_NAME,
          tolerations: [
            { key: MASTER_ROLE_LABEL, operator: 'Exists', effect: 'NoSchedule' },
            { key: 'node-role.kubernetes.io/etcd', operator: 'Exists', effect: 'NoSchedule' },
          ],
          volumes: [
            { name: 'node-bootstrap-token', secret: { secretName: BOOTSTRAP_TOKEN_SECRET } },
            { name: 'certs', secret: { secretName: MCS_TLS_SECRET } },
          ],
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    },
  };
}
