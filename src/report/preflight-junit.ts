/** preflight as JUnit XML for CI: one testcase per check, one per waiting host's predicted first boot. */
import { checkCases, junitDocument, junitSuite } from './diagnose-junit.js';
import type { PreflightReport } from './preflight-model.js';

export function renderPreflightJunit(r: PreflightReport): string {
  const checks = junitSuite('preflight', checkCases(r.checks, 'mcs-doctor.preflight'));
  const hosts = junitSuite(
    'first-boot',
    r.hosts.flatMap((h) =>
      h.predictions.map((pr) => ({
        classname: `mcs-doctor.preflight.${h.host}`,
        name: `${h.host}: first boot with ${pr.userData}`,
        seconds: 0,
        outcome:
          pr.verdict === 'ok'
            ? ('pass' as const)
            : pr.verdict === 'fail'
              ? ('failure' as const)
              : ('error' as const),
        message: pr.ignitionLine ?? pr.ignitionFinal ?? pr.why ?? pr.verdict,
        body:
          pr.verdict === 'ok'
            ? ''
            : [pr.ignitionLine, pr.ignitionFinal, pr.why, pr.cause ? `cause: ${pr.cause}` : undefined]
                .filter(Boolean)
                .join('\n'),
      })),
    ),
  );
  return junitDocument('mcs-doctor preflight', [checks, hosts]);
}
