/**
 * `certs -o html` in headless Chromium on the real OCP 4.9 must-gather: no request, no error, the
 * counts on the first screen, one table row per certificate (as many as `-o json` lists), each
 * status in words; and the page is written in pieces (the rows come from the streamed list).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CertRow, CertsReport } from '../../src/core/certs.js';
import { certsHtmlChunks } from '../../src/report/certs-html.js';
import { browserForFile, horizontalOverflow, openReport, seen } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';

const REAL_MUST_GATHER = join('..', 'shared', 'data', 'must-gather', 'must-gather-metal.tar.xz');
const { skip, browser } = browserForFile();

describe('certs -o html in Chromium', { skip }, () => {
  test('the real must-gather: every certificate a row, the counts first', async () => {
    const args = ['certs', '--must-gather', REAL_MUST_GATHER, '-n', 'openshift-kube-controller-manager'];
    const [html, json] = await Promise.all([
      runCli([...args, '-o', 'html']),
      runCli([...args, '-o', 'json']),
    ]);
    assert.equal(html.code, 0, html.stderr);
    const data = JSON.parse(json.stdout) as { certificates: CertRow[]; summary: CertsReport['summary'] };
    const o = await openReport(browser(), html.stdout, { width: 1280, height: 900 });
    try {
      assert.deepEqual(o.requests, []);
      assert.deepEqual(o.errors, []);
      const verdict = await seen(o.page, '[data-role="verdict"]');
      assert.equal(verdict?.text.trim(), '\u2713 OK');
      const counts = await seen(o.page, '[data-role="counts"]');
      assert.ok(counts && counts.box.y + counts.box.height <= 900);
      assert.match(
        counts.text,
        new RegExp(
          `^${data.summary.certificates} in namespace openshift-kube-controller-manager: ${data.summary.managed} managed, ${data.summary.unmanaged} unmanaged; ${data.summary.expired} expired, ${data.summary.expiring} expiring within 30d`,
        ),
      );
      const rows = (await o.page.evaluate(
        `[...document.querySelectorAll('#certificates tbody tr')].map((tr) => [tr.cells[0].innerText, tr.getAttribute('data-status'), tr.cells[tr.cells.length - 1].innerText])`,
      )) as Array<[string, string, string]>;
      assert.deepEqual(
        rows.map(([name, status]) => [name, status]),
        data.certificates.map((c) => [c.name, c.status]),
      );
      for (const [, status, cell] of rows) assert.ok(cell.includes(status), `status in words: ${cell}`);
      await o.page.setViewportSize({ width: 640, height: 900 });
      const { scrollWidth, clientWidth } = await horizontalOverflow(o.page);
      assert.ok(scrollWidth <= clientWidth, `no sideways scroll at 200%: ${scrollWidth} > ${clientWidth}`);
    } finally {
      await o.close();
    }
  });
});

test('the page is written a batch of rows at a time, never as one string', () => {
  const row = (i: number): CertRow => ({
    kind: 'Secret',
    namespace: 'ns',
    name: `s${i}`,
    key: 'tls.crt',
    index: 0,
    certificatesInValue: 1,
    subject: `CN=s${i}`,
    issuer: 'CN=ca',
    notBefore: '2025-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    expiresInSeconds: 1000,
    serialNumber: '1',
    fingerprintSha256: null,
    isCA: false,
    dnsNames: [],
    status: 'ok',
    managedBy: null,
    management: 'unmanaged',
    managementReason: 'nothing says who renews it',
    problem: false,
  });
  let read = 0;
  const rows = {
    length: 500,
    *[Symbol.iterator](): Generator<CertRow> {
      for (let i = 0; i < 500; i++) {
        read++;
        yield row(i);
      }
    },
  };
  const report = {
    schemaVersion: 1,
    source: {
      kind: 'live',
      location: 'https://api.c:6443',
      requests: 1,
      pages: 1,
      collectedAt: '2026-01-01T00:00:00Z',
    },
    namespace: 'ns',
    at: '2026-01-01T00:00:00Z',
    expiringWithinSeconds: 30 * 86400,
    allCerts: false,
    openshiftVersion: '4.16.0',
    certificates: rows,
    unreadable: [],
    notes: ['a <b>note</b>'],
    summary: {
      certificates: 500,
      managed: 0,
      overdue: 0,
      unmanaged: 500,
      ok: 500,
      expiring: 0,
      expired: 0,
      notYetValid: 0,
      unparsable: 0,
      problems: 0,
    },
    verdict: 'ok',
    exitCode: 0,
  } as unknown as CertsReport;
  const chunks = [...certsHtmlChunks(report)];
  const rowChunks = chunks.filter((c) => c.includes('<tr data-status'));
  assert.equal(rowChunks.length, 10, 'ten batches of 50 rows');
  for (const c of rowChunks) assert.equal(c.match(/<tr data-status/g)?.length, 50);
  assert.equal(read, 1000, 'two passes over the streamed rows (one for the names), none materialised');
  assert.ok(chunks.join('').includes('a &lt;b&gt;note&lt;/b&gt;'), 'text is escaped');
});
