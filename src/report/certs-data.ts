/**
 * `certs` as data: JSON and YAML of the one report model, exactly as renderData writes them,
 * produced in chunks (the head, the rows a few hundred at a time, the tail) so that the
 * output of 10,000 certificates is never one string in memory.
 */
import { stringify } from 'yaml';
import type { CertsReport } from '../core/certs.js';

const ROWS_PER_CHUNK = 500;

/** The report's text with `certificates: []` in place of the rows, split where they go. */
function aroundRows(report: CertsReport, render: (o: unknown) => string, marker: string): [string, string] {
  const shell: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(report)) shell[k] = k === 'certificates' ? [] : v;
  const text = render(shell);
  const at = text.indexOf(marker);
  return [text.slice(0, at), text.slice(at + marker.length)];
}

export function* certsJsonChunks(report: CertsReport): Generator<string> {
  const marker = '"certificates": []';
  const [head, tail] = aroundRows(report, (o) => `${JSON.stringify(o, null, 2)}\n`, marker);
  const rows = report.certificates;
  if (rows.length === 0) {
    yield `${head}${marker}${tail}`;
    return;
  }
  yield `${head}"certificates": [\n`;
  // Rendered inside a `{"certificates": [...]}` of their own, the rows have the report's indentation.
  const open = '{\n  "certificates": [\n';
  const close = '\n  ]\n}';
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    const text = JSON.stringify({ certificates: rows.slice(i, i + ROWS_PER_CHUNK) }, null, 2);
    const part = text.slice(open.length, text.length - close.length);
    yield i + ROWS_PER_CHUNK < rows.length ? `${part},\n` : `${part}\n`;
  }
  yield `  ]${tail}`;
}

export function* certsYamlChunks(report: CertsReport): Generator<string> {
  const marker = 'certificates: []\n';
  const [head, tail] = aroundRows(report, (o) => stringify(o, { lineWidth: 0 }), marker);
  const rows = report.certificates;
  if (rows.length === 0) {
    yield `${head}${marker}${tail}`;
    return;
  }
  yield `${head}certificates:\n`;
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    yield stringify(rows.slice(i, i + ROWS_PER_CHUNK), { lineWidth: 0 }).replace(/^(?=.)/gm, '  ');
  }
  yield tail;
}

export function renderCertsJson(report: CertsReport): string {
  return [...certsJsonChunks(report)].join('');
}

export function renderCertsYaml(report: CertsReport): string {
  return [...certsYamlChunks(report)].join('');
}
