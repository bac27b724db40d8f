/** diagnose as one self-contained HTML page (inline CSS, no scripts, nothing fetched). */
import type { DiagnoseReport } from '../core/report.js';
import { timelineMarks } from './timeline-marks.js';
import { escapeXml as h } from './xml-escape.js';

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}.pass{color:#175e17}.fail{color:#b00}.unknown,.warn{color:#a60}.skip,.not-reached,.in-progress{color:#777}pre{background:#f4f4f4;padding:.5em;overflow:auto}`;

export function renderDiagnoseHtml(r: DiagnoseReport): string {
  const o: string[] = [];
  o.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>mcs-doctor diagnose: ${h(r.verdict)}</title>`,
    `<style>${CSS}</style></head><body>`,
  );
  o.push(
    `<h1>mcs-doctor diagnose: <span class="${r.verdict === 'healthy' ? 'pass' : r.verdict === 'problem' ? 'fail' : 'unknown'}">${h(r.verdict)}</span></h1>`,
  );
  o.push(
    `<p>OpenShift ${h(r.cluster.version ?? '?')}, platform ${h(r.cluster.platform ?? '?')}, api-int <code>${h(r.cluster.apiServerInternalURI ?? '?')}</code>. Source: ${h(r.source.kind)} <code>${h(r.source.location)}</code>, collected ${h(r.source.collectedAt)}.</p>`,
  );
  o.push('<h2>Root cause</h2>');
  if (r.causes.length === 0) o.push('<p>No cause found.</p>');
  for (const c of r.causes) {
    o.push(
      `<h3>${c.rank}. <code>${h(c.id)}</code> ${c.host ? `on ${h(c.host)}` : '(cluster-wide)'} (${h(c.confidence)})</h3><p>${h(c.summary)}</p><ul>`,
    );
    for (const e of c.evidence)
      o.push(`<li>${h(e.text)}${e.source ? ` <small>(${h(e.source)})</small>` : ''}</li>`);
    for (const q of c.consequences ?? []) {
      o.push(`<li>which causes <code>${h(q.id)}</code>: ${h(q.summary)}<ul>`);
      for (const e of q.evidence)
        o.push(`<li>${h(e.text)}${e.source ? ` <small>(${h(e.source)})</small>` : ''}</li>`);
      o.push('</ul></li>');
    }
    o.push(`</ul><p>Fix: <code>${h(c.fix.command)}</code></p><pre>${h(c.fix.manual.join('\n'))}</pre>`);
    for (const n of c.fix.notes) o.push(`<p><em>${h(n)}</em></p>`);
  }
  for (const host of r.hosts) {
    o.push(
      `<h2>Host ${h(host.namespace)}/${h(host.host)}: ${h(host.outcome)}</h2><table><tr><th>Stage</th><th>Status</th><th>Detail</th></tr>`,
    );
    for (const s of host.pipeline)
      o.push(
        `<tr><td>${h(s.title)}</td><td class="${s.status}">${h(s.status)}</td><td>${h(s.detail)}</td></tr>`,
      );
    o.push('</table>');
  }
  if (r.certificates.length) {
    o.push(
      '<h2>Certificates</h2><table><tr><th>Certificate</th><th>Subject</th><th>Issuer</th><th>Not before</th><th>Not after</th></tr>',
    );
    for (const c of r.certificates)
      o.push(
        `<tr><td>${h(c.label)}</td><td>${h(c.subject)}</td><td>${h(c.issuer)}</td><td>${h(c.notBefore)}</td><td>${h(c.notAfter)}</td></tr>`,
      );
    o.push('</table>');
    const marks = timelineMarks(r);
    if (marks.length) o.push(`<p>Marks: ${marks.map((m) => `${h(m.label)} ${h(m.at)}`).join('; ')}</p>`);
  }
  o.push('<h2>Checks</h2><table><tr><th>Check</th><th>Status</th><th>Findings</th></tr>');
  for (const c of r.checks) {
    o.push(
      `<tr><td><code>${h(c.id)}</code><br>${h(c.title)}</td><td class="${c.status}">${h(c.status)}</td><td><ul>${c.findings.map((f) => `<li class="${f.status}">${h(f.message)}${f.permission ? ` (grant: ${h(f.permission)})` : ''}</li>`).join('')}</ul></td></tr>`,
    );
  }
  o.push('</table>');
  if (r.unchecked.length)
    o.push('<h2>Could not check</h2><ul>', ...r.unchecked.map((u) => `<li>${h(u)}</li>`), '</ul>');
  if (r.inputErrors.length)
    o.push('<h2>Input errors</h2><ul>', ...r.inputErrors.map((u) => `<li>${h(u)}</li>`), '</ul>');
  o.push('</body></html>', '');
  return o.join('\n');
}
