/**
 * preflight's checks as a rule set and its building blocks: stable documented ids (assisted-service's
 * where the check is the same), the boot image's Ignition read from coreos-bootimages, the pointer
 * and pool rules, the machine-approver's config; and on sources with nothing behind them (a real
 * must-gather, an empty one) every check runs, and none passes by default.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/core/kube.js';
import { bootImageIgnition, RHCOS_IGNITION } from '../../../src/checks/preflight/boot-image.js';
import {
  ignitionRequest,
  pointerRefusal,
  poolOfUrl,
  servedRenderedConfig,
} from '../../../src/checks/preflight/gather.js';
import {
  gatherPreflight,
  PREFLIGHT_CHECKS,
  runPreflightChecks,
} from '../../../src/checks/preflight/index.js';
import { clientApprovalDisabled } from '../../../src/checks/preflight/rules/machine-approver.js';
import { parsePointer } from '../../../src/ignition/pointer.js';
import { openMustGather } from '../../../src/sources/must-gather/index.js';
import type { ClusterSource } from '../../../src/sources/types.js';

const REAL = '../shared/data/must-gather/must-gather-metal.tar.xz';
const STATUSES = new Set(['pass', 'warn', 'fail', 'unknown', 'skip']);

function bootImages(stream: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'coreos-bootimages', namespace: 'openshift-machine-config-operator' },
    data: { releaseVersion: '4.16.40', stream: JSON.stringify(stream) },
  };
}

const metal = (release: string) => ({ x86_64: { artifacts: { metal: { release } } } });

describe('the boot image Ignition', () => {
  test('read from configmap coreos-bootimages: the stream names the RHCOS minor', () => {
    const b = bootImageIgnition(
      [bootImages({ stream: 'rhcos-4.16', architectures: metal('416.94.202406251923-0') })],
      undefined,
    );
    assert.equal(b.ignitionVersion, '2.18.0');
    assert.equal(b.from, 'cluster');
    assert.equal(b.release, '416.94.202406251923-0');
    assert.match(b.detail, /rhcos-4\.16 416\.94\.202406251923-0: RHCOS 4\.16 boots Ignition 2\.18\.0/);
  });

  test('the 9.x RHCOS builds of 4.19 by their stream; older builds by their release prefix', () => {
    assert.equal(
      bootImageIgnition(
        [bootImages({ stream: 'rhcos-4.19', architectures: metal('9.6.20250611-0') })],
        undefined,
      ).ignitionVersion,
      '2.20.0',
    );
    assert.equal(
      bootImageIgnition([bootImages({ architectures: metal('412.86.202310111352-0') })], undefined)
        .ignitionVersion,
      '2.14.0',
    );
  });

  test('--ignition-version wins and says what the cluster records; nothing recorded: the default, said so', () => {
    const given = bootImageIgnition(
      [bootImages({ stream: 'rhcos-4.16', architectures: metal('416.94.1-0') })],
      '2.14',
    );
    assert.equal(given.ignitionVersion, '2.14.0');
    assert.equal(given.from, 'flag');
    assert.match(given.detail, /whose Ignition is 2\.18\.0/);
    const none = bootImageIgnition([], undefined);
    assert.equal(none.ignitionVersion, '2.14.0');
    assert.equal(none.from, 'default');
    assert.match(none.detail, /--ignition-version/);
    const unknown = bootImageIgnition([bootImages({ stream: 'rhcos-5.2' })], undefined);
    assert.equal(unknown.from, 'default');
    assert.match(unknown.detail, /does not know/);
  });

  test('the table covers 4.10 to 4.19, and the Go 1.20 wording starts with 4.14 (Ignition 2.16)', () => {
    for (let minor = 10; minor <= 19; minor++) assert.ok(RHCOS_IGNITION[`4.${minor}`], `4.${minor}`);
    assert.equal(ignitionRequest(RHCOS_IGNITION['4.13']!).goVerifyErrorPrefix, false);
    assert.equal(ignitionRequest(RHCOS_IGNITION['4.14']!).goVerifyErrorPrefix, true);
    assert.match(ignitionRequest('2.18.0').accept, /version=3\.4\.0/);
    assert.match(ignitionRequest('2.18.0').userAgent, /^Ignition\/2\.18\.0 mcs-doctor\//);
  });
});

describe('pointers and pools', () => {
  const pointer = (version: string, key: 'merge' | 'append' = 'merge') =>
    parsePointer(
      JSON.stringify({
        ignition: {
          version,
          config: { [key]: [{ source: 'https://192.0.2.5:22623/config/worker' }] },
        },
      }),
      'test',
    );

  test('a spec-2 pointer, or a spec newer than the boot image knows, is refused before any fetch', () => {
    assert.match(pointerRefusal(pointer('2.2.0', 'append'), '2.18.0') ?? '', /spec 2\.2\.0/);
    assert.match(pointerRefusal(pointer('3.5.0'), '2.18.0') ?? '', /needs Ignition 2\.20\.0 or newer/);
    assert.equal(pointerRefusal(pointer('3.4.0'), '2.18.0'), undefined);
  });

  test('the pool a URL asks for, and the rendered config the MCS serves a new node', () => {
    assert.equal(poolOfUrl('https://api-int.c.example.com:22623/config/infra'), 'infra');
    assert.equal(poolOfUrl('https://192.0.2.5:22623/worker.ign'), undefined);
    const pool = (updated: number): KubeObject => ({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: 'worker' },
      spec: { configuration: { name: 'rendered-worker-new' } },
      status: { configuration: { name: 'rendered-worker-old' }, updatedMachineCount: updated },
    });
    assert.equal(servedRenderedConfig(pool(0)), 'rendered-worker-old');
    assert.equal(servedRenderedConfig(pool(2)), 'rendered-worker-new');
  });

  test("machine-approver-config: client approval off only when it says so (the approver's defaults otherwise)", () => {
    assert.equal(clientApprovalDisabled('nodeClientCert:\n  disabled: true\n'), true);
    assert.equal(clientApprovalDisabled('nodeClientCert:\n  disabled: false\n'), false);
    assert.equal(clientApprovalDisabled(': not yaml ['), false);
    assert.equal(clientApprovalDisabled(undefined), false);
  });
});

describe('the preflight checks as a rule set', () => {
  test('unique kebab-case ids, titles, docs, what they read; documented in docs/checks.md and docs/commands/preflight.md', async () => {
    const ids = PREFLIGHT_CHECKS.map((c) => c.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    const checksDoc = await readFile('docs/checks.md', 'utf8');
    const page = await readFile('docs/commands/preflight.md', 'utf8');
    for (const c of PREFLIGHT_CHECKS) {
      assert.match(c.meta.id, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(c.meta.title.length > 5 && c.meta.docs.length > 40 && c.meta.needs.length > 0, c.meta.id);
      assert.ok(checksDoc.includes(`\`${c.meta.id}\``), `docs/checks.md documents ${c.meta.id}`);
      assert.ok(page.includes(`\`${c.meta.id}\``), `docs/commands/preflight.md lists ${c.meta.id}`);
    }
  });

  test("assisted-service's validation ids are used where the check is the same, and only its real ids", async () => {
    const reference = await readFile('../shared/reference/monitoring-preflight-fleet.md', 'utf8');
    const assisted = PREFLIGHT_CHECKS.filter((c) => c.meta.assistedServiceId);
    assert.deepEqual(assisted.map((c) => c.meta.id).sort(), [
      'api-int-domain-name-resolved-correctly',
      'hostname-unique',
      'hostname-valid',
      'ignition-downloadable',
    ]);
    for (const c of assisted) {
      assert.equal(c.meta.assistedServiceId, c.meta.id);
      assert.ok(reference.includes(`\`${c.meta.id}\``), `${c.meta.id} is an assisted-service validation id`);
    }
  });

  test('on the real must-gather every check runs and says something; nothing is probed offline', async () => {
    const source = await openMustGather(REAL);
    const pf = await gatherPreflight(source, {
      bmc: true,
      expiryWarningDays: 30,
      now: source.collectedAt,
      probeTimeoutMs: 1000,
    });
    assert.deepEqual(
      pf.healthz.map((h) => h.result),
      pf.healthz.map(() => undefined),
    );
    for (const c of runPreflightChecks(pf)) {
      assert.ok(c.findings.length > 0, `${c.id} says something`);
      for (const f of c.findings) assert.ok(STATUSES.has(f.status), `${c.id}: ${f.status}`);
    }
    await source.close();
  });

  test('on a source that yields nothing, no check passes', async () => {
    const empty: ClusterSource = {
      kind: 'must-gather',
      location: 'empty',
      redactsSecrets: true,
      collectedAt: new Date(),
      stats: () => ({ requests: 0 }),
      close: async () => {},
      list: async (ref) => ({ ok: false, reason: 'not-collected', message: `no ${ref.plural}` }),
      podLog: async () => ({ ok: false, reason: 'not-collected', message: 'no log' }),
    };
    const pf = await gatherPreflight(empty, {
      bmc: true,
      expiryWarningDays: 30,
      now: new Date(),
      probeTimeoutMs: 1000,
    });
    for (const c of runPreflightChecks(pf))
      for (const f of c.findings) assert.notEqual(f.status, 'pass', `${c.id}: ${f.message}`);
  });
});
