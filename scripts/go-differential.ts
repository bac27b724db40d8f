/**
 * Long runs of the Go differential (test/pki/go-differential.test.ts runs 2,000 cases in CI):
 *   npm run difftest:go -- --seed 7 --count 20000
 * Prints the figures (cases, agreement, each Go verdict's count, seconds) and the first
 * disagreements, each with the seed and case index that rebuild it. Exits 1 on any disagreement.
 */
import { buildOracle, describeDisagreement, runDifferential } from '../test/pki/chain-gen/differential.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`--${name} needs a non-negative integer`);
    process.exit(2);
  }
  return v;
}

const seed = arg('seed', 1);
const count = arg('count', 20000);
const show = arg('show', 20);
const { bin, cleanup } = buildOracle();
try {
  const r = runDifferential(seed, count, bin);
  const pct = ((100 * r.agreed) / Math.max(1, r.cases)).toFixed(3);
  console.log(`seed ${seed}: ${r.cases} cases, ${r.agreed} agree with Go 1.19 (${pct}%)`);
  const s = r.seconds;
  console.log(
    `seconds: ${s.total.toFixed(1)} (generate ${s.generate.toFixed(1)}, go ${s.go.toFixed(1)}, src/pki ${s.ours.toFixed(1)})`,
  );
  console.log('Go verdicts:');
  for (const [text, n] of [...r.texts.entries()].sort((a, b) => b[1] - a[1])) {
    console.log(`${String(n).padStart(7)}  ${text}`);
  }
  for (const d of r.disagreements.slice(0, show)) console.log(describeDisagreement(d, seed));
  process.exitCode = r.disagreements.length === 0 ? 0 : 1;
} finally {
  cleanup();
}
