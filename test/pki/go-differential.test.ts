/**
 * src/pki against the real Go 1.19 crypto/x509 (Ignition's): 2,000 generated chains (fixed
 * seed) through test/oracle/go-x509 and through parse + verifyChain; verdict, exact error text
 * (parse failures as the probe names them), root parse verdicts and the chains found must all
 * agree. CI installs golang-1.19-go; without it this test fails rather than skips, because a
 * skipped oracle would let the verifier drift unnoticed. Longer runs: npm run difftest:go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOracle, describeDisagreement, runDifferential } from './chain-gen/differential.js';

const SEED = 20240601;
const COUNT = 2000;

test(`verifyChain agrees with Go 1.19 on ${COUNT} generated chains (seed ${SEED})`, () => {
  const { bin, cleanup } = buildOracle();
  try {
    const r = runDifferential(SEED, COUNT, bin);
    const failing = r.disagreements.slice(0, 10).map((d) => describeDisagreement(d, SEED));
    assert.equal(
      r.agreed,
      r.cases,
      `${r.cases - r.agreed} of ${r.cases} cases disagree with Go; the first ones:\n${failing.join('\n')}`,
    );
    // The generator must keep reaching Go's failure modes, not only the happy path.
    const kinds = [...r.texts.keys()];
    for (const needed of [
      'ok',
      'x509: certificate signed by unknown authority',
      'x509: certificate specifies an incompatible key usage',
      'x509: unhandled critical extension',
      'x509: too many intermediates for path length constraint',
      'x509: certificate is not authorized to sign other certificates',
      'x509: signature check attempts limit reached while verifying certificate chain',
    ]) {
      assert.ok(kinds.includes(needed), `no case produced ${JSON.stringify(needed)}`);
    }
    assert.ok(kinds.length >= 30, `only ${kinds.length} kinds of Go verdicts were produced`);
  } finally {
    cleanup();
  }
});
