/**
 * `bmc-time` for people: the table (NAMESPACE with -A, HOST, BMC, BMC TIME, SKEW, VERIFIES,
 * STATUS) as kubectl lays tables out (columns padded, three spaces apart), a line per host that
 * needs a word of explanation, a summary, and the `--set` plan and outcome.
 */
import type { Palette } from './colour.js';
import {
  BMC_TIME_STATUSES,
  type BmcTimeReport,
  type BmcTimeRow,
  type BmcTimeSetResult,
  type BmcTimeStatus,
} from './bmc-time-model.js';

function table(rows: string[][], colour: (row: number, col: number, cell: string) => string): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row, r) =>
    row
      .map((cell, i) => {
        const padded = i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length);
        return colour(r, i, padded);
      })
      .join('   ')
      .trimEnd(),
  );
}

function statusColour(p: Palette, status: BmcTimeStatus): (s: string) => string {
  if (status === 'ok') return p.green;
  if (status === 'skewed' || status === 'auth-failed' || status === 'unreachable') return p.red;
  return p.yellow;
}

export function bmcTimeTable(rows: BmcTimeRow[], allNamespaces: boolean, p: Palette): string[] {
  const header = [
    ...(allNamespaces ? ['NAMESPACE'] : []),
    'HOST',
    'BMC',
    'BMC TIME',
    'SKEW',
    'VERIFIES',
    'STATUS',
  ];
  const cells = rows.map((r) => [
    ...(allNamespaces ? [r.namespace] : []),
    r.host,
    r.bmc,
    r.bmcTime ?? '-',
    r.skew ?? '-',
    r.verifies?.summary ?? '-',
    r.status,
  ]);
  const statusCol = header.length - 1;
  const verifiesCol = header.length - 2;
  return table([header, ...cells], (row, col, cell) => {
    if (row === 0) return p.bold(cell);
    const r = rows[row - 1]!;
    if (col === statusCol) return statusColour(p, r.status)(cell);
    if (col === verifiesCol && r.verifies?.ok === false) return p.red(cell);
    return cell;
  });
}

/** One line per host whose row needs explaining: why it is not ok, what its clock is, why the chain fails. */
export function bmcTimeNotes(rows: BmcTimeRow[], allNamespaces: boolean): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const name = allNamespaces ? `${r.namespace}/${r.host}` : r.host;
    if (r.status !== 'ok' && r.message) out.push(`${name}: ${r.message}`);
    else if (r.status === 'ok' && r.message && r.message.includes('no UTC offset'))
      out.push(`${name}: ${r.message}`);
    if (r.verifies?.ok === false && r.verifies.error) {
      out.push(`${name}: the MCS chain does not verify at its BMC clock: ${r.verifies.error}`);
    }
  }
  return out;
}

function summaryLine(report: BmcTimeReport): string {
  const n = report.hosts.length;
  const parts = BMC_TIME_STATUSES.filter((s) => report.summary[s] > 0).map((s) =>
    s === 'skewed' ? `${report.summary[s]} skewed (over ${report.maxSkew})` : `${report.summary[s]} ${s}`,
  );
  return `${n} BareMetalHost${n === 1 ? '' : 's'}: ${parts.join(', ') || 'none'}.`;
}

export function renderBmcTimeText(
  report: BmcTimeReport,
  p: Palette,
  allNamespaces: boolean,
  options: { setting?: boolean } = {},
): string {
  const lines: string[] = [];
  lines.push(
    `Cluster: ${report.target.server} (context ${report.target.context}), ${report.namespace ? `namespace ${report.namespace}` : 'every namespace'}; this machine's clock: ${report.now}`,
  );
  if (report.hosts.length === 0) {
    lines.push(
      `No BareMetalHost${report.namespace ? ` in namespace ${report.namespace}` : ''}${report.namespace ? ' (-A lists every namespace)' : ''}.`,
    );
    return lines.join('\n') + '\n';
  }
  lines.push('');
  lines.push(...bmcTimeTable(report.hosts, allNamespaces, p));
  const notes = bmcTimeNotes(report.hosts, allNamespaces);
  if (notes.length) {
    lines.push('');
    lines.push(...notes);
  }
  lines.push('');
  lines.push(summaryLine(report));
  if (report.summary.skewed > 0 && !report.set && !options.setting) {
    lines.push(
      `To set the skewed clocks to this machine's time (a plan, a confirmation and a backup first): mcs-doctor bmc-time --set`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The --set plan: the cluster first, then each BMC with its clock now and what it becomes. */
export function bmcTimePlanLines(
  clocks: BmcTimeSetResult[],
  target: BmcTimeReport['target'],
  maxSkew: string,
  allNamespaces: boolean,
): string[] {
  const lines: string[] = [];
  lines.push(
    `BMC clock plan: set ${clocks.length} BMC clock${clocks.length === 1 ? '' : 's'} off by more than ${maxSkew} to this machine's time (UTC)`,
  );
  lines.push(
    `Cluster: ${target.server} (context ${target.context}, cluster ${target.cluster})${target.user ? `, user ${target.user}` : ''}`,
  );
  clocks.forEach((c, i) => {
    const name = allNamespaces || c.namespace ? `${c.namespace}/${c.host}` : c.host;
    const how =
      c.protocol === 'ipmi' ? 'IPMI: ipmitool sel time set' : 'Redfish: PATCH DateTime on its Manager';
    lines.push(`  ${i + 1}. ${name}  ${c.bmc}  (${how})`);
    lines.push(`     now: ${c.old ?? '-'} (${c.oldSkew ?? '?'})`);
    lines.push(`     new: ${c.new} (this machine's clock when it is set)`);
  });
  return lines;
}
