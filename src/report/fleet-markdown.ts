/** `fleet -o markdown`: the table for a ticket or a wiki page, every cell escaped. */
import type { FleetReport } from '../core/fleet.js';
import { FLEET_HEADER, fleetCells, fleetReasons, fleetSummaryLine } from './fleet-cells.js';

/** A table cell: no line break, and `|` and Markdown's inline markers taken literally. */
export function markdownCell(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/([\\|`*_[\]<>])/g, '\\$1');
}

export function renderFleetMarkdown(report: FleetReport): string {
  const lines = [
    `# mcs-doctor fleet ${report.command}`,
    '',
    markdownCell(fleetSummaryLine(report)),
    '',
    `| ${FLEET_HEADER.join(' | ')} |`,
    `|${FLEET_HEADER.map(() => '---').join('|')}|`,
    ...report.clusters.map((r) => `| ${fleetCells(r).map(markdownCell).join(' | ')} |`),
  ];
  const reasons = fleetReasons(report);
  if (reasons.length) {
    lines.push('', '## Reasons', '');
    for (const { context, reason } of reasons)
      lines.push(`- **${markdownCell(context)}**: ${markdownCell(reason)}`);
  }
  const tops = report.clusters.filter((r) => r.top);
  if (tops.length) {
    lines.push('', '## Top causes', '');
    for (const r of tops)
      lines.push(
        `- **${markdownCell(r.context)}**: \`${r.top!.id.replace(/`/g, '')}\` ${markdownCell(r.top!.summary)}`,
      );
  }
  lines.push('', `Generated ${report.generatedAt} by mcs-doctor ${report.tool.version}.`, '');
  return lines.join('\n');
}
