/** `explain -o json`: the ExplainResult with a schema version and a one-word verdict. */
import type { ExplainResult } from '../ignition/log.js';

export const EXPLAIN_SCHEMA_VERSION = 1;

export function renderExplainJson(result: ExplainResult): string {
  const doc = {
    schemaVersion: EXPLAIN_SCHEMA_VERSION,
    command: 'explain',
    verdict: result.failuresFound ? 'fail' : 'ok',
    ...result,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
