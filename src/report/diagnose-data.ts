/** diagnose as data: JSON and YAML of the one Report model. */
import { stringify } from 'yaml';
import type { DiagnoseReport } from '../diagnosis/model.js';

export function renderDiagnoseJson(report: DiagnoseReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderDiagnoseYaml(report: DiagnoseReport): string {
  return stringify(report, { lineWidth: 0 });
}
