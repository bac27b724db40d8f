/**
 * `fleet -o html` as a browser shows it (headless Chromium): a fleet of twelve clusters, one of
 * each verdict and more, with long names and hostile text. Nothing is fetched or run, the first
 * screen names the problem clusters and those not judged, every row's verdict is a word with its
 * symbol, and at 640 px (200% zoom) and printed the page never scrolls sideways.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { summarise, type FleetReport, type FleetRow, type FleetVerdict } from '../../src/core/fleet.js';
import { renderFleetHtml } from '../../src/report/fleet-html.js';
import { browserForFile, horizontalOverflow, openReport, seenAll } from '../helpers/browser.js';

function row(context: string, verdict: FleetVerdict, over: Partial<FleetRow> = {}): FleetRow {
  return {
    context,
    kubeconfig: `/kubeconfigs/${context}`,
    apiServer: `https://api.${context}.bare-metal.example.com:6443`,
    openshiftVersion: '4.16.40',
    verdict,
    exitCode: verdict === 'healthy' ? 0 : verdict === 'problem' ? 1 : 3,
    reason: verdict === 'healthy' || verdict === 'problem' ? null : `${verdict}: <b>"x"</b>`,
    top:
      verdict === 'problem'
        ? { id: 'mcs-cert-expired', host: 'worker-0', summary: 'The MCS serving certificate expired' }
        : null,
    failingHosts: verdict === 'problem' ? ['worker-0', 'worker-1', 'worker-2', 'worker-3'] : [],
    mcsCertDaysLeft: verdict === 'problem' ? -20 : verdict === 'healthy' ? 3600 : null,
    mcsCertNotAfter: null,
    exporter: verdict === 'healthy' ? 'yes' : 'unknown',
    requests: 18,
    durationMs: 900,
    ...over,
  };
}

const rows: FleetRow[] = [
  row('edge-site-0001-far-edge-telco-region-north-with-a-very-long-context-name', 'problem'),
  row('edge-site-0002', 'healthy'),
  row('edge-site-0003', 'unreachable'),
  row('edge-site-0004', 'forbidden'),
  row('edge-site-0005', 'timeout'),
  row('edge-site-0006', 'inconclusive', { exitCode: 4 }),
  ...Array.from({ length: 6 }, (_, i) => row(`edge-site-${String(i + 7).padStart(4, '0')}`, 'healthy')),
];
const report: FleetReport = {
  schemaVersion: 1,
  tool: { name: 'mcs-doctor', version: '0.1.0' },
  command: 'diagnose',
  generatedAt: '2026-12-03T00:00:00.000Z',
  clusters: rows,
  summary: summarise(rows),
  exitCode: 1,
};

const { skip, browser } = browserForFile();

describe('fleet -o html in Chromium', { skip }, () => {
  test('the first screen: the verdict, the problem cluster, those not judged; nothing fetched, no error', async () => {
    const opened = await openReport(browser(), renderFleetHtml(report));
    try {
      const { page } = opened;
      const firstScreen = async (role: string): Promise<string> => {
        const el = page.locator(`[data-role="${role}"]`);
        const box = await el.boundingBox();
        assert.ok(box && box.y + box.height <= 900, `${role} on the first screen`);
        return el.innerText();
      };
      assert.match(await firstScreen('verdict'), /PROBLEM/);
      assert.match(await firstScreen('problem'), /^edge-site-0001-far-edge/);
      assert.equal(
        await firstScreen('not-judged'),
        'edge-site-0003, edge-site-0004, edge-site-0005, edge-site-0006',
      );
      const verdicts = await page.locator('tr[data-context] td[data-label="Verdict"]').allInnerTexts();
      assert.deepEqual(
        verdicts.map((v) => v.replace(/\s+/g, ' ').trim()),
        rows.map(
          (r) =>
            `${{ healthy: '\u2713', problem: '\u2717', inconclusive: '!' }[r.verdict as string] ?? '!'} ${r.verdict}`,
        ),
      );
      assert.match(await page.locator('#reasons').innerText(), /edge-site-0004: forbidden: <b>"x"<\/b>/);
      assert.deepEqual(opened.requests, []);
      assert.deepEqual(opened.errors, []);
    } finally {
      await opened.close();
    }
  });

  for (const [what, options] of [
    ['at 640 px (200% zoom)', { width: 640 }],
    ['in the dark scheme at 640 px', { width: 640, colorScheme: 'dark' as const }],
  ] as const) {
    test(`${what}: no sideways scroll, every row still there`, async () => {
      const opened = await openReport(browser(), renderFleetHtml(report), options);
      try {
        const { page } = opened;
        const { scrollWidth: scroll, clientWidth: client } = await horizontalOverflow(page);
        assert.ok(scroll <= client, `page ${scroll}px wide in a ${client}px window`);
        assert.equal(await page.locator('tr[data-context]').count(), rows.length);
        assert.deepEqual(opened.errors, []);
      } finally {
        await opened.close();
      }
    });
  }

  test('printed: nothing wider than the paper', async () => {
    const opened = await openReport(browser(), renderFleetHtml(report), { width: 794 });
    try {
      const { page } = opened;
      await page.emulateMedia({ media: 'print' });
      const widest = Math.max(...(await seenAll(page, 'body *')).map((e) => e.box.x + e.box.width));
      assert.ok(widest <= 794, `an element reaches ${widest}px on a 794px page`);
    } finally {
      await opened.close();
    }
  });
});
