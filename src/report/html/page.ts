/**
 * The page shell every HTML report shares: one self-contained document (inline CSS, no script,
 * no font, image or style fetched: a Content-Security-Policy says so to the browser too), light
 * and dark schemes from `prefers-color-scheme`, a print style (light, no backgrounds lost, no box
 * cut across pages), and a layout that reflows down to 320 CSS pixels (200% zoom and more).
 */
import { join, markup, raw, type Html, type HtmlValue } from './escape.js';

const LIGHT: Record<string, string> = {
  fg: '#1b1b1b',
  bg: '#ffffff',
  muted: '#545454',
  border: '#b9b9b9',
  panel: '#f3f4f6',
  accent: '#0b57d0',
  pass: '#17631a',
  'pass-bg': '#e3f3e4',
  fail: '#b3001b',
  'fail-bg': '#fde7ea',
  warn: '#8a4f00',
  'warn-bg': '#fff1d6',
  unknown: '#6b4fa0',
  'unknown-bg': '#eee8f8',
  idle: '#5f5f5f',
  'idle-bg': '#ececec',
};

const DARK: Record<string, string> = {
  fg: '#e9e9e9',
  bg: '#141414',
  muted: '#b0b0b0',
  border: '#4a4a4a',
  panel: '#202225',
  accent: '#8ab4f8',
  pass: '#86d98a',
  'pass-bg': '#15301a',
  fail: '#ff8b94',
  'fail-bg': '#3d1519',
  warn: '#f4c267',
  'warn-bg': '#3a2c0d',
  unknown: '#c7b4f0',
  'unknown-bg': '#2b2340',
  idle: '#a8a8a8',
  'idle-bg': '#2a2a2a',
};

const vars = (v: Record<string, string>): string =>
  Object.entries(v)
    .map(([k, c]) => `--${k}:${c}`)
    .join(';');

const TONES = ['pass', 'fail', 'warn', 'unknown', 'idle'];

/** The stylesheet, inline in every page. Class names are part of the component API (see index.ts). */
export const PAGE_CSS = [
  `:root{color-scheme:light dark;${vars(LIGHT)}}`,
  `@media (prefers-color-scheme:dark){:root{${vars(DARK)}}}`,
  '*{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%;text-size-adjust:100%}',
  'body{font:16px/1.45 system-ui,"DejaVu Sans","Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:1rem 1.25rem 3rem;max-width:72rem;overflow-wrap:break-word}',
  'h1{font-size:1.45rem;margin:.1em 0 .4em;line-height:1.25}',
  'h2{font-size:1.2rem;margin:1.8em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--border)}',
  'h3{font-size:1.05rem;margin:1.2em 0 .4em}',
  'p{margin:.4em 0}',
  'a{color:var(--accent)}',
  'code,pre{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:.88em}',
  'pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25em 0;padding:.5em .7em;background:var(--panel);border:1px solid var(--border);border-radius:4px;max-width:100%}',
  'pre code{font-size:inherit}',
  '.muted{color:var(--muted)}',
  '.meta{color:var(--muted);font-size:.9rem;margin:0 0 .6em}',
  // badges: a symbol, a word, a colour
  '.badge{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 .35em;font-weight:600;font-size:.9em;white-space:nowrap;line-height:1.35}',
  '.tag{display:inline-block;border:1px solid var(--border);border-radius:3px;padding:0 .35em;font-size:.85em;color:var(--muted);white-space:nowrap}',
  '.badge .sym{display:inline-block;min-width:.8em;text-align:center}',
  ...TONES.map((t) => `.tone-${t}{color:var(--${t});background:var(--${t}-bg)}`),
  // the first screen
  '.summary{border:1px solid var(--border);border-left:.5rem solid var(--idle);border-radius:6px;padding:.7rem 1rem .8rem;background:var(--bg)}',
  ...TONES.map((t) => `.summary.tone-${t}{border-left-color:var(--${t});color:var(--fg)}`),
  '.summary h1 .badge{font-size:1em}',
  '.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.35em 1em;margin:.5em 0 0}',
  '.facts dt{font-weight:600}',
  '.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}',
  '@media (max-width:42rem){.facts{grid-template-columns:minmax(0,1fr);gap:.1em}.facts dd{margin-bottom:.5em}}',
  // copyable commands
  '.cmd{margin:.3em 0;min-width:0}',
  '.cmd-label{display:block;font-size:.85rem;color:var(--muted)}',
  '.cmd pre{border-left:3px solid var(--accent)}',
  // tables
  '.table-wrap{max-width:100%;overflow-x:auto}',
  'table{border-collapse:collapse;width:100%;margin:.4em 0}',
  'caption{text-align:left;font-weight:600;padding:.2em 0}',
  'th,td{border:1px solid var(--border);padding:.25em .5em;text-align:left;vertical-align:top;min-width:0}',
  'th{background:var(--panel);overflow-wrap:normal}',
  'td time{white-space:nowrap}',
  'td.wrap{overflow-wrap:anywhere}',
  'table.dense{font-size:.85rem}',
  'td ul{margin:0;padding-left:1.1em}',
  '@media screen and (max-width:42rem){table,thead,tbody,tr,td,caption{display:block;width:auto}thead tr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}tr{border:1px solid var(--border);border-radius:4px;margin:0 0 .5em}td{border:0;border-top:1px solid var(--border);overflow-wrap:anywhere}tr td:first-child{border-top:0}td::before{content:attr(data-label);display:block;font-size:.8rem;font-weight:600;color:var(--muted)}td time{white-space:normal}}',
  // the join pipeline
  '.pipeline{list-style:none;margin:.4em 0 .8em;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(10.5rem,1fr));gap:.45rem;align-items:start}',
  '.stage{overflow-wrap:anywhere;border:1px solid var(--border);border-top:.35rem solid var(--idle);border-radius:4px;padding:.3em .5em .4em;font-size:.9rem;min-width:0;background:var(--bg)}',
  ...TONES.map((t) => `.stage.tone-${t}{border-top-color:var(--${t});color:var(--fg)}`),
  '.stage.tone-fail{border-width:2px;border-top-width:.35rem;border-color:var(--fail);background:var(--fail-bg)}',
  '.stage .step{color:var(--muted);font-size:.8rem}',
  '.stage .stage-title{display:block;font-weight:600;margin:.15em 0}',
  '.stage .detail{display:block;color:var(--muted);font-size:.82rem}',
  '.stage .first{display:block;font-weight:700;color:var(--fail);font-size:.85rem}',
  // the certificate timeline
  '.timeline{margin:.5em 0}',
  '.timeline svg{display:block;width:100%;max-width:56rem;height:auto}',
  '.timeline text{fill:var(--fg);font-family:inherit;font-size:13px}',
  '.timeline .plot{fill:var(--panel);stroke:var(--border)}',
  '.timeline .tick{stroke:var(--border)}',
  '.timeline .tick-label{fill:var(--muted);font-size:11px}',
  '.timeline .bar{stroke-width:1.5}',
  ...TONES.map((t) => `.timeline .bar.tone-${t}{fill:var(--${t}-bg);stroke:var(--${t})}`),
  '.timeline .bar.tone-fail{stroke-dasharray:5 3}',
  '.timeline .bar.tone-warn{stroke-dasharray:2 2}',
  '.timeline .marker{stroke:var(--fg);stroke-width:2}',
  '.timeline .marker.host{stroke:var(--fail);stroke-dasharray:6 3}',
  '.timeline .marker-letter{font-weight:700;text-anchor:middle}',
  '.timeline .row-label{text-anchor:end;fill:var(--muted)}',
  '.legend{margin:.3em 0;padding-left:1.2em}',
  // print: light, everything shown, nothing cut across pages
  `@media print{:root{color-scheme:light;${vars(LIGHT)}}body{max-width:none;padding:0;font-size:10.5pt}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}.summary,.stage,pre,tr,figure,.cause{break-inside:avoid}h2,h3{break-after:avoid}.table-wrap{overflow:visible}td{overflow-wrap:anywhere}td time{white-space:normal}a{color:inherit;text-decoration:none}}`,
].join('\n');

/**
 * What no page may load: everything but its own inline style and `data:` images. A browser
 * that opens a report therefore makes no request, whatever the text inside it.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export interface PageOptions {
  /** The document title (the browser tab, the printed header). */
  title: string;
  /** Extra CSS for this page, appended to PAGE_CSS. */
  css?: string;
}

/** The start of a page, up to and including `<body>`: for renderers that stream their output. */
export function pageStart(options: PageOptions): Html {
  const css = options.css ? `${PAGE_CSS}\n${options.css}` : PAGE_CSS;
  return markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="color-scheme" content="light dark">
<title>${options.title}</title>
<style>
${raw(css)}
</style>
</head>
<body>
`;
}

/** The end of a page: a footer (the tool that wrote it, when), and the closing tags. */
export function pageEnd(footer?: HtmlValue): Html {
  return markup`<footer class="muted"><p>${footer ?? ''}</p></footer>
</body>
</html>
`;
}

/** One whole page. */
export function renderPage(
  options: PageOptions & { footer?: HtmlValue },
  body: readonly HtmlValue[],
): string {
  return join([pageStart(options), join(body, '\n'), '\n', pageEnd(options.footer)]).value;
}

/** A `<section>` with its heading (`h2`), labelled by it for assistive technology. */
export function section(id: string, heading: HtmlValue, body: readonly HtmlValue[]): Html {
  return markup`<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${heading}</h2>
${join(body, '\n')}
</section>`;
}
