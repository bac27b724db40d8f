/** preflight for people: the verdict, what new hosts will get, each waiting host's first boot, the checks, the problems. */
import type { Palette } from './colour.js';
import { renderChecksText } from './diagnose-text.js';
import type { PredictionReport, PreflightReport } from './preflight-model.js';

/** Under a heading line: what Ignition would log, how its run ends, and the cause it would be. */
function predictionLines(p: PredictionReport, pal: Palette, indent: string): string[] {
  if (p.verdict === 'unknown') return [`${indent}${pal.yellow('cannot tell')}: ${p.why ?? 'not fetched'}`];
  const colour = p.verdict === 'ok' ? pal.green : pal.red;
  const lines = [p.ignitionLine, p.ignitionFinal]
    .filter((l): l is string => !!l)
    .map((l) => `${indent}${colour(l)}`);
  if (p.why) lines.push(pal.dim(`${indent}(${p.why})`));
  if (p.cause) lines.push(`${indent}cause: ${pal.red(p.cause)} (docs/causes/${p.cause}.md)`);
  return lines;
}

/** `2023-12-04T08:59:28Z`: an ISO time to the second, as Go prints it. */
const seconds = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

export function renderPreflightText(
  r: PreflightReport,
  p: Palette,
  options: { verbose?: boolean } = {},
): string {
  const out: string[] = [];
  const failing = r.checks.filter((c) => c.status === 'fail' || c.status === 'unknown').length;
  out.push(
    p.bold(
      `mcs-doctor preflight: ${r.verdict === 'pass' ? p.green('PASS') : p.red(`PROBLEMS FOUND (${failing} of ${r.checks.length} checks)`)}`,
    ),
  );
  out.push(
    `cluster:    OpenShift ${r.cluster.version ?? '?'}, platform ${r.cluster.platform ?? '?'}, api-int ${r.cluster.apiServerInternalURI ?? '?'}${r.cluster.apiVips.length ? `, API VIPs ${r.cluster.apiVips.join(', ')}` : ''}`,
  );
  out.push(`source:     ${r.source.kind} ${r.source.location} (${r.source.requests} API requests)`);
  out.push(
    `boot image: Ignition ${r.bootImage.ignitionVersion} (${r.bootImage.detail}); Accept: ${r.bootImage.acceptHeader}`,
  );

  out.push('', p.bold('What new hosts will fetch (from this machine, now)'));
  for (const ptr of r.pointers) {
    out.push(`  secret ${ptr.userData} (${ptr.usedBy.join(', ')})${ptr.url ? `: ${ptr.url}` : ''}`);
    if (ptr.problem) out.push(`    ${p.red(ptr.problem)}`);
    else {
      out.push(`    Ignition ${r.bootImage.ignitionVersion} would log:`);
      out.push(...predictionLines({ ...ptr, at: ptr.at ?? r.generatedAt }, p, '      '));
    }
    if (ptr.afterExpiry?.ignitionLine)
      out.push(
        `    a host booting after the served chain expires (${seconds(ptr.afterExpiry.at)}) would log:`,
        `      ${p.red(ptr.afterExpiry.ignitionLine)}`,
      );
  }

  out.push('', p.bold('Hosts waiting for their first boot'));
  if (r.hosts.length === 0)
    out.push('  none (every worker BareMetalHost is provisioned; --host NAME adds one)');
  for (const h of r.hosts) {
    const clock =
      h.clock.source === 'bmc'
        ? `BMC clock ${seconds(h.clock.at)} (${h.clock.offset ?? '?'})`
        : `BMC ${h.bmc.read === 'failed' ? p.red('not read') : 'not read'}: ${h.bmc.detail}`;
    out.push(
      `  ${p.bold(h.host)} (${h.state || 'no state'}), ${clock}${h.inspectedHostname !== undefined ? `, hostname ${h.inspectedHostname || '(none)'}` : ''}`,
    );
    for (const pr of h.predictions) {
      out.push(`    given secret ${pr.userData}, its console will show:`);
      out.push(...predictionLines(pr, p, '      '));
    }
    if (h.clientCsr?.verdict === 'pending')
      out.push(
        `    its kubelet's client CSR (as ${h.clientCsr.nodeName}) will stay ${p.red('Pending')}: ${h.clientCsr.reason}`,
      );
  }

  out.push('', p.bold('Checks'), ...renderChecksText(r.checks, p, options));
  if (r.problems.length > 0) {
    out.push('', p.bold(p.red('Problems to fix before adding hosts')));
    for (const x of r.problems) out.push(`  - ${x}`);
  }
  out.push('');
  return out.join('\n');
}
