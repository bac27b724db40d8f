/**
 * Every scenario of `sim list`, run as a whole cluster: the problem host is provisioned, boots
 * and shows its scenario's outcome. Where its Ignition fails, the console's `GET error:` line
 * is what `mcs-doctor probe` says for the host's own pointer at the host's clock, and, where the
 * host clock is the real one, what the real Ignition 2.14 binary says fetching with that pointer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { listScenarios } from '../../src/sim/scenarios/index.js';
import { waitForHostOutcome, type HostOutcome } from '../../src/sim/settle.js';
import { explainStream } from '../../src/ignition/log.js';
import {
  IGNITION_MISSING,
  ignitionInstalled,
  normaliseCurrentTime,
  runIgnitionFetch,
} from '../helpers/ignition.js';
import { runCli } from '../helpers/cli.js';

const SPEED = 300;

function expectedOutcome(cause: string | null): HostOutcome {
  switch (cause) {
    case null:
    case 'mcs-cert-expiring':
      return 'joined';
    case 'csr-pending':
      return 'csr-pending';
    case 'bmh-stuck':
      return 'bmh-error';
    case 'node-not-ready':
      return 'node-not-ready';
    default:
      return 'ignition-failing';
  }
}

function lastGetError(consoleText: string): string | undefined {
  const lines = consoleText.split('\n').filter((l) => /GET error: |GET result: /.test(l));
  const last = lines[lines.length - 1];
  return last?.slice(last.indexOf('GET '));
}

/** The boot image's Ignition version the host ran, from its console banner. */
function ignitionVersion(consoleText: string): string {
  return /Ignition (\d+\.\d+\.\d+)/.exec(consoleText)?.[1] ?? '2.14.0';
}

// Latent scenarios (nothing fails until the MachineSet is scaled up) are run by test/commands/preflight.test.ts.
for (const scenario of listScenarios().filter((s) => !s.latent)) {
  describe(`scenario ${scenario.name} (${scenario.version})`, () => {
    let cluster: SimCluster;
    let outcome: HostOutcome | undefined;
    const host = scenario.host ?? 'worker-0';

    before(async () => {
      cluster = await startSimCluster({ scenario: scenario.name, speed: SPEED });
      outcome = await waitForHostOutcome(cluster.ctx, host, 60_000);
    });
    after(async () => {
      await cluster?.close();
    });

    test(`${host} ends ${expectedOutcome(scenario.expectedCause)}`, () => {
      assert.equal(outcome, expectedOutcome(scenario.expectedCause), cluster.console(host));
    });

    if (expectedOutcome(scenario.expectedCause) !== 'ignition-failing') return;

    test('explain on the console names the expected cause', async () => {
      const result = await explainStream([Buffer.from(cluster.console(host) ?? '')], 'console');
      const ids = result.causes.map((c) => c.id);
      const expected =
        scenario.expectedCause === 'mcs-not-running' || scenario.expectedCause === 'mcs-cert-corrupt'
          ? 'mcs-unreachable' // from the worker's side a down MCS is a refused connection
          : scenario.expectedCause;
      assert.ok((ids as string[]).includes(expected as string), `explain said ${ids.join(', ')}`);
    });

    test("probe with the host's pointer at the host's clock prints the console's error line", async (t) => {
      const sim = cluster.ctx.hosts.get(host);
      assert.ok(sim?.configDrive, 'the host has a config drive');
      const consoleText = cluster.console(host) ?? '';
      const dir = await mkdtemp(join(tmpdir(), 'mcs-doctor-sim-probe-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const pointer = join(dir, 'pointer.ign');
      await writeFile(pointer, sim.configDrive);
      const args = ['probe', '--pointer', pointer, '--at', sim.clock.now().toISOString()];
      args.push('--ignition-version', ignitionVersion(consoleText), '--timeout', '3', '-o', 'json');
      for (const [name, ip] of cluster.network.dns) args.push('--resolve', `${name}:${ip}`);
      const res = await runCli(args);
      assert.equal(res.code, 1, res.stderr);
      const report = JSON.parse(res.stdout) as { ignitionError?: string; reason: string };
      const consoleLine = lastGetError(consoleText);
      if (scenario.expectedCause === 'pointer-unsupported-version') {
        assert.equal(report.reason, 'unsupported-pointer-version');
        assert.match(consoleText, /unsupported config version/);
        return;
      }
      assert.ok(consoleLine, consoleText);
      assert.equal(normaliseCurrentTime(report.ignitionError ?? ''), normaliseCurrentTime(consoleLine));
    });

    test('the real Ignition 2.14 fetching with the same pointer agrees (real-clock hosts)', async (t) => {
      const sim = cluster.ctx.hosts.get(host);
      if (!ignitionInstalled()) {
        t.diagnostic(IGNITION_MISSING);
        t.skip(IGNITION_MISSING);
        return;
      }
      if (
        !sim?.configDrive ||
        Math.abs(sim.clock.offset) > 60_000 ||
        /"version":\s*"2\./.test(sim.configDrive)
      ) {
        t.skip('the real Ignition runs at this machine clock and refuses spec-2 pointers before fetching');
        return;
      }
      // Debian's Ignition is 2.14 (spec <= 3.3): the same pointer at spec 3.2.0, with a total timeout so it stops.
      const parsed = JSON.parse(sim.configDrive) as {
        ignition: { config: { merge: unknown[] }; security: unknown };
      };
      const minimal = {
        ignition: {
          version: '3.2.0',
          config: { merge: parsed.ignition.config.merge },
          security: parsed.ignition.security,
          timeouts: { httpTotal: 3 },
        },
      };
      const run = await runIgnitionFetch(JSON.stringify(minimal));
      const consoleLine = lastGetError(cluster.console(host) ?? '');
      assert.ok(run.attempts.length > 0, run.output);
      // Debian's 2.14 is built with Go 1.19; the 4.14+ boot images' Ignition (Go >= 1.20) adds this prefix.
      const unwrapped = (consoleLine ?? '').replace('tls: failed to verify certificate: ', '');
      assert.equal(normaliseCurrentTime(run.attempts[0] ?? ''), normaliseCurrentTime(unwrapped));
    });
  });
}
