/**
 * Captures real Ignition 2.14 output for every oracle case into
 * test/fixtures/ignition-logs/captured/<case>.log (journal-socket and machine-specific lines
 * removed), plus index.json (file -> expected cause id), so `explain` unit tests read what
 * Ignition really prints.
 * Usage: node --import tsx scripts/capture-ignition-logs.ts [case-name-substring...]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IGNITION_MISSING, ignitionInstalled } from '../test/helpers/ignition.js';
import { ORACLE_CASES } from '../test/helpers/oracle-cases.js';
import { buildOraclePki } from '../test/helpers/oracle-pki.js';
import { mapBounded, runOracleCase } from '../test/helpers/oracle-run.js';

const OUT_DIR = join('test', 'fixtures', 'ignition-logs', 'captured');

export function caseSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

async function main(): Promise<void> {
  if (!ignitionInstalled()) {
    console.error(IGNITION_MISSING);
    process.exit(2);
  }
  const filters = process.argv.slice(2);
  const cases = ORACLE_CASES.filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
  const pki = await buildOraclePki();
  await mkdir(OUT_DIR, { recursive: true });
  const outcomes = await mapBounded(cases, 4, (c) => runOracleCase(c, pki, { probe: false }));
  const index: Array<{ file: string; case: string; ignitionExitCode: number | null; cause: string | null }> =
    [];
  for (const [i, outcome] of outcomes.entries()) {
    const c = cases[i];
    if (!c) continue;
    const file = join(OUT_DIR, `${caseSlug(c.name)}.log`);
    await writeFile(file, outcome.ignition.output);
    index.push({
      file: `${caseSlug(c.name)}.log`,
      case: c.name,
      ignitionExitCode: outcome.ignition.code,
      cause: c.cause ?? null,
    });
    console.log(`${c.name}: rc=${outcome.ignition.code} -> ${file}`);
    console.log(`  ${outcome.ignition.attempts[0] ?? '(no attempt)'}`);
    if (outcome.ignition.final) console.log(`  ${outcome.ignition.final}`);
  }
  // Which cause `explain` should name for each file (null: a successful fetch, no cause).
  if (filters.length === 0)
    await writeFile(join(OUT_DIR, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
}

await main();
