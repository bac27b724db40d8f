/**
 * The spool of certificate rows: rows come back in report order however they were added,
 * identical whether they stayed in memory or went to the file, patched where a copy was found,
 * as often as they are iterated; the file is never left on disk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CertRowSpool } from '../../src/checks/facts/cert-rows.js';
import type { CertHolderKind, CertRow } from '../../src/core/certs.js';

const dir = mkdtempSync(join(tmpdir(), 'cert-rows-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function row(kind: CertHolderKind, namespace: string, name: string, index = 0, key = 'tls.crt'): CertRow {
  return {
    kind,
    namespace,
    name,
    key,
    index,
    certificatesInValue: index + 1,
    subject: `CN=${name} ünï`,
    issuer: 'CN=ca',
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    expiresInSeconds: 1000,
    serialNumber: '01',
    fingerprintSha256: 'AB:CD',
    isCA: false,
    dnsNames: [`${name}.svc`],
    status: 'ok',
    managedBy: null,
    management: 'unmanaged',
    managementReason: 'no annotation',
    problem: false,
  };
}

/** Rows as three lists read at the same time would add them: interleaved, each in API order. */
function interleaved(): CertRow[] {
  const out: CertRow[] = [];
  for (let i = 0; i < 300; i++) {
    out.push(row('Secret', `ns-${String(i % 30).padStart(2, '0')}`, `s-${String(i).padStart(3, '0')}`));
    if (i % 3 === 0) out.push(row('ConfigMap', `ns-${String(i % 7)}`, `cm-${i}`, 0, 'ca.crt'));
    if (i % 50 === 0) out.push(row('UserData', 'openshift-machine-api', `worker-${i}`, 1, 'userData'));
  }
  out.push(row('Secret', 'a', 'b', 1), row('Secret', 'a', 'b', 0), row('Secret', 'a', 'b-', 0));
  return out;
}

const order = (r: CertRow): string => `${r.kind} ${r.namespace}/${r.name}[${r.key}]#${r.index}`;
function expected(rows: CertRow[]): string[] {
  const kinds: Record<CertHolderKind, number> = { Secret: 0, ConfigMap: 1, UserData: 2 };
  return [...rows]
    .sort(
      (a, b) =>
        kinds[a.kind] - kinds[b.kind] ||
        (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
        a.index - b.index,
    )
    .map(order);
}

test('in memory or in the file, the rows come back the same, in report order, as often as asked', () => {
  const rows = interleaved();
  const memory = new CertRowSpool({ dir, memoryRows: 1_000_000 });
  const file = new CertRowSpool({ dir, memoryRows: 10 });
  for (const r of rows) {
    memory.add(structuredClone(r));
    file.add(structuredClone(r));
  }
  assert.equal(memory.spooled, false);
  assert.equal(file.spooled, true);
  assert.deepEqual(readdirSync(dir), [], 'the file is unlinked as soon as it is opened');
  assert.equal(file.length, rows.length);
  assert.deepEqual([...memory].map(order), expected(rows));
  assert.deepEqual([...file], [...memory], 'every field survives the file');
  assert.deepEqual([...file], [...file], 'iterated twice');
  assert.deepEqual(JSON.parse(JSON.stringify({ certificates: file })).certificates, [...memory]);
  file.close();
  memory.close();
  assert.throws(() => [...file], /closed/);
});

test('a patch reaches the row whether it was made before or after the spool moved to the file', () => {
  const spool = new CertRowSpool({ dir, memoryRows: 2 });
  const early = spool.add(row('Secret', 'z', 'copy'));
  spool.add(row('Secret', 'a', 'source'));
  spool.add(row('Secret', 'm', 'other'));
  const late = spool.add(row('ConfigMap', 'b', 'bundle', 0, 'ca-bundle.crt'));
  assert.equal(spool.spooled, true);
  spool.patch(early, { management: 'managed', copyOf: 'a/source', managedBy: 'service-ca' });
  spool.patch(late, { problem: true });
  const byName = new Map([...spool].map((r) => [r.name, r]));
  assert.equal(byName.get('copy')?.copyOf, 'a/source');
  assert.equal(byName.get('copy')?.management, 'managed');
  assert.equal(byName.get('bundle')?.problem, true);
  assert.equal(byName.get('other')?.copyOf, undefined);
  assert.equal(spool.get(early).managedBy, 'service-ca');
  assert.equal(spool.sameObject(early, early), true);
  assert.equal(spool.sameObject(early, late), false);
  assert.ok(spool.compare(late, early) > 0, 'ConfigMaps after Secrets');
  spool.close();
});

test('no writable temporary directory: the rows stay in memory and nothing fails', () => {
  const spool = new CertRowSpool({ dir: join(dir, 'does-not-exist'), memoryRows: 1 });
  for (const r of interleaved().slice(0, 20)) spool.add(r);
  assert.equal(spool.spooled, false);
  assert.equal([...spool].length, 20);
});
