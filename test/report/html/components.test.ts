/**
 * The shared HTML components without a browser: text read from a cluster is always escaped,
 * the timeline puts each date at the x its axis says, every status carries a symbol and a word,
 * and a page fetches nothing (a CSP forbids it, and it has no script, link or image source).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  badge,
  certificateTimeline,
  commandBlock,
  markup,
  pipeline,
  renderPage,
  table,
  timelineSpan,
} from '../../../src/report/html/index.js';

test('markup escapes text and keeps markup', () => {
  const evil = '<script>fetch("https://x")</script> & "quotes"';
  const out = markup`<p title="${evil}">${evil}${markup`<b>${'ok'}</b>`}</p>`.value;
  assert.equal(
    out,
    '<p title="&lt;script&gt;fetch(&quot;https://x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;">&lt;script&gt;fetch(&quot;https://x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;<b>ok</b></p>',
  );
  const t = table([{ header: 'a<b' }], [[evil]]).value;
  assert.ok(!t.includes('<script>') && t.includes('a&lt;b'));
  assert.ok(!commandBlock(evil).value.includes('<script>'));
});

test('a page has no script, no external reference, and a CSP that forbids fetching', () => {
  const page = renderPage({ title: 't' }, [badge('fail', 'fail'), commandBlock('curl https://example.com')]);
  assert.match(page, /^<!DOCTYPE html>/);
  assert.match(
    page,
    /<meta http-equiv="Content-Security-Policy" content="default-src &apos;none&apos;; style-src &apos;unsafe-inline&apos;/,
  );
  assert.doesNotMatch(page, /<script|<link|<img|src=|url\(|@import/i);
  assert.match(page, /@media \(prefers-color-scheme:dark\)/);
  assert.match(page, /@media print/);
});

test('statuses are symbols and words, not colour alone', () => {
  const stages = pipeline(
    [
      { id: 'bmh-registered', title: 'BMH', status: 'pass', detail: '' },
      { id: 'tls-verified', title: 'TLS', status: 'fail', detail: 'x509' },
      { id: 'config-served', title: 'MCS', status: 'not-reached', detail: '' },
      { id: 'client-csr', title: 'CSR', status: 'unknown', detail: '' },
      { id: 'node-ready', title: 'Node', status: 'in-progress', detail: '' },
    ],
    { firstFailing: 'tls-verified', label: 'pipeline' },
  ).value;
  for (const [sym, word] of [
    ['\u2713', 'pass'],
    ['\u2717', 'fail'],
    ['\u2013', 'not reached'],
    ['?', 'unknown'],
    ['\u2026', 'in progress'],
  ])
    assert.ok(stages.includes(`<span class="sym" aria-hidden="true">${sym}</span> ${word}</span>`), word);
  assert.match(stages, /data-first-failing="true"[^]*first failing stage/);
});

test('the timeline: each date at the x its axis says, dates in data attributes and titles', () => {
  const certs = [
    {
      label: 'serving',
      subject: 'CN=a',
      issuer: 'CN=ca',
      notBefore: '2025-01-01T00:00:00Z',
      notAfter: '2026-01-01T00:00:00Z',
    },
    {
      label: 'ca',
      subject: 'CN=ca',
      issuer: 'CN=ca',
      notBefore: '2024-01-01T00:00:00Z',
      notAfter: '2034-01-01T00:00:00Z',
      alsoIn: ['pointer CA (file p.ign)'],
    },
  ];
  const markers = [
    { letter: 'N', label: 'now', at: '2026-06-01T00:00:00.123Z', kind: 'reference' as const },
    { letter: 'A', label: 'worker-0 clock', at: '2023-06-01T00:00:00Z', kind: 'host' as const },
  ];
  const out = certificateTimeline(certs, markers, { caption: 'c' }).value;
  const plot =
    /<rect class="plot" x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" data-from="([^"]+)" data-to="([^"]+)"/.exec(
      out,
    );
  assert.ok(plot);
  const [x0, w, from, to] = [Number(plot[1]), Number(plot[2]), Date.parse(plot[3]!), Date.parse(plot[4]!)];
  const span = timelineSpan(certs, markers);
  assert.equal(from, span.from);
  assert.equal(to, span.to);
  assert.ok(from < Date.parse('2023-06-01T00:00:00Z') && to > Date.parse('2034-01-01T00:00:00Z'));
  const want = (iso: string): number => x0 + ((Date.parse(iso) - from) / (to - from)) * w;
  for (const m of out.matchAll(/<line class="marker (reference|host)" x1="([\d.]+)"[^>]* data-at="([^"]+)"/g))
    assert.ok(Math.abs(Number(m[2]) - want(m[3]!)) < 0.01, m[0]);
  assert.equal([...out.matchAll(/<line class="marker/g)].length, 2);
  for (const b of out.matchAll(
    /<rect class="bar [^"]+" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]* data-from="([^"]+)" data-to="([^"]+)"/g,
  )) {
    assert.ok(Math.abs(Number(b[1]) - want(b[3]!)) < 0.01, b[0]);
    assert.ok(Math.abs(Number(b[1]) + Number(b[2]) - want(b[4]!)) < 0.02, b[0]);
  }
  // Exact dates on hover, to the second; the serving certificate expired at now, drawn dashed.
  assert.match(out, /<title>N = now: 2026-06-01T00:00:00Z<\/title>/);
  assert.match(
    out,
    /<rect class="bar tone-fail"[^>]*data-from="2025-01-01T00:00:00Z"[^>]*><title>1\. serving: CN=a, valid 2025-01-01T00:00:00Z to 2026-01-01T00:00:00Z; expired at now<\/title>/,
  );
  assert.match(out, /also pointer CA \(file p\.ign\)/);
  // The table says each certificate's state at each marker in words.
  assert.match(out, /<span class="sym" aria-hidden="true">!<\/span> not yet valid/);
});
