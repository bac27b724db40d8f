/**
 * The Ignition config the MCS serves for a pool: small but real. It carries what the MCS
 * appends to every served config (cluster_server.go GetConfig): the bootstrap kubeconfig at
 * /etc/kubernetes/kubeconfig and the node annotations file the machine-config-daemon reads.
 */
import { createHash } from 'node:crypto';

export interface PoolContent {
  /** Internal API URL written into the kubeconfig (infrastructure status.apiServerInternalURI). */
  apiServerInternalUrl: string;
  /** Token of secret `node-bootstrapper-token`. */
  bootstrapToken: string;
  /** PEM of the kube-apiserver CA the kubelet trusts (certificate-authority-data). */
  kubeApiServerCaPem: string;
}

/** `rendered-<pool>-<hash>` as the render controller names pool configs. */
export function renderedConfigName(pool: string, content: PoolContent): string {
  const hash = createHash('sha256').update(`${pool}\n${content.apiServerInternalUrl}`).digest('hex');
  return `rendered-${pool}-${hash.slice(0, 32)}`;
}

function bootstrapKubeconfig(content: PoolContent): string {
  const caData = Buffer.from(content.kubeApiServerCaPem, 'utf8').toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${caData}`,
    `    server: ${content.apiServerInternalUrl}`,
    '  name: local',
    'contexts:',
    '- context:',
    '    cluster: local',
    '    user: kubelet',
    '  name: kubelet',
    'current-context: kubelet',
    'preferences: {}',
    'users:',
    '- name: kubelet',
    '  user:',
    `    token: ${content.bootstrapToken}`,
    '',
  ].join('\n');
}

/** An RFC 2397 data URL with percent-encoding, as the MCO writes file contents. */
function dataUrl(text: string): string {
  return `data:,${encodeURIComponent(text)}`;
}

/**
 * Builds the served config for `pool` in spec `version` ("2.2.0" or "3.x.0"). `rendered` is the
 * MachineConfig GetConfig served (its name goes into the node annotations, as
 * appendNodeAnnotations writes `currentConfig`); default the name derived from the content.
 */
export function buildPoolConfig(
  pool: string,
  version: string,
  content: PoolContent,
  renderedName?: string,
): Record<string, unknown> {
  const rendered = renderedName ?? renderedConfigName(pool, content);
  const annotations = JSON.stringify({
    'machineconfiguration.openshift.io/currentConfig': rendered,
    'machineconfiguration.openshift.io/desiredConfig': rendered,
    'machineconfiguration.openshift.io/state': 'Done',
  });
  const files = [
    {
      path: '/etc/kubernetes/kubeconfig',
      mode: 0o600,
      contents: { source: dataUrl(bootstrapKubeconfig(content)) },
    },
    {
      path: '/etc/machine-config-daemon/node-annotations.json',
      mode: 0o644,
      contents: { source: dataUrl(annotations) },
    },
  ];
  if (version.startsWith('2.')) {
    // Spec 2.x files name the filesystem; there is no `overwrite` default worth setting.
    return {
      ignition: { version: '2.2.0' },
      storage: { files: files.map((f) => ({ filesystem: 'root', ...f })) },
      systemd: {},
    };
  }
  return {
    ignition: { version },
    storage: { files: files.map((f) => ({ ...f, overwrite: true })) },
    systemd: {},
  };
}
