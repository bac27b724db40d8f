/**
 * HTML that escapes what it is given: `markup` is a tagged template in which every interpolated
 * string is escaped and only values already built as `Html` (by `markup` itself or `raw`) go in
 * as they are. Every component of the reports is built with it, so no text read from a cluster
 * (a certificate subject, a log line, an error message) can become markup. (The tag is not
 * called `html` because Prettier would reformat the templates as HTML.)
 */
import { escapeXml } from '../xml-escape.js';

/** A fragment of markup, safe to put in a page as it is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A value `markup` accepts: text (escaped), numbers, markup, lists of them; null, undefined and false add nothing. */
export type HtmlValue = string | number | Html | null | undefined | false | readonly HtmlValue[];

/** Markup written by this program, taken as it is: never pass it text read from elsewhere. */
export function raw(text: string): Html {
  return new Html(text);
}

/** Text escaped for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return escapeXml(text);
}

function append(out: string[], v: HtmlValue): void {
  if (v === null || v === undefined || v === false) return;
  if (v instanceof Html) out.push(v.value);
  else if (typeof v === 'string') out.push(escapeXml(v));
  else if (typeof v === 'number') out.push(String(v));
  else for (const item of v) append(out, item);
}

/** Builds markup: markup`<td>${text}</td>` escapes `text`; nested `markup` fragments are kept. */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  const out: string[] = [];
  strings.forEach((s, i) => {
    out.push(s);
    if (i < values.length) append(out, values[i]!);
  });
  return new Html(out.join(''));
}

/** Joins fragments into one. */
export function join(parts: readonly HtmlValue[], separator: HtmlValue = ''): Html {
  const out: string[] = [];
  parts.forEach((p, i) => {
    if (i > 0) append(out, separator);
    append(out, p);
  });
  return new Html(out.join(''));
}
