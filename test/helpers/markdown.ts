/**
 * Markdown as GitHub reads it, for the tests that check the docs: the prose outside code fences,
 * the headings, and the anchors GitHub gives them.
 */
import { readFileSync } from 'node:fs';

/** The text outside fenced code blocks, line by line (a fence's lines become empty). */
export function proseLines(text: string): string[] {
  let fence: string | null = null;
  return text.split('\n').map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1]![0]!;
      else if (m[1]![0] === fence) fence = null;
      return '';
    }
    return fence === null ? line : '';
  });
}

export interface Heading {
  level: number;
  text: string;
  line: number;
}

export function headings(text: string): Heading[] {
  const out: Heading[] = [];
  proseLines(text).forEach((line, i) => {
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) out.push({ level: m[1]!.length, text: m[2]!, line: i });
  });
  return out;
}

/** GitHub's anchor for a heading: its text without markup, lower-cased, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

export function markdownAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings(text)) {
    const base = slug(h.text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The anchors of a Markdown file. */
export function anchorsOf(path: string): Set<string> {
  return markdownAnchors(readFileSync(path, 'utf8'));
}
