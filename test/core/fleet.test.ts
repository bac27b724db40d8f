/** The fleet model: the worst exit code, the summary, and the exporter names against the manifests that deploy it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { EXPORTER_DEPLOYMENT, EXPORTER_NAMESPACE, worstExitCode } from '../../src/core/fleet.js';

test('worstExitCode: problem, then unreachable, then bad input, then inconclusive, then healthy', () => {
  assert.equal(worstExitCode([]), 0);
  assert.equal(worstExitCode([0, 0]), 0);
  assert.equal(worstExitCode([0, 4]), 4);
  assert.equal(worstExitCode([4, 2, 0]), 2);
  assert.equal(worstExitCode([2, 3, 4]), 3);
  assert.equal(worstExitCode([3, 1, 4, 2, 0]), 1);
  assert.equal(worstExitCode([0, 7]), 2, 'a code outside the convention is not taken for healthy');
});

test('the exporter fleet looks for is the Deployment manifests/exporter/ creates', () => {
  const root = join(import.meta.dirname, '..', '..', 'manifests', 'exporter');
  const deployment = parse(readFileSync(join(root, 'deployment.yaml'), 'utf8')) as {
    kind: string;
    metadata: { name: string; namespace: string };
  };
  assert.equal(deployment.kind, 'Deployment');
  assert.equal(deployment.metadata.name, EXPORTER_DEPLOYMENT);
  assert.equal(deployment.metadata.namespace, EXPORTER_NAMESPACE);
  const kustomization = parse(readFileSync(join(root, 'kustomization.yaml'), 'utf8')) as {
    namespace?: string;
  };
  assert.ok(kustomization.namespace === undefined || kustomization.namespace === EXPORTER_NAMESPACE);
});
