/**
 * `certs` as one self-contained HTML page, written in pieces like the other formats: the page's
 * head and summary, then the table a batch of rows at a time (the rows are a streamed list,
 * never held as one string or one array), then what could not be read. A problem (an unmanaged
 * certificate expired or expiring) is a row marked in words, symbol and colour.
 */
import type { CertRow, CertsReport } from '../core/certs.js';
import { rowBatches } from './certs-data.js';
import { expiresIn, humanDuration, multiKeyObjects, rowName, shortName } from './certs-text.js';
import {
  badge,
  markup,
  pageEnd,
  pageStart,
  section,
  summary,
  tableEnd,
  tableRows,
  tableStart,
  toneOf,
  type Column,
  type Html,
} from './html/index.js';

const seconds = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

function statusBadge(r: CertRow): Html {
  if (r.status === 'unparsable') return markup`${badge('fail', 'unparsable')} ${r.error ?? ''}`;
  // What something renews is no problem even when it is close to its end: said in words, not red.
  const tone = r.problem ? toneOf(r.status) : r.status === 'ok' ? 'pass' : 'idle';
  return markup`${badge(tone, r.status)}${r.problem ? markup` <strong>problem</strong>` : ''}`;
}

function managedBy(r: CertRow): Html | string {
  if (r.copyOf) return `copy of ${r.copyOf}`;
  if (!r.managedBy) return markup`<span class="muted" title="${r.managementReason}">nobody</span>`;
  return r.management === 'overdue' ? markup`${r.managedBy} ${badge('warn', 'overdue')}` : r.managedBy;
}

export function* certsHtmlChunks(report: CertsReport): Generator<string> {
  const s = report.summary;
  const window = humanDuration(report.expiringWithinSeconds * 1000);
  const where = report.namespace === null ? 'in every namespace' : `in namespace ${report.namespace}`;
  const at = seconds(report.at);
  const verdictTone = report.verdict === 'ok' ? 'pass' : report.verdict === 'problem' ? 'fail' : 'warn';
  yield pageStart({
    css: 'body{max-width:96rem}',
    title: `mcs-doctor certs: ${report.verdict} (${s.certificates} certificates ${where})`,
  }).value;
  yield summary({
    heading: 'mcs-doctor certs',
    tone: verdictTone,
    verdict: report.verdict,
    meta: markup`OpenShift ${report.openshiftVersion ?? '?'}. Source: ${report.source.kind} <code>${report.source.location}</code>; judged at ${report.source.kind === 'must-gather' ? 'must-gather time' : 'now'} <time datetime="${at}">${at}</time>.`,
    facts: [
      {
        term: 'Certificates',
        role: 'counts',
        detail: `${s.certificates} ${where}: ${s.managed} managed, ${s.unmanaged} unmanaged${s.overdue ? `, ${s.overdue} overdue` : ''}; ${s.expired} expired, ${s.expiring} expiring within ${window}${s.notYetValid ? `, ${s.notYetValid} not yet valid` : ''}${s.unparsable ? `, ${s.unparsable} unparsable` : ''}.`,
      },
      {
        term: 'Problems',
        role: 'problems',
        detail:
          s.problems > 0
            ? `${s.problems}: unmanaged certificate(s) expired or expiring within ${window}; nothing will renew them (marked "problem" below).`
            : `none: no unmanaged certificate is expired or expiring within ${window}.`,
      },
      ...(report.unreadable.length
        ? [
            {
              term: 'Could not read',
              role: 'unreadable',
              detail: `${report.unreadable.length} list(s): see below`,
            },
          ]
        : []),
    ],
  }).value;
  yield '\n<section id="certificates" aria-labelledby="certificates-h"><h2 id="certificates-h">Certificates</h2>\n';
  const all = report.namespace === null;
  const columns: Column[] = [
    ...(all ? [{ header: 'Namespace', className: 'wrap' }] : []),
    { header: 'Name', className: 'wrap' },
    { header: 'Kind' },
    { header: 'Subject', className: 'wrap' },
    { header: 'Issuer', className: 'wrap' },
    { header: 'Not after' },
    { header: 'Expires in' },
    { header: 'Managed by', className: 'wrap' },
    { header: 'Status' },
  ];
  if (report.certificates.length === 0) yield markup`<p>No certificates found ${where}.</p>`.value;
  else {
    const multiKey = multiKeyObjects(report.certificates);
    yield tableStart(columns, { className: 'dense' }).value;
    for (const batch of rowBatches(report.certificates)) {
      yield tableRows(
        columns,
        batch.map((r) => ({
          attrs: { 'data-status': r.status, 'data-problem': String(r.problem) },
          cells: [
            ...(all ? [r.namespace] : []),
            rowName(r, report.allCerts, multiKey.has(`${r.kind}/${r.namespace}/${r.name}`)),
            r.kind,
            r.status === 'unparsable'
              ? ''
              : markup`<span title="${r.subject ?? ''}">${shortName(r.subject)}</span>`,
            r.status === 'unparsable'
              ? ''
              : markup`<span title="${r.issuer ?? ''}">${shortName(r.issuer)}</span>`,
            r.notAfter ? markup`<time datetime="${r.notAfter}">${r.notAfter}</time>` : '',
            expiresIn(r.expiresInSeconds),
            managedBy(r),
            statusBadge(r),
          ],
        })),
      ).value;
    }
    yield tableEnd().value;
  }
  yield '\n</section>\n';
  if (report.unreadable.length || report.notes.length)
    yield section('unreadable', 'Could not read or check', [
      markup`<ul>${report.unreadable.map((u) => markup`<li>${u.message}${u.permission ? markup`; grant <code>${u.permission}</code> to list them` : ''}</li>`)}${report.notes.map((n) => markup`<li>${n}</li>`)}</ul>`,
    ]).value;
  yield pageEnd(markup`Exit code ${report.exitCode}. The same report as data: <code>-o json</code>.`).value;
}

export function renderCertsHtml(report: CertsReport): string {
  return [...certsHtmlChunks(report)].join('');
}
