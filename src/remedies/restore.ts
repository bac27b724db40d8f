/**
 * `restore DIR`: every object a fix backed up goes back to what it was (server-set fields
 * aside): objects that existed are written back (created again if gone), objects the fix
 * created are deleted, BMC clocks get their old offset back (Redfish or IPMI, remedies/bmc-time.ts).
 * Objects marked not restorable (pods their DaemonSet recreated, CSR approvals) are listed, not
 * touched.
 */
import { RESOURCES } from '../sources/resources.js';
import type { KubeObject } from '../sources/types.js';
import type { BackupDir } from './backup.js';
import { restoreBmcClock } from './bmc-time.js';
import { ApiError, describeKey, type KubeApi } from './kube-api.js';

export interface RestoreOutcome {
  object: string;
  action: 'restored' | 'recreated' | 'deleted' | 'unchanged' | 'skipped' | 'failed';
  message?: string;
}

const SERVER_SET = ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation', 'selfLink'];

/** The object as it can be written back: no server-set metadata, no status. */
export function writable(obj: KubeObject): KubeObject {
  const metadata = { ...obj.metadata } as Record<string, unknown>;
  for (const f of SERVER_SET) delete metadata[f];
  const { status: _status, ...rest } = obj as KubeObject & { status?: unknown };
  return { ...rest, metadata: metadata as KubeObject['metadata'] };
}

export async function restoreBackup(
  api: KubeApi,
  backup: BackupDir,
  out: (line: string) => void,
): Promise<RestoreOutcome[]> {
  const outcomes: RestoreOutcome[] = [];
  const entries = [...backup.manifest.objects].reverse();
  for (const entry of entries) {
    const what = describeKey(entry);
    if (!entry.restorable) {
      outcomes.push({ object: what, action: 'skipped', message: entry.note });
      out(`skipped ${what}: ${entry.note ?? 'not restorable'}`);
      continue;
    }
    try {
      const current = await api.get(entry);
      if (!entry.existed) {
        if (current) {
          await api.delete(entry);
          outcomes.push({ object: what, action: 'deleted', message: 'the fix created it' });
          out(`deleted ${what} (the fix created it)`);
        } else outcomes.push({ object: what, action: 'unchanged', message: 'absent, as before the fix' });
        continue;
      }
      const saved = await backup.readObject(entry);
      if (!saved) throw new Error(`the backup file of ${what} is missing`);
      const body = writable(saved);
      if (!current) {
        await api.create(entry.ref, body);
        outcomes.push({ object: what, action: 'recreated' });
        out(`recreated ${what}`);
        continue;
      }
      if (
        entry.ref.plural === RESOURCES.secrets.plural &&
        (current['type'] ?? 'Opaque') !== (saved['type'] ?? 'Opaque')
      ) {
        // A secret's type cannot change in place: delete, then create it as it was.
        await api.delete(entry);
        await api.create(entry.ref, body);
        outcomes.push({
          object: what,
          action: 'recreated',
          message: `type ${String(saved['type'] ?? 'Opaque')} again`,
        });
        out(`recreated ${what} (type ${String(saved['type'] ?? 'Opaque')})`);
        continue;
      }
      await api.replace(entry.ref, {
        ...body,
        metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion },
      });
      outcomes.push({ object: what, action: 'restored' });
      out(`restored ${what}`);
    } catch (err) {
      const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
      outcomes.push({ object: what, action: 'failed', message });
      out(`FAILED ${what}: ${message}`);
    }
  }
  for (const clock of backup.manifest.clocks) {
    const what = `BMC clock of ${clock.namespace}/${clock.host}`;
    if (backup.manifest.kind === 'bmc-time' && backup.stepStatus(clock.step) === 'failed') {
      // bmc-time --set records a clock before setting it; a set the BMC refused changed nothing.
      const message = 'never changed: the BMC refused the new clock';
      outcomes.push({ object: what, action: 'skipped', message });
      out(`skipped ${what}: ${message}`);
      continue;
    }
    try {
      const message = await restoreBmcClock(api, clock);
      outcomes.push({ object: what, action: 'restored', message });
      out(`restored ${what}: ${message}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      outcomes.push({ object: what, action: 'failed', message });
      out(`FAILED ${what}: ${message}`);
    }
  }
  return outcomes;
}
