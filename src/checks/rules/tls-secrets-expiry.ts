import type { Finding } from '../../core/report.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import { tlsSecretLeaves } from '../facts/tls-secrets.js';
import { finding, unreadable, type Check } from '../types.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** `in 29 days`, `in 5 h`, `in 46 min`: a certificate that expires today does not expire "in 0 days". */
function inTime(ms: number): string {
  if (ms >= DAY) return `in ${Math.floor(ms / DAY)} day${ms >= 2 * DAY ? 's' : ''}`;
  if (ms >= HOUR) return `in ${Math.floor(ms / HOUR)} h`;
  return `in ${Math.max(1, Math.floor(ms / 60_000))} min`;
}

export const tlsSecretsExpiry: Check = {
  meta: {
    id: 'tls-secrets-expiry',
    title: 'Expiring TLS secrets cluster-wide',
    docs: "Every kubernetes.io/tls secret's certificate, expired or expiring within the warning threshold (the runbook's advanced section). Certificates OpenShift's operators rotate themselves (library-go certrotation, annotations auth.openshift.io/certificate-not-before/-not-after/-issuer) are reported as managed unless the rotator is late; machine-config-server-tls, which nothing rotates before 4.19, is not.",
    needs: ['secrets in all namespaces', 'machinesets.machine.openshift.io in openshift-machine-api'],
  },
  run(facts) {
    const read = facts.snapshot.secrets;
    if (!read.ok) return [unreadable('Secrets', read)];
    const out: Finding[] = [];
    const now = facts.now.getTime();
    const { leaves, unparsable } = tlsSecretLeaves(facts);
    for (const ref of unparsable) out.push(finding('warn', `${ref}: tls.crt does not parse`));
    let rotated = 0;
    for (const { ref, leaf, rotation, copyOf } of leaves) {
      if (rotation.state === 'rotated') rotated++;
      const left = leaf.notAfter.getTime() - now;
      const days = Math.floor(left / DAY);
      const annotationsOf = copyOf
        ? `the annotations of ${copyOf}`
        : 'its auth.openshift.io/certificate-not-before/-not-after annotations';
      const evidence = [
        {
          text: `notAfter ${formatRFC3339(leaf.notAfter)}${rotation.refreshBy ? `; renewed by ${formatRFC3339(rotation.refreshBy)} (80% of the validity ${annotationsOf} give)` : ''}`,
          source: ref,
        },
      ];
      if (left < 0) {
        out.push(
          finding(
            'fail',
            `${ref}: expired ${formatRFC3339(leaf.notAfter)} (${leaf.subject})${rotation.by ? `; ${rotation.by} did not renew it` : ''}`,
            { evidence },
          ),
        );
      } else if (rotation.state === 'overdue' || rotation.state === 'stale-annotations') {
        out.push(
          finding(
            'warn',
            `${ref}: expires ${formatRFC3339(leaf.notAfter)}, ${inTime(left)} (${leaf.subject}); ${rotation.why}`,
            { evidence },
          ),
        );
      } else if (days < facts.options.expiryWarningDays) {
        if (rotation.state === 'rotated')
          out.push(
            finding(
              'pass',
              `${ref}: managed, rotated by ${rotation.by}, refreshed before expiry (renewal due by ${formatRFC3339(rotation.refreshBy!)}, expires ${formatRFC3339(leaf.notAfter)}) (${leaf.subject})`,
              { evidence },
            ),
          );
        else
          out.push(
            finding(
              'warn',
              `${ref}: expires ${formatRFC3339(leaf.notAfter)}, ${inTime(left)} (${leaf.subject}); nobody rotates it: ${rotation.why}`,
              { evidence },
            ),
          );
      }
    }
    const scanned = leaves.length;
    out.unshift(
      finding(
        'pass',
        `${scanned} TLS secret(s) scanned, ${rotated} rotated by OpenShift operators (library-go certrotation)${facts.snapshot.secretsScope === 'namespaces' ? ' (only openshift-machine-config-operator and openshift-machine-api: listing secrets cluster-wide is forbidden)' : ''}${facts.redactsSecrets ? '; a must-gather keeps tls.crt' : ''}`,
      ),
    );
    return out;
  },
};
