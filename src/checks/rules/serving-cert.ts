import type { Finding } from '../../core/report.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import { verifyHostname } from '../../pki/hostname.js';
import { SERVING_SECRET_REF } from '../facts/serving-cert.js';
import { finding, unreadable, type Check } from '../types.js';

const DAY = 86_400_000;

export const servingCert: Check = {
  meta: {
    id: 'mcs-serving-cert',
    title: 'MCS serving certificate (secret machine-config-server-tls)',
    docs: 'The certificate the MCS serves: it must parse, match its key, be within its validity, and cover the api-int name and the API VIPs.',
    needs: ['secrets in openshift-machine-config-operator'],
  },
  run(facts) {
    const sc = facts.servingCert;
    const out: Finding[] = [];
    const src = { source: SERVING_SECRET_REF };
    const read = facts.snapshot.secrets;
    if (!read.ok) return [unreadable('Secrets', read)];
    if (!sc.present)
      return [
        finding('fail', sc.certProblem ?? `${SERVING_SECRET_REF} does not exist`, {
          cause: 'mcs-not-running',
        }),
      ];
    if (sc.certProblem)
      out.push(
        finding(sc.certProblem.includes('redacted') ? 'skip' : 'fail', sc.certProblem, {
          cause: sc.certProblem.includes('redacted') ? undefined : 'mcs-cert-corrupt',
          evidence: [{ text: sc.certProblem, ...src }],
        }),
      );
    const leaf = sc.chain[0];
    if (leaf) {
      const now = facts.now.getTime();
      const ev = [
        {
          text: `${leaf.subject}, issuer ${leaf.issuer}, serial ${leaf.serialHex}, ${leaf.publicKeyAlgorithm} ${leaf.publicKeyDetail}`,
          ...src,
        },
      ];
      if (leaf.notAfter.getTime() < now) {
        out.push(
          finding(
            'fail',
            `expired on ${formatRFC3339(leaf.notAfter)} (valid from ${formatRFC3339(leaf.notBefore)})`,
            { cause: 'mcs-cert-expired', evidence: ev },
          ),
        );
      } else if (leaf.notBefore.getTime() > now) {
        out.push(finding('fail', `not valid before ${formatRFC3339(leaf.notBefore)}`, { evidence: ev }));
      } else {
        const days = Math.floor((leaf.notAfter.getTime() - now) / DAY);
        const warn = days < facts.options.expiryWarningDays;
        out.push(
          finding(
            warn ? 'warn' : 'pass',
            `valid ${formatRFC3339(leaf.notBefore)} to ${formatRFC3339(leaf.notAfter)} (${days} days left)`,
            { cause: warn ? 'mcs-cert-expiring' : undefined, evidence: ev },
          ),
        );
      }
      const names = [facts.cluster.apiIntHost, ...facts.cluster.apiVips].filter((n): n is string => !!n);
      for (const name of names) {
        const err = verifyHostname(leaf, name);
        out.push(
          finding(err ? 'fail' : 'pass', err ? `does not cover ${name}: ${err}` : `covers ${name}`, {
            cause: err ? 'mcs-san-mismatch' : undefined,
            evidence: [
              {
                text: `SANs: ${[...leaf.dnsNames.map((d) => `DNS:${d}`), ...leaf.ipAddresses.map((i) => `IP:${i}`)].join(', ') || '(none)'}`,
                ...src,
              },
            ],
          }),
        );
      }
    }
    if (sc.keyState === 'matches') out.push(finding('pass', 'tls.key is the private key of the certificate'));
    else if (sc.keyState === 'redacted') out.push(finding('skip', sc.keyProblem ?? 'tls.key redacted'));
    else out.push(finding('fail', sc.keyProblem ?? `tls.key: ${sc.keyState}`, { cause: 'mcs-cert-corrupt' }));
    if (sc.type && sc.type !== 'kubernetes.io/tls')
      out.push(finding('pass', `secret type ${sc.type} (older installs use Opaque)`));
    return out;
  },
};
