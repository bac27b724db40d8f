// `npm run bench`: every benchmark the issues ask for, printed as figures. Nothing here asserts;
// targets are read by people against the goals in the README.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchExplain } from './explain.js';

const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-bench-'));
try {
  const sizeMb = Number(process.env.BENCH_EXPLAIN_MB ?? 500);
  // A run at a tenth of the size first: flat memory means the same peak RSS at both sizes.
  for (const size of [Math.max(1, Math.round(sizeMb / 10)), sizeMb]) {
    console.log(`== explain: ${size} MB generated journal vs grep -E (same patterns, same file)`);
    const figures = await benchExplain({ sizeMb: size, dir });
    for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(28)} ${value}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
