/**
 * Legacy discovery documents (/api, /apis, /api/v1, /apis/<group>[/<version>]). kubectl asks for
 * aggregated discovery first and falls back to these when the answer is plain JSON, as it does
 * with older servers (reference/oracles.md, Part B), so the legacy form is all we serve.
 */
import { apiVersionOf, type ResourceType } from '../kube/types.js';

const READ_ONLY_SUBRESOURCE_VERBS: Record<string, string[]> = {
  log: ['get'],
  status: ['get', 'patch', 'update'],
  approval: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
};

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupsOf(types: readonly ResourceType[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const t of types) {
    if (t.group === '') continue;
    const versions = groups.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    groups.set(t.group, versions);
  }
  return groups;
}

function apiGroup(name: string, versions: string[]): object {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(types: readonly ResourceType[]): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupsOf(types)].map(([name, versions]) => apiGroup(name, versions)),
  };
}

export function apiGroupDocument(types: readonly ResourceType[], group: string): object | undefined {
  const versions = groupsOf(types).get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) } : undefined;
}

export function apiResourceList(
  types: readonly ResourceType[],
  group: string,
  version: string,
): object | undefined {
  const mine = types.filter((t) => t.group === group && t.version === version);
  if (mine.length === 0) return undefined;
  const resources: object[] = [];
  for (const t of mine) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    });
    for (const sub of t.subresources) {
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        kind: sub === 'scale' ? 'Scale' : t.kind,
        verbs: READ_ONLY_SUBRESOURCE_VERBS[sub] ?? ['get'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources,
  };
}
