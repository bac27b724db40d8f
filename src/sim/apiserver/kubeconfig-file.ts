/** The kubeconfig `sim start` writes: an admin context (current) and a read-only one. */
import { chmod, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  adminToken: string;
  readOnlyToken: string;
  clusterName: string;
}

export function kubeconfigYaml(input: KubeconfigInput): string {
  const cluster = input.clusterName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: {
          server: input.server,
          'certificate-authority-data': Buffer.from(input.caPem).toString('base64'),
        },
      },
    ],
    users: [
      { name: 'admin', user: { token: input.adminToken } },
      { name: 'read-only', user: { token: input.readOnlyToken } },
    ],
    contexts: [
      { name: 'admin', context: { cluster, user: 'admin', namespace: 'openshift-machine-api' } },
      { name: 'read-only', context: { cluster, user: 'read-only', namespace: 'openshift-machine-api' } },
    ],
    'current-context': 'admin',
    preferences: {},
  });
}

/** Writes it 0600: it holds bearer tokens. */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  await writeFile(path, kubeconfigYaml(input), { mode: 0o600 });
  await chmod(path, 0o600);
}
