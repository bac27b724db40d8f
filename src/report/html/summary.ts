/**
 * The first screen of a report: the verdict as a badge in the page's `h1`, a line of context,
 * and the few facts that decide what to do (for diagnose: the host, the first failing stage,
 * the root cause, its decisive fact and the fix), as a definition list. Each fact may carry a
 * `data-role` so tests and scripts find it.
 */
import { badge, type Tone } from './badge.js';
import { join, markup, type Html, type HtmlValue } from './escape.js';

export interface SummaryFact {
  term: string;
  detail: HtmlValue;
  /** `data-role` of the `<dd>`. */
  role?: string;
}

export interface SummaryOptions {
  /** The command: `mcs-doctor diagnose`. */
  heading: string;
  tone: Tone;
  /** The verdict in words: `problem`, `healthy`. */
  verdict: string;
  /** One line of context under the heading: cluster, source, time. */
  meta?: HtmlValue;
  facts: readonly SummaryFact[];
  /** Anything after the facts (a note, links to the sections). */
  after?: HtmlValue;
}

export function summary(o: SummaryOptions): Html {
  const facts = o.facts.map(
    (f) => markup`<dt>${f.term}</dt><dd${f.role ? markup` data-role="${f.role}"` : ''}>${f.detail}</dd>`,
  );
  return markup`<header class="summary tone-${o.tone}" aria-labelledby="verdict-h">
<h1 id="verdict-h"><span data-role="verdict">${badge(o.tone, o.verdict.toUpperCase())}</span> ${o.heading}</h1>
${o.meta ? markup`<p class="meta">${o.meta}</p>` : ''}
${facts.length ? markup`<dl class="facts">${join(facts)}</dl>` : ''}
${o.after ?? ''}
</header>`;
}
