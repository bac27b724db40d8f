/**
 * The HTML components every report page is built from (diagnose, preflight, certs, and fleet to
 * come). A page is written as:
 *
 * ```ts
 * import { renderPage, summary, section, table, badge, commandBlock, markup } from '../html/index.js';
 * const page = renderPage({ title: 'mcs-doctor fleet: problem' }, [
 *   summary({ heading: 'mcs-doctor fleet', tone: 'fail', verdict: 'problem', facts: [...] }),
 *   section('clusters', 'Clusters', [table([{ header: 'Context' }, { header: 'Verdict' }], rows)]),
 * ]);
 * ```
 *
 * - `markup` (tagged template) escapes every interpolated string; `raw` marks markup written by
 *   this program. Never build markup by concatenating text read from a cluster.
 * - `renderPage(options, body)`: the self-contained document (inline CSS with light, dark and
 *   print styles, a CSP that forbids every fetch, no script). `pageStart`/`pageEnd` for a page
 *   written in pieces.
 * - `summary(...)`: the first screen: the verdict badge in the `h1` and the deciding facts.
 * - `section(id, heading, body)`: an `h2` section.
 * - `table(columns, rows)`, or `tableStart`/`tableRows`/`tableEnd` for rows streamed in batches.
 * - `badge(tone, word)`: a symbol and a word in the tone's colour (`toneOf(status)` maps the
 *   statuses the reports use); colour is never the only signal.
 * - `commandBlock(command)`: a copyable command that wraps and is never cut off.
 * - `checksTable(checks)`: checks with their status and findings.
 * - `pipeline(stages)`: a host's join pipeline; `certificateTimeline(certs, markers)`: the
 *   validity timeline as SVG, with its legend and table.
 */
export { badge, tag, toneOf, TONE_SYMBOL, type Tone } from './badge.js';
export { checksTable } from './checks.js';
export { commandBlock } from './command.js';
export { escapeHtml, Html, join, markup, raw, type HtmlValue } from './escape.js';
export { PAGE_CSP, PAGE_CSS, pageEnd, pageStart, renderPage, section, type PageOptions } from './page.js';
export { pipeline, stageBadge, STAGE_TONE, STAGE_WORD } from './pipeline.js';
export { summary, type SummaryFact, type SummaryOptions } from './summary.js';
export {
  table,
  tableEnd,
  tableRows,
  tableStart,
  type Cell,
  type Column,
  type Row,
  type TableOptions,
} from './table.js';
export {
  certificateTimeline,
  timelineSpan,
  validityAt,
  type TimelineCert,
  type TimelineMarker,
} from './timeline.js';
