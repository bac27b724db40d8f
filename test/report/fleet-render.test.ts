/** The fleet renderers on a report with hostile values: nothing unescaped in Markdown or HTML, nothing lost. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FleetReport, FleetRow } from '../../src/core/fleet.js';
import { summarise } from '../../src/core/fleet.js';
import { palette } from '../../src/report/colour.js';
import { renderFleetHtml } from '../../src/report/fleet-html.js';
import { renderFleetMarkdown } from '../../src/report/fleet-markdown.js';
import { renderFleetText } from '../../src/report/fleet-text.js';

const EVIL = `<img src=x onerror="alert('x')">|**b**`;

function row(over: Partial<FleetRow>): FleetRow {
  return {
    context: 'a',
    kubeconfig: '/k',
    apiServer: 'https://127.1.0.5:6443',
    openshiftVersion: '4.16.40',
    verdict: 'healthy',
    exitCode: 0,
    reason: null,
    top: null,
    failingHosts: [],
    mcsCertDaysLeft: 10,
    mcsCertNotAfter: '2027-01-01T00:00:00.000Z',
    exporter: 'no',
    requests: 20,
    durationMs: 100,
    ...over,
  };
}

const rows = [
  row({
    context: EVIL,
    verdict: 'problem',
    exitCode: 1,
    top: { id: 'mcs-cert-expired', host: EVIL, summary: EVIL },
    failingHosts: ['w0', 'w1', 'w2', 'w3'],
    mcsCertDaysLeft: -3,
  }),
  row({
    context: 'b',
    verdict: 'forbidden',
    exitCode: 4,
    reason: `forbidden: ${EVIL}`,
    mcsCertDaysLeft: null,
    exporter: 'unknown',
  }),
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

test('html: every value escaped, one page', () => {
  const html = renderFleetHtml(report);
  assert.ok(!html.includes('<img'), html);
  assert.ok(html.includes('&lt;img src=x onerror=&quot;alert(&apos;x&apos;)&quot;&gt;'));
  assert.equal(html.match(/<html/g)?.length, 1);
  assert.match(html, /<td data-label="Failing">4 w0,w1,w2,\.\.\.<\/td>/);
  assert.match(html, /<td data-label="MCS cert">expired 3d ago<\/td>/);
  // The verdict in words with its symbol, never colour alone; the one problem cluster named first.
  assert.match(
    html,
    /<span class="badge tone-fail"><span class="sym" aria-hidden="true">\u2717<\/span> problem<\/span>/,
  );
  assert.match(html, /<dd data-role="problem">&lt;img src=x/);
  assert.match(html, /<dd data-role="not-judged">b<\/dd>/);
});

test('markdown: a cell never breaks the table', () => {
  const md = renderFleetMarkdown(report);
  const tableRows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| CONTEXT'));
  assert.equal(tableRows.length, 2);
  for (const r of tableRows) assert.equal(r.split(/(?<!\\)\|/).length, 11, r);
  assert.doesNotMatch(md, /(?<!\\)<img/, 'a < is escaped, so Markdown shows it as text');
});

test('text: the table, the reasons, the summary', () => {
  const text = renderFleetText(report, palette(false));
  assert.match(text, /^CONTEXT\s+API SERVER/);
  assert.match(text, /\nb: forbidden: /);
  assert.match(
    text,
    /mcs-doctor fleet diagnose: 2 clusters: 0 healthy, 1 problem, 0 inconclusive, 1 not judged \(1 forbidden\); exit 1\n$/,
  );
});
