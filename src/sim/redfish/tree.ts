/**
 * A DMTF Redfish mockup tree (the layout of DMTF/Redfish-Mockup-Server: each URI is a folder
 * holding index.json, `$metadata` holds index.xml), loaded once per process and shared by every
 * BMC: bodies stay as the mockup's own bytes; only the resources a BMC overlays live (Managers
 * with a clock, Systems with power) are kept parsed.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const SERVICE_ROOT = '/redfish/v1';

export interface TreeEntry {
  body: Buffer;
  contentType: 'application/json' | 'application/xml';
}

export interface MockupManager {
  path: string;
  /** `DateTimeLocalOffset` of the mockup (`+00:00` when it has none). */
  localOffset: string;
  /** Its ManagerNetworkProtocol resource, where NTP shows whether the clock may be set. */
  networkProtocol?: { path: string; doc: Record<string, unknown> };
  doc: Record<string, unknown>;
}

export interface MockupSystem {
  id: string;
  path: string;
  /** `Actions["#ComputerSystem.Reset"].target`, if the System has the action. */
  resetTarget?: string;
  /** `ResetType@Redfish.AllowableValues`; empty means the mockup does not restrict it. */
  resetTypes: string[];
  doc: Record<string, unknown>;
}

export interface MockupTree {
  dir: string;
  /** Keyed by URI path without a trailing slash (the service root is `/redfish/v1`). */
  entries: ReadonlyMap<string, TreeEntry>;
  managers: ReadonlyMap<string, MockupManager>;
  systems: ReadonlyMap<string, MockupSystem>;
  /** SessionService `SessionTimeout`: seconds a session may stay idle. */
  sessionTimeoutSeconds: number;
}

const OFFSET_PATTERN = /^[-+][0-1][0-9]:[0-5][0-9]$/;

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function uriFor(rel: string): string | undefined {
  const parts = rel.split(sep);
  const name = parts.pop() ?? '';
  // explorer_config.json and the like beside the root index.json belong to mockup tooling
  if (parts.length === 0 && name !== 'index.json') return undefined;
  const folder = parts.length ? `${SERVICE_ROOT}/${parts.join('/')}` : SERVICE_ROOT;
  if (name === 'index.json' || name === 'index.xml') return folder;
  // resources served as files, e.g. /redfish/v1/Registries/Base.1.5.0.json
  if (name.endsWith('.json')) return `${folder}/${name}`;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function odataId(link: unknown): string | undefined {
  return isObject(link) && typeof link['@odata.id'] === 'string' ? link['@odata.id'] : undefined;
}

function resetActionOf(doc: Record<string, unknown>): { target?: string; types: string[] } {
  const actions = doc['Actions'];
  const reset = isObject(actions) ? actions['#ComputerSystem.Reset'] : undefined;
  if (!isObject(reset) || typeof reset['target'] !== 'string') return { types: [] };
  const allowed = reset['ResetType@Redfish.AllowableValues'];
  const types = Array.isArray(allowed) ? allowed.filter((v): v is string => typeof v === 'string') : [];
  return { target: reset['target'], types };
}

async function load(dir: string): Promise<MockupTree> {
  const entries = new Map<string, TreeEntry>();
  const managers = new Map<string, MockupManager>();
  const systems = new Map<string, MockupSystem>();
  let sessionTimeoutSeconds = 1800;
  for (const file of (await listFiles(dir)).sort()) {
    const uri = uriFor(relative(dir, file));
    if (!uri) continue;
    const body = await readFile(file);
    if (file.endsWith('.xml')) {
      entries.set(uri, { body, contentType: 'application/xml' });
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new Error(`mockup ${file} is not valid JSON: ${(err as Error).message}`);
    }
    entries.set(uri, { body, contentType: 'application/json' });
    if (!isObject(doc)) continue;
    const type = typeof doc['@odata.type'] === 'string' ? doc['@odata.type'] : '';
    if (type.startsWith('#Manager.') && 'DateTime' in doc) {
      const offset = doc['DateTimeLocalOffset'];
      managers.set(uri, {
        path: uri,
        localOffset: typeof offset === 'string' && OFFSET_PATTERN.test(offset) ? offset : '+00:00',
        doc,
      });
    } else if (type.startsWith('#SessionService.') && typeof doc['SessionTimeout'] === 'number') {
      sessionTimeoutSeconds = doc['SessionTimeout'];
    } else if (type.startsWith('#ComputerSystem.')) {
      const reset = resetActionOf(doc);
      const id = typeof doc['Id'] === 'string' ? doc['Id'] : uri.split('/').pop()!;
      systems.set(uri, { id, path: uri, resetTarget: reset.target, resetTypes: reset.types, doc });
    }
  }
  for (const manager of managers.values()) {
    const path = odataId(manager.doc['NetworkProtocol']);
    const entry = path === undefined ? undefined : entries.get(path);
    if (path && entry) {
      const doc: unknown = JSON.parse(entry.body.toString('utf8'));
      if (isObject(doc)) manager.networkProtocol = { path, doc };
    }
  }
  if (!entries.has(SERVICE_ROOT)) throw new Error(`${dir} is not a Redfish mockup: it has no index.json`);
  return { dir, entries, managers, systems, sessionTimeoutSeconds };
}

const cache = new Map<string, Promise<MockupTree>>();

/** Loads the mockup at `dir` once per process; later calls share the same tree. */
export async function loadMockupTree(dir: string): Promise<MockupTree> {
  const key = await realpath(dir);
  let tree = cache.get(key);
  if (!tree) {
    tree = load(key);
    cache.set(key, tree);
    tree.catch(() => cache.delete(key));
  }
  return tree;
}
