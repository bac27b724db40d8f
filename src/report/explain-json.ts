/** `explain -o json|yaml`: the ExplainResult with a schema version and a one-word verdict. */
import type { ExplainResult } from '../ignition/log.js';
import { renderData, type DataFormat } from './data.js';

export const EXPLAIN_SCHEMA_VERSION = 1;

export function renderExplainData(result: ExplainResult, format: DataFormat): string {
  return renderData({ schemaVersion: EXPLAIN_SCHEMA_VERSION, command: 'explain', ...result }, format);
}
