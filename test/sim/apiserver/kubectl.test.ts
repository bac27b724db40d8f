/** The preinstalled real kubectl (1.32, and its dispatcher) against the simulated API server. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../../src/sim/kube/types.js';
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

    const PROTOBUF_ANSWER =
      /Response Status: 201 Created[^\n]*\n(?:[^\n]*\n){0,8}?[^\n]*Content-Type: application\/vnd\.kubernetes\.protobuf/;
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    const stored = (plural: string, group: string, name: string, ns: string | undefined = MAPI_NS) =>
      fx.store.get(fx.store.type(plural, group), ns, name) as (KubeObject & Record<string, any>) | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any

    test('create secret generic: sent and answered in protobuf, then readable', async () => {
      const r = await kubectl([
        'create',
        'secret',
        'generic',
        'pb-generic',
        '--from-literal=user=admin',
        '-n',
        MAPI_NS,
        '-v=8',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^secret\/pb-generic created$/m);
      assert.match(r.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/, 'kubectl sent protobuf');
      assert.match(r.stderr, PROTOBUF_ANSWER, 'and got protobuf back');
      const value = await kubectl([
        'get',
        'secret',
        'pb-generic',
        '-n',
        MAPI_NS,
        '-o',
        'jsonpath={.data.user} {.type}',
      ]);
      assert.equal(value.stdout, `${b64('admin')} Opaque`);
      const again = await kubectl([
        'create',
        'secret',
        'generic',
        'pb-generic',
        '--from-literal=user=x',
        '-n',
        MAPI_NS,
      ]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /^error: failed to create secret secrets "pb-generic" already exists$/m);
      const readOnly = await kubectl([
        '--context=read-only',
        'create',
        'secret',
        'generic',
        'ro',
        '--from-literal=a=b',
        '-n',
        MAPI_NS,
      ]);
      assert.equal(readOnly.code, 1);
      assert.match(
        readOnly.stderr,
        /User "system:serviceaccount:mcs-doctor:readonly" cannot create resource "secrets" in API group "" in the namespace "openshift-machine-api"/,
      );
    });

    test('create secret tls from openssl-made files', async () => {
      const key = join(fx.dir, 'tls.key');
      const cert = join(fx.dir, 'tls.crt');
      await new Promise<void>((resolve, reject) =>
        execFile(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-subj',
            '/CN=api-int.sim.example.test',
            '-days',
            '1',
          ],
          { timeout: 30_000 },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
      const r = await kubectl([
        'create',
        'secret',
        'tls',
        'pb-tls',
        `--cert=${cert}`,
        `--key=${key}`,
        '-n',
        MAPI_NS,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^secret\/pb-tls created$/m);
      const secret = stored('secrets', '', 'pb-tls');
      assert.equal(secret?.type, 'kubernetes.io/tls');
      assert.equal(Buffer.from(secret?.data['tls.crt'], 'base64').toString(), readFileSync(cert, 'utf8'));
      assert.equal(Buffer.from(secret?.data['tls.key'], 'base64').toString(), readFileSync(key, 'utf8'));
    });

    test('create configmap --from-file, create namespace, create service clusterip', async () => {
      const file = join(fx.dir, 'ca-bundle.crt');
      writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const cm = await kubectl(['create', 'configmap', 'pb-cm', `--from-file=${file}`, '-n', MAPI_NS]);
      assert.equal(cm.code, 0, cm.stderr);
      assert.match(cm.stdout, /^configmap\/pb-cm created$/m);
      const got = await kubectl([
        'get',
        'configmap',
        'pb-cm',
        '-n',
        MAPI_NS,
        '-o',
        'jsonpath={.data.ca-bundle\\.crt}',
      ]);
      assert.equal(got.stdout, readFileSync(file, 'utf8'));
      const ns = await kubectl(['create', 'namespace', 'pb-ns']);
      assert.match(ns.stdout, /^namespace\/pb-ns created$/m, ns.stderr);
      const svc = await kubectl([
        'create',
        'service',
        'clusterip',
        'pb-svc',
        '--tcp=22623:22623',
        '-n',
        'pb-ns',
      ]);
      assert.match(svc.stdout, /^service\/pb-svc created$/m, svc.stderr);
      assert.deepEqual(stored('services', '', 'pb-svc', 'pb-ns')?.spec.ports, [
        { name: '22623-22623', protocol: 'TCP', port: 22623, targetPort: 22623 },
      ]);
    });

    /** A manifest with one value in it, and where to read that value back from the stored object. */
    interface Manifest {
      plural: string;
      group: string;
      shown: string;
      namespaced: boolean;
      make: (name: string, value: string) => object;
      read: (o: Record<string, any>) => string; // eslint-disable-line @typescript-eslint/no-explicit-any
    }
    const manifests: Manifest[] = [
      {
        plural: 'secrets',
        group: '',
        shown: 'secret',
        namespaced: true,
        make: (name, value) => ({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace: MAPI_NS },
          data: { v: b64(value) },
        }),
        read: (o) => Buffer.from(o.data.v, 'base64').toString(),
      },
      {
        plural: 'configmaps',
        group: '',
        shown: 'configmap',
        namespaced: true,
        make: (name, value) => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: MAPI_NS },
          data: { v: value },
        }),
        read: (o) => o.data.v,
      },
      {
        plural: 'pods',
        group: '',
        shown: 'pod',
        namespaced: true,
        make: (name, value) => ({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: MAPI_NS, labels: { app: 'pb' } },
          spec: { containers: [{ name: 'c', image: 'registry.example/mcs:1', env: [{ name: 'V', value }] }] },
        }),
        read: (o) => o.spec.containers[0].env[0].value,
      },
      {
        plural: 'baremetalhosts',
        group: 'metal3.io',
        shown: 'baremetalhost.metal3.io',
        namespaced: true,
        make: (name, value) => ({
          apiVersion: 'metal3.io/v1alpha1',
          kind: 'BareMetalHost',
          metadata: { name, namespace: MAPI_NS },
          spec: {
            online: true,
            bootMACAddress: '00:11:22:33:44:55',
            bmc: {
              address: 'redfish://127.0.0.1:8000/redfish/v1/Systems/9',
              credentialsName: `${name}-bmc-secret`,
            },
            image: { url: `http://127.0.0.1:6180/images/${value}.qcow2` },
          },
        }),
        read: (o) => /images\/(.*)\.qcow2/.exec(o.spec.image.url)?.[1] ?? '',
      },
      {
        plural: 'machineconfigs',
        group: 'machineconfiguration.openshift.io',
        shown: 'machineconfig.machineconfiguration.openshift.io',
        namespaced: false,
        make: (name, value) => ({
          apiVersion: 'machineconfiguration.openshift.io/v1',
          kind: 'MachineConfig',
          metadata: { name, labels: { 'machineconfiguration.openshift.io/role': 'worker' } },
          spec: { config: { ignition: { version: '3.2.0' } }, kernelArguments: [`v=${value}`] },
        }),
        read: (o) => String(o.spec.kernelArguments[0]).slice(2),
      },
    ];

    for (const m of manifests) {
      test(`create -f, replace -f, apply -f (created, unchanged, configured), apply --server-side: ${m.plural}`, async () => {
        const file = (name: string, value: string): string => {
          const path = join(fx.dir, `${name}-${value}.yaml`);
          writeFileSync(path, stringify(m.make(name, value)));
          return path;
        };
        const value = (name: string): string => {
          const o = stored(m.plural, m.group, name, m.namespaced ? MAPI_NS : undefined);
          assert.ok(o, `${name} stored`);
          return m.read(o);
        };
        const run = async (args: string[], line: RegExp): Promise<void> => {
          const r = await kubectl(args);
          assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
          assert.match(r.stdout, line, args.join(' '));
          assert.doesNotMatch(r.stderr, /warning|error/i, args.join(' '));
        };
        const base = `pb-${m.plural.slice(0, 6)}`;
        await run(
          ['create', '-f', file(`${base}-c`, 'one')],
          new RegExp(`^${m.shown}/${base}-c created$`, 'm'),
        );
        await run(
          ['replace', '-f', file(`${base}-c`, 'two')],
          new RegExp(`^${m.shown}/${base}-c replaced$`, 'm'),
        );
        assert.equal(value(`${base}-c`), 'two');

        await run(
          ['apply', '-f', file(`${base}-a`, 'one')],
          new RegExp(`^${m.shown}/${base}-a created$`, 'm'),
        );
        await run(
          ['apply', '-f', file(`${base}-a`, 'one')],
          new RegExp(`^${m.shown}/${base}-a unchanged$`, 'm'),
        );
        await run(
          ['apply', '-f', file(`${base}-a`, 'two')],
          new RegExp(`^${m.shown}/${base}-a configured$`, 'm'),
        );
        assert.equal(value(`${base}-a`), 'two');
        const applied = stored(m.plural, m.group, `${base}-a`, m.namespaced ? MAPI_NS : undefined);
        const lastApplied =
          applied?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
        assert.equal(m.read(JSON.parse(lastApplied ?? '{}')), 'two', 'the last-applied annotation');

        const ssa = ['apply', '--server-side', '-f'];
        const ssaLine = new RegExp(`^${m.shown}/${base}-s serverside-applied$`, 'm');
        await run([...ssa, file(`${base}-s`, 'one')], ssaLine);
        assert.equal(value(`${base}-s`), 'one');
        await run([...ssa, file(`${base}-s`, 'two')], ssaLine);
        assert.equal(value(`${base}-s`), 'two');
      });
    }

    test('certificate approve and deny: the condition is set and get csr shows it', async () => {
      const t = fx.store.type('csr');
      for (const name of ['csr-pb-approve', 'csr-pb-deny']) {
        fx.store.create(t, {
          apiVersion: 'certificates.k8s.io/v1',
          kind: 'CertificateSigningRequest',
          metadata: { name },
          spec: {
            signerName: 'kubernetes.io/kubelet-serving',
            username: 'system:node:worker-0',
            groups: ['system:nodes', 'system:authenticated'],
            usages: ['digital signature', 'server auth'],
            request: b64('not a real request'),
          },
        });
      }
      const approve = await kubectl(['certificate', 'approve', 'csr-pb-approve']);
      assert.equal(approve.code, 0, approve.stderr);
      assert.match(
        approve.stdout,
        /^certificatesigningrequest\.certificates\.k8s\.io\/csr-pb-approve approved$/m,
      );
      const deny = await kubectl(['certificate', 'deny', 'csr-pb-deny']);
      assert.equal(deny.code, 0, deny.stderr);
      assert.match(deny.stdout, /csr-pb-deny denied/);
      const approved = stored(
        'certificatesigningrequests',
        'certificates.k8s.io',
        'csr-pb-approve',
        undefined,
      );
      assert.deepEqual(
        approved?.status.conditions.map((c: { type: string; status: string; reason: string }) => [
          c.type,
          c.status,
          c.reason,
        ]),
        [['Approved', 'True', 'KubectlApprove']],
      );
      assert.equal(approved?.spec.request, b64('not a real request'), 'the rest of the CSR is untouched');
      const get = await kubectl(['get', 'csr', 'csr-pb-approve', 'csr-pb-deny']);
      assert.match(get.stdout, /csr-pb-approve\s.*\sApproved\s*$/m);
      assert.match(get.stdout, /csr-pb-deny\s.*\sDenied\s*$/m);
      const twice = await kubectl(['certificate', 'approve', 'csr-pb-approve']);
      assert.equal(twice.code, 0, 'approving again is a no-op, as with a real apiserver');
    });

    test('delete --wait of a secret created through protobuf; auth can-i through protobuf', async () => {
      const created = await kubectl([
        'create',
        'secret',
        'generic',
        'pb-delete-me',
        '--from-literal=a=b',
        '-n',
        MAPI_NS,
      ]);
      assert.equal(created.code, 0, created.stderr);
      const del = await kubectl(['delete', 'secret', 'pb-delete-me', '-n', MAPI_NS, '--wait=true']);
      assert.equal(del.code, 0, del.stderr);
      assert.match(del.stdout, /^secret "pb-delete-me" deleted$/m);
      assert.equal(stored('secrets', '', 'pb-delete-me'), undefined);
      const yes = await kubectl(['auth', 'can-i', 'delete', 'secrets', '-n', MAPI_NS]);
      assert.equal(yes.stdout.trim(), 'yes');
      const no = await kubectl(['--context=read-only', 'auth', 'can-i', 'delete', 'secrets', '-n', MAPI_NS]);
      assert.equal(no.stdout.trim(), 'no');
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
