/**
 * `sim must-gather`: writes what the simulated API holds in the layout of a real must-gather
 * (must-gather.local.<n>/<image-dir>/...), so offline mode and tools such as omc read it the
 * way they read one from a cluster. YAML is written as sigs.k8s.io/yaml does: keys sorted,
 * sequences not indented, strings YAML 1.1 would read as something else double-quoted.
 */
import { createHash, randomInt } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import { LogBook, type LogLine } from '../linelog.js';
import { EMPTY_NAMESPACED_LISTS, KIND_LAYOUTS, type KindLayout } from './layout.js';
import { redactSecret } from './redact.js';

export interface MustGatherInput {
  /** Everything in the store. */
  objects: KubeObject[];
  podLogs: LogBook;
  /** OpenShift version of the cluster (the must-gather image's version file). */
  version: string;
  now: Date;
}

export function toYaml(value: unknown): string {
  return stringify(value, {
    version: '1.1',
    sortMapEntries: true,
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
    singleQuote: false,
    nullStr: 'null',
  });
}

/** Go's time.Time String() with the monotonic reading, as the gather scripts' `timestamp` lines are. */
export function goTimeString(date: Date, monotonicSeconds: number): string {
  const iso = date.toISOString();
  const nanos =
    String(date.getUTCMilliseconds()).padStart(3, '0') + String(randomInt(0, 1_000_000)).padStart(6, '0');
  const frac = nanos.replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC m=+${monotonicSeconds.toFixed(9)}`;
}

/** Log lines as `oc logs --timestamps` prints them (RFC 3339 with nanoseconds). */
function logText(lines: LogLine[] | undefined): string {
  if (!lines) return '';
  return lines
    .map((l) => `${l.time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ${l.text}\n`)
    .join('');
}

function imageDirName(version: string): string {
  const digest = createHash('sha256').update(`must-gather:${version}`).digest('hex');
  return `quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-${digest}`;
}

function maxResourceVersion(objects: KubeObject[]): string {
  let max = 0;
  for (const o of objects) max = Math.max(max, Number(o.metadata.resourceVersion ?? 0) || 0);
  return String(max);
}

class TreeWriter {
  files = 0;
  constructor(readonly root: string) {}

  async write(path: string, text: string): Promise<void> {
    const full = join(this.root, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, text);
    this.files += 1;
  }
}

function listDocument(
  apiVersion: string,
  listKind: string,
  items: KubeObject[],
  resourceVersion: string,
  clusterScoped: boolean,
): Record<string, unknown> {
  return {
    apiVersion,
    items,
    kind: listKind,
    metadata: clusterScoped ? { continue: '', resourceVersion } : { resourceVersion },
  };
}

export async function writeMustGather(
  input: MustGatherInput,
  outDir: string,
): Promise<{ root: string; files: number }> {
  const started = new Date(input.now.getTime());
  const startMono = performance.now() / 1000;
  const top = join(outDir, `must-gather.local.${randomInt(1, 2 ** 47)}${randomInt(0, 100_000)}`);
  const out = new TreeWriter(join(top, imageDirName(input.version)));
  const rv = maxResourceVersion(input.objects);
  const objects = input.objects.map((o) => (o.kind === 'Secret' ? redactSecret(o) : o));

  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const list = byKind.get(o.kind) ?? [];
    list.push(o);
    byKind.set(o.kind, list);
  }
  const sorted = (items: KubeObject[]): KubeObject[] =>
    items.slice().sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const doc = (value: unknown, layout?: KindLayout): string =>
    `${layout?.bare ? '' : '---\n'}${toYaml(value)}`;

  // Cluster-scoped kinds.
  for (const [kind, layout] of Object.entries(KIND_LAYOUTS)) {
    if (layout.namespaced) continue;
    const items = sorted(byKind.get(kind) ?? []);
    if (items.length === 0) continue;
    const dir = `cluster-scoped-resources/${layout.group}`;
    if (layout.list) {
      const first = items[0] as KubeObject;
      await out.write(
        `${dir}/${layout.plural}.yaml`,
        doc(listDocument(first.apiVersion, `${kind}List`, items, rv, true)),
      );
    }
    if (layout.perObject) {
      for (const item of items)
        await out.write(`${dir}/${layout.plural}/${item.metadata.name}.yaml`, doc(item, layout));
    }
  }

  // Namespaces.
  for (const ns of sorted(byKind.get('Namespace') ?? [])) {
    const name = ns.metadata.name;
    const base = `namespaces/${name}`;
    await out.write(`${base}/${name}.yaml`, doc(ns));
    const inNs = (kind: string): KubeObject[] =>
      sorted((byKind.get(kind) ?? []).filter((o) => o.metadata.namespace === name));
    for (const [kind, layout] of Object.entries(KIND_LAYOUTS)) {
      if (!layout.namespaced) continue;
      const items = inNs(kind);
      if (layout.list && (items.length > 0 || layout.always)) {
        const apiVersion = layout.group === 'core' ? 'v1' : `${layout.group}/v1`;
        await out.write(
          `${base}/${layout.group}/${layout.plural}.yaml`,
          doc(listDocument(apiVersion, `${kind}List`, items, rv, false)),
        );
      }
      if (layout.perObject) {
        for (const item of items) {
          await out.write(`${base}/${layout.group}/${layout.plural}/${item.metadata.name}.yaml`, doc(item));
        }
      }
    }
    for (const empty of EMPTY_NAMESPACED_LISTS) {
      await out.write(
        `${base}/${empty.group}/${empty.plural}.yaml`,
        doc(listDocument(empty.apiVersion, empty.listKind, [], rv, false)),
      );
    }
    for (const pod of inNs('Pod')) {
      const podName = pod.metadata.name;
      await out.write(`${base}/pods/${podName}/${podName}.yaml`, doc(pod));
      const containers = (
        (pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []
      ).map((c) => c.name);
      for (const container of containers) {
        const log = input.podLogs.find(LogBook.podKey(name, podName, container));
        const logs = `${base}/pods/${podName}/${container}/${container}/logs`;
        await out.write(`${logs}/current.log`, logText(log?.lines()));
        await out.write(`${logs}/previous.log`, logText(log?.lines({ previous: true })));
      }
    }
  }

  await out.write('version', `openshift/must-gather\n${input.version}\n`);
  const ended = new Date(started.getTime() + Math.round((performance.now() / 1000 - startMono) * 1000));
  const stamp = `${goTimeString(started, 0.05)}\n${goTimeString(ended, 0.05 + performance.now() / 1000 - startMono)}\n`;
  await out.write('timestamp', stamp);
  await mkdir(top, { recursive: true });
  await writeFile(join(top, 'timestamp'), stamp);
  return { root: top, files: out.files + 1 };
}
