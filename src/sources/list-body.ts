/**
 * A Kubernetes list answer read as it arrives: each element of its top-level `items` array is
 * cut out of the byte stream and parsed on its own, and the rest (kind, apiVersion, metadata with
 * `continue`) is parsed as the list with `"items": []`. A page of 500 secrets is never one
 * 2.5 MB string: such strings outlive every minor collection, and a listing of 10,000 secrets
 * would hold twenty of them until the next full one. Each item's text is a few kilobytes and dies
 * young. The scanner knows only JSON's structure (strings with their escapes, braces, brackets);
 * what it cuts out is parsed by JSON.parse, so malformed text is still reported as malformed.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;

/** The answer is not the JSON of a list: what the API server said cannot be read. */
export class MalformedListError extends Error {}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MalformedListError(`${what}: ${(err as Error).message}`);
  }
}

export interface ListBody {
  /** The list without its items: `kind`, `apiVersion`, `metadata`. */
  shell: Record<string, unknown>;
  /** undefined when the answer has no `items` array (not a list). */
  items: unknown[] | undefined;
}

export interface ListBodyHooks {
  /** What to keep of each item, made as it is parsed. */
  each?: (item: unknown) => unknown;
  /**
   * The list's other fields, as soon as the items begin when they come last (as the API server
   * writes them): `metadata.continue` names the next page before this one's items are read.
   */
  onShell?: (shell: Record<string, unknown>) => void;
}

export class ListBodyReader {
  /** Nesting: 1 inside the list object, 2 inside its items array, 3+ inside an item. */
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Bytes of the string being read at depth 1 (a key of the list object), to spot `items`. */
  #key: number[] | undefined;
  #lastKey = '';
  #afterColon = false;
  #inItems = false;
  #itemsDone = false;
  /** The shell's bytes, and the current item's, as slices of the chunks they came in. */
  #shell: Buffer[] = [];
  #item: Buffer[] = [];
  #items: unknown[] = [];
  #itemsSeen = false;
  readonly #keep: ((item: unknown) => unknown) | undefined;
  readonly #onShell: ((shell: Record<string, unknown>) => void) | undefined;

  constructor(hooks: ListBodyHooks = {}) {
    this.#keep = hooks.each;
    this.#onShell = hooks.onShell;
  }

  write(chunk: Buffer): void {
    let i = 0;
    // Where the current run of bytes for the shell or the item began in this chunk.
    let runStart = 0;
    const n = chunk.length;
    // The next backslash at or after i, found once per run of strings rather than once per string.
    let slashAt = -2;
    while (i < n) {
      if (this.#inString) {
        if (this.#escaped) {
          this.#escaped = false;
          if (this.#key) this.#key.push(chunk[i]!);
          i++;
          continue;
        }
        // Strings are most of the bytes (certificates, keys): find their end natively.
        const quote = chunk.indexOf(QUOTE, i);
        if (slashAt !== -1 && slashAt < i) slashAt = chunk.indexOf(BACKSLASH, i);
        const slash = slashAt;
        const stop = quote === -1 ? slash : slash === -1 ? quote : Math.min(quote, slash);
        if (stop === -1) {
          if (this.#key) for (let k = i; k < n; k++) this.#key.push(chunk[k]!);
          i = n;
          break;
        }
        if (this.#key) for (let k = i; k < stop; k++) this.#key.push(chunk[k]!);
        if (chunk[stop] === BACKSLASH) {
          if (this.#key) this.#key.push(BACKSLASH);
          this.#escaped = true;
          i = stop + 1;
          continue;
        }
        this.#inString = false;
        if (this.#key) {
          this.#lastKey = Buffer.from(this.#key).toString('utf8');
          this.#key = undefined;
        }
        i = stop + 1;
        continue;
      }
      const b = chunk[i]!;
      if (b === QUOTE) {
        this.#inString = true;
        if (this.#depth === 1) this.#key = [];
      } else if (b === COLON) {
        if (this.#depth === 1) this.#afterColon = true;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (
          this.#depth === 1 &&
          b === OPEN_BRACKET &&
          this.#afterColon &&
          this.#lastKey === 'items' &&
          !this.#itemsDone
        ) {
          this.#inItems = true;
          this.#itemsSeen = true;
          // The `[` stays in the shell; the items between it and `]` do not.
          this.#shell.push(chunk.subarray(runStart, i + 1));
          runStart = i + 1;
          this.#announceShell();
        } else if (this.#inItems && this.#depth === 2) {
          // An item begins: what came before it (commas, blanks) belongs to neither.
          runStart = i;
        }
        this.#depth++;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.#depth--;
        if (this.#depth < 0) throw new MalformedListError('a closing bracket with nothing open');
        if (this.#inItems && this.#depth === 2) {
          this.#item.push(chunk.subarray(runStart, i + 1));
          this.#finishItem();
          runStart = i + 1;
        } else if (this.#inItems && this.#depth === 1) {
          this.#inItems = false;
          this.#itemsDone = true;
          runStart = i;
        }
      }
      if (this.#depth === 1 && b !== COLON && b > 0x20) {
        if (b !== QUOTE) this.#afterColon = false;
      }
      i++;
    }
    if (runStart < n) {
      if (this.#inItems) {
        if (this.#depth > 2) this.#item.push(chunk.subarray(runStart, n));
      } else this.#shell.push(chunk.subarray(runStart, n));
    }
  }

  end(): ListBody {
    if (this.#depth !== 0 || this.#inString) throw new MalformedListError('the answer ends inside a value');
    const shell = parseJson(Buffer.concat(this.#shell).toString('utf8'), 'the list');
    if (shell === null || typeof shell !== 'object' || Array.isArray(shell)) {
      throw new MalformedListError('the answer is not a JSON object');
    }
    return { shell: shell as Record<string, unknown>, items: this.#itemsSeen ? this.#items : undefined };
  }

  /** The shell read so far, closed after `"items": [`: every field before the items. */
  #announceShell(): void {
    if (!this.#onShell) return;
    let shell: unknown;
    try {
      shell = JSON.parse(`${Buffer.concat(this.#shell).toString('utf8')}]}`);
    } catch {
      return; // Not parseable this early (it will be at the end): nothing to announce.
    }
    if (shell !== null && typeof shell === 'object' && !Array.isArray(shell)) {
      this.#onShell(shell as Record<string, unknown>);
    }
  }

  #finishItem(): void {
    const parts = this.#item;
    this.#item = [];
    const text = parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
    const item = parseJson(text, `item ${this.#items.length + 1}`);
    this.#items.push(this.#keep ? this.#keep(item) : item);
  }
}
