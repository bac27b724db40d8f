/** The preinstalled real kubectl (1.32, and its dispatcher) against the simulated API server. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAPI_NS, MCO_NS, bmhOf, startApiFixture, type ApiFixture } from './server-fixture.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const DISPATCHER = '/usr/bin/kubectl';

describe(
  'real kubectl against the simulated API',
  { skip: existsSync(KUBECTL) ? false : `${KUBECTL} missing` },
  () => {
    let fx: ApiFixture;
    let n = 0;
    const kubectl = (
      args: string[],
      bin = KUBECTL,
    ): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const cache = join(fx.dir, `cache-${(n += 1)}`);
        execFile(
          bin,
          [`--kubeconfig=${fx.kubeconfig}`, `--cache-dir=${cache}`, '--request-timeout=20s', ...args],
          { timeout: 30_000 },
          (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
      });

    before(async () => {
      fx = await startApiFixture();
    });
    after(async () => {
      await fx.close();
    });

    test('get bmh -A prints the BareMetalHost columns', async () => {
      const r = await kubectl(['get', 'bmh', '-A']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^NAMESPACE\s+NAME\s+STATE\s+CONSUMER\s+ONLINE\s+ERROR\s+AGE/);
      assert.match(r.stdout, /openshift-machine-api\s+worker-0\s+provisioning\s+true/);
    });

    test('get pods by label, with -o wide', async () => {
      const r = await kubectl([
        'get',
        'pods',
        '-n',
        MCO_NS,
        '-l',
        'k8s-app=machine-config-server',
        '-o',
        'wide',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.match(/machine-config-server-\w+\s+1\/1\s+Running/g)?.length, 3, r.stdout);
      assert.match(r.stdout, /127\.0\.0\.10\s+master-0/);
      assert.doesNotMatch(r.stdout, /machine-config-operator-abc/);
    });

    test('get csr and get secret -o json', async () => {
      const csr = await kubectl(['get', 'csr']);
      assert.equal(csr.code, 0, csr.stderr);
      assert.match(
        csr.stdout,
        /csr-abcde\s+\S+\s+kubernetes\.io\/kube-apiserver-client-kubelet\s+system:serviceaccount:openshift-machine-config-operator:node-bootstrapper\s+<none>\s+Pending/,
      );
      const secret = await kubectl(['get', 'secret', 'worker-user-data', '-n', MAPI_NS, '-o', 'json']);
      assert.equal(secret.code, 0, secret.stderr);
      assert.equal(JSON.parse(secret.stdout).metadata.name, 'worker-user-data');
    });

    test('patch --type merge and --type json change the stored object', async () => {
      const merge = await kubectl([
        'patch',
        'bmh',
        'worker-1',
        '-n',
        MAPI_NS,
        '--type',
        'merge',
        '-p',
        '{"spec":{"online":false}}',
      ]);
      assert.equal(merge.code, 0, merge.stderr);
      assert.match(merge.stdout, /baremetalhost\.metal3\.io\/worker-1 patched/);
      assert.equal((bmhOf(fx, 'worker-1')?.spec as { online: boolean }).online, false);
      const json = await kubectl([
        'patch',
        'bmh',
        'worker-2',
        '-n',
        MAPI_NS,
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/spec/online","value":false}]',
      ]);
      assert.equal(json.code, 0, json.stderr);
      assert.equal((bmhOf(fx, 'worker-2')?.spec as { online: boolean }).online, false);
    });

    test('delete removes the object; a missing one is NotFound', async () => {
      const del = await kubectl(['delete', 'secret', 'worker-0-bmc-secret', '-n', MAPI_NS]);
      assert.equal(del.code, 0, del.stderr);
      assert.match(del.stdout, /secret "worker-0-bmc-secret" deleted/);
      assert.equal(fx.store.get(fx.store.type('secrets', ''), MAPI_NS, 'worker-0-bmc-secret'), undefined);
      const missing = await kubectl(['get', 'secret', 'does-not-exist', '-n', MAPI_NS]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Error from server \(NotFound\): secrets "does-not-exist" not found/);
    });

    test('get -w sees a change made while it watches', async () => {
      const cache = join(fx.dir, 'cache-watch');
      const child = spawn(
        KUBECTL,
        [`--kubeconfig=${fx.kubeconfig}`, `--cache-dir=${cache}`, 'get', 'bmh', '-n', MAPI_NS, '-w'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      try {
        const waitFor = async (re: RegExp): Promise<void> => {
          const deadline = Date.now() + 20_000;
          while (!re.test(out)) {
            if (Date.now() > deadline) throw new Error(`not seen ${re}: ${out}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        await waitFor(/worker-4\s+provisioned/);
        const t = fx.store.type('bmh');
        fx.store.mutate(
          t,
          MAPI_NS,
          'worker-4',
          (o) => {
            (o.status as { provisioning: { state: string } }).provisioning.state = 'deprovisioning';
          },
          { subresource: 'status' },
        );
        await waitFor(/worker-4\s+deprovisioning/);
      } finally {
        child.kill('SIGKILL');
      }
    });

    test('logs and logs --previous; a pod with two containers needs -c', async () => {
      const current = await kubectl(['logs', '-n', MCO_NS, 'machine-config-server-h79dr']);
      assert.equal(current.code, 0, current.stderr);
      assert.match(current.stdout, /Pool worker requested by address:"127\.0\.1\.10:43210"/);
      const previous = await kubectl(['logs', '-n', MCO_NS, 'machine-config-server-h79dr', '--previous']);
      assert.equal(previous.code, 0, previous.stderr);
      assert.match(previous.stdout, /Launching server on :22623/);
      assert.doesNotMatch(previous.stdout, /Pool worker/);
      const none = await kubectl(['logs', '-n', MCO_NS, 'machine-config-server-lcksm', '--previous']);
      assert.equal(none.code, 1);
      assert.match(
        none.stderr,
        /previous terminated container "machine-config-server" in pod "machine-config-server-lcksm" not found/,
      );
    });

    test('the read-only context reads but every write is Forbidden', async () => {
      const get = await kubectl(['--context=read-only', 'get', 'bmh', '-n', MAPI_NS]);
      assert.equal(get.code, 0, get.stderr);
      const patch = await kubectl([
        '--context=read-only',
        'patch',
        'bmh',
        'worker-3',
        '-n',
        MAPI_NS,
        '--type',
        'merge',
        '-p',
        '{"spec":{"online":false}}',
      ]);
      assert.equal(patch.code, 1);
      assert.match(
        patch.stderr,
        /Error from server \(Forbidden\): baremetalhosts\.metal3\.io "worker-3" is forbidden: User "system:serviceaccount:mcs-doctor:readonly" cannot patch resource "baremetalhosts" in API group "metal3\.io" in the namespace "openshift-machine-api"/,
      );
      assert.equal((bmhOf(fx, 'worker-3')?.spec as { online: boolean }).online, true);
      const del = await kubectl(['--context=read-only', 'delete', 'node', 'worker-1']);
      assert.equal(del.code, 1);
      assert.match(del.stderr, /cannot delete resource "nodes" in API group "" at the cluster scope/);
    });

    test(
      'the kubectl dispatcher picks 1.32 from /version',
      { skip: existsSync(DISPATCHER) ? false : 'no dispatcher' },
      async () => {
        const r = await kubectl(['get', 'nodes'], DISPATCHER);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /master-0\s+Ready\s+master/);
        const v = await kubectl(['version', '-o', 'json'], DISPATCHER);
        assert.match(String(JSON.parse(v.stdout).clientVersion.minor), /^32/);
      },
    );
  },
);
