/**
 * A status as people read it on a page: a symbol and a word, coloured, so that colour is never
 * the only signal (the symbol and the word say it in print, to a screen reader and to anyone
 * who does not tell red from green).
 */
import { markup, type Html } from './escape.js';

/** The tones a badge can take; each has its colour in the page's CSS (light, dark and print). */
export type Tone = 'pass' | 'fail' | 'warn' | 'unknown' | 'idle';

/** Symbols per tone: ✓ pass, ✗ fail, ! warning, ? unknown, – not reached or skipped. */
export const TONE_SYMBOL: Record<Tone, string> = {
  pass: '\u2713',
  fail: '\u2717',
  warn: '!',
  unknown: '?',
  idle: '\u2013',
};

/**
 * `<span class="badge tone-fail">✗ fail</span>`: the symbol is hidden from screen readers, which
 * read the word. `symbol` overrides the tone's own (`…` for a stage in progress).
 */
export function badge(tone: Tone, label: string, options: { symbol?: string; title?: string } = {}): Html {
  return markup`<span class="badge tone-${tone}"${options.title ? markup` title="${options.title}"` : ''}><span class="sym" aria-hidden="true">${options.symbol ?? TONE_SYMBOL[tone]}</span> ${label}</span>`;
}

/** The tone of the statuses the reports use (checks, stages, certificates, verdicts). */
export function toneOf(status: string): Tone {
  switch (status) {
    case 'pass':
    case 'ok':
    case 'healthy':
    case 'joined':
      return 'pass';
    case 'fail':
    case 'failing':
    case 'problem':
    case 'expired':
    case 'unparsable':
      return 'fail';
    case 'warn':
    case 'expiring':
    case 'not-yet-valid':
    case 'inconclusive':
      return 'warn';
    case 'unknown':
      return 'unknown';
    default:
      return 'idle';
  }
}

/** A neutral label (a confidence, a kind): a word in a box, no status. */
export function tag(label: string): Html {
  return markup`<span class="tag">${label}</span>`;
}
