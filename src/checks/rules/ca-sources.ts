import type { Finding } from '../../core/report.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import { verifyChain } from '../../pki/verify.js';
import { finding, type Check } from '../types.js';

export const caSources: Check = {
  meta: {
    id: 'mcs-ca-sources',
    title: 'CA sources: kube-system/root-ca and machine-config-server-ca',
    docs: 'The CA that signs the serving certificate: the installer root-ca (configmap kube-system/root-ca) or, from 4.19, machine-config-server-ca (secret and configmap). The user-data secrets must carry it.',
    needs: ['configmaps in kube-system', 'configmaps and secrets in openshift-machine-config-operator'],
  },
  run(facts) {
    const out: Finding[] = facts.caUnread.map((m) => finding('unknown', m));
    const leaf = facts.servingCert.chain[0];
    for (const s of facts.caSources) {
      if (s.problem) {
        out.push(finding('warn', `${s.ref}: ${s.problem}`));
        continue;
      }
      for (const c of s.certs) {
        let signs = '';
        if (leaf) {
          const v = verifyChain({
            chain: facts.servingCert.chain,
            roots: [c],
            host: leaf.dnsNames[0] ?? leaf.ipAddresses[0] ?? '',
            at: leaf.notBefore,
          });
          signs =
            v.ok || v.reason !== 'unknown-authority'
              ? '; signs the serving certificate'
              : '; does not sign the serving certificate';
        }
        out.push(
          finding(
            'pass',
            `${s.ref}: ${c.subject}, valid to ${formatRFC3339(c.notAfter)}, key ${c.spkiSha256.slice(0, 23)}...${signs}`,
            { evidence: [{ text: `SHA-256 fingerprint ${c.fingerprintSha256}`, source: s.ref }] },
          ),
        );
      }
    }
    if (facts.caSources.length === 0 && out.length === 0)
      out.push(finding('warn', 'no CA source found (kube-system/root-ca, machine-config-server-ca)'));
    return out;
  },
};
