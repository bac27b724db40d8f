import type { ProbeReport } from './probe-model.js';

/** `probe -o json`: the report model as is (schemaVersion 1), one document, newline-terminated. */
export function renderProbeJson(report: ProbeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
