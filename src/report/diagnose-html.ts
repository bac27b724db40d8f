/**
 * diagnose as one self-contained HTML page for a support case (inline CSS and SVG, no script,
 * nothing fetched, light and dark schemes, printable). The first screen says it all: the
 * verdict, the host, its first failing stage, the root cause with its decisive fact, and the fix
 * command, wrapped so that it is never cut off. Then each host's join pipeline as stages, every
 * cause with its evidence and manual fix, the certificate timeline as SVG, the checks, and what
 * could not be checked.
 */
import type { DiagnoseReport, HostDiagnosis, RankedCause } from '../core/report.js';
import { checksTable } from './html/checks.js';
import {
  badge,
  certificateTimeline,
  commandBlock,
  markup,
  pipeline,
  renderPage,
  section,
  summary,
  tag,
  toneOf,
  type Html,
  type SummaryFact,
  type TimelineMarker,
} from './html/index.js';
import { timelineMarks } from './timeline-marks.js';

const seconds = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

/** The host the first cause is about, or the first failing host for a cluster-wide cause. */
function hostOf(r: DiagnoseReport, cause: RankedCause | undefined): HostDiagnosis | undefined {
  if (cause?.host) return r.hosts.find((h) => h.host === cause.host);
  return r.hosts.find((h) => h.firstFailingStage !== null) ?? r.hosts[0];
}

function stageTitle(
  r: DiagnoseReport,
  host: HostDiagnosis | undefined,
  cause: RankedCause | undefined,
): string | null {
  const id = host?.firstFailingStage ?? cause?.stage ?? null;
  if (id === null) return null;
  const stage = (host?.pipeline ?? r.hosts.flatMap((h) => h.pipeline)).find((s) => s.id === id);
  return stage?.title ?? id;
}

function evidenceItem(e: { text: string; source?: string }, decisive = false): Html {
  const source = e.source ? markup` <span class="muted">(${e.source})</span>` : '';
  return decisive
    ? markup`<li class="decisive"><strong>Decisive:</strong> ${e.text}${source}</li>`
    : markup`<li>${e.text}${source}</li>`;
}

function firstScreen(r: DiagnoseReport): Html {
  const cause = r.causes[0];
  const host = hostOf(r, cause);
  const facts: SummaryFact[] = [];
  if (cause) {
    facts.push({
      term: 'Host',
      role: 'host',
      detail: cause.host
        ? `${host?.namespace ? `${host.namespace}/` : ''}${cause.host}`
        : markup`cluster-wide${host ? markup` (first failing host: ${host.namespace}/${host.host})` : ''}`,
    });
    facts.push({
      term: 'First failing stage',
      role: 'failing-stage',
      detail: stageTitle(r, host, cause) ?? 'none of the join pipeline (the cause is outside it)',
    });
    const more =
      r.causes.length > 1 ? markup` <a href="#causes">(${r.causes.length - 1} more cause(s) below)</a>` : '';
    facts.push({
      term: 'Root cause',
      role: 'cause',
      detail: markup`<code data-role="cause-id">${cause.id}</code> ${tag(cause.confidence)} ${cause.summary}${more}`,
    });
    const decisive = cause.evidence[0];
    if (decisive)
      facts.push({
        term: 'Decisive fact',
        role: 'decisive',
        detail: markup`${decisive.text}${decisive.source ? markup` <span class="muted">(${decisive.source})</span>` : ''}`,
      });
    facts.push({
      term: 'Fix',
      role: 'fix',
      detail: markup`${commandBlock(cause.fix.command, { role: 'fix-command' })}${cause.fix.manual.length ? markup`<a href="#cause-1">The same by hand, step by step</a>` : ''}`,
    });
  } else {
    facts.push({
      term: 'Hosts',
      role: 'host',
      detail:
        r.hosts.length === 0
          ? 'none to diagnose: every BareMetalHost has joined or is not being provisioned (--host NAME or --all shows them)'
          : r.hosts.map(
              (h, i) =>
                markup`${i ? ', ' : ''}${h.namespace}/${h.host} ${badge(toneOf(h.outcome), h.outcome)}`,
            ),
    });
    facts.push({
      term: 'Root cause',
      role: 'cause',
      detail:
        r.verdict === 'inconclusive'
          ? 'none proven: some facts could not be read (see "Could not check")'
          : 'none: nothing stops a worker from fetching its Ignition config',
    });
  }
  const vips = r.cluster.apiVips.length ? markup`, API VIPs ${r.cluster.apiVips.join(', ')}` : '';
  return summary({
    heading: 'mcs-doctor diagnose',
    tone: toneOf(r.verdict),
    verdict: r.verdict,
    meta: markup`OpenShift ${r.cluster.version ?? '?'}, platform ${r.cluster.platform ?? '?'}, api-int <code>${r.cluster.apiServerInternalURI ?? '?'}</code>${vips}. Source: ${r.source.kind} <code>${r.source.location}</code>, ${r.source.kind === 'live' ? 'read' : 'collected'} <time datetime="${seconds(r.source.collectedAt)}">${seconds(r.source.collectedAt)}</time>.`,
    facts,
  });
}

function causeBlock(c: RankedCause): Html {
  const consequences = (c.consequences ?? []).map(
    (q) =>
      markup`<li>which causes <code>${q.id}</code>: ${q.summary}<ul>${q.evidence.map((e) => evidenceItem(e))}</ul></li>`,
  );
  const label = c.fix.command.startsWith('#') ? 'mcs-doctor:' : 'Plan it (add --apply to make it):';
  const manual = c.fix.manual.length
    ? markup`<p>By hand, step by step:</p>${c.fix.manual.map((m, i) => commandBlock(m, { label: `step ${i + 1}` }))}`
    : '';
  const notes = c.fix.notes.length
    ? markup`<ul class="notes">${c.fix.notes.map((n) => markup`<li>${n}</li>`)}</ul>`
    : '';
  return markup`<article class="cause" id="cause-${c.rank}" aria-labelledby="cause-${c.rank}-h">
<h3 id="cause-${c.rank}-h">${c.rank}. <code>${c.id}</code> ${c.host ? `on ${c.host}` : '(cluster-wide)'} ${tag(c.confidence)}</h3>
<p>${c.summary}</p>
<h4>Evidence</h4>
<ul>${c.evidence.map((e, i) => evidenceItem(e, i === 0))}${consequences}</ul>
<h4>Fix</h4>
${commandBlock(c.fix.command, { label })}
${manual}
${notes}
</article>`;
}

/** The host of the first cause first, then failing hosts, then the others, each group in the report's order. */
function hostsInOrder(r: DiagnoseReport): HostDiagnosis[] {
  const rank = (h: HostDiagnosis): number =>
    h.host === r.causes[0]?.host ? 0 : h.outcome === 'failing' ? 1 : h.outcome === 'joined' ? 3 : 2;
  return [...r.hosts].sort((a, b) => rank(a) - rank(b));
}

/** The timeline's markers: the reference time (now or the must-gather time), then each host's clock. */
export function diagnoseMarkers(r: DiagnoseReport): TimelineMarker[] {
  return timelineMarks(r).map((m) => ({
    ...m,
    kind: m.letter === 'N' || m.letter === 'M' ? 'reference' : 'host',
  }));
}

export function renderDiagnoseHtml(r: DiagnoseReport): string {
  const body: Html[] = [firstScreen(r)];
  if (r.hosts.length > 0)
    body.push(
      section(
        'pipeline',
        'Join pipeline',
        hostsInOrder(r).map(
          (
            h,
          ) => markup`<h3 id="host-${h.namespace}-${h.host}">Host ${h.namespace}/${h.host}: ${badge(toneOf(h.outcome), h.outcome)}</h3>
${pipeline(h.pipeline, { firstFailing: h.firstFailingStage, label: `join pipeline of ${h.host}` })}`,
        ),
      ),
    );
  if (r.causes.length > 0)
    body.push(
      section('causes', r.causes.length > 1 ? 'Root causes, ranked' : 'Root cause', r.causes.map(causeBlock)),
    );
  if (r.certificates.length > 0)
    body.push(
      section('certificates', 'Certificate timeline', [
        certificateTimeline(r.certificates, diagnoseMarkers(r), {
          caption: 'Validity of the MCS certificates and CAs',
        }),
      ]),
    );
  body.push(section('checks', 'Checks', [checksTable(r.checks)]));
  if (r.unchecked.length)
    body.push(
      section('unchecked', 'Could not check', [
        markup`<ul>${r.unchecked.map((u) => markup`<li>${u}</li>`)}</ul>`,
      ]),
    );
  if (r.inputErrors.length)
    body.push(
      section('input-errors', 'Input errors', [
        markup`<ul>${r.inputErrors.map((u) => markup`<li>${u}</li>`)}</ul>`,
      ]),
    );
  const first = r.causes[0];
  return renderPage(
    {
      title: `mcs-doctor diagnose: ${r.verdict}${first ? ` (${first.id}${first.host ? ` on ${first.host}` : ''})` : ''}`,
      footer: markup`Written by ${r.tool.name} ${r.tool.version} at <time datetime="${seconds(r.generatedAt)}">${seconds(r.generatedAt)}</time>; exit code ${r.exitCode}. The same report as data: <code>-o json</code>.`,
    },
    body,
  );
}
