/** Reading a seed the way a worker and an admin would see it. */
import type { KubeObject } from '../../../src/sim/kube/types.js';
import type { ClusterSeed } from '../../../src/sim/seed.js';

export function find(
  seed: ClusterSeed,
  kind: string,
  name: string,
  namespace?: string,
): KubeObject | undefined {
  return seed.objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
}

export function secretText(secret: KubeObject, key: string): string {
  const data = secret.data as Record<string, string>;
  return Buffer.from(data[key] ?? '', 'base64').toString('utf8');
}

export function bmhState(bmh: KubeObject): string {
  return (bmh.status as { provisioning: { state: string } }).provisioning.state;
}
