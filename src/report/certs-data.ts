/** `certs` as data: JSON and YAML of the one report model. */
import type { CertsReport } from '../core/certs.js';
import { renderData } from './data.js';

export function renderCertsJson(report: CertsReport): string {
  return renderData(report, 'json');
}

export function renderCertsYaml(report: CertsReport): string {
  return renderData(report, 'yaml');
}
