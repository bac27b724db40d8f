/** diagnose as Markdown, ready to paste into a support case. */
import type { DiagnoseReport, StageStatus } from '../core/report.js';
import { timelineMarks } from './timeline-marks.js';

const MARK: Record<StageStatus, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  unknown: '❔ unknown',
  'not-reached': '⏸ not reached',
  'in-progress': '⏳ in progress',
};

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function renderDiagnoseMarkdown(r: DiagnoseReport): string {
  const out: string[] = [];
  out.push(`# mcs-doctor diagnose: ${r.verdict}`, '');
  out.push(`- Cluster: OpenShift ${r.cluster.version ?? '?'}, platform ${r.cluster.platform ?? '?'}`);
  out.push(
    `- api-int: \`${r.cluster.apiServerInternalURI ?? '?'}\`${r.cluster.apiVips.length ? `, API VIPs ${r.cluster.apiVips.join(', ')}` : ''}`,
  );
  out.push(
    `- Source: ${r.source.kind} \`${r.source.location}\`, collected ${r.source.collectedAt}`,
    `- Generated: ${r.generatedAt} by mcs-doctor ${r.tool.version}`,
    '',
  );
  out.push('## Root cause', '');
  if (r.causes.length === 0) out.push('No cause found.', '');
  for (const c of r.causes) {
    out.push(
      `### ${c.rank}. \`${c.id}\`${c.host ? ` on ${c.host}` : ' (cluster-wide)'} (${c.confidence})`,
      '',
      c.summary,
      '',
    );
    for (const e of c.evidence) out.push(`- ${e.text}${e.source ? ` (${e.source})` : ''}`);
    for (const q of c.consequences ?? []) {
      out.push(`- which causes \`${q.id}\`: ${q.summary}`);
      for (const e of q.evidence) out.push(`  - ${e.text}${e.source ? ` (${e.source})` : ''}`);
    }
    out.push('', `Fix: \`${c.fix.command}\``, '', '```sh', ...c.fix.manual, '```');
    for (const n of c.fix.notes) out.push(`> ${n}`);
    out.push('');
  }
  for (const h of r.hosts) {
    out.push(
      `## Host ${h.namespace}/${h.host}: ${h.outcome}`,
      '',
      '| Stage | Status | Detail |',
      '|---|---|---|',
    );
    for (const s of h.pipeline) out.push(`| ${cell(s.title)} | ${MARK[s.status]} | ${cell(s.detail)} |`);
    out.push('');
  }
  if (r.certificates.length > 0) {
    out.push(
      '## Certificates',
      '',
      '| Certificate | Subject | Issuer | Not before | Not after |',
      '|---|---|---|---|---|',
    );
    for (const c of r.certificates)
      out.push(
        `| ${cell(c.label)} | ${cell(c.subject)} | ${cell(c.issuer)} | ${c.notBefore} | ${c.notAfter} |`,
      );
    const marks = timelineMarks(r);
    if (marks.length) out.push('', `Marks: ${marks.map((m) => `${m.label} ${m.at}`).join('; ')}`);
    out.push('');
  }
  out.push('## Checks', '', '| Check | Status | Title |', '|---|---|---|');
  for (const c of r.checks) out.push(`| \`${c.id}\` | ${c.status} | ${cell(c.title)} |`);
  out.push('');
  for (const c of r.checks) {
    if (c.findings.length === 0) continue;
    out.push(`- \`${c.id}\``);
    for (const f of c.findings)
      out.push(
        `  - ${f.status}: ${f.message.replace(/\r?\n/g, ' ')}${f.permission ? ` (grant: ${f.permission})` : ''}`,
      );
  }
  if (r.unchecked.length) out.push('', '## Could not check', '', ...r.unchecked.map((u) => `- ${u}`));
  if (r.inputErrors.length) out.push('', '## Input errors', '', ...r.inputErrors.map((u) => `- ${u}`));
  out.push('');
  return out.join('\n');
}
