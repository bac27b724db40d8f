/**
 * Reads hand-typed error text (a message retyped from a screenshot into an issue or a chat, with
 * typos, lost punctuation or another case: `cetificate signed by unknown autority`) as the Go
 * message it stands for. Only where the meaning is unambiguous: the words must follow one known
 * phrase in order, each within a small edit distance, and no phrase of another cause may match
 * as well. Exact matching always runs first; this is the fallback for short pasted text.
 */
import type { Classified } from './log-signatures.js';
import { workerSignature } from './log-signatures.js';

/** Canonical phrases of Go's and Ignition's messages, each with the signature it means. */
const PHRASES: Array<[phrase: string, signatureId: string]> = [
  ['certificate signed by unknown authority', 'x509-unknown-authority'],
  ['certificate has expired or is not yet valid', 'x509-expired-or-not-yet-valid'],
  ['certificate has expired', 'x509-expired-or-not-yet-valid'],
  ['certificate is not yet valid', 'x509-not-yet-valid'],
  ['certificate is valid for', 'x509-name-mismatch'],
  ["doesn't contain any ip sans", 'x509-no-ip-sans'],
  ['certificate specifies an incompatible key usage', 'x509-key-usage'],
  ['server gave http response to https client', 'http-to-https'],
  ['first record does not look like a tls handshake', 'tls-not-a-handshake'],
  ['connection refused', 'tcp-refused'],
  ['no route to host', 'tcp-no-route'],
  ['network is unreachable', 'tcp-network-unreachable'],
  ['no such host', 'dns-no-such-host'],
  ['tls handshake timeout', 'timeout'],
  ['timeout awaiting response headers', 'timeout'],
  ['context deadline exceeded', 'timeout'],
  ['connection reset by peer', 'connection-reset'],
  ['unsupported config version', 'unsupported-config-version'],
  ['failed to verify certificate', 'tls-verify-failed'],
];

const PHRASE_WORDS = PHRASES.map(([phrase, id]) => ({ phrase, id, words: words(phrase) }));

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9/']+/)
    .filter(Boolean);
}

/** Typos allowed in a word: none in short words, where one letter changes the meaning. */
function allowance(word: string): number {
  return word.length <= 3 ? 0 : word.length <= 6 ? 1 : 2;
}

/** Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps), capped. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > cap) return cap + 1;
    prev2.splice(0, prev2.length, ...prev);
    prev = cur;
  }
  return prev[b.length] as number;
}

/** Where the phrase's words occur in order in `text`, and how many typos that took; undefined when they do not. */
function find(text: string[], phrase: string[]): { typos: number } | undefined {
  for (let start = 0; start + phrase.length <= text.length; start++) {
    let typos = 0;
    let ok = true;
    for (let k = 0; k < phrase.length; k++) {
      const want = phrase[k] as string;
      const d = distance(text[start + k] as string, want, allowance(want));
      if (d > allowance(want)) {
        ok = false;
        break;
      }
      typos += d;
    }
    if (ok) return { typos };
  }
  return undefined;
}

/**
 * A failure read from hand-typed text, or undefined when no phrase matches or phrases of
 * different causes match (ambiguous text is left unclassified, never guessed).
 */
export function classifyLeniently(message: string): Classified | undefined {
  const text = words(message);
  if (text.length === 0) return undefined;
  const hits = PHRASE_WORDS.flatMap((p) => {
    const f = find(text, p.words);
    return f ? [{ ...p, typos: f.typos }] : [];
  });
  if (hits.length === 0) return undefined;
  // The longest phrase read is the most specific; others it contains say the same.
  hits.sort((a, b) => b.words.length - a.words.length || a.typos - b.typos);
  const best = hits[0] as (typeof hits)[number];
  const signature = workerSignature(best.id);
  if (!signature) return undefined;
  const causes = new Set(hits.map((h) => workerSignature(h.id)?.cause));
  if (causes.size > 1) return undefined;
  return { kind: 'failure', signature, evidence: {}, readAs: best.phrase };
}
