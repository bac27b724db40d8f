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

export function renderCertsJunit(report: CertsReport): string {
  const window = humanDuration(report.expiringWithinSeconds * 1000);
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  for (const r of report.certificates) {
    const open = `    <testcase classname="${x(`mcs-doctor.certs.${r.kind}.${r.namespace}`)}" name="${x(caseName(r, report.allCerts))}" time="0.000"`;
    if (r.problem) {
      failures++;
      const message =
        r.status === 'expired'
          ? `${r.management}: expired ${expiresIn(r.expiresInSeconds).replace(/^expired /, '')} (${r.notAfter})`
          : `${r.management}: expires in ${expiresIn(r.expiresInSeconds)} (${r.notAfter}), within ${window}`;
      cases.push(
        `${open}>`,
        `      <failure message="${x(message)}">${x(details(r))}</failure>`,
        '    </testcase>',
      );
    } else if (r.status === 'unparsable') {
      skipped++;
      cases.push(
        `${open}>`,
        `      <skipped message="${x(`unparsable: ${r.error ?? ''}`)}"/>`,
        `      <system-out>${x(details(r))}</system-out>`,
        '    </testcase>',
      );
    } else if (r.status === 'ok') {
      cases.push(`${open}/>`);
    } else {
      // Expiring or expired but renewed by its manager, or not yet valid: passes, with why.
      cases.push(`${open}>`, `      <system-out>${x(details(r))}</system-out>`, '    </testcase>');
    }
  }
  const reads = report.unreadable.map(
    (u) =>
      `    <testcase classname="mcs-doctor.certs.sources" name="${x(u.what)}" time="0.000">\n` +
      `      <error message="${x(u.message)}">${x(u.permission ? `grant "${u.permission}"` : u.reason)}</error>\n` +
      '    </testcase>',
  );
  const total = report.certificates.length + reads.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mcs-doctor certs" tests="${total}" failures="${failures}" errors="${reads.length}" skipped="${skipped}">`,
    `  <testsuite name="certificates" tests="${report.certificates.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${x(report.at)}">`,
    ...cases,
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
