/**
 * `fleet -o html`: one self-contained page on the shared components (src/report/html): the
 * first screen says how many clusters are healthy, which have a problem and which could not be
 * judged; then one row per cluster, the verdict as a badge (symbol and word, never colour
 * alone), the reasons of those not judged and the top cause of each. Every value is escaped.
 */
import type { FleetReport, FleetRow } from '../core/fleet.js';
import { FLEET_HEADER, fleetCells, fleetReasons, fleetSummaryLine } from './fleet-cells.js';
import {
  badge,
  markup,
  renderPage,
  section,
  summary,
  table,
  toneOf,
  type Column,
  type Row,
  type Tone,
} from './html/index.js';

/** Not judged (unreachable, forbidden, timed out...) is a warning: nothing is known of that cluster. */
function verdictTone(verdict: FleetRow['verdict']): Tone {
  const tone = toneOf(verdict);
  return tone === 'idle' ? 'warn' : tone;
}

function pageTone(report: FleetReport): Tone {
  if (report.summary.problem > 0) return 'fail';
  if (report.summary.notJudged > 0 || report.summary.inconclusive > 0) return 'warn';
  return 'pass';
}

/** The text table's headers, as people write them. */
const COLUMNS: Column[] = FLEET_HEADER.map((header) => ({
  header:
    header === 'API SERVER'
      ? 'API server'
      : header === 'MCS CERT'
        ? 'MCS cert'
        : header.charAt(0) + header.slice(1).toLowerCase(),
}));

function row(r: FleetRow): Row {
  const cells = fleetCells(r);
  return {
    cells: cells.map((c, i) =>
      i === 3 ? badge(verdictTone(r.verdict), c) : i === 0 || i === 4 ? markup`<code>${c}</code>` : c,
    ),
    attrs: { 'data-context': r.context, 'data-verdict': r.verdict },
  };
}

export function renderFleetHtml(report: FleetReport): string {
  const s = report.summary;
  const names = (keep: (r: FleetRow) => boolean): string =>
    report.clusters
      .filter(keep)
      .map((r) => r.context)
      .join(', ') || 'none';
  const body = [
    summary({
      heading: `mcs-doctor fleet ${report.command}`,
      tone: pageTone(report),
      verdict: s.problem > 0 ? 'problem' : s.notJudged + s.inconclusive > 0 ? 'incomplete' : 'healthy',
      meta: fleetSummaryLine(report),
      facts: [
        { term: 'Problem', detail: names((r) => r.verdict === 'problem'), role: 'problem' },
        {
          term: 'Not judged',
          detail: names((r) => r.verdict !== 'problem' && r.verdict !== 'healthy'),
          role: 'not-judged',
        },
        { term: 'Healthy', detail: `${s.healthy} of ${s.clusters}`, role: 'healthy' },
      ],
    }),
    section('clusters', 'Clusters', [table(COLUMNS, report.clusters.map(row), { className: 'dense' })]),
  ];
  const reasons = fleetReasons(report);
  if (reasons.length)
    body.push(
      section('reasons', 'Why some clusters were not judged', [
        markup`<ul>${reasons.map(({ context, reason }) => markup`<li><code>${context}</code>: ${reason}</li>`)}</ul>`,
      ]),
    );
  const tops = report.clusters.filter((r) => r.top);
  if (tops.length)
    body.push(
      section('causes', 'Top cause of each cluster', [
        markup`<ul>${tops.map((r) => markup`<li><code>${r.context}</code>: <code>${r.top!.id}</code>${r.top!.host ? ` on ${r.top!.host}` : ''}: ${r.top!.summary}</li>`)}</ul>`,
      ]),
    );
  return renderPage(
    {
      title: `mcs-doctor fleet ${report.command}: ${fleetSummaryLine(report)}`,
      footer: `Generated ${report.generatedAt} by mcs-doctor ${report.tool.version}.`,
    },
    body,
  );
}
