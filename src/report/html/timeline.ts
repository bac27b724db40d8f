/**
 * The certificate validity timeline as one inline SVG: a bar per certificate from notBefore to
 * notAfter, and a vertical marker per point in time (now or the must-gather time, each host's
 * clock) on one linear axis. The axis (`rect.plot`) carries `data-from`/`data-to`, each bar
 * `data-from`/`data-to`, each marker `data-at` (ISO 8601), so a reader can check any position:
 * x = plot.x + (t - from) / (to - from) * plot.width. Every element has a `<title>` with the
 * exact dates (the browser shows it on hover), and a table under the picture says the same in
 * words, so nothing depends on seeing the picture or its colours.
 */
import { badge, type Tone } from './badge.js';
import { markup, type Html } from './escape.js';
import { table } from './table.js';

export interface TimelineCert {
  label: string;
  /** Other places the same certificate was met (shown after the label). */
  alsoIn?: string[];
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
}

export interface TimelineMarker {
  /** One letter, drawn at the top of the marker. */
  letter: string;
  label: string;
  at: string;
  /** The time the report is judged at (now, the must-gather time) or a host's clock. */
  kind: 'reference' | 'host';
}

/** The drawing's own units (the viewBox); the SVG scales to its box. */
const W = 720;
const PLOT_X = 34;
const PLOT_W = W - PLOT_X - 14;
const TOP = 34;
const ROW_H = 24;
const BAR_H = 14;
const AXIS_H = 26;

const DAY = 86_400_000;

const second = (iso: string): string => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoOf = (t: number): string => second(new Date(t).toISOString());

/** The span drawn: every date, with a margin of 4% on each side (a day when they are all equal). Whole seconds. */
export function timelineSpan(
  certs: readonly TimelineCert[],
  markers: readonly TimelineMarker[],
): { from: number; to: number } {
  const times = [
    ...certs.flatMap((c) => [Date.parse(c.notBefore), Date.parse(c.notAfter)]),
    ...markers.map((m) => Date.parse(m.at)),
  ].filter((t) => Number.isFinite(t));
  if (times.length === 0) return { from: 0, to: DAY };
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const pad = hi === lo ? DAY : (hi - lo) * 0.04;
  return { from: Math.floor((lo - pad) / 1000) * 1000, to: Math.ceil((hi + pad) / 1000) * 1000 };
}

/** Round dates for the axis: years, months or days, at most about eight of them. */
function ticks(from: number, to: number): Array<{ at: number; label: string }> {
  const span = to - from;
  const out: Array<{ at: number; label: string }> = [];
  const start = new Date(from);
  if (span > 2 * 365 * DAY) {
    const years = span / (365 * DAY);
    const step = [1, 2, 5, 10, 20, 50, 100].find((s) => years / s <= 8) ?? 200;
    for (let y = Math.ceil(start.getUTCFullYear() / step) * step; Date.UTC(y, 0, 1) <= to; y += step) {
      const at = Date.UTC(y, 0, 1);
      if (at >= from) out.push({ at, label: String(y) });
    }
  } else if (span > 60 * DAY) {
    const months = span / (30 * DAY);
    const step = [1, 2, 3, 6, 12].find((s) => months / s <= 8) ?? 12;
    for (
      let m = start.getUTCFullYear() * 12 + start.getUTCMonth();
      Date.UTC(Math.floor(m / 12), m % 12, 1) <= to;
      m += 1
    ) {
      const at = Date.UTC(Math.floor(m / 12), m % 12, 1);
      if (m % step === 0 && at >= from) out.push({ at, label: new Date(at).toISOString().slice(0, 7) });
    }
  } else {
    const days = span / DAY;
    const step = [1, 2, 7, 14, 30].find((s) => days / s <= 8) ?? 30;
    for (let d = Math.ceil(from / DAY); d * DAY <= to; d += 1) {
      if (d % step === 0) out.push({ at: d * DAY, label: new Date(d * DAY).toISOString().slice(0, 10) });
    }
  }
  return out;
}

/** A certificate at a point in time: valid, expired, or not yet valid. */
export function validityAt(c: TimelineCert, at: string): 'valid' | 'expired' | 'not yet valid' {
  const t = Date.parse(at);
  if (t > Date.parse(c.notAfter)) return 'expired';
  if (t < Date.parse(c.notBefore)) return 'not yet valid';
  return 'valid';
}

const VALIDITY_TONE: Record<ReturnType<typeof validityAt>, Tone> = {
  valid: 'pass',
  expired: 'fail',
  'not yet valid': 'warn',
};

const fmt = (n: number): string => n.toFixed(2).replace(/\.?0+$/, '');

/** The picture, its legend and its table. `caption` names what is drawn. */
export function certificateTimeline(
  certs: readonly TimelineCert[],
  markers: readonly TimelineMarker[],
  options: { caption: string; id?: string },
): Html {
  const { from, to } = timelineSpan(certs, markers);
  const x = (iso: string): number => PLOT_X + ((Date.parse(iso) - from) / (to - from)) * PLOT_W;
  const plotH = certs.length * ROW_H + 8;
  const height = TOP + plotH + AXIS_H;
  const reference = markers.find((m) => m.kind === 'reference');
  const id = options.id ?? 'timeline';

  // Letters of markers close together go on two lines so they never overlap.
  const letterLine = new Map<TimelineMarker, number>();
  let lastX = -Infinity;
  let line = 0;
  for (const m of [...markers].sort((a, b) => x(a.at) - x(b.at))) {
    line = x(m.at) - lastX < 16 ? (line + 1) % 2 : 0;
    letterLine.set(m, line);
    lastX = x(m.at);
  }

  const bars = certs.map((c, i) => {
    const y = TOP + 4 + i * ROW_H + (ROW_H - BAR_H) / 2;
    const state = reference ? validityAt(c, reference.at) : 'valid';
    const x0 = x(c.notBefore);
    const width = Math.max(0.5, x(c.notAfter) - x0);
    const title = `${i + 1}. ${c.label}${c.alsoIn?.length ? ` (also ${c.alsoIn.join('; ')})` : ''}: ${c.subject}, valid ${second(c.notBefore)} to ${second(c.notAfter)}${reference ? `; ${state} at ${reference.label}` : ''}`;
    return markup`<text class="row-label" x="${fmt(PLOT_X - 6)}" y="${fmt(y + BAR_H - 2)}">${i + 1}</text>
<rect class="bar tone-${VALIDITY_TONE[state]}" x="${fmt(x0)}" y="${fmt(y)}" width="${fmt(width)}" height="${BAR_H}" data-from="${second(c.notBefore)}" data-to="${second(c.notAfter)}" data-row="${i + 1}"><title>${title}</title></rect>
`;
  });
  const axisTicks = ticks(from, to).map((t) => {
    const tx = fmt(PLOT_X + ((t.at - from) / (to - from)) * PLOT_W);
    return markup`<line class="tick" x1="${tx}" x2="${tx}" y1="${TOP}" y2="${TOP + plotH + 4}"/><text class="tick-label" x="${tx}" y="${TOP + plotH + 18}" text-anchor="middle">${t.label}</text>
`;
  });
  const marks = markers.map((m) => {
    const mx = fmt(x(m.at));
    const y = 12 + (letterLine.get(m) ?? 0) * 14;
    return markup`<line class="marker ${m.kind}" x1="${mx}" x2="${mx}" y1="${TOP - 4}" y2="${TOP + plotH}" data-at="${second(m.at)}" data-letter="${m.letter}" data-label="${m.label}"><title>${m.letter} = ${m.label}: ${second(m.at)}</title></line>
<text class="marker-letter" x="${mx}" y="${y}"><title>${m.label}: ${second(m.at)}</title>${m.letter}</text>
`;
  });
  const desc = `${certs.length} certificate(s) on an axis from ${isoOf(from)} to ${isoOf(to)}; markers: ${markers.map((m) => `${m.letter} ${m.label} ${second(m.at)}`).join(', ')}`;
  const svg = markup`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc">
<title id="${id}-title">${options.caption}</title>
<desc id="${id}-desc">${desc}</desc>
<rect class="plot" x="${PLOT_X}" y="${TOP}" width="${PLOT_W}" height="${plotH}" data-from="${isoOf(from)}" data-to="${isoOf(to)}"/>
${axisTicks}${bars}${marks}</svg>`;

  const legend = markers.map(
    (m) =>
      markup`<li data-marker="${m.letter}"><strong>${m.letter}</strong> = ${m.label}: <time datetime="${second(m.at)}">${second(m.at)}</time> (${m.kind === 'host' ? 'dashed line' : 'solid line'})</li>`,
  );
  const details = table(
    [
      { header: '#' },
      { header: 'Certificate' },
      { header: 'Subject' },
      { header: 'Issuer' },
      { header: 'Not before' },
      { header: 'Not after' },
      ...markers.map((m) => ({ header: `At ${m.letter} (${m.label})` })),
    ],
    certs.map((c, i) => [
      String(i + 1),
      c.alsoIn?.length
        ? markup`${c.label}<br><span class="muted">also ${c.alsoIn.join('; ')}</span>`
        : c.label,
      c.subject,
      c.issuer,
      markup`<time datetime="${second(c.notBefore)}">${second(c.notBefore)}</time>`,
      markup`<time datetime="${second(c.notAfter)}">${second(c.notAfter)}</time>`,
      ...markers.map((m) => {
        const v = validityAt(c, m.at);
        return badge(VALIDITY_TONE[v], v);
      }),
    ]),
  );
  return markup`<figure class="timeline" id="${id}">
${svg}
<figcaption>${options.caption}. Bars: the validity of each certificate, numbered as in the table below (dashed: expired at ${reference?.label ?? 'the reference time'}; dotted: not yet valid). Markers:<ul class="legend">${legend}</ul></figcaption>
</figure>
${details}`;
}
