/**
 * `fleet` as people read it: one row per cluster as `kubectl get` prints a table, then the reason
 * of every cluster that could not be judged (or only in part), then one summary line.
 */
import type { FleetReport } from '../core/fleet.js';
import { table } from './certs-text.js';
import type { Palette } from './colour.js';
import { FLEET_HEADER, fleetCells, fleetReasons, fleetSummaryLine } from './fleet-cells.js';

export function renderFleetText(report: FleetReport, p: Palette): string {
  const out = [table(FLEET_HEADER, report.clusters.map(fleetCells))];
  const reasons = fleetReasons(report);
  if (reasons.length) {
    out.push('\n');
    for (const { context, reason } of reasons) out.push(`${context}: ${reason}\n`);
  }
  const line = `mcs-doctor fleet ${report.command}: ${fleetSummaryLine(report)}`;
  out.push(
    '\n',
    report.exitCode === 0 ? p.green(line) : report.summary.problem > 0 ? p.red(line) : p.yellow(line),
    '\n',
  );
  return out.join('');
}
