import type { Finding } from '../../../core/report.js';
import { finding } from '../../types.js';
import type { PreflightCheck } from '../types.js';

export const mcsHealthz: PreflightCheck = {
  meta: {
    id: 'mcs-healthz',
    title: 'MCS /healthz on port 22623 through the api-int name, each API VIP and each MCS pod',
    docs: "GET /healthz over TLS (the cluster's CA sources and the pointers' CAs as anchors) through every way a host may reach the MCS: the api-int name (as this machine or --resolve resolves it), each API VIP, and each MCS pod's address (asked for the api-int name, so its certificate is checked for the name workers use). A route that does not answer 200 is one a new host may take.",
    needs: ['network access to port 22623 of the API VIPs and the control-plane nodes (live only)'],
  },
  run(pf) {
    if (pf.facts.sourceKind !== 'live')
      return [finding('skip', 'offline: nothing is probed from a must-gather')];
    const out: Finding[] = [];
    for (const h of pf.healthz) {
      const where = `${h.via}${h.address && h.via !== 'API VIP' ? ` (${h.address})` : ''}`;
      if (h.skipped) {
        out.push(finding('warn', `${where}: not probed: ${h.skipped}`));
        continue;
      }
      if (h.error || !h.result) {
        out.push(finding('unknown', `${where}: ${h.url}: ${h.error ?? 'not probed'}`));
        continue;
      }
      const r = h.result;
      const ok = r.http?.status === 200;
      const line = r.ignitionError ?? (r.http ? `GET result: ${r.http.statusText}` : (r.detail ?? r.reason));
      out.push(
        finding(ok ? 'pass' : 'fail', `${where}: ${h.url}: ${ok ? 'HTTP 200' : line}`, {
          cause: ok
            ? undefined
            : r.verification && !r.verification.ok
              ? undefined
              : r.reason === 'plain-http' || r.reason === 'not-tls'
                ? 'mcs-not-tls'
                : 'mcs-unreachable',
          evidence: [
            {
              text: `${r.address ?? r.host}:${r.port}${r.tlsProtocol ? `, ${r.tlsProtocol}` : ''}${r.chain[0] ? `, serves ${r.chain[0].subject}` : ''}`,
              source: 'probe from this machine',
            },
          ],
        }),
      );
    }
    if (out.length === 0)
      out.push(finding('unknown', 'no MCS address known: no api-int name, API VIP or MCS pod'));
    return out;
  },
};
