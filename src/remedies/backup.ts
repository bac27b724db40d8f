/**
 * The backup directory of one fix: every object as it was before the fix first changed it, and
 * a manifest saying what was planned, which steps are done, and how to put each object back.
 * The directory is 0700 and every file 0600 (secrets and private keys are in it); the manifest
 * is replaced atomically (write, fsync, rename) so a process killed at any instant leaves either
 * the old or the new manifest, never half of one.
 */
import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { KubeObject, ResourceRef } from '../sources/types.js';
import { describeKey, type ObjectKey } from './kube-api.js';

export const MANIFEST = 'manifest.json';

export interface BackupObject {
  /** File in the backup directory holding the object as it was (absent when it did not exist). */
  file?: string;
  ref: ResourceRef;
  namespace?: string;
  name: string;
  /** False: the fix created it, so restore deletes it. */
  existed: boolean;
  /** Whether restore puts it back; pods are recreated by their DaemonSet, an approval cannot be undone. */
  restorable: boolean;
  note?: string;
  step: string;
  at: string;
}

export interface BackupClock {
  host: string;
  namespace: string;
  /** The Redfish Manager whose DateTime the fix set; `SEL` for an IPMI BMC (`ipmitool sel time set`). */
  manager: string;
  /** The BMC clock minus this machine's clock before the change, in ms. */
  offsetMs: number;
  /** How the clock was set (absent in fix backups: Redfish). */
  protocol?: 'redfish' | 'ipmi';
  /** The BMC as `scheme://host:port` (never credentials: restore reads them from the host's secret). */
  bmc?: string;
  /** The clock before the change as the BMC wrote it, and in UTC. */
  dateTime?: string;
  bmcTime?: string;
  /** The Manager's DateTimeLocalOffset before the change: restore sets the clock at it, leaving it as it was. */
  localOffset?: string;
  step: string;
  at: string;
}

export type StepStatus = 'started' | 'done' | 'skipped' | 'failed';

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  at: string;
  message?: string;
}

export interface FixManifest {
  schemaVersion: 1;
  /** What wrote it: a `fix` (absent in older backups), or `bmc-time --set` (only clocks). */
  kind?: 'fix' | 'bmc-time';
  tool: string;
  createdAt: string;
  updatedAt: string;
  /** The API server and context the fix ran against. */
  server: string;
  clusterVersion: string | null;
  cause: string;
  host: string | null;
  strategy: string;
  /** Decisions the plan made once and a resumed run must keep (e.g. the hosts to re-provision). */
  decisions: Record<string, string[]>;
  plan: Array<{ id: string; title: string }>;
  steps: StepRecord[];
  objects: BackupObject[];
  clocks: BackupClock[];
  finished: boolean;
  /** Set by `restore`: the objects are back as they were, so this fix cannot be resumed. */
  restoredAt?: string;
}

export function defaultBackupRoot(): string {
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'mcs-doctor', 'backups');
}

function fileNameFor(key: ObjectKey): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe(key.ref.plural)}${key.ref.group ? `.${safe(key.ref.group)}` : ''}_${key.namespace ? `${safe(key.namespace)}_` : ''}${safe(key.name)}.json`;
}

async function writeFileDurable(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export class BackupDir {
  private constructor(
    readonly dir: string,
    readonly manifest: FixManifest,
  ) {}

  /** A new backup directory (0700); it must not exist, or be empty. */
  static async create(dir: string, manifest: FixManifest): Promise<BackupDir> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const b = new BackupDir(dir, manifest);
    await b.save();
    return b;
  }

  static async open(dir: string): Promise<BackupDir> {
    const path = join(dir, MANIFEST);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(
        code === 'ENOENT'
          ? `${dir} is not an mcs-doctor backup (no ${MANIFEST})`
          : `cannot read ${path}: ${(err as Error).message}`,
        { where: path, hint: 'give the directory a fix printed as its backup' },
      );
    }
    let manifest: FixManifest;
    try {
      manifest = JSON.parse(text) as FixManifest;
    } catch {
      throw new InputError(`${path} is not valid JSON`, {
        where: path,
        hint: 'the manifest was edited or damaged; the object files next to it are plain JSON objects',
      });
    }
    if (manifest.schemaVersion !== 1 || !Array.isArray(manifest.objects) || !Array.isArray(manifest.steps)) {
      throw new InputError(`${path} is not an mcs-doctor fix manifest (schemaVersion 1)`, { where: path });
    }
    manifest.clocks ??= [];
    manifest.decisions ??= {};
    return new BackupDir(dir, manifest);
  }

  static async exists(dir: string): Promise<boolean> {
    try {
      await stat(join(dir, MANIFEST));
      return true;
    } catch {
      return false;
    }
  }

  /** Unfinished fixes under `root` for this server, cause and host: the newest first. */
  static async findUnfinished(
    root: string,
    match: { server: string; cause: string; host: string | null },
  ): Promise<BackupDir | undefined> {
    let names: string[];
    try {
      names = await readdir(root);
    } catch {
      return undefined;
    }
    for (const name of names.sort().reverse()) {
      try {
        const b = await BackupDir.open(join(root, name));
        const m = b.manifest;
        if (!m.finished && m.server === match.server && m.cause === match.cause && m.host === match.host) {
          return b;
        }
      } catch {
        // not a backup directory: ignore it
      }
    }
    return undefined;
  }

  has(key: ObjectKey): boolean {
    return this.manifest.objects.some(
      (o) =>
        o.ref.plural === key.ref.plural &&
        o.ref.group === key.ref.group &&
        (o.namespace ?? '') === (key.namespace ?? '') &&
        o.name === key.name,
    );
  }

  /**
   * Records the object as it is now (or that it does not exist), once per fix: the first backup
   * is the state before the fix, and a resumed run must not overwrite it with a half-fixed one.
   */
  async saveObject(
    key: ObjectKey,
    current: KubeObject | undefined,
    step: string,
    options: { restorable?: boolean; note?: string } = {},
  ): Promise<void> {
    if (this.has(key)) return;
    let file: string | undefined;
    if (current) {
      file = fileNameFor(key);
      await writeFileDurable(join(this.dir, file), JSON.stringify(current, null, 2) + '\n');
    }
    this.manifest.objects.push({
      file,
      ref: { ...key.ref },
      namespace: key.namespace,
      name: key.name,
      existed: current !== undefined,
      restorable: options.restorable ?? true,
      note: options.note,
      step,
      at: new Date().toISOString(),
    });
    await this.save();
  }

  async saveClock(clock: Omit<BackupClock, 'at'>): Promise<void> {
    if (this.manifest.clocks.some((c) => c.host === clock.host && c.namespace === clock.namespace)) return;
    this.manifest.clocks.push({ ...clock, at: new Date().toISOString() });
    await this.save();
  }

  async readObject(entry: BackupObject): Promise<KubeObject | undefined> {
    if (!entry.file) return undefined;
    const path = join(this.dir, entry.file);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as KubeObject;
    } catch (err) {
      throw new InputError(`cannot read the backup of ${describeKey(entry)}: ${(err as Error).message}`, {
        where: path,
      });
    }
  }

  stepStatus(id: string): StepStatus | undefined {
    return this.manifest.steps.find((s) => s.id === id)?.status;
  }

  async recordStep(id: string, title: string, status: StepStatus, message?: string): Promise<void> {
    const at = new Date().toISOString();
    const existing = this.manifest.steps.find((s) => s.id === id);
    if (existing) Object.assign(existing, { status, at, message });
    else this.manifest.steps.push({ id, title, status, at, message });
    await this.save();
  }

  async finish(): Promise<void> {
    this.manifest.finished = true;
    await this.save();
  }

  async markRestored(): Promise<void> {
    this.manifest.restoredAt = new Date().toISOString();
    this.manifest.finished = true;
    await this.save();
  }

  async save(): Promise<void> {
    this.manifest.updatedAt = new Date().toISOString();
    await writeFileDurable(join(this.dir, MANIFEST), JSON.stringify(this.manifest, null, 2) + '\n');
  }
}
