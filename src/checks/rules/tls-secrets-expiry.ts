import type { Finding } from '../../diagnosis/model.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import { parseCertificates } from '../../pki/parse.js';
import { secretValue } from '../facts/secret-data.js';
import { finding, unreadable, type Check } from '../types.js';

const DAY = 86_400_000;

export const tlsSecretsExpiry: Check = {
  meta: {
    id: 'tls-secrets-expiry',
    title: 'Expiring TLS secrets cluster-wide',
    docs: "Every kubernetes.io/tls secret's certificate, expired or expiring within the warning threshold (the runbook's advanced section).",
    needs: ['secrets in all namespaces'],
  },
  run(facts) {
    const read = facts.snapshot.secrets;
    if (!read.ok) return [unreadable('Secrets', read)];
    const out: Finding[] = [];
    const now = facts.now.getTime();
    let scanned = 0;
    for (const s of read.value) {
      if (s['type'] !== 'kubernetes.io/tls' && s.metadata.name !== 'machine-config-server-tls') continue;
      const crt = secretValue(s, 'tls.crt');
      if (crt.kind !== 'value') continue;
      let leaf;
      try {
        leaf = parseCertificates(crt.bytes, `secret ${s.metadata.namespace}/${s.metadata.name}`)[0];
      } catch {
        out.push(
          finding('warn', `secret ${s.metadata.namespace}/${s.metadata.name}: tls.crt does not parse`),
        );
        continue;
      }
      if (!leaf) continue;
      scanned++;
      const days = Math.floor((leaf.notAfter.getTime() - now) / DAY);
      if (days < 0)
        out.push(
          finding(
            'fail',
            `secret ${s.metadata.namespace}/${s.metadata.name}: expired ${formatRFC3339(leaf.notAfter)} (${leaf.subject})`,
          ),
        );
      else if (days < facts.options.expiryWarningDays)
        out.push(
          finding(
            'warn',
            `secret ${s.metadata.namespace}/${s.metadata.name}: expires ${formatRFC3339(leaf.notAfter)}, in ${days} days (${leaf.subject})`,
          ),
        );
    }
    out.unshift(
      finding(
        'pass',
        `${scanned} TLS secret(s) scanned${facts.snapshot.secretsScope === 'namespaces' ? ' (only openshift-machine-config-operator and openshift-machine-api: listing secrets cluster-wide is forbidden)' : ''}${facts.redactsSecrets ? '; a must-gather keeps tls.crt' : ''}`,
      ),
    );
    return out;
  },
};
