/**
 * The rows of a certificate inventory, in report order, without holding them all: the first
 * rows are kept as objects; past `memoryRows` every row is written as a JSON line to a file that
 * is unlinked as soon as it is opened (it disappears with the process, whatever happens) and read
 * back, in order, each time the rows are iterated. What stays in memory is an index of about a
 * hundred bytes a row (its sort key, where its line is, a patch if it was changed after), so
 * listing 30,000 certificates costs what listing 3,000 does. The rows hold only public facts
 * (names, dates, serials, fingerprints), never a key; the file is 0600 all the same.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertHolderKind, CertRow, CertRowList } from '../../core/certs.js';

/** Past this many rows, they go to the file. */
export const DEFAULT_MEMORY_ROWS = 2000;
/** Lines are written in batches of about this many bytes, and read back in blocks of it. */
const BLOCK_BYTES = 64 * 1024;

const KIND_ORDER: Record<CertHolderKind, string> = { Secret: '0', ConfigMap: '1', UserData: '2' };

/**
 * Sorts as the report lists rows: by kind, namespace, name, key, then position in the value.
 * NUL sorts before every character a Kubernetes name or key may hold, so comparing the joined
 * strings compares the fields one after the other.
 */
function sortKey(r: CertRow): string {
  return `${KIND_ORDER[r.kind]}\u0000${r.namespace}\u0000${r.name}\u0000${r.key}\u0000${String(r.index).padStart(10, '0')}`;
}

interface Entry {
  key: string;
  /** The row itself while in memory. */
  row?: CertRow;
  /** Where its JSON line is in the file, once spooled. */
  offset: number;
  length: number;
  patch?: Partial<CertRow>;
}

export interface CertRowSpoolOptions {
  /** Rows kept as objects before the spool moves to a file (0: every row goes to the file). */
  memoryRows?: number;
  /** Where the file is made (default: the system's temporary directory). */
  dir?: string;
}

/** A row added, to patch it once what it copies is known (stable across the sort). */
export type RowHandle = object;

export class CertRowSpool implements CertRowList {
  readonly #memoryRows: number;
  readonly #dir: string;
  #entries: Entry[] = [];
  #fd: number | undefined;
  #fileBytes = 0;
  #pending: string[] = [];
  #pendingBytes = 0;
  #sorted = true;
  #closed = false;
  #spillTried = false;

  constructor(options: CertRowSpoolOptions = {}) {
    this.#memoryRows = options.memoryRows ?? DEFAULT_MEMORY_ROWS;
    this.#dir = options.dir ?? tmpdir();
  }

  get length(): number {
    return this.#entries.length;
  }

  /** Whether the rows went to a file (for the figures of a benchmark and for tests). */
  get spooled(): boolean {
    return this.#fd !== undefined;
  }

  add(row: CertRow): RowHandle {
    if (this.#closed) throw new Error('certificate rows added after the spool was closed');
    const entry: Entry = { key: sortKey(row), offset: 0, length: 0 };
    const last = this.#entries[this.#entries.length - 1];
    if (last && last.key > entry.key) this.#sorted = false;
    this.#entries.push(entry);
    if (!this.#spillTried && this.#entries.length > this.#memoryRows) this.#spill();
    if (this.#fd !== undefined) this.#write(entry, row);
    else entry.row = row;
    return entry;
  }

  /** Changes fields of a row already added (a copy found to be managed). */
  patch(handle: RowHandle, fields: Partial<CertRow>): void {
    const entry = handle as Entry;
    if (entry.row) Object.assign(entry.row, fields);
    else entry.patch = { ...entry.patch, ...fields };
  }

  /** Every row, in report order; may be iterated again. */
  *[Symbol.iterator](): Iterator<CertRow> {
    this.#seal();
    const reader = this.#reader();
    for (const entry of this.#entries) yield reader(entry);
  }

  /** One row, as iterating would give it (for the few rows a copy is resolved against). */
  get(handle: RowHandle): CertRow {
    this.#flush();
    return this.#reader()(handle as Entry);
  }

  /** Whether two rows are of the same object (kind, namespace and name). */
  sameObject(a: RowHandle, b: RowHandle): boolean {
    const ka = (a as Entry).key;
    const kb = (b as Entry).key;
    const objectEnd = (k: string): number => k.indexOf('\u0000', k.indexOf('\u0000', 2) + 1);
    const end = objectEnd(ka);
    return end === objectEnd(kb) && ka.slice(0, end) === kb.slice(0, end);
  }

  /** Compares two rows in report order. */
  compare(a: RowHandle, b: RowHandle): number {
    const ka = (a as Entry).key;
    const kb = (b as Entry).key;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }

  /** Reads entries, keeping the last block read: rows read in order are mostly in the same block. */
  #reader(): (entry: Entry) => CertRow {
    let block: Buffer | undefined;
    let blockStart = 0;
    return (entry) => {
      if (entry.row) return entry.row;
      if (!block || entry.offset < blockStart || entry.offset + entry.length > blockStart + block.length) {
        block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, entry.length));
        const read = readSync(
          this.#fd!,
          block,
          0,
          Math.min(block.length, this.#fileBytes - entry.offset),
          entry.offset,
        );
        block = block.subarray(0, read);
        blockStart = entry.offset;
      }
      const at = entry.offset - blockStart;
      const row = JSON.parse(block.toString('utf8', at, at + entry.length)) as CertRow;
      return entry.patch ? Object.assign(row, entry.patch) : row;
    };
  }

  /** JSON.stringify of a report gives its rows as an array (the whole list: for small reports and tests). */
  toJSON(): CertRow[] {
    return [...this];
  }

  /** Lets the file go (it is already unlinked: this returns its space now rather than at exit). */
  close(): void {
    this.#closed = true;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#entries = [];
  }

  #spill(): void {
    this.#spillTried = true;
    let fd: number;
    try {
      const dir = mkdtempSync(join(this.#dir, 'mcs-doctor-certs-'));
      try {
        fd = openSync(join(dir, 'rows.jsonl'), 'wx+', 0o600);
      } finally {
        // Unlinked at once: nothing is left behind, whatever ends the process.
        rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      // No writable temporary directory: the rows stay in memory, as they would have without a spool.
      return;
    }
    this.#fd = fd;
    for (const entry of this.#entries) {
      if (entry.row) {
        const row = entry.row;
        delete entry.row;
        this.#write(entry, row);
      }
    }
  }

  #write(entry: Entry, row: CertRow): void {
    const line = JSON.stringify(row);
    entry.offset = this.#fileBytes + this.#pendingBytes;
    entry.length = Buffer.byteLength(line);
    this.#pending.push(line);
    this.#pendingBytes += entry.length;
    if (this.#pendingBytes >= BLOCK_BYTES) this.#flush();
  }

  #flush(): void {
    if (this.#fd === undefined || this.#pending.length === 0) return;
    const data = Buffer.from(this.#pending.join(''));
    let written = 0;
    while (written < data.length) {
      written += writeSync(this.#fd, data, written, data.length - written, this.#fileBytes + written);
    }
    this.#fileBytes += data.length;
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #seal(): void {
    if (this.#closed) throw new Error('certificate rows read after the spool was closed');
    this.#flush();
    if (!this.#sorted) {
      // Lists read at the same time interleave; within each, the API server's order is already ours.
      this.#entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.#sorted = true;
    }
  }
}
