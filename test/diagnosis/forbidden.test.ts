/**
 * diagnose with reads RBAC refuses: a source that forbids secrets (as many clusters do for
 * support accounts) makes the checks that need them `unknown`, naming the permission to grant,
 * and the verdict inconclusive, never healthy.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { captureMustGather } from '../../src/sim/capture.js';
import { openMustGather } from '../../src/sources/must-gather/index.js';
import type { ClusterSource, ResourceRef } from '../../src/sources/types.js';

let tmp: string;
let mustGather: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-forbidden-'));
  mustGather = join(tmp, 'mg');
  await captureMustGather({ scenario: 'healthy', outDir: mustGather });
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The must-gather, with secrets refused as the RBAC authorizer refuses them. */
function withoutSecrets(source: ClusterSource): ClusterSource {
  return {
    kind: source.kind,
    location: source.location,
    redactsSecrets: source.redactsSecrets,
    collectedAt: source.collectedAt,
    stats: () => source.stats(),
    close: () => source.close(),
    podLog: (...args) => source.podLog(...args),
    async list(ref: ResourceRef, namespace?: string) {
      if (ref.plural === 'secrets') {
        const scope = namespace ? ` in namespace ${namespace}` : ' cluster-wide';
        return {
          ok: false,
          reason: 'forbidden',
          message: `secrets is forbidden: User "system:serviceaccount:support:viewer" cannot list resource "secrets"`,
          permission: `list secrets${scope}`,
        };
      }
      return source.list(ref, namespace);
    },
  };
}

test('forbidden secrets: unknown with the permission to grant, verdict inconclusive', async () => {
  const source = withoutSecrets(await openMustGather(mustGather));
  const report = await diagnose(source, {
    hosts: ['worker-0'],
    bmc: 'never',
    probe: false,
    expiryWarningDays: 30,
    now: source.collectedAt,
    probeTimeoutMs: 1000,
  });
  const serving = report.checks.find((c) => c.id === 'mcs-serving-cert')!;
  assert.equal(serving.status, 'unknown');
  assert.equal(serving.findings[0]?.permission, 'list secrets cluster-wide');
  assert.match(serving.findings[0]!.message, /forbidden; grant "list secrets cluster-wide"/);
  assert.equal(report.checks.find((c) => c.id === 'user-data-secrets')?.status, 'unknown');
  assert.notEqual(report.verdict, 'healthy');
  assert.equal(report.verdict, 'inconclusive');
  assert.equal(report.exitCode, 4);
});
