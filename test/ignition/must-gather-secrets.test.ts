/**
 * The user-data secrets of a real must-gather (../shared/data, OCP 4.9) given to `probe
 * --pointer`: must-gather redacts every secret value, and the error must say so and say how to
 * get the real secret, rather than report a JSON syntax error.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';

const ARCHIVE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'must-gather',
  'must-gather-metal.tar.xz',
);
const SECRETS = '*/namespaces/openshift-machine-api/core/secrets.yaml';

let dir: string;
let secretsFile: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-mg-'));
  execFileSync('tar', ['-xJf', ARCHIVE, '-C', dir, '--wildcards', SECRETS], { timeout: 120_000 });
  secretsFile = execFileSync('find', [dir, '-path', `*/namespaces/openshift-machine-api/core/secrets.yaml`], {
    encoding: 'utf8',
  }).trim();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the whole secrets.yaml: names the user-data secrets it holds', async () => {
  const r = await runCli(['probe', '--pointer', secretsFile]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected a List with exactly one Secret, got 35/);
  assert.match(r.stderr, /it holds the user-data secrets master-user-data, worker-user-data/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('worker-user-data from a must-gather: redacted, and how to get the real one', async () => {
  const list = parse(readFileSync(secretsFile, 'utf8')) as { items: Array<{ metadata: { name: string } }> };
  const secret = list.items.find((s) => s.metadata.name === 'worker-user-data');
  assert.ok(secret, 'the real must-gather has worker-user-data');
  const file = join(dir, 'worker-user-data.yaml');
  writeFileSync(file, stringify(secret));
  const r = await runCli(['probe', '--pointer', file]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /secret openshift-machine-api\/worker-user-data was redacted by must-gather: \$\.data\.userData reads "1755 bytes long"/,
  );
  assert.match(r.stderr, /oc get secret -n openshift-machine-api worker-user-data -o yaml/);
});
