/**
 * preflight as one self-contained HTML page, built from the same components as diagnose's: the
 * verdict and the first problem on the first screen, what new hosts will fetch (and the line
 * their Ignition would log), each waiting host, the checks, and the problems to fix.
 */
import {
  badge,
  checksTable,
  commandBlock,
  markup,
  renderPage,
  section,
  summary,
  table,
  type Html,
  type SummaryFact,
} from './html/index.js';
import type { PredictionReport, PreflightReport } from './preflight-model.js';

const seconds = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

const PREDICTION_WORD: Record<PredictionReport['verdict'], string> = {
  ok: 'fetches',
  fail: 'fails',
  unknown: 'cannot tell',
};

function predictionTone(verdict: PredictionReport['verdict']): 'pass' | 'fail' | 'unknown' {
  return verdict === 'ok' ? 'pass' : verdict === 'fail' ? 'fail' : 'unknown';
}

/** What Ignition would log, how its run ends, and the cause it would be. */
function prediction(
  p: Pick<PredictionReport, 'verdict' | 'ignitionLine' | 'ignitionFinal' | 'why' | 'cause'>,
): Html {
  const lines = [p.ignitionLine, p.ignitionFinal].filter((l): l is string => !!l);
  return markup`${badge(predictionTone(p.verdict), PREDICTION_WORD[p.verdict])}${lines.length ? commandBlock(lines.join('\n')) : ''}${p.why ? markup`<p class="muted">${p.why}</p>` : ''}${p.cause ? markup`<p>cause: <code data-role="cause-id">${p.cause}</code> (docs/causes/${p.cause}.md)</p>` : ''}`;
}

export function renderPreflightHtml(r: PreflightReport): string {
  const failing = r.checks.filter((c) => c.status === 'fail' || c.status === 'unknown');
  const facts: SummaryFact[] = [
    {
      term: 'Checks',
      role: 'checks',
      detail:
        failing.length === 0
          ? `all ${r.checks.length} pass: nothing will stop a new host's first boot`
          : markup`${failing.length} of ${r.checks.length} fail or cannot be checked: ${failing.map((c, i) => markup`${i ? ', ' : ''}<code>${c.id}</code>`)}`,
    },
  ];
  if (r.problems[0]) facts.push({ term: 'First problem', role: 'problem', detail: r.problems[0] });
  const doomed = [
    ...r.hosts.flatMap((h) => h.predictions.map((p) => ({ who: `${h.namespace}/${h.host}`, p }))),
    ...r.pointers.map((p) => ({
      who: `a new host with secret ${p.userData}`,
      p: { ...p, at: p.at ?? r.generatedAt },
    })),
  ].find((x) => x.p.verdict === 'fail');
  if (doomed) {
    facts.push({ term: 'Host', role: 'host', detail: doomed.who });
    facts.push({ term: 'Its console will show', role: 'prediction', detail: prediction(doomed.p) });
  }
  const vips = r.cluster.apiVips.length ? markup`, API VIPs ${r.cluster.apiVips.join(', ')}` : '';
  const body: Html[] = [
    summary({
      heading: 'mcs-doctor preflight',
      tone: r.verdict === 'pass' ? 'pass' : 'fail',
      verdict: r.verdict === 'pass' ? 'pass' : 'problems found',
      meta: markup`OpenShift ${r.cluster.version ?? '?'}, platform ${r.cluster.platform ?? '?'}, api-int <code>${r.cluster.apiServerInternalURI ?? '?'}</code>${vips}. Source: ${r.source.kind} <code>${r.source.location}</code>. Boot image: Ignition ${r.bootImage.ignitionVersion} (${r.bootImage.detail}).`,
      facts,
    }),
    section('pointers', 'What new hosts will fetch (from this machine, now)', [
      table(
        [
          { header: 'User-data secret' },
          { header: 'Used by' },
          { header: 'URL' },
          { header: `Ignition ${r.bootImage.ignitionVersion} would` },
        ],
        r.pointers.map((p) => [
          p.userData,
          p.usedBy.join(', '),
          p.url ? markup`<code>${p.url}</code>` : '',
          p.problem
            ? badge('fail', p.problem)
            : markup`${prediction(p)}${p.afterExpiry?.ignitionLine ? markup`<p>A host booting after the served chain expires (<time datetime="${seconds(p.afterExpiry.at)}">${seconds(p.afterExpiry.at)}</time>) would log:</p>${commandBlock(p.afterExpiry.ignitionLine)}` : ''}`,
        ]),
      ),
    ]),
    section('hosts', 'Hosts waiting for their first boot', [
      r.hosts.length === 0
        ? markup`<p>None: every worker BareMetalHost is provisioned (--host NAME adds one).</p>`
        : table(
            [{ header: 'Host' }, { header: 'State' }, { header: 'BMC clock' }, { header: 'Its first boot' }],
            r.hosts.map((h) => ({
              attrs: { 'data-host': h.host },
              cells: [
                markup`${h.namespace}/${h.host}${h.inspectedHostname !== undefined ? markup`<br><span class="muted">hostname ${h.inspectedHostname || '(none)'}</span>` : ''}`,
                h.state || 'no state',
                h.clock.source === 'bmc'
                  ? markup`<time datetime="${seconds(h.clock.at)}">${seconds(h.clock.at)}</time> (${h.clock.offset ?? '?'})`
                  : markup`${badge(h.bmc.read === 'failed' ? 'fail' : 'idle', 'not read')} ${h.bmc.detail}`,
                markup`${h.predictions.map((p) => markup`<p>given secret ${p.userData}:</p>${prediction(p)}`)}${h.clientCsr?.verdict === 'pending' ? markup`<p>${badge('fail', 'CSR pending')} its kubelet's client CSR (as ${h.clientCsr.nodeName}) will stay Pending: ${h.clientCsr.reason ?? ''}</p>` : ''}`,
              ],
            })),
          ),
    ]),
    section('checks', 'Checks', [checksTable(r.checks)]),
  ];
  if (r.problems.length)
    body.push(
      section('problems', 'Problems to fix before adding hosts', [
        markup`<ul>${r.problems.map((p) => markup`<li>${p}</li>`)}</ul>`,
      ]),
    );
  return renderPage(
    {
      title: `mcs-doctor preflight: ${r.verdict === 'pass' ? 'pass' : `problems found (${failing.length} of ${r.checks.length} checks)`}`,
      footer: markup`Written by ${r.tool.name} ${r.tool.version} at <time datetime="${seconds(r.generatedAt)}">${seconds(r.generatedAt)}</time>; exit code ${r.exitCode}.`,
    },
    body,
  );
}
