/**
 * `certs` as JUnit XML, to gate a pipeline: one testcase per certificate, a failure for each
 * unmanaged (or overdue) certificate that is expired or expires within the window, the same ones
 * exit code 1 is for. A certificate that does not parse is skipped with the reason (it could not
 * be judged); a read that failed (RBAC, API) is an error, as exit code 4 is.
 */
import type { CertRow, CertsReport } from '../core/certs.js';
import { expiresIn, humanDuration, rowName, shortName } from './certs-text.js';
import { escapeXml as x } from './xml-escape.js';

function caseName(r: CertRow, allCerts: boolean): string {
  const subject = r.status === 'unparsable' ? 'unparsable' : shortName(r.subject);
  return `${r.kind} ${r.namespace}/${rowName(r, allCerts, true)} (${subject})`;
}

function details(r: CertRow): string {
  return [
    `kind: ${r.kind}`,
    `object: ${r.namespace}/${r.name}`,
    `key: ${r.key}${r.path ? ` (${r.path})` : ''}, certificate ${r.index + 1} of ${r.certificatesInValue}`,
    `subject: ${r.subject ?? '-'}`,
    `issuer: ${r.issuer ?? '-'}`,
    `notBefore: ${r.notBefore ?? '-'}`,
    `notAfter: ${r.notAfter ?? '-'} (${expiresIn(r.expiresInSeconds)})`,
    `managed by: ${r.managedBy ?? 'nobody'} (${r.management}: ${r.managementReason})`,
    `status: ${r.status}${r.error ? `: ${r.error}` : ''}`,
  ].join('\n');
}

function testcase(r: CertRow, allCerts: boolean, window: string): string {
  const open = `    <testcase classname="${x(`mcs-doctor.certs.${r.kind}.${r.namespace}`)}" name="${x(caseName(r, allCerts))}" time="0.000"`;
  if (r.problem) {
    const message =
      r.status === 'expired'
        ? `${r.management}: expired ${expiresIn(r.expiresInSeconds).replace(/^expired /, '')} (${r.notAfter})`
        : `${r.management}: expires in ${expiresIn(r.expiresInSeconds)} (${r.notAfter}), within ${window}`;
    return `${open}>\n      <failure message="${x(message)}">${x(details(r))}</failure>\n    </testcase>`;
  }
  if (r.status === 'unparsable') {
    return (
      `${open}>\n      <skipped message="${x(`unparsable: ${r.error ?? ''}`)}"/>\n` +
      `      <system-out>${x(details(r))}</system-out>\n    </testcase>`
    );
  }
  if (r.status === 'ok') return `${open}/>`;
  // Expiring or expired but renewed by its manager, or not yet valid: passes, with why.
  return `${open}>\n      <system-out>${x(details(r))}</system-out>\n    </testcase>`;
}

/** The XML in chunks (the counts first, then the testcases a few hundred at a time). */
export function* certsJunitChunks(report: CertsReport): Generator<string> {
  const window = humanDuration(report.expiringWithinSeconds * 1000);
  const rows = report.certificates;
  const failures = rows.filter((r) => r.problem).length;
  const skipped = rows.filter((r) => !r.problem && r.status === 'unparsable').length;
  const reads = report.unreadable.map(
    (u) =>
      `    <testcase classname="mcs-doctor.certs.sources" name="${x(u.what)}" time="0.000">\n` +
      `      <error message="${x(u.message)}">${x(u.permission ? `grant "${u.permission}"` : u.reason)}</error>\n` +
      '    </testcase>',
  );
  yield [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mcs-doctor certs" tests="${rows.length + reads.length}" failures="${failures}" errors="${reads.length}" skipped="${skipped}">`,
    `  <testsuite name="certificates" tests="${rows.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${x(report.at)}">`,
    '',
  ].join('\n');
  for (let i = 0; i < rows.length; i += 500) {
    yield `${rows
      .slice(i, i + 500)
      .map((r) => testcase(r, report.allCerts, window))
      .join('\n')}\n`;
  }
  yield [
    '  </testsuite>',
    ...(reads.length
      ? [
          `  <testsuite name="sources" tests="${reads.length}" failures="0" errors="${reads.length}" skipped="0">`,
          ...reads,
          '  </testsuite>',
        ]
      : []),
    '</testsuites>',
    '',
  ].join('\n');
}

export function renderCertsJunit(report: CertsReport): string {
  return [...certsJunitChunks(report)].join('');
}
