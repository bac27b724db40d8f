/**
 * THE ORACLE MATRIX: for each case, real Ignition 2.14 (a Go TLS client, as on a worker) and
 * `mcs-doctor probe` fetch through the same pointer config from the same simulated MCS, and must
 * agree on the verdict, the per-attempt `GET error:`/`GET result:` line (only the `current time`
 * value normalised) and the final `Ignition failed: ...` line. Then `mcs-doctor explain` reads
 * Ignition's real output and must name the expected cause.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { IGNITION_MISSING, ignitionInstalled, normaliseCurrentTime } from '../helpers/ignition.js';
import { ORACLE_CASES } from '../helpers/oracle-cases.js';
import { buildOraclePki } from '../helpers/oracle-pki.js';
import { mapBounded, runOracleCase, type OracleOutcome } from '../helpers/oracle-run.js';

const CONCURRENCY = 4;
const installed = ignitionInstalled();
if (!installed) {
  // Loud on purpose: a silent skip would pass CI without proving anything.
  console.error(`\n${'!'.repeat(100)}\n${IGNITION_MISSING}\n${'!'.repeat(100)}\n`);
}

interface ProbeJson {
  cause?: string | null;
  verdict: 'ok' | 'fail';
  reason: string;
  ignitionError?: string | null;
  ignitionFinal?: string | null;
}

interface ExplainJson {
  schemaVersion: unknown;
  causes: Array<{ id: string; count: number }>;
}

describe(
  'real Ignition 2.14 and mcs-doctor probe agree',
  { skip: installed ? false : IGNITION_MISSING },
  () => {
    const outcomes = new Map<string, OracleOutcome>();

    before(
      async () => {
        const pki = await buildOraclePki();
        const results = await mapBounded(ORACLE_CASES, CONCURRENCY, (c) =>
          runOracleCase(c, pki, { probe: true }),
        );
        ORACLE_CASES.forEach((c, i) => outcomes.set(c.name, results[i] as OracleOutcome));
      },
      { timeout: 240_000 },
    );

    for (const oracleCase of ORACLE_CASES) {
      test(oracleCase.name, async () => {
        const outcome = outcomes.get(oracleCase.name);
        assert.ok(outcome, 'the case did not run');
        const { ignition, probe } = outcome;
        const context = `\n--- Ignition output ---\n${ignition.output}--- probe stdout ---\n${probe?.stdout ?? ''}\n--- probe stderr ---\n${probe?.stderr ?? ''}`;

        // The case builds what it says (Ignition itself decides; a kill means the bound did not work).
        assert.equal(ignition.killed, false, `Ignition had to be killed${context}`);
        const ignitionOk = ignition.code === 0;
        assert.equal(ignitionOk, oracleCase.expectOk, `Ignition exit ${ignition.code}${context}`);
        assert.equal(
          ignitionOk,
          ignition.finishedOk,
          `exit code and "Ignition finished successfully" disagree${context}`,
        );

        // probe: same verdict, same per-attempt line, same final line.
        assert.ok(probe, 'probe did not run');
        let json: ProbeJson;
        try {
          json = JSON.parse(probe.stdout) as ProbeJson;
        } catch {
          assert.fail(`probe printed no JSON (exit ${probe.code})${context}`);
        }
        assert.equal(json.verdict, ignitionOk ? 'ok' : 'fail', `verdict${context}`);
        assert.equal(probe.code, ignitionOk ? 0 : 1, `probe exit code${context}`);

        const attempt = ignition.attempts[0];
        const ignitionError = attempt === undefined || attempt === 'GET result: OK' ? undefined : attempt;
        // Every attempt of one run says the same thing (only the clock moves), except a last
        // attempt cut by the run's own httpTotal (`context deadline exceeded`) on a loaded machine.
        const cutByHttpTotal = (a: string): boolean =>
          a !== attempt && a.endsWith(': context deadline exceeded');
        for (const other of ignition.attempts.filter((a) => !cutByHttpTotal(a))) {
          assert.equal(
            normaliseCurrentTime(other),
            normaliseCurrentTime(attempt ?? ''),
            `attempts differ${context}`,
          );
        }
        assert.equal(
          json.ignitionError == null ? undefined : normaliseCurrentTime(json.ignitionError),
          ignitionError === undefined ? undefined : normaliseCurrentTime(ignitionError),
          `ignitionError${context}`,
        );
        assert.equal(json.ignitionFinal ?? undefined, ignition.final, `ignitionFinal${context}`);
        assert.equal(json.cause ?? undefined, oracleCase.cause, `probe cause${context}`);

        // The MCS saw the worker's request (for every case that got as far as HTTP).
        if (ignitionOk) {
          assert.ok(
            outcome.mcsLog.some((line) =>
              /api\.go:110\] Pool worker requested by address:"(?:127\.0\.0\.1|\[::1\]):\d+" User-Agent:"Ignition\/Debian 2\.14\.0\+ds1-1\+b6" Accept-Header: "application\/vnd\.coreos\.ignition\+json;version=3\.3\.0, \*\/\*;q=0\.1"$/.test(
                line,
              ),
            ),
            `no MCS log line for Ignition's request:\n${outcome.mcsLog.join('\n')}`,
          );
        }

        // explain reads Ignition's real output and names the cause.
        const explained = await runCli(['explain', '-', '-o', 'json'], {
          stdin: ignition.output,
          killAfterMs: 30_000,
        });
        let report: ExplainJson;
        try {
          report = JSON.parse(explained.stdout) as ExplainJson;
        } catch {
          assert.fail(`explain printed no JSON (exit ${explained.code}): ${explained.stderr}${context}`);
        }
        const ids = report.causes.map((c) => c.id);
        if (oracleCase.cause === undefined) {
          assert.deepEqual(ids, [], `explain found causes in a successful fetch${context}`);
        } else {
          assert.ok(
            ids.includes(oracleCase.cause),
            `explain named ${JSON.stringify(ids)}, expected ${oracleCase.cause}${context}`,
          );
        }
      });
    }
  },
);
