/** The cells of a fleet row as every renderer shows them (text, Markdown, HTML). */
import type { FleetReport, FleetRow } from '../core/fleet.js';

export const FLEET_HEADER = [
  'CONTEXT',
  'API SERVER',
  'VERSION',
  'VERDICT',
  'CAUSE',
  'HOST',
  'FAILING',
  'MCS CERT',
  'EXPORTER',
];

/** `2 worker-0,worker-3`; past three names, the count says how many more. */
export function failingCell(hosts: readonly string[]): string {
  if (hosts.length === 0) return '0';
  const shown = hosts.slice(0, 3).join(',');
  return `${hosts.length} ${shown}${hosts.length > 3 ? ',...' : ''}`;
}

/** `3649d`, `expired 20d ago`, `<unknown>`. */
export function daysCell(days: number | null): string {
  if (days === null) return '<unknown>';
  return days < 0 ? `expired ${-days}d ago` : `${days}d`;
}

export function fleetCells(r: FleetRow): string[] {
  return [
    r.context,
    r.apiServer,
    r.openshiftVersion ?? '<unknown>',
    r.verdict,
    r.top?.id ?? '<none>',
    r.top?.host ?? '<none>',
    failingCell(r.failingHosts),
    daysCell(r.mcsCertDaysLeft),
    r.exporter,
  ];
}

/** `20 clusters: 2 healthy, 16 problem, 0 inconclusive, 2 not judged (1 unreachable, 1 forbidden); exit 1` */
export function fleetSummaryLine(report: FleetReport): string {
  const s = report.summary;
  const other = new Map<string, number>();
  for (const r of report.clusters) {
    if (r.verdict === 'healthy' || r.verdict === 'problem' || r.verdict === 'inconclusive') continue;
    other.set(r.verdict, (other.get(r.verdict) ?? 0) + 1);
  }
  const detail = [...other].map(([v, n]) => `${n} ${v}`).join(', ');
  return `${s.clusters} cluster${s.clusters === 1 ? '' : 's'}: ${s.healthy} healthy, ${s.problem} problem, ${s.inconclusive} inconclusive, ${s.notJudged} not judged${detail ? ` (${detail})` : ''}; exit ${report.exitCode}`;
}

/** The rows that carry a reason (not judged, or judged only in part), as `context: reason`. */
export function fleetReasons(report: FleetReport): Array<{ context: string; reason: string }> {
  return report.clusters.filter((r) => r.reason).map((r) => ({ context: r.context, reason: r.reason! }));
}
