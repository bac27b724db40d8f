/** diagnose as JUnit XML for CI: one testcase per check, and one per host pipeline stage. */
import type { CheckResult, DiagnoseReport } from '../core/report.js';
import { escapeXml as x } from './xml-escape.js';

export interface JunitCase {
  classname: string;
  name: string;
  seconds: number;
  outcome: 'pass' | 'failure' | 'error' | 'skipped';
  message: string;
  body: string;
}

export function junitSuite(
  name: string,
  cases: JunitCase[],
): { xml: string; tests: number; failures: number; errors: number; skipped: number } {
  const count = (o: JunitCase['outcome']) => cases.filter((c) => c.outcome === o).length;
  const lines = [
    `  <testsuite name="${x(name)}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}">`,
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="${c.seconds.toFixed(3)}"`;
    if (c.outcome === 'pass' && !c.body) lines.push(`${open}/>`);
    else {
      lines.push(`${open}>`);
      if (c.outcome === 'failure')
        lines.push(`      <failure message="${x(c.message)}">${x(c.body)}</failure>`);
      else if (c.outcome === 'error')
        lines.push(`      <error message="${x(c.message)}">${x(c.body)}</error>`);
      else if (c.outcome === 'skipped') lines.push(`      <skipped message="${x(c.message)}"/>`);
      else lines.push(`      <system-out>${x(c.body)}</system-out>`);
      lines.push('    </testcase>');
    }
  }
  lines.push('  </testsuite>');
  return {
    xml: lines.join('\n'),
    tests: cases.length,
    failures: count('failure'),
    errors: count('error'),
    skipped: count('skipped'),
  };
}

/** One testcase per check: failure for fail, error for unknown, skipped for skip; its findings as the body. */
export function checkCases(checks: readonly CheckResult[], classname: string): JunitCase[] {
  return checks.map((c) => {
    const body = c.findings.map((f) => `${f.status}: ${f.message}`).join('\n');
    const first = c.findings.find((f) => f.status === c.status)?.message ?? c.title;
    return {
      classname,
      name: `${c.id}: ${c.title}`,
      seconds: c.durationMs / 1000,
      outcome:
        c.status === 'fail'
          ? 'failure'
          : c.status === 'unknown'
            ? 'error'
            : c.status === 'skip'
              ? 'skipped'
              : 'pass',
      message: first,
      body: c.status === 'pass' ? '' : body,
    };
  });
}

export function renderDiagnoseJunit(r: DiagnoseReport): string {
  const checks = junitSuite('checks', checkCases(r.checks, 'mcs-doctor.checks'));
  const pipeline = junitSuite(
    'pipeline',
    r.hosts.flatMap((h) =>
      h.pipeline.map((s) => ({
        classname: `mcs-doctor.pipeline.${h.host}`,
        name: `${h.host}: ${s.title}`,
        seconds: 0,
        outcome:
          s.status === 'fail'
            ? 'failure'
            : s.status === 'unknown'
              ? 'error'
              : s.status === 'pass'
                ? 'pass'
                : 'skipped',
        message: s.detail || s.status,
        body:
          s.status === 'pass'
            ? ''
            : [s.detail, ...s.evidence.map((e) => `${e.text}${e.source ? ` [${e.source}]` : ''}`)].join('\n'),
      })),
    ),
  );
  return junitDocument('mcs-doctor diagnose', [checks, pipeline]);
}

/** The document around suites, with their totals. */
export function junitDocument(name: string, suites: ReadonlyArray<ReturnType<typeof junitSuite>>): string {
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(name)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
