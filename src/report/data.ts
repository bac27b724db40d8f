/** Any command's result as data: `-o json` and `-o yaml` of the same object. */
import { stringify } from 'yaml';

export type DataFormat = 'json' | 'yaml';

export function renderData(value: unknown, format: DataFormat): string {
  return format === 'yaml' ? stringify(value, { lineWidth: 0 }) : `${JSON.stringify(value, null, 2)}\n`;
}

export function isDataFormat(format: string): format is DataFormat {
  return format === 'json' || format === 'yaml';
}
