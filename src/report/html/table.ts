/**
 * Tables: a header row of `<th scope="col">`, cells escaped unless given as Html, inside a
 * wrapper that scrolls on its own if a table cannot shrink, so the page itself never scrolls
 * sideways. In a narrow window (under 42rem: 200% zoom of a laptop screen, a phone) each row is
 * stacked as a card, every cell under its column's name, so nothing needs scrolling at all. `tableStart` / `tableRows` / `tableEnd` write a table in pieces, for a list of rows
 * too long to hold as one string (certs).
 */
import { join, markup, type Html, type HtmlValue } from './escape.js';

export interface Column {
  header: string;
  /** A class for the column's cells (`num`, `date`). */
  className?: string;
}

export type Cell = HtmlValue;

/** A row: its cells, or its cells and attributes for its `<tr>` (`data-status`). */
export type Row = readonly Cell[] | { cells: readonly Cell[]; attrs?: Record<string, string> };

export interface TableOptions {
  caption?: string;
  id?: string;
  /** A class for the table: `dense` for a smaller font. */
  className?: string;
}

export function tableStart(columns: readonly Column[], options: TableOptions = {}): Html {
  const attrs = markup`${options.id ? markup` id="${options.id}"` : ''}${options.className ? markup` class="${options.className}"` : ''}`;
  const caption = options.caption ? markup`<caption>${options.caption}</caption>` : '';
  const heads = columns.map(
    (c) => markup`<th scope="col"${c.className ? markup` class="${c.className}"` : ''}>${c.header}</th>`,
  );
  return markup`<div class="table-wrap"><table${attrs}>${caption}\n<thead><tr>${heads}</tr></thead>\n<tbody>\n`;
}

export function tableRows(columns: readonly Column[], rows: Iterable<Row>): Html {
  const out: Html[] = [];
  for (const row of rows) {
    const cells = 'cells' in row ? row.cells : row;
    const attrs = 'cells' in row ? (row.attrs ?? {}) : {};
    // data-label: the column's header, shown above each cell when a narrow window stacks the table.
    const tds = cells.map((c, i) => {
      const cls = columns[i]?.className;
      return markup`<td data-label="${columns[i]?.header ?? ''}"${cls ? markup` class="${cls}"` : ''}>${c}</td>`;
    });
    out.push(markup`<tr${Object.entries(attrs).map(([k, v]) => markup` ${k}="${v}"`)}>${tds}</tr>\n`);
  }
  return join(out);
}

export function tableEnd(): Html {
  return markup`</tbody></table></div>`;
}

/** A whole table. */
export function table(columns: readonly Column[], rows: Iterable<Row>, options: TableOptions = {}): Html {
  return join([tableStart(columns, options), tableRows(columns, rows), tableEnd()]);
}
