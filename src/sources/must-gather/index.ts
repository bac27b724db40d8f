/**
 * The offline source: a must-gather as `oc adm must-gather` writes it. Namespaced objects are in
 * `namespaces/<ns>/<group>/<plural>.yaml` (a List) and/or one file per object under
 * `<plural>/`; pods also in `pods/<pod>/<pod>.yaml`; cluster-scoped ones under
 * `cluster-scoped-resources/<group>/`; logs in `pods/<pod>/<container>/<container>/logs/`.
 * Secret values are redacted by the collector, which the source declares.
 */
import { KUBE_SYSTEM_NAMESPACE, MAPI_NAMESPACE, MCO_NAMESPACE } from '../../core/names.js';
import { parseAllDocuments, YAMLParseError } from 'yaml';
import { InputError } from '../../core/errors.js';
import { mustGatherGroup } from '../resources.js';
import type { ClusterSource, KubeObject, PodLogOptions, Read, ResourceRef } from '../types.js';
import { openTree, type FileTree, type KeepFilter } from './archive.js';

/** Namespaces whose objects and logs diagnose reads in full; elsewhere only secrets (TLS expiry). */
const NAMESPACES = new Set([MCO_NAMESPACE, MAPI_NAMESPACE, KUBE_SYSTEM_NAMESPACE]);
const CLUSTER_GROUPS = new Set([
  'config.openshift.io',
  'core',
  'certificates.k8s.io',
  'machineconfiguration.openshift.io',
  'metal3.io',
  'machine.openshift.io',
]);

export const DIAGNOSE_KEEP: KeepFilter = (path) => {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'timestamp') return true;
  const ns = /(?:^|\/)namespaces\/([^/]+)\/(.*)$/.exec(path);
  if (ns) {
    const rest = ns[2]!;
    if (NAMESPACES.has(ns[1]!)) return rest.endsWith('.yaml') || rest.endsWith('.log');
    return rest === 'core/secrets.yaml' || rest.startsWith('core/secrets/');
  }
  const cs = /(?:^|\/)cluster-scoped-resources\/([^/]+)\//.exec(path);
  return !!cs && CLUSTER_GROUPS.has(cs[1]!) && path.endsWith('.yaml');
};

export class MustGatherSource implements ClusterSource {
  readonly kind = 'must-gather' as const;
  readonly redactsSecrets = true;
  readonly location: string;
  private readonly prefix: string;

  constructor(
    private readonly tree: FileTree,
    root: string,
    readonly collectedAt: Date,
    input: string,
  ) {
    this.prefix = root ? `${root}/` : '';
    this.location = root ? `${input} (root ${root})` : input;
  }

  stats(): { requests: number } {
    return { requests: this.tree.opened() };
  }

  async close(): Promise<void> {}

  async list(ref: ResourceRef, namespace?: string): Promise<Read<KubeObject[]>> {
    const group = mustGatherGroup(ref);
    const dirs: string[] = [];
    if (ref.namespaced) {
      const namespaces = namespace
        ? [namespace]
        : (await this.tree.listDir(`${this.prefix}namespaces`))
            .filter((e) => e.endsWith('/'))
            .map((e) => e.slice(0, -1).split('/').pop()!);
      for (const ns of namespaces) dirs.push(`${this.prefix}namespaces/${ns}/${group}`);
    } else dirs.push(`${this.prefix}cluster-scoped-resources/${group}`);
    const byKey = new Map<string, KubeObject>();
    let found = false;
    const errors: string[] = [];
    for (const dir of dirs) {
      const files: string[] = [];
      const listFile = `${dir}/${ref.plural}.yaml`;
      const entries = await this.tree.listDir(dir);
      if (entries.includes(listFile)) files.push(listFile);
      if (entries.includes(`${dir}/${ref.plural}/`)) {
        files.push(...(await this.tree.listDir(`${dir}/${ref.plural}`)).filter((e) => e.endsWith('.yaml')));
      }
      if (ref.plural === 'pods' && ref.group === '') {
        const podsDir = dir.replace(/\/core$/, '/pods');
        for (const p of (await this.tree.listDir(podsDir)).filter((e) => e.endsWith('/'))) {
          const name = p.slice(0, -1).split('/').pop()!;
          files.push(`${podsDir}/${name}/${name}.yaml`);
        }
      }
      for (const file of files) {
        const bytes = await this.tree.read(file);
        if (!bytes) continue;
        found = true;
        const parsed = parseObjects(bytes, file.slice(this.prefix.length));
        if (typeof parsed === 'string') {
          errors.push(parsed);
          continue;
        }
        for (const o of parsed) {
          if (o.kind && o.kind !== ref.kind) continue;
          byKey.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
        }
      }
    }
    if (errors.length > 0 && byKey.size === 0)
      return { ok: false, reason: 'error', message: errors.join('; ') };
    if (!found) {
      const where = ref.namespaced
        ? `namespaces/${namespace ?? '*'}/${group}/${ref.plural}`
        : `cluster-scoped-resources/${group}/${ref.plural}`;
      return { ok: false, reason: 'not-collected', message: `the must-gather has no ${where}` };
    }
    if (errors.length > 0) return { ok: false, reason: 'error', message: errors.join('; ') };
    return { ok: true, value: [...byKey.values()] };
  }

  async podLog(
    namespace: string,
    pod: string,
    container: string,
    options: PodLogOptions = {},
  ): Promise<Read<string>> {
    const rel = `namespaces/${namespace}/pods/${pod}/${container}/${container}/logs/${options.previous ? 'previous' : 'current'}.log`;
    const bytes = await this.tree.read(this.prefix + rel);
    if (!bytes) return { ok: false, reason: 'not-collected', message: `the must-gather has no ${rel}` };
    return { ok: true, value: bytes.toString('utf8') };
  }
}

/** The objects in one YAML file (a List or documents of objects), or a message naming the file and line. */
function parseObjects(bytes: Buffer, file: string): KubeObject[] | string {
  if (bytes.includes(0)) return `${file} is binary, not YAML`;
  let docs;
  try {
    docs = parseAllDocuments(bytes.toString('utf8'));
  } catch (err) {
    return `${file}: ${(err as Error).message}`;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const out: KubeObject[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const line =
        e instanceof YAMLParseError && e.linePos
          ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}`
          : '';
      return `${file}: YAML error${line}: ${e.message.split('\n')[0]}`;
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue;
    const items = isObj(value) && Array.isArray(value['items']) ? (value['items'] as unknown[]) : [value];
    for (const item of items) {
      if (
        !isObj(item) ||
        !isObj(item['metadata']) ||
        typeof (item['metadata'] as { name?: unknown }).name !== 'string'
      ) {
        return `${file}: an entry is not a Kubernetes object (no metadata.name)`;
      }
      out.push(item as unknown as KubeObject);
    }
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `2021-09-14 14:43:46.909613294 +0000 UTC m=+0.079937509` (Go's time.String), first line. */
export function parseTimestamp(text: string): Date | undefined {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)/.exec(text.trim());
  if (!m) return undefined;
  const frac = m[3] ? m[3].slice(0, 4) : '';
  const d = new Date(`${m[1]}T${m[2]}${frac}${m[4]}:${m[5]}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export async function openMustGather(
  path: string,
  keep: KeepFilter = DIAGNOSE_KEEP,
): Promise<MustGatherSource> {
  const tree = await openTree(path, keep);
  const roots = await tree.roots();
  if (roots.length === 0) {
    throw new InputError(
      `${path} is not a must-gather: no namespaces/ or cluster-scoped-resources/ directory in it`,
      {
        where: '--must-gather',
        hint: 'give the directory oc adm must-gather wrote (must-gather.local.*), or its archive',
      },
    );
  }
  // Several image directories: prefer the one with both trees (the default must-gather image).
  const withBoth: string[] = [];
  for (const r of roots) {
    const entries = await tree.listDir(r);
    const p = r ? `${r}/` : '';
    if (entries.includes(`${p}namespaces/`) && entries.includes(`${p}cluster-scoped-resources/`))
      withBoth.push(r);
  }
  const root = withBoth[0] ?? roots[0]!;
  const timestamp = await tree.read(`${root ? `${root}/` : ''}timestamp`);
  const collectedAt = timestamp ? parseTimestamp(timestamp.toString('utf8')) : undefined;
  return new MustGatherSource(tree, root, collectedAt ?? new Date(), path);
}
