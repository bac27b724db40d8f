/** Cluster version, platform, and the api-int URL and VIPs from Infrastructure `cluster`. */
import type { KubeObject, Read } from '../../sources/types.js';

export interface ClusterFacts {
  version: string | null;
  platform: string | null;
  apiServerInternalURI: string | null;
  /** The host of apiServerInternalURI (`api-int.<cluster>.<domain>`). */
  apiIntHost: string | null;
  apiVips: string[];
  infrastructure?: KubeObject;
  clusterVersion?: KubeObject;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function clusterFacts(
  clusterVersions: Read<KubeObject[]>,
  infrastructures: Read<KubeObject[]>,
): ClusterFacts {
  const cv = clusterVersions.ok
    ? clusterVersions.value.find((o) => o.metadata.name === 'version')
    : undefined;
  const infra = infrastructures.ok
    ? infrastructures.value.find((o) => o.metadata.name === 'cluster')
    : undefined;
  const cvStatus = obj(cv?.['status']);
  const history = Array.isArray(cvStatus['history']) ? (cvStatus['history'] as Obj[]) : [];
  const version =
    str(history.find((h) => h['state'] === 'Completed')?.['version']) ??
    str(obj(cvStatus['desired'])['version']) ??
    str(history[0]?.['version']) ??
    null;
  const status = obj(infra?.['status']);
  const platformStatus = obj(status['platformStatus']);
  const platform = str(platformStatus['type']) ?? str(status['platform']) ?? null;
  const uri = str(status['apiServerInternalURI']) ?? null;
  let apiIntHost: string | null = null;
  if (uri) {
    try {
      apiIntHost = new URL(uri).hostname.replace(/^\[|\]$/g, '');
    } catch {
      apiIntHost = null;
    }
  }
  const vips = new Set<string>();
  for (const [, p] of Object.entries(platformStatus)) {
    const ps = obj(p);
    for (const ip of Array.isArray(ps['apiServerInternalIPs']) ? ps['apiServerInternalIPs'] : []) {
      if (typeof ip === 'string') vips.add(ip);
    }
    const single = str(ps['apiServerInternalIP']);
    if (single) vips.add(single);
  }
  return {
    version,
    platform,
    apiServerInternalURI: uri,
    apiIntHost,
    apiVips: [...vips],
    infrastructure: infra,
    clusterVersion: cv,
  };
}
