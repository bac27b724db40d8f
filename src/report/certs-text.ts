/**
 * `certs` as people read it: a table as `oc get` prints one (upper-case headers, columns padded
 * as kubectl's tabwriter pads them, `<none>` for an empty cell, NAMESPACE first when listing
 * every namespace), and a summary with what could not be read, for stderr, where kubectl writes
 * "No resources found".
 */
import type { CertRow, CertsReport } from '../core/certs.js';
import type { Palette } from './colour.js';

/**
 * kubectl's duration for AGE-like columns (apimachinery util/duration HumanDuration): seconds up
 * to 2 minutes, minutes and seconds up to 10, minutes up to 3 hours, hours and minutes up to 8,
 * hours up to 2 days, days and hours up to 8, days up to 2 years, years and days up to 8, years.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** `12d`, `3h`; `expired 2d ago` once past. */
export function expiresIn(seconds: number | null): string {
  if (seconds === null) return '<unknown>';
  return seconds < 0 ? `expired ${humanDuration(-seconds * 1000)} ago` : humanDuration(seconds * 1000);
}

/** The common name, as people know a certificate; the whole name when it has none. */
export function shortName(dn: string | null): string {
  if (dn === null) return '<unknown>';
  const cn = /(?:^|,\s*)CN=((?:\\.|[^,\\])*)/.exec(dn);
  return cn ? cn[1]!.replace(/\\(.)/g, '$1') : dn || '<empty>';
}

/**
 * The NAME cell: the object's name, with `[key]#index` for every certificate with --all-certs,
 * and `[key]` when one object lists certificates from several keys.
 */
export function rowName(row: CertRow, allCerts: boolean, multiKey: boolean): string {
  if (allCerts) return `${row.name}[${row.key}]#${row.index}`;
  if (row.kind === 'UserData' && row.index > 0) return `${row.name}#${row.index}`;
  return multiKey ? `${row.name}[${row.key}]` : row.name;
}

function managedByCell(row: CertRow): string {
  if (row.copyOf) return `copy of ${row.copyOf}`;
  if (!row.managedBy) return '<none>';
  return row.management === 'overdue' ? `${row.managedBy} (overdue)` : row.managedBy;
}

function statusCell(row: CertRow, p: Palette): string {
  if (row.status === 'unparsable') return p.red(`unparsable: ${(row.error ?? '').replace(/\s+/g, ' ')}`);
  if (row.status === 'ok') return row.status;
  if (!row.problem) return row.status === 'not-yet-valid' ? p.yellow(row.status) : row.status;
  return row.status === 'expired' ? p.red(row.status) : p.yellow(row.status);
}

/** kubectl's tabwriter column widths: each cell plus 3 spaces of padding, 6 at least. */
function columnWidths(header: readonly string[], rows: Iterable<readonly string[]>): number[] {
  const widths = header.map((h) => Math.max(6, h.length + 3));
  for (const r of rows) {
    r.forEach((c, i) => {
      if (i < widths.length && c.length + 3 > widths[i]!) widths[i] = c.length + 3;
    });
  }
  return widths;
}

/** Pads columns as kubectl's tabwriter (minimum width 6, padding 3); the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = columnWidths(header, rows);
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('') + '\n';
  return line(header) + rows.map(line).join('');
}

/**
 * `kind/namespace/name` of every object whose certificates come from several keys, in one pass
 * over the rows (they are in order, so an object's rows are together): their NAME shows the key.
 */
export function multiKeyObjects(rows: Iterable<CertRow>): Set<string> {
  const multiKey = new Set<string>();
  let previous: CertRow | undefined;
  for (const r of rows) {
    if (
      previous &&
      previous.kind === r.kind &&
      previous.namespace === r.namespace &&
      previous.name === r.name &&
      previous.key !== r.key
    )
      multiKey.add(`${r.kind}/${r.namespace}/${r.name}`);
    previous = r;
  }
  return multiKey;
}

function* cellsOfEvery(rows: Iterable<CertRow>, cells: (r: CertRow) => string[]): Generator<string[]> {
  for (const r of rows) yield cells(r);
}

/** Rows per chunk of output: the table is written as it is rendered, never as one string. */
const ROWS_PER_CHUNK = 200;

/**
 * The table in chunks of lines. Column widths need every row, so a first pass measures them;
 * the second renders and hands over a chunk at a time.
 */
export function* certsTextChunks(report: CertsReport, p: Palette): Generator<string> {
  if (report.certificates.length === 0) return;
  const all = report.namespace === null;
  const multiKey = multiKeyObjects(report.certificates);
  const header = [
    ...(all ? ['NAMESPACE'] : []),
    'NAME',
    'KIND',
    'SUBJECT',
    'ISSUER',
    'NOT AFTER',
    'EXPIRES IN',
    'MANAGED-BY',
    'STATUS',
  ];
  const cells = (r: CertRow): string[] => [
    ...(all ? [r.namespace] : []),
    rowName(r, report.allCerts, multiKey.has(`${r.kind}/${r.namespace}/${r.name}`)),
    r.kind,
    r.status === 'unparsable' ? '<unparsable>' : shortName(r.subject),
    r.status === 'unparsable' ? '<unparsable>' : shortName(r.issuer),
    r.notAfter ?? '<unknown>',
    expiresIn(r.expiresInSeconds),
    managedByCell(r),
  ];
  // STATUS, the last column, is not padded: only the others are measured, over every row.
  const widths = columnWidths(header.slice(0, -1), cellsOfEvery(report.certificates, cells));
  // The colour codes are added after padding, so they never count towards a column's width.
  const line = (c: string[], status: string): string =>
    c.map((cell, i) => cell.padEnd(widths[i]!)).join('') + status;
  yield `${line(header.slice(0, -1), 'STATUS')}\n`;
  let chunk: string[] = [];
  for (const r of report.certificates) {
    chunk.push(line(cells(r), statusCell(r, p)));
    if (chunk.length >= ROWS_PER_CHUNK) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  }
  if (chunk.length) yield `${chunk.join('\n')}\n`;
}

export function renderCertsText(report: CertsReport, p: Palette): string {
  return [...certsTextChunks(report, p)].join('');
}

/** The summary, what could not be read and what could not be checked: for stderr. */
export function renderCertsSummary(report: CertsReport): string {
  const s = report.summary;
  const where = report.namespace === null ? 'in any namespace' : `in namespace ${report.namespace}`;
  const window = humanDuration(report.expiringWithinSeconds * 1000);
  const lines: string[] = [];
  if (s.certificates === 0) lines.push(`No certificates found ${where}.`);
  else {
    const judged =
      report.source.kind === 'must-gather'
        ? ` at must-gather time ${report.at.replace(/\.\d{3}Z$/, 'Z')}`
        : '';
    lines.push(
      `${s.certificates} certificate${s.certificates === 1 ? '' : 's'}${judged}: ${s.managed} managed, ${s.unmanaged} unmanaged${s.overdue ? `, ${s.overdue} overdue` : ''}; ` +
        `${s.expired} expired, ${s.expiring} expiring within ${window}${s.notYetValid ? `, ${s.notYetValid} not yet valid` : ''}${s.unparsable ? `, ${s.unparsable} unparsable` : ''}.`,
    );
    lines.push(
      s.problems > 0
        ? `${s.problems} problem${s.problems === 1 ? '' : 's'}: unmanaged certificate${s.problems === 1 ? '' : 's'} expired or expiring within ${window} (nothing will renew ${s.problems === 1 ? 'it' : 'them'}).`
        : `No problem: no unmanaged certificate is expired or expiring within ${window}.`,
    );
  }
  for (const u of report.unreadable) {
    lines.push(`error: ${u.message}${u.permission ? `; grant "${u.permission}" to list them` : ''}`);
  }
  for (const n of report.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}
