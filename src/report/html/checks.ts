/** The checks of a report (diagnose, preflight) as a table: id and title, a status badge, the findings. */
import type { CheckResult } from '../../core/report.js';
import { badge, toneOf } from './badge.js';
import { markup, type Html } from './escape.js';
import { table } from './table.js';

export function checksTable(checks: ReadonlyArray<CheckResult & { assistedServiceId?: string }>): Html {
  return table(
    [{ header: 'Check' }, { header: 'Status' }, { header: 'Findings' }],
    checks.map((c) => ({
      attrs: { 'data-check': c.id, 'data-status': c.status },
      cells: [
        markup`<code>${c.id}</code>${c.assistedServiceId ? markup` <span class="muted">(assisted-service <code>${c.assistedServiceId}</code>)</span>` : ''}<br>${c.title}`,
        badge(toneOf(c.status), c.status),
        c.findings.length
          ? markup`<ul>${c.findings.map((f) => markup`<li>${f.status === 'pass' ? '' : markup`${badge(toneOf(f.status), f.status)} `}${f.message}${f.permission ? ` (grant: ${f.permission})` : ''}</li>`)}</ul>`
          : '',
      ],
    })),
  );
}
