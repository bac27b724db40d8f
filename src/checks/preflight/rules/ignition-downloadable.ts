import type { Evidence, Finding } from '../../../core/report.js';
import { formatRFC3339 } from '../../../pki/gotime.js';
import { finding } from '../../types.js';
import type { PredictedFetch, PreflightCheck } from '../types.js';

/** The lines Ignition would log, as evidence: the attempt's line and how the run ends. */
export function ignitionEvidence(f: PredictedFetch, source: string): Evidence[] {
  return [
    ...(f.line ? [{ text: f.line, source }] : []),
    ...(f.final ? [{ text: f.final, source }] : []),
    ...(f.why ? [{ text: f.why, source }] : []),
  ];
}

/** `GET result: OK, config spec 3.4.0` / the failing line / why there is no fetch. */
export function predictedText(f: PredictedFetch): string {
  if (f.verdict === 'ok') {
    const spec = f.result?.http?.ignitionVersion;
    return `${f.line ?? 'GET result: OK'}${spec ? ` (config spec ${spec})` : ''}`;
  }
  if (f.verdict === 'unknown') return `cannot tell: ${f.why ?? 'not fetched'}`;
  return [
    f.line,
    f.line && f.final && !f.final.startsWith('Ignition finished') ? `then ${f.final}` : f.final,
    f.why,
  ]
    .filter(Boolean)
    .join('; ');
}

export const ignitionDownloadable: PreflightCheck = {
  meta: {
    id: 'ignition-downloadable',
    assistedServiceId: 'ignition-downloadable',
    title: 'Each user-data secret new hosts get: its /config/<pool> fetched as their Ignition does',
    docs: "assisted-service's day-2 check, done the way the host's Ignition does it: for every user-data secret the MachineSets and the waiting BareMetalHosts name (and the worker pool's default), the pointer's URL fetched with only the pointer's CAs, the Accept header and error wording of the boot image's Ignition (configmap coreos-bootimages, else --ignition-version), at this machine's clock. It must answer a config that parses, of a spec that Ignition accepts; the finding is the exact line Ignition would log. When the served chain ends within --expiry-warning, the line a host booting just after that would log is given too.",
    needs: [
      'secrets in openshift-machine-api',
      'machinesets.machine.openshift.io',
      'configmaps in openshift-machine-config-operator',
      'network access to the MCS URL of each pointer (live only)',
    ],
  },
  run(pf) {
    if (pf.facts.sourceKind !== 'live')
      return [finding('skip', 'offline: nothing is probed from a must-gather')];
    const out: Finding[] = [];
    for (const p of pf.pointers) {
      const who = p.usedBy.join(', ');
      const source = `secret ${p.key}`;
      if (p.problem || !p.now) {
        out.push(
          finding(
            p.secret?.redacted ? 'unknown' : 'fail',
            `${source} (${who}): ${p.problem ?? 'not fetched'}`,
            {
              evidence: [{ text: p.problem ?? 'not fetched', source }],
            },
          ),
        );
        continue;
      }
      const f = p.now;
      out.push(
        finding(
          f.verdict === 'ok' ? 'pass' : f.verdict === 'unknown' ? 'unknown' : 'fail',
          `${source} (${who}): ${p.url}: ${predictedText(f)}`,
          {
            evidence: ignitionEvidence(
              f,
              `Ignition ${pf.bootImage.ignitionVersion}, at ${formatRFC3339(f.at)}`,
            ),
          },
        ),
      );
      if (p.atExpiry && p.atExpiry.verdict !== 'ok')
        out.push(
          finding(
            'warn',
            `${source}: a host booting after ${formatRFC3339(new Date(p.atExpiry.at.getTime() - 1000))} would log: ${predictedText(p.atExpiry)}`,
            {
              evidence: ignitionEvidence(
                p.atExpiry,
                `Ignition ${pf.bootImage.ignitionVersion}, at ${formatRFC3339(p.atExpiry.at)}`,
              ),
            },
          ),
        );
    }
    if (out.length === 0) out.push(finding('unknown', 'no user-data secret for new hosts'));
    return out;
  },
};
