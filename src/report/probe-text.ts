/**
 * `probe` for people: what Ignition on the worker would log first, then the evidence (endpoint,
 * served chain, anchors compared by key, a validity timeline with now and the evaluated clock),
 * then what to do next.
 */
import type { Palette } from './colour.js';
import type { CertView, ProbeReport } from './probe-model.js';

const TIMELINE_WIDTH = 60;

function day(iso: string): string {
  return iso.slice(0, 10);
}

function relative(fromMs: number, toMs: number): string {
  const days = Math.round((toMs - fromMs) / 86_400_000);
  if (Math.abs(days) < 1) {
    const hours = Math.round((toMs - fromMs) / 3_600_000);
    return hours >= 0 ? `in ${hours} h` : `${-hours} h ago`;
  }
  return days >= 0 ? `in ${days} days` : `${-days} days ago`;
}

function validityNote(c: CertView, atMs: number, p: Palette): string {
  const nb = Date.parse(c.notBefore);
  const na = Date.parse(c.notAfter);
  if (atMs > na) return p.red(`EXPIRED at the evaluated time (${relative(atMs, na)})`);
  if (atMs < nb) return p.red(`NOT YET VALID at the evaluated time (starts ${relative(atMs, nb)})`);
  return p.green(`valid at the evaluated time (expires ${relative(atMs, na)})`);
}

function certLines(c: CertView, i: number, report: ProbeReport, p: Palette): string[] {
  const atMs = Date.parse(report.at);
  const origin = c.sentByServer
    ? 'sent by the server'
    : `not sent by the server: anchor #${c.anchorIndex ?? '?'}${c.anchorIndex === undefined ? ' (system root)' : ''}`;
  const sans = [...c.dnsNames.map((d) => `DNS:${d}`), ...c.ipAddresses.map((ip) => `IP:${ip}`)];
  return [
    `  [${i}] ${p.bold(c.subject)}  ${p.dim(`(${origin}${c.isCA ? ', CA' : ''})`)}`,
    `      issuer    ${c.issuer}`,
    `      SANs      ${sans.length ? sans.join(', ') : '(none)'}`,
    `      validity  ${c.notBefore} .. ${c.notAfter}  ${validityNote(c, atMs, p)}`,
    `      key       ${c.keyAlgorithm}   serial ${c.serial}`,
    `      sha256    ${c.fingerprintSha256}`,
    `      spki      ${c.spkiSha256}`,
  ];
}

/** An ASCII bar per certificate from the earliest notBefore to the latest notAfter, with now (N) and the evaluated time (@). */
export function timeline(report: ProbeReport): string[] {
  if (report.chain.length === 0) return [];
  const nowMs = Date.parse(report.now);
  const atMs = Date.parse(report.at);
  const times = report.chain.flatMap((c) => [Date.parse(c.notBefore), Date.parse(c.notAfter)]);
  const start = Math.min(...times, nowMs, atMs);
  const end = Math.max(...times, nowMs, atMs);
  const span = Math.max(1, end - start);
  const col = (t: number): number =>
    Math.min(TIMELINE_WIDTH - 1, Math.round(((t - start) / span) * (TIMELINE_WIDTH - 1)));
  const labels = report.chain.map((c, i) => `[${i}] ${c.subject}`.slice(0, 28));
  const pad = Math.max(...labels.map((l) => l.length));
  const lines: string[] = [];
  const header = `${day(new Date(start).toISOString())}${' '.repeat(Math.max(1, TIMELINE_WIDTH - 20))}${day(new Date(end).toISOString())}`;
  lines.push(`  ${' '.repeat(pad)}  ${header}`);
  report.chain.forEach((c, i) => {
    const bar = Array.from({ length: TIMELINE_WIDTH }, () => ' ');
    const a = col(Date.parse(c.notBefore));
    const b = col(Date.parse(c.notAfter));
    for (let x = a; x <= b; x++) bar[x] = '=';
    bar[a] = '|';
    bar[b] = '|';
    lines.push(`  ${(labels[i] ?? '').padEnd(pad)}  ${bar.join('')}`);
  });
  const marks = Array.from({ length: TIMELINE_WIDTH }, () => ' ');
  marks[col(nowMs)] = 'N';
  if (Math.abs(atMs - nowMs) > 1000) marks[col(atMs)] = col(atMs) === col(nowMs) ? '*' : '@';
  lines.push(`  ${' '.repeat(pad)}  ${marks.join('')}`);
  const legend =
    Math.abs(atMs - nowMs) > 1000
      ? `N = now ${report.now}   @ = evaluated (--at) ${report.at}${col(atMs) === col(nowMs) ? '   * = both' : ''}`
      : `N = now ${report.now} (also the evaluated time)`;
  lines.push(`  ${' '.repeat(pad)}  ${legend}`);
  return lines;
}

export function renderProbeText(report: ProbeReport, p: Palette): string {
  const out: string[] = [];
  const verdict = report.verdict === 'ok' ? p.green(p.bold('OK')) : p.red(p.bold('FAIL'));
  const headline =
    report.verdict === 'ok'
      ? `${verdict}  the worker's Ignition would fetch its config (HTTP ${report.http?.status ?? '?'}, Ignition spec ${report.http?.ignitionVersion ?? '?'})`
      : `${verdict}  ${report.reason}: the worker's Ignition would log`;
  out.push(headline);
  if (report.ignitionError) out.push(`    ${report.ignitionError}`);
  if (report.ignitionFinal) out.push(`    CRITICAL : ${report.ignitionFinal}`);
  if (report.cause) out.push(`  cause: ${p.bold(report.cause)}: ${report.causeText ?? ''}`);
  if (report.detail) out.push(`  detail: ${report.detail}`);
  if (report.reasonNow !== null && report.reasonNow !== report.reason) {
    out.push(`  at this machine's clock (${report.now}) the verdict would be: ${report.reasonNow}`);
  }
  for (const warning of report.warnings) out.push(p.yellow(`  warning: ${warning}`));
  out.push('');

  out.push(p.bold('Endpoint'));
  out.push(`  url       ${report.url}`);
  if (report.address) {
    out.push(
      `  address   ${report.address}:${report.port}  (${report.resolvedFrom ?? 'resolved'}${report.addresses.length > 1 ? `; all: ${report.addresses.join(', ')}` : ''})`,
    );
  } else if (report.addresses.length) {
    out.push(
      `  addresses ${report.addresses.join(', ')} (${report.resolvedFrom ?? 'resolved'}), none connected`,
    );
  }
  if (report.tlsProtocol)
    out.push(`  tls       ${report.tlsProtocol}, SNI ${report.sni ?? '(none: IP host)'}`);
  if (report.request)
    out.push(`  request   User-Agent: ${report.request.userAgent} | Accept: ${report.request.accept}`);
  if (report.pointer) out.push(`  pointer   ${report.pointer.origin} (spec ${report.pointer.specVersion})`);
  out.push(
    `  worker    Ignition ${report.workerIgnition}${report.legacyIgnition ? ' (--legacy-ignition)' : ''}`,
  );
  out.push(
    `  clock     evaluated at ${report.at}${report.at === report.now ? ' (now)' : `, now ${report.now}`}`,
  );
  out.push('');

  if (report.chain.length) {
    const served = report.chain.filter((c) => c.sentByServer).length;
    out.push(p.bold(`Served chain (${served} certificate${served === 1 ? '' : 's'} sent by the server)`));
    report.chain.forEach((c, i) => out.push(...certLines(c, i, report, p)));
    out.push('');
  }

  out.push(p.bold('Trust anchors'));
  if (report.anchors.length === 0) out.push('  (none from the pointer or --ca)');
  for (const a of report.anchors) {
    const matched = report.matchedAnchor?.index === a.index;
    out.push(
      `  #${a.index} ${a.subject}  ${matched ? p.green('MATCHED (by key)') : ''}`.trimEnd(),
      `      spki ${a.spkiSha256}`,
      `      validity ${a.notBefore} .. ${a.notAfter}   from ${a.source}`,
    );
  }
  if (report.systemRoots > 0) out.push(`  + ${report.systemRoots} system roots (--system-roots)`);
  if (report.matchedAnchor && report.matchedAnchor.index === null) {
    out.push(`  matched: system root ${report.matchedAnchor.subject}`);
  }
  if (!report.matchedAnchor && report.chain.length) {
    out.push(p.yellow('  no anchor verifies the served chain:'));
    for (const note of report.anchorNotes) out.push(`  - ${note}`);
  }
  out.push('');

  const bars = timeline(report);
  if (bars.length) {
    out.push(p.bold('Validity timeline'));
    out.push(...bars);
    out.push('');
  }

  out.push(p.bold('What to do next'));
  report.next.forEach((step, i) => out.push(`  ${i + 1}. ${step}`));
  return `${out.join('\n')}\n`;
}
