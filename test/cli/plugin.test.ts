import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { CLI_PATH } from '../helpers/cli.js';

// The real kubectl 1.32 binary (the /usr/bin/kubectl dispatcher would first ask a server for its version).
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const FIXTURE = join('test', 'fixtures', 'ignition-logs', 'ignition-2.14-expired.txt');

function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 30_000 }, (err, stdout) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout });
    });
  });
}

test(
  'installed as kubectl-mcs_doctor, it runs as `kubectl mcs-doctor`',
  { skip: existsSync(KUBECTL) ? false : `${KUBECTL} is not installed` },
  async () => {
    const bin = mkdtempSync(join(tmpdir(), 'mcs-doctor-plugin-'));
    try {
      symlinkSync(CLI_PATH, join(bin, 'kubectl-mcs_doctor'));
      const env = {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        KUBECONFIG: '/dev/null',
        NO_COLOR: '1',
      };

      const list = await run(KUBECTL, ['plugin', 'list'], env);
      assert.match(list.stdout, /kubectl-mcs_doctor/);

      const explained = await run(KUBECTL, ['mcs-doctor', 'explain', FIXTURE, '-o', 'json'], env);
      assert.equal(explained.code, 1, 'problems found: exit 1 passes through kubectl');
      const report = JSON.parse(explained.stdout) as { causes: Array<{ id: string }> };
      assert.deepEqual(
        report.causes.map((c) => c.id),
        ['mcs-cert-expired'],
      );
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  },
);
