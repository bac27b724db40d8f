/** `explain -o text`: what a person reads at the console. */
import type { CauseReport, ExplainResult, Seen } from '../ignition/log.js';

function at(s: Seen): string {
  return s.timestamp ? `line ${s.line} (${s.timestamp})` : `line ${s.line}`;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}

function evidenceLines(ev: Record<string, string[]>): string[] {
  return Object.entries(ev).map(([k, values]) => {
    const shown = values.length > 3 ? [values[0], '...', values[values.length - 1]] : values;
    return `${k}: ${shown.join(', ')}`;
  });
}

function cause(c: CauseReport, n: number): string[] {
  const out = [`${n}. ${c.id}: ${c.description}`];
  for (const s of c.signatures) {
    out.push(`   ${s.count} x ${s.title}${s.side === 'mcs' ? ' (in the MCS log)' : ''}`);
    if (s.lenient) {
      out.push(
        `      ${s.lenient.count} of them hand-typed, read as "${s.lenient.readAs}" (e.g. ${s.lenient.example.trim()})`,
      );
    }
  }
  if (c.urls.length) out.push(`   url${c.urls.length > 1 ? 's' : ''}:       ${c.urls.join(', ')}`);
  out.push(`   first seen: ${at(c.firstSeen)}`);
  out.push(`   last seen:  ${at(c.lastSeen)}`);
  const ev = evidenceLines(c.evidence);
  ev.forEach((e, i) => out.push(`   ${i === 0 ? 'evidence:   ' : '            '}${e}`));
  for (const s of c.signatures) if (s.note) out.push(`   note:       ${s.note}`);
  if (c.alsoPossible.length)
    out.push(`   or:         ${c.alsoPossible.join(', ')} (the worker's console decides)`);
  out.push(`   example:    line ${c.example.line}: ${c.example.text.trim()}`);
  return out;
}

export function renderExplainText(r: ExplainResult): string {
  const out: string[] = [];
  const skipped = r.scan.binaryLinesSkipped ? `, ${r.scan.binaryLinesSkipped} binary lines skipped` : '';
  const long = r.scan.longLines ? `, ${r.scan.longLines} lines cut at 64 KiB` : '';
  out.push(`${r.input}: ${r.scan.lines} lines, ${size(r.scan.bytes)}${skipped}${long}`);
  const served = r.mcsRequests.map(
    (m) =>
      `The MCS received ${m.count} request(s) for pool ${m.pool} (from ${m.from.join(', ')}; last at ${at(m.lastSeen)}).`,
  );
  if (!r.failuresFound) {
    out.push(
      r.success
        ? `No Ignition fetch failure found; success seen at ${at(r.success.lastSeen)}.`
        : served.length
          ? 'No failure in this MCS log: every request it logged was served.'
          : 'Nothing to judge: no Ignition fetch in this text, neither a failure nor a success (is this the console or journal of the worker, from its first boot, or the machine-config-server pod log?).',
    );
    out.push(...served);
    return `${out.join('\n')}\n`;
  }
  out.push('');
  if (r.causes.length) {
    out.push(
      `Ignition fetch failures: ${r.causes.length} cause${r.causes.length > 1 ? 's' : ''} (most recent first)`,
    );
    out.push('');
    r.causes.forEach((c, i) => out.push(...cause(c, i + 1), ''));
  }
  if (r.unclassified.count) {
    out.push(`${r.unclassified.count} fetch error(s) with no known signature, e.g.:`);
    for (const e of r.unclassified.examples.slice(0, 3)) out.push(`   line ${e.line}: ${e.text.trim()}`);
    out.push('');
  }
  out.push(...served);
  for (const f of r.ignitionFailed) {
    out.push(`Ignition failed: ${f.reason} (${f.count} x, last at ${at(f.lastSeen)})`);
  }
  if (r.recoveredAfterFailures && r.success) {
    out.push(`Recovered: a successful fetch followed the last failure, at ${at(r.success.lastSeen)}.`);
  } else if (r.success) {
    out.push(`A success was seen at ${at(r.success.lastSeen)}, but failures came after it.`);
  } else if (r.causes.some((c) => c.signatures.some((s) => s.side !== 'mcs')) || r.ignitionFailed.length) {
    out.push('No successful fetch after the failures.');
  }
  const top = r.causes[0];
  const url = top?.urls[0];
  if (url) {
    out.push(
      `Next: mcs-doctor probe ${url} --pointer <the host's user-data> shows the served chain and the worker's verdict.`,
    );
  }
  return `${out.join('\n')}\n`;
}
