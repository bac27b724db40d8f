import type { Finding } from '../../core/report.js';
import { pointerUrl } from '../facts/index.js';
import { finding, type Check } from '../types.js';

export const mcsEndpoint: Check = {
  meta: {
    id: 'mcs-endpoint',
    title: "The MCS endpoint probed from here with the pointer's CAs",
    docs: "The worker's fetch done from this machine: resolution, TCP, TLS with the pointer's CAs, and GET /config/worker with Ignition's headers. It shows what the endpoint serves now (a pod that has not reloaded still serves its old certificate).",
    needs: ['network access to the MCS URL (live only)'],
  },
  run(facts) {
    if (facts.sourceKind !== 'live')
      return [finding('skip', 'offline: the endpoint is not probed from a must-gather')];
    if (!facts.options.probe) return [finding('skip', 'not probed (--no-probe)')];
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const h of facts.selected) {
      const p = facts.pointerFor(h).pointer;
      const probe = facts.probeFor(p);
      if (!p || !probe) continue;
      const key = pointerUrl(p) + facts.pointerFor(h).origin;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!probe.ok) {
        out.push(finding('unknown', `${pointerUrl(p)}: ${probe.message}`));
        continue;
      }
      const r = probe.result;
      const line = r.ignitionError ?? (r.http ? `GET result: ${r.http.statusText}` : r.reason);
      out.push(
        finding(
          r.verdict === 'ok' ? 'pass' : 'fail',
          `${r.url} with the CAs of ${facts.pointerFor(h).origin}: ${r.verdict === 'ok' ? `OK, HTTP ${r.http?.status}` : line}`,
          {
            evidence: [
              {
                text: `${r.address ?? r.host}:${r.port}, ${r.tlsProtocol ?? ''} ${r.chain.length} certificate(s) served`,
                source: 'probe from this machine',
              },
            ],
          },
        ),
      );
      for (const alt of facts.alternatesFor(p)) {
        const a = alt.probe;
        const what = alt.via === 'api-vip' ? 'through the API VIP' : 'through the api-int name';
        if (!a.ok) out.push(finding('unknown', `${alt.url} (${what}): ${a.message}`));
        else {
          const differs = a.result.verdict !== r.verdict;
          const line = a.result.ignitionError ?? a.result.reason;
          // The tool's own extra probe, not a pointer: when the pointer's URL works and only this
          // one fails, no worker meets it; say what it would mean instead of reporting a failure.
          const explained =
            r.verdict === 'ok' && a.result.verdict !== 'ok'
              ? ` (no worker uses this URL: ${new URL(r.url).hostname}, the pointer's host, works; a pointer written with ${new URL(alt.url).hostname} would fail${a.result.reason === 'hostname-mismatch' ? ' with mcs-san-mismatch' : ''})`
              : differs
                ? ' (differs from the pointer URL)'
                : '';
          out.push(
            finding(
              a.result.verdict === 'ok' ? (differs ? 'warn' : 'pass') : r.verdict === 'ok' ? 'warn' : 'fail',
              `${alt.url} (${what}): ${a.result.verdict === 'ok' ? `OK, HTTP ${a.result.http?.status}` : line}${explained}`,
            ),
          );
        }
      }
    }
    if (out.length === 0) out.push(finding('skip', 'no pointer to probe for the diagnosed hosts'));
    return out;
  },
};
