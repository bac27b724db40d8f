/**
 * The certificate timeline's reference mark: `now` for a live cluster, `must-gather time` for a
 * must-gather (which is not "now"), in the text, Markdown and HTML reports alike; host clocks
 * get letters that never collide with it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DiagnoseReport } from '../../src/core/report.js';
import { palette } from '../../src/report/colour.js';
import { renderDiagnoseHtml } from '../../src/report/diagnose-html.js';
import { renderDiagnoseMarkdown } from '../../src/report/diagnose-markdown.js';
import { renderDiagnoseText } from '../../src/report/diagnose-text.js';
import { timelineMarks } from '../../src/report/timeline-marks.js';

function report(kind: 'live' | 'must-gather', referenceLabel = 'now', hosts = 1): DiagnoseReport {
  const marks = [
    { label: referenceLabel, at: '2021-09-14T14:43:46.909Z' },
    ...Array.from({ length: hosts }, (_, i) => ({
      label: `worker-${i} clock`,
      at: '2019-01-01T00:00:00.000Z',
    })),
  ];
  return {
    schemaVersion: 1,
    tool: { name: 'mcs-doctor', version: '0.1.0' },
    generatedAt: '2026-11-20T10:00:00.000Z',
    source: {
      kind,
      location: kind === 'live' ? 'https://api.c.example.com:6443' : '/tmp/must-gather',
      collectedAt: '2021-09-14T14:43:46.909Z',
      requests: 3,
    },
    cluster: { version: '4.9.0', platform: 'BareMetal', apiServerInternalURI: null, apiVips: [] },
    verdict: 'healthy',
    exitCode: 0,
    causes: [],
    hosts: [],
    pipeline: [],
    checks: [],
    certificates: [
      {
        label: 'MCS serving certificate',
        subject: 'CN=api-int.c.example.com',
        issuer: 'CN=root-ca, OU=openshift',
        notBefore: '2021-09-14T13:53:00.000Z',
        notAfter: '2031-09-12T13:53:00.000Z',
        marks,
      },
    ],
    unchecked: [],
    inputErrors: [],
  };
}

const renderAll = (r: DiagnoseReport): Record<string, string> => ({
  text: renderDiagnoseText(r, palette(false)),
  markdown: renderDiagnoseMarkdown(r),
  html: renderDiagnoseHtml(r),
});

test('offline: the mark is the must-gather time, in every renderer, whatever label the model carries', () => {
  for (const label of ['now', 'must-gather time']) {
    const out = renderAll(report('must-gather', label));
    assert.match(
      out.text!,
      /\n {2}M = must-gather time \(2021-09-14T14:43:46Z\), A = worker-0 clock \(2019-01-01T00:00:00Z\)\n/,
    );
    assert.match(
      out.markdown!,
      /\nMarks: must-gather time 2021-09-14T14:43:46Z; worker-0 clock 2019-01-01T00:00:00Z\n/,
    );
    // The SVG markers and their legend.
    assert.match(out.html!, /data-at="2021-09-14T14:43:46Z" data-letter="M" data-label="must-gather time"/);
    assert.match(out.html!, /data-at="2019-01-01T00:00:00Z" data-letter="A" data-label="worker-0 clock"/);
    assert.match(
      out.html!,
      /<strong>M<\/strong> = must-gather time: <time datetime="2021-09-14T14:43:46Z">2021-09-14T14:43:46Z<\/time>/,
    );
    for (const [name, text] of Object.entries(out)) assert.doesNotMatch(text, /\bnow\b/i, name);
  }
});

test('live: the mark is now', () => {
  const out = renderAll(report('live'));
  assert.match(out.text!, /\n {2}N = now \(2021-09-14T14:43:46Z\), A = worker-0 clock/);
  assert.match(out.markdown!, /\nMarks: now 2021-09-14T14:43:46Z; worker-0 clock/);
  assert.match(out.html!, /data-at="2021-09-14T14:43:46Z" data-letter="N" data-label="now"/);
  assert.match(out.html!, /<strong>A<\/strong> = worker-0 clock: <time datetime="2019-01-01T00:00:00Z">/);
});

test('host clock letters skip the reference letters', () => {
  const letters = timelineMarks(report('live', 'now', 14)).map((m) => m.letter);
  assert.equal(letters[0], 'N');
  assert.equal(letters.filter((l) => l === 'N').length, 1);
  assert.ok(!letters.includes('M'));
  assert.equal(new Set(letters).size, letters.length);
});
