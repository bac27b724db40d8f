/** manifests/machineconfigserver/daemonset.yaml, as the operator applies it when it is missing. */
import type { SimContext } from '../../context.js';
import type { KubeObject } from '../../kube/types.js';
import { mcsDaemonSet as daemonSetManifest } from '../../scenarios/objects/mco.js';

/** The same manifest the scenarios seed, freshly created (no status: the controller fills it). */
export function mcsDaemonSet(ctx: SimContext): KubeObject {
  const manifest = daemonSetManifest(ctx.network, ctx.clock.now(), 0);
  delete manifest.status;
  delete manifest.metadata.creationTimestamp;
  delete manifest.metadata.uid;
  return manifest;
}
