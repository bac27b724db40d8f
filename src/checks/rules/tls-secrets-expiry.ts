import type { Finding } from '../../core/report.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import { parseCertificates } from '../../pki/parse.js';
import type { CertInfo } from '../../pki/types.js';
import { rotationOf, type Rotation } from '../facts/cert-rotation.js';
import { secretValue } from '../facts/secret-data.js';
import { SERVING_SECRET } from '../facts/serving-cert.js';
import { itemsOf } from '../snapshot.js';
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
    const ctx = {
      now: facts.now,
      version: facts.cluster.version,
      hasMachineSets: itemsOf(facts.snapshot.machineSets).length > 0,
    };
    // First every certificate, so that a copy of a rotated certificate is known as one.
    const parsed: Array<{ ref: string; leaf: CertInfo; rotation: Rotation }> = [];
    for (const s of read.value) {
      if (s['type'] !== 'kubernetes.io/tls' && s.metadata.name !== SERVING_SECRET) continue;
      const ref = `secret ${s.metadata.namespace}/${s.metadata.name}`;
      const crt = secretValue(s, 'tls.crt');
      if (crt.kind !== 'value') continue;
      let leaf;
      try {
        leaf = parseCertificates(crt.bytes, ref)[0];
      } catch {
        out.push(finding('warn', `${ref}: tls.crt does not parse`));
        continue;
      }
      if (leaf) parsed.push({ ref, leaf, rotation: rotationOf(s, leaf, ctx) });
    }
    // An operator that syncs a rotated secret into another namespace copies the certificate
    // without the annotations (the kube-controller-manager operator's csr-signer): the copy is
    // renewed when its source is.
    const rotatedBy = new Map<string, { ref: string; rotation: Rotation }>();
    for (const p of parsed) if (p.rotation.state === 'rotated') rotatedBy.set(p.leaf.fingerprintSha256, p);
    let rotated = 0;
    for (const { ref, leaf, rotation: own } of parsed) {
      const source = own.state === 'unmanaged' ? rotatedBy.get(leaf.fingerprintSha256) : undefined;
      const rotation: Rotation = source
        ? { ...source.rotation, by: `${source.rotation.by}, as a copy of ${source.ref}` }
        : own;
      if (rotation.state === 'rotated') rotated++;
      const left = leaf.notAfter.getTime() - now;
      const days = Math.floor(left / DAY);
      const annotationsOf = source
        ? `the annotations of ${source.ref}`
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
    const scanned = parsed.length;
    out.unshift(
      finding(
        'pass',
        `${scanned} TLS secret(s) scanned, ${rotated} rotated by OpenShift operators (library-go certrotation)${facts.snapshot.secretsScope === 'namespaces' ? ' (only openshift-machine-config-operator and openshift-machine-api: listing secrets cluster-wide is forbidden)' : ''}${facts.redactsSecrets ? '; a must-gather keeps tls.crt' : ''}`,
      ),
    );
    return out;
  },
};
