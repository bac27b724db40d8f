/**
 * `fleet -o html`: one self-contained page (inline CSS, no script, nothing fetched), every value
 * escaped. The page shell is one small function (page()), so the shared HTML components can
 * replace it without touching the fleet table.
 */
import type { FleetReport, FleetRow } from '../core/fleet.js';
import { FLEET_HEADER, fleetCells, fleetReasons, fleetSummaryLine } from './fleet-cells.js';
import { escapeXml as h } from './xml-escape.js';

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}.healthy{color:#175e17}.problem{color:#b00}.inconclusive,.unreachable,.unauthorized,.forbidden,.timeout,.error{color:#a60}code{font-size:90%}`;

/** The page around a body: title, style, nothing else. */
export function page(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${h(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    body,
    '</body></html>',
    '',
  ].join('\n');
}

function rowHtml(r: FleetRow): string {
  const cells = fleetCells(r).map((c, i) =>
    i === 3 ? `<td class="${h(r.verdict)}">${h(c)}</td>` : `<td>${h(c)}</td>`,
  );
  return `<tr>${cells.join('')}</tr>`;
}

export function renderFleetHtml(report: FleetReport): string {
  const body: string[] = [
    `<h1>mcs-doctor fleet ${h(report.command)}</h1>`,
    `<p>${h(fleetSummaryLine(report))}</p>`,
    `<table><tr>${FLEET_HEADER.map((c) => `<th>${h(c)}</th>`).join('')}</tr>`,
    ...report.clusters.map(rowHtml),
    '</table>',
  ];
  const reasons = fleetReasons(report);
  if (reasons.length) {
    body.push('<h2>Reasons</h2><ul>');
    for (const { context, reason } of reasons) body.push(`<li><b>${h(context)}</b>: ${h(reason)}</li>`);
    body.push('</ul>');
  }
  const tops = report.clusters.filter((r) => r.top);
  if (tops.length) {
    body.push('<h2>Top causes</h2><ul>');
    for (const r of tops)
      body.push(`<li><b>${h(r.context)}</b>: <code>${h(r.top!.id)}</code> ${h(r.top!.summary)}</li>`);
    body.push('</ul>');
  }
  body.push(
    `<p><small>Generated ${h(report.generatedAt)} by mcs-doctor ${h(report.tool.version)}.</small></p>`,
  );
  return page(`mcs-doctor fleet ${report.command}: ${fleetSummaryLine(report)}`, body.join('\n'));
}
