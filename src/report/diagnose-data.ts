/** diagnose as data: JSON and YAML of the one Report model. */
import type { DiagnoseReport } from '../core/report.js';
import { renderData } from './data.js';

export function renderDiagnoseJson(report: DiagnoseReport): string {
  return renderData(report, 'json');
}

export function renderDiagnoseYaml(report: DiagnoseReport): string {
  return renderData(report, 'yaml');
}
