/**
 * Which BareMetalHosts a command is about: `--host NAME` (with `-n NS`), or every host being
 * provisioned that has not joined. A name that matches no host is an input error that lists the
 * closest names, never an empty report that looks healthy.
 */
import { InputError } from '../../core/errors.js';
import type { HostFacts } from './hosts.js';

export interface HostSelection {
  /** `--host`: only these BareMetalHosts. */
  names?: string[];
  /** `-n`: only hosts in this namespace. */
  namespace?: string;
  /** `--all`: every host, joined ones too. */
  all?: boolean;
}

/** Edit distance, to suggest `worker-0` for `worker0` or `wroker-0`. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Up to three names close to `name`, nearest first. */
export function closestNames(name: string, candidates: string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return [...new Set(candidates)]
    .map((c) => ({ c, d: c.startsWith(name) || name.startsWith(c) ? 1 : distance(name, c) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, 3)
    .map((x) => x.c);
}

/**
 * The one host named `name` (in `namespace` when given) among `hosts`; otherwise an input error
 * that says where it is, which names are close, or that there are two. `listedIn`: the list
 * holds only that namespace's hosts (a namespaced read), so nothing can be said of the others.
 */
export function findHost<H extends { name: string; namespace: string }>(
  hosts: readonly H[],
  name: string,
  namespace?: string,
  listedIn?: string,
): H {
  const inNamespace = (h: H): boolean => !namespace || h.namespace === namespace;
  const matches = hosts.filter((h) => h.name === name && inNamespace(h));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new InputError(
      `there are BareMetalHosts named ${name} in ${matches.length} namespaces: ${matches.map((h) => h.namespace).join(', ')}`,
      { where: '--host', hint: `say which with -n, e.g. -n ${matches[0]!.namespace}` },
    );
  }
  const where = namespace ? ` in namespace ${namespace}` : '';
  const elsewhere = hosts.filter((h) => h.name === name).map((h) => h.namespace);
  const close = closestNames(
    name,
    hosts.filter(inNamespace).map((h) => h.name),
  );
  throw new InputError(`there is no BareMetalHost named ${name}${where}`, {
    where: '--host',
    hint: elsewhere.length
      ? `it is in namespace ${elsewhere.join(', ')}: use -n ${elsewhere[0]}`
      : close.length
        ? `did you mean ${close.join(', ')}? (oc get bmh -A lists them)`
        : hosts.length || listedIn
          ? 'oc get bmh -A lists them'
          : 'this cluster has no BareMetalHost',
  });
}

/**
 * The hosts selected. `listed` is false when the BareMetalHosts could not be read: then no name
 * can be called unknown, and the report says why the host is unknown instead.
 */
export function selectHosts(
  hosts: HostFacts[],
  selection: HostSelection,
  listed: boolean,
  joining: (h: HostFacts) => boolean,
): HostFacts[] {
  const inNamespace = (h: HostFacts): boolean => !selection.namespace || h.namespace === selection.namespace;
  const names = selection.names?.filter((n) => n !== '') ?? [];
  if (names.length === 0) return hosts.filter((h) => inNamespace(h) && (selection.all || joining(h)));
  if (listed) for (const name of names) findHost(hosts, name, selection.namespace);
  const wanted = new Set(names);
  return hosts.filter((h) => wanted.has(h.name) && inNamespace(h));
}
