/**
 * The chunked renderings of `certs` (written a few hundred rows at a time, never as one string)
 * are byte for byte what rendering the whole report at once gives, on the real must-gather.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CERTS_MUST_GATHER_KEEP, certInventory } from '../../src/checks/facts/cert-inventory.js';
import type { CertsReport } from '../../src/core/certs.js';
import { certsJsonChunks, certsYamlChunks } from '../../src/report/certs-data.js';
import { certsJunitChunks } from '../../src/report/certs-junit.js';
import { certsTextChunks } from '../../src/report/certs-text.js';
import { palette } from '../../src/report/colour.js';
import { renderData } from '../../src/report/data.js';
import { openMustGather } from '../../src/sources/must-gather/index.js';

const REAL = '../shared/data/must-gather/must-gather-metal.tar.xz';
let report: CertsReport;

before(async () => {
  const source = await openMustGather(REAL, CERTS_MUST_GATHER_KEEP);
  report = await certInventory(source, {
    allCerts: true,
    expiringWithinMs: 30 * 86_400_000,
    now: source.collectedAt,
    chunkSize: 500,
  });
});

test('JSON and YAML in chunks are exactly the whole report rendered at once', () => {
  assert.ok(report.certificates.length > 1000, `${report.certificates.length} rows with --all-certs`);
  const json = [...certsJsonChunks(report)];
  assert.ok(json.length > 3, 'written in several chunks');
  assert.equal(json.join(''), renderData(report, 'json'));
  assert.equal([...certsYamlChunks(report)].join(''), renderData(report, 'yaml'));
  const empty = { ...report, certificates: [] };
  assert.equal([...certsJsonChunks(empty)].join(''), renderData(empty, 'json'));
  assert.equal([...certsYamlChunks(empty)].join(''), renderData(empty, 'yaml'));
});

test('the table and the JUnit XML in chunks: one line or testcase per certificate', () => {
  const text = [...certsTextChunks(report, palette(false))].join('');
  assert.equal(text.trimEnd().split('\n').length, report.certificates.length + 1);
  // Every row's STATUS starts where the header's does: the widths were measured over all rows.
  const [head, ...rows] = text.trimEnd().split('\n');
  const at = head!.indexOf('STATUS');
  for (const row of rows) assert.match(row.slice(at - 3, at), /^ {3}$/, row);
  const junit = [...certsJunitChunks(report)].join('');
  assert.equal((junit.match(/<testcase /g) ?? []).length, report.certificates.length);
  assert.match(junit, /<\/testsuites>\n$/);
});
