/**
 * Issue 11: every `by hand:` command `mcs-doctor fix` prints, for every scenario of the catalog,
 * run in order by bash (`set -euo pipefail`) with the real kubectl standing in for `oc` and
 * `oc adm ...` lines left out (they are what a person with a recent oc runs instead of the lines
 * after them), succeeds against the simulated cluster, and the host joins: `verify --watch
 * --approve-csrs` (approving the kubelet CSRs is the documented last step) reaches Node Ready
 * and diagnose says healthy. Nothing the commands print carries a private key or a BMC password.
 *
 * The table comes from the scenario catalog, so a new scenario is covered without a change here.
 * The certificate causes run on 4.12 and 4.19 (where their plans differ: MCS restart or reload,
 * root-ca or the 4.19 bundle, pointers with one CA or several), the others on their default
 * version. A cause the commands cannot repair says what it expects instead of a join; what the
 * person must add that no plan can know (the BMC password, scaling the MachineSet) is said too;
 * a scenario whose cause has no fix plan (not in FIXABLE) must get an empty plan.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CauseId } from '../../src/core/causes.js';
import type { DiagnoseReport } from '../../src/core/report.js';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { listScenarios, type ScenarioDefinition } from '../../src/sim/scenarios/index.js';
import type { OpenShiftVersion } from '../../src/sim/seed.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { FIXABLE } from '../../src/remedies/plan.js';
import { planOf, runByHand, type ByHandRun, type Plan } from '../helpers/by-hand.js';
import { runCli } from '../helpers/cli.js';
import { diagnoseHealthy, HOST, kubectl, SPEED, verifyReady } from '../helpers/fix.js';

/** Causes whose plan differs by version: run on 4.12 and 4.19. */
const CERTIFICATE_CAUSES: ReadonlySet<CauseId> = new Set<CauseId>([
  'mcs-cert-expired',
  'mcs-cert-expiring',
  'mcs-cert-corrupt',
  'mcs-san-mismatch',
  'mcs-not-running',
  'mcs-ca-mismatch',
]);

interface Expectation {
  /** What the person types (stdin of the shell). */
  typed?: (cluster: SimCluster) => string;
  /** Checks the run's output says what the step is there for. */
  says?: RegExp[];
  /** What the person does next that the plan cannot know, before the host can join. */
  then?: { why: string; run: (cluster: SimCluster) => Promise<void> };
  /** For a cause the commands cannot repair: what the test expects instead of a join. */
  instead?: { why: string; check: (cluster: SimCluster, run: ByHandRun) => Promise<void> };
}

async function firstCause(kubeconfig: string): Promise<string | undefined> {
  const r = await runCli(['diagnose', '--kubeconfig', kubeconfig, '--host', HOST, '-o', 'json']);
  return (JSON.parse(r.stdout) as DiagnoseReport).causes[0]?.id;
}

const EXPECTED: Partial<Record<CauseId, Expectation>> = {
  'worker-clock-skew': { says: [/baremetalhost\.metal3\.io\/worker-0 annotated/] },
  'pointer-unsupported-version': { says: [/secret\/worker-user-data patched/] },
  'bmh-stuck': {
    // The plan cannot know the right password: the person types it when the BMC says 401.
    typed: (cluster) => `admin\n${cluster.seed.hosts.find((h) => h.name === HOST)!.bmc.password}\n`,
    says: [
      /^401$/m,
      /secret\/worker-0-bmc-secret patched/,
      /baremetalhost\.metal3\.io\/worker-0 condition met/,
    ],
    then: {
      why: 'registered, it is available; the MachineSet is scaled up to add it',
      async run(cluster) {
        const ns = ['--kubeconfig', cluster.kubeconfigPath, '-n', 'openshift-machine-api'];
        const { stdout } = await kubectl([
          ...ns,
          'get',
          'machinesets',
          '-o',
          'jsonpath={.items[0].metadata.name} {.items[0].spec.replicas}',
        ]);
        const [name, replicas] = stdout.split(' ');
        await kubectl([
          ...ns,
          'patch',
          'machineset',
          name!,
          '--type',
          'merge',
          '-p',
          JSON.stringify({ spec: { replicas: Number(replicas) + 1 } }),
        ]);
      },
    },
  },
  'mcs-unreachable': {
    instead: {
      why: 'the fault is in front of the masters (VIP, load balancer, firewall): the checks say where, the host still cannot reach the MCS',
      async check(cluster, run) {
        const vip = cluster.network.apiVip;
        assert.equal(
          run.stdout.match(/:22623 answers TLS$/gm)?.length,
          cluster.network.masterIps.length,
          run.stdout,
        );
        assert.match(
          run.stdout,
          new RegExp(`^${vip.replace(/\./g, '\\.')}:22623 does not answer: check the API VIP`, 'm'),
        );
        assert.match(run.stdout, /baremetalhost\.metal3\.io\/worker-0 annotated/);
        assert.equal(await firstCause(cluster.kubeconfigPath), 'mcs-unreachable');
      },
    },
  },
};

const fixable = (cause: CauseId | null): cause is CauseId => !!cause && FIXABLE.includes(cause);

const cases = listScenarios().flatMap((scenario: ScenarioDefinition) => {
  const cause = scenario.expectedCause;
  if (!fixable(cause) || scenario.latent) return [];
  const wanted = CERTIFICATE_CAUSES.has(cause)
    ? scenario.versions.filter((v) => v === '4.12' || v === '4.19')
    : [];
  const versions: OpenShiftVersion[] = wanted.length ? [...wanted] : [scenario.version];
  return versions.map((version) => ({ scenario, cause, version }));
});

/** Nothing printed may carry a private key or a BMC password. */
function assertNoLeak(cluster: SimCluster, text: string): void {
  assert.doesNotMatch(text, /PRIVATE KEY/);
  for (const h of cluster.seed.hosts) assert.ok(!text.includes(h.bmc.password), 'a BMC password was printed');
}

/** Every `oc adm ocp-certificates` line is followed, in its step, by the same done by hand. */
function assertOcAdmHasEquivalent(plan: Plan): void {
  for (const step of plan.steps) {
    if (!step.manual.some((m) => m.startsWith('oc adm ocp-certificates'))) continue;
    const byHand = step.manual.filter((m) => !m.startsWith('oc adm ') && !m.startsWith('#'));
    assert.ok(byHand.length > 0, `step ${step.id} has only oc adm: ${step.manual.join(' / ')}`);
  }
}

describe('fix by hand: the plan of every scenario, run by bash with kubectl for oc', () => {
  for (const { scenario, cause, version } of cases) {
    const expected = EXPECTED[cause] ?? {};
    const outcome = expected.instead
      ? `no join: ${expected.instead.why}`
      : `${expected.then ? `${expected.then.why}; ` : ''}${HOST} joins, diagnose healthy`;
    test(`${scenario.name} on ${version} (${cause}): every command succeeds; ${outcome}`, async () => {
      const cluster = await startSimCluster({ scenario: scenario.name, version, speed: SPEED });
      try {
        await waitForHostOutcome(cluster.ctx, HOST, 60_000);
        const kc = cluster.kubeconfigPath;
        const plan = await planOf(kc);
        assert.equal(plan.cause, cause);
        assertNoLeak(cluster, JSON.stringify(plan));
        assertOcAdmHasEquivalent(plan);

        const run = await runByHand(kc, plan.steps, { stdin: expected.typed?.(cluster) });
        // What the commands said comes first: a failure report may be cut after a few kilobytes.
        const shown = `exit ${String(run.code)}\n--- stderr\n${run.stderr}\n--- stdout\n${run.stdout}\n--- script\n${run.script}`;
        assert.equal(run.code, 0, shown);
        assertNoLeak(cluster, run.stdout + run.stderr);
        for (const re of expected.says ?? []) assert.match(run.stdout, re, shown);

        if (expected.instead) {
          await expected.instead.check(cluster, run);
          return;
        }
        await expected.then?.run(cluster);
        await verifyReady(kc);
        await diagnoseHealthy(kc);
      } finally {
        await cluster.close();
      }
    });
  }
});

describe('fix by hand: a scenario whose cause has no fix plan has no command to run', () => {
  for (const scenario of listScenarios().filter(
    (s) => !s.latent && s.expectedCause && !fixable(s.expectedCause),
  )) {
    test(`${scenario.name} (${scenario.expectedCause}): the plan has no step (nothing to run by hand)`, async () => {
      const cluster = await startSimCluster({
        scenario: scenario.name,
        version: scenario.version,
        speed: SPEED,
      });
      try {
        await waitForHostOutcome(cluster.ctx, HOST, 60_000);
        const plan = await planOf(cluster.kubeconfigPath);
        assert.deepEqual(plan.steps, []);
        assert.match(plan.messages.join('\n'), /nothing to fix/);
      } finally {
        await cluster.close();
      }
    });
  }
});
