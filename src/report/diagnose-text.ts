/** diagnose for people: the verdict, each host's pipeline as a picture, causes with evidence and fix, a certificate timeline. */
import type { CheckResult, CheckStatus, DiagnoseReport, StageStatus } from '../core/report.js';
import type { Palette } from './colour.js';
import { timelineMarks } from './timeline-marks.js';

const STAGE_MARK: Record<StageStatus, string> = {
  pass: '[ok]',
  fail: '[XX]',
  unknown: '[??]',
  'not-reached': '[--]',
  'in-progress': '[..]',
};

const CHECK_MARK: Record<CheckStatus, string> = {
  pass: 'ok  ',
  warn: 'WARN',
  fail: 'FAIL',
  unknown: '??  ',
  skip: 'skip',
};

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** One line per certificate: its validity as a bar over the span that includes every mark. */
function timeline(report: DiagnoseReport, p: Palette): string[] {
  const certs = report.certificates;
  if (certs.length === 0) return [];
  const times = certs.flatMap((c) => [
    Date.parse(c.notBefore),
    Date.parse(c.notAfter),
    ...c.marks.map((m) => Date.parse(m.at)),
  ]);
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const width = 40;
  const col = (t: number): number => (hi === lo ? 0 : Math.round(((t - lo) / (hi - lo)) * (width - 1)));
  const out = [
    '',
    p.bold('Certificate timeline'),
    `  ${day(new Date(lo).toISOString())}${' '.repeat(width - 20)}${day(new Date(hi).toISOString())}`,
  ];
  const letters = timelineMarks(report);
  for (const c of certs) {
    const bar: string[] = Array.from({ length: width }, (_, i) =>
      i >= col(Date.parse(c.notBefore)) && i <= col(Date.parse(c.notAfter)) ? '=' : ' ',
    );
    for (const m of letters) bar[col(Date.parse(m.at))] = m.letter;
    out.push(`  |${bar.join('')}| ${c.label}: ${c.subject}, ${day(c.notBefore)} to ${day(c.notAfter)}`);
  }
  out.push(`  ${letters.map((m) => `${m.letter} = ${m.label} (${m.at})`).join(', ')}`);
  return out;
}

/** The checks as lines: a mark and the id per check, then its findings (not the passing ones unless few, or -v). */
export function renderChecksText(
  checks: readonly CheckResult[],
  p: Palette,
  options: { verbose?: boolean } = {},
): string[] {
  const out: string[] = [];
  for (const c of checks) {
    const mark = CHECK_MARK[c.status];
    const coloured =
      c.status === 'fail'
        ? p.red(mark)
        : c.status === 'warn' || c.status === 'unknown'
          ? p.yellow(mark)
          : c.status === 'pass'
            ? p.green(mark)
            : p.dim(mark);
    out.push(`  ${coloured} ${c.id}: ${c.title}`);
    const shown = options.verbose
      ? c.findings
      : c.findings.filter((f) => f.status !== 'pass' || c.findings.length <= 3);
    for (const f of shown.slice(0, options.verbose ? undefined : 6)) {
      out.push(
        `         ${f.status === 'pass' ? '' : `${f.status}: `}${f.message}${f.permission ? ` (grant: ${f.permission})` : ''}`,
      );
    }
    if (!options.verbose && shown.length > 6)
      out.push(p.dim(`         ... ${shown.length - 6} more (-v shows all)`));
  }
  return out;
}

export function renderDiagnoseText(
  report: DiagnoseReport,
  p: Palette,
  options: { verbose?: boolean } = {},
): string {
  const out: string[] = [];
  const verdictColour =
    report.verdict === 'healthy' ? p.green : report.verdict === 'problem' ? p.red : p.yellow;
  out.push(p.bold(`mcs-doctor diagnose: ${verdictColour(report.verdict.toUpperCase())}`));
  out.push(
    `cluster: OpenShift ${report.cluster.version ?? '?'}, platform ${report.cluster.platform ?? '?'}, api-int ${report.cluster.apiServerInternalURI ?? '?'}${report.cluster.apiVips.length ? `, API VIPs ${report.cluster.apiVips.join(', ')}` : ''}`,
  );
  out.push(
    `source:  ${report.source.kind} ${report.source.location} (collected ${report.source.collectedAt}, ${report.source.requests} ${report.source.kind === 'live' ? 'API requests' : 'files read'})`,
  );

  if (report.hosts.length === 0)
    out.push(
      '',
      'hosts:   none to diagnose (every BareMetalHost has joined or is not being provisioned; use --host NAME or --all)',
    );
  for (const h of report.hosts) {
    out.push('', p.bold(`Host ${h.namespace}/${h.host}: ${h.outcome}`));
    for (const s of h.pipeline) {
      const mark = STAGE_MARK[s.status];
      const coloured =
        s.status === 'pass'
          ? p.green(mark)
          : s.status === 'fail'
            ? p.red(mark)
            : s.status === 'unknown'
              ? p.yellow(mark)
              : p.dim(mark);
      const first = h.firstFailingStage === s.id ? p.red('  <- first failing stage') : '';
      out.push(`  ${coloured} ${s.title}${s.detail ? p.dim(`: ${s.detail}`) : ''}${first}`);
    }
  }

  if (report.causes.length > 0) {
    out.push('', p.bold('Root cause' + (report.causes.length > 1 ? 's, ranked' : '')));
    for (const c of report.causes) {
      out.push(
        `  ${c.rank}. ${p.red(c.id)}${c.host ? ` (${c.host})` : ' (cluster)'} [${c.confidence}]: ${c.summary}`,
      );
      for (const e of c.evidence) out.push(`       - ${e.text}${e.source ? p.dim(`  [${e.source}]`) : ''}`);
      for (const q of c.consequences ?? []) {
        out.push(`     which causes ${q.id}: ${q.summary}`);
        for (const e of q.evidence)
          out.push(`         - ${e.text}${e.source ? p.dim(`  [${e.source}]`) : ''}`);
      }
      out.push(`     fix: ${p.bold(c.fix.command)}`);
      for (const m of c.fix.manual) out.push(`       $ ${m}`);
      for (const n of c.fix.notes) out.push(p.dim(`       note: ${n}`));
    }
  }

  out.push(...timeline(report, p));

  out.push('', p.bold('Checks'), ...renderChecksText(report.checks, p, options));
  if (report.unchecked.length > 0) {
    out.push('', p.bold('Could not check'));
    for (const u of report.unchecked) out.push(`  - ${u}`);
  }
  if (report.inputErrors.length > 0) {
    out.push('', p.bold(p.red('Input errors')));
    for (const e of report.inputErrors) out.push(`  - ${e}`);
  }
  out.push('');
  return out.join('\n');
}
