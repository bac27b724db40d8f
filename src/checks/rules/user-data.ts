import type { Finding } from '../../core/report.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import { verifyChain } from '../../pki/verify.js';
import { urlHost } from '../../probes/url.js';
import { atReferenceTime } from '../facts/clock.js';
import { pointerAnchors, pointerUrl } from '../facts/index.js';
import { finding, unreadable, type Check } from '../types.js';

export const userDataSecrets: Check = {
  meta: {
    id: 'user-data-secrets',
    title: 'User-data secrets: pointer URL and CAs',
    docs: "Every *-user-data secret in openshift-machine-api holds a pointer Ignition config: the MCS URL and the CAs the worker trusts. Its CAs must verify the serving certificate, now and at each host's clock.",
    needs: ['secrets in openshift-machine-api'],
  },
  run(facts) {
    const read = facts.snapshot.secrets;
    if (!read.ok) return [unreadable('Secrets', read)];
    const out: Finding[] = [];
    const chain = facts.servingCert.chain;
    for (const s of facts.userData.values()) {
      if (!s.pointer) {
        out.push(
          finding(s.redacted ? 'skip' : 'fail', `${s.ref}: ${s.problem}`, {
            evidence: [{ text: s.problem ?? '', source: s.ref }],
          }),
        );
        continue;
      }
      const url = pointerUrl(s.pointer) ?? '(no merge source)';
      const anchors = pointerAnchors(s.pointer);
      const host = urlHost(url) ?? '';
      const ev = [
        { text: `spec ${s.pointer.specVersion}, URL ${url}`, source: s.ref },
        ...anchors.map((a) => ({
          text: `CA ${a.subject} key ${a.spkiSha256} valid to ${formatRFC3339(a.notAfter)}`,
          source: s.ref,
        })),
      ];
      if (chain.length === 0 || !host) {
        out.push(finding('pass', `${s.ref}: ${url}, ${anchors.length} CA(s)`, { evidence: ev }));
        continue;
      }
      const v = verifyChain({ chain, roots: anchors, host, at: facts.now });
      const clocks = facts.selected
        .filter((h) => facts.pointerFor(h).origin === s.ref)
        .map((h) => ({ h, c: facts.clockOf(h) }))
        .filter((x) => x.c.at);
      const atClocks = clocks.map(({ h, c }) => ({
        h,
        at: c.at!,
        v: verifyChain({ chain, roots: anchors, host, at: c.at! }),
      }));
      const badClock = atClocks.filter((x) => !x.v.ok);
      const status = !v.ok || badClock.length ? 'fail' : 'pass';
      const msg = v.ok
        ? `${s.ref}: its CAs verify the serving certificate for ${host} ${atReferenceTime(facts.sourceKind)}${atClocks.length ? `; at host clocks: ${atClocks.map((x) => `${x.h.name} ${x.v.ok ? 'ok' : x.v.error}`).join('; ')}` : ''}`
        : `${s.ref}: ${v.error} (for ${host}, ${atReferenceTime(facts.sourceKind)})`;
      out.push(
        finding(status, msg, {
          evidence: ev,
          cause: !v.ok
            ? v.reason === 'unknown-authority'
              ? 'mcs-ca-mismatch'
              : v.reason === 'hostname-mismatch'
                ? 'mcs-san-mismatch'
                : v.reason === 'cert-expired'
                  ? 'mcs-cert-expired'
                  : undefined
            : badClock.length
              ? 'worker-clock-skew'
              : undefined,
        }),
      );
    }
    if (out.length === 0) out.push(finding('warn', 'no user-data secret in openshift-machine-api'));
    return out;
  },
};
