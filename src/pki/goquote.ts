/**
 * Go's strconv.Quote (what fmt's %q prints), for the strings crypto/x509 quotes in errors.
 * goQuote takes text; goQuoteBytes takes a Go string's bytes, where invalid UTF-8 prints as
 * \xNN (names and constraints in certificates are bytes, not necessarily UTF-8).
 */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function quoteRune(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  switch (ch) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\v':
      return '\\v';
    default:
      break;
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp < 0x7f || PRINTABLE.test(ch)) return ch;
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += quoteRune(ch);
  return out + '"';
}

/** Length of the valid UTF-8 sequence at i (Go's utf8.DecodeRune rules), or 0 when invalid. */
function utf8SeqLen(b: Buffer, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** %q of a Go string given as bytes (a Buffer, or a latin1 JS string holding the bytes). */
export function goQuoteBytes(input: Buffer | string): string {
  const b = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  let out = '"';
  for (let i = 0; i < b.length;) {
    const n = utf8SeqLen(b, i);
    if (n === 0) {
      out += '\\x' + (b[i] as number).toString(16).padStart(2, '0');
      i++;
      continue;
    }
    out += quoteRune(b.subarray(i, i + n).toString('utf8'));
    i += n;
  }
  return out + '"';
}
