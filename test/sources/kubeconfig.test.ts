/**
 * loadKubeconfig / resolveKubeTarget on kubeconfig files written to a temporary directory:
 * kubectl's (client-go clientcmd v0.32) loading, merging, path and override rules. The rules
 * quoted in the test names are clientcmd's; kubeconfig-kubectl.test.ts checks the same ground
 * against the real kubectl.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { InputError } from '../../src/core/errors.js';
import {
  loadKubeconfig,
  parseKubeconfigFile,
  resolveKubeTarget,
  secretFingerprint,
  staticToken,
  type KubeconfigEnvironment,
  type KubeconfigFlags,
  type KubeTarget,
} from '../../src/sources/kubeconfig.js';

let tmp: string;
let n = 0;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'mcs-doctor-kubeconfig-'));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh folder for one test. */
function folder(name = 'case'): string {
  const dir = join(tmp, `${name}-${(n += 1)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface KcCluster {
  name: string;
  cluster: Record<string, unknown>;
}
interface KcUser {
  name: string;
  user: Record<string, unknown>;
}
interface KcContext {
  name: string;
  context: Record<string, unknown>;
}
interface Kc {
  clusters?: KcCluster[];
  users?: KcUser[];
  contexts?: KcContext[];
  'current-context'?: string;
}

/** Writes a kubeconfig (YAML, as oc and kubectl write them) and returns its path. */
function writeKc(dir: string, config: Kc, name = 'config'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, stringify({ apiVersion: 'v1', kind: 'Config', preferences: {}, ...config }));
  return path;
}

const cluster = (name: string, server: string, extra: Record<string, unknown> = {}): KcCluster => ({
  name,
  cluster: { server, ...extra },
});
const user = (name: string, fields: Record<string, unknown>): KcUser => ({ name, user: fields });
const context = (name: string, c: string, u: string, namespace?: string): KcContext => ({
  name,
  context: { cluster: c, user: u, ...(namespace ? { namespace } : {}) },
});

/** Only what the test says: never the real HOME, KUBECONFIG or pod. */
function env(extra: KubeconfigEnvironment = {}): KubeconfigEnvironment {
  return { HOME: join(tmp, 'no-home'), serviceAccountDir: join(tmp, 'no-service-account'), ...extra };
}

function target(flags: KubeconfigFlags, e: KubeconfigEnvironment): KubeTarget {
  return resolveKubeTarget(flags, e);
}

/** Runs `fn` with `dir` as the working directory (relative paths in flags and KUBECONFIG). */
function inDirectory<T>(dir: string, fn: () => T): T {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return fn();
  } finally {
    process.chdir(before);
  }
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InputError');
}

/** Two files that name the same cluster, user and context differently, as KUBECONFIG=A:B users have. */
function twoFiles(): { a: string; b: string; dirA: string; dirB: string } {
  const dirA = folder('a');
  const dirB = folder('b');
  const a = writeKc(dirA, {
    clusters: [cluster('prod', 'https://a.example:6443', { 'certificate-authority-data': 'QUFB' })],
    users: [user('admin', { token: 'token-a' })],
    contexts: [context('admin', 'prod', 'admin', 'ns-a')],
    'current-context': 'admin',
  });
  const b = writeKc(dirB, {
    clusters: [
      cluster('prod', 'https://b.example:6443', {
        'tls-server-name': 'b.internal',
        'insecure-skip-tls-verify': true,
      }),
      cluster('lab', 'https://lab.example:6443'),
    ],
    users: [user('admin', { token: 'token-b', as: 'b-user' }), user('ops', { token: 'token-ops' })],
    contexts: [context('admin', 'lab', 'ops', 'ns-b'), context('ops', 'lab', 'ops')],
    'current-context': 'ops',
  });
  return { a, b, dirA, dirB };
}

describe('loading and merging (KUBECONFIG=A:B)', () => {
  test('the first file that names a cluster, user or context wins it whole', () => {
    const { a, b } = twoFiles();
    const t = target({}, env({ KUBECONFIG: `${a}:${b}` }));
    assert.equal(t.context, 'admin');
    assert.equal(t.cluster, 'prod');
    assert.equal(t.server, 'https://a.example:6443');
    assert.equal(t.auth.token, 'token-a');
    assert.equal(t.namespace, 'ns-a');
    // Nothing of B's "prod" or "admin" leaks into A's: no tls-server-name, no insecure, no impersonation.
    assert.equal(t.tls.serverName, undefined);
    assert.equal(t.tls.insecure, false);
    assert.equal(t.tls.caData, 'QUFB');
    assert.equal(t.impersonate, undefined);

    const merged = loadKubeconfig({}, env({ KUBECONFIG: `${a}:${b}` }));
    assert.deepEqual([...merged.clusters.keys()].sort(), ['lab', 'prod']);
    assert.deepEqual([...merged.users.keys()].sort(), ['admin', 'ops']);
    assert.deepEqual([...merged.contexts.keys()].sort(), ['admin', 'ops']);
    assert.equal(merged.clusters.get('prod')?.origin, a);
    assert.equal(merged.clusters.get('lab')?.origin, b);
  });

  test('B:A is the other way round', () => {
    const { a, b } = twoFiles();
    const t = target({}, env({ KUBECONFIG: `${b}:${a}` }));
    assert.equal(t.context, 'ops');
    assert.equal(t.cluster, 'lab');
    assert.equal(t.server, 'https://lab.example:6443');
    assert.equal(t.auth.token, 'token-ops');
    assert.equal(t.namespace, 'default');
    assert.equal(t.namespaceFrom, 'default');
    const admin = target({ context: 'admin' }, env({ KUBECONFIG: `${b}:${a}` }));
    assert.equal(admin.cluster, 'lab');
    assert.equal(admin.user, 'ops');
    assert.equal(admin.namespace, 'ns-b');
  });

  test('current-context comes from the first file that sets it, whichever file that is', () => {
    const none = writeKc(folder(), { clusters: [cluster('c0', 'https://c0:6443')] });
    const second = writeKc(folder(), {
      clusters: [cluster('c1', 'https://c1:6443')],
      users: [user('u1', { token: 't1' })],
      contexts: [context('x1', 'c1', 'u1'), context('x2', 'c1', 'u1')],
      'current-context': 'x1',
    });
    const third = writeKc(folder(), { 'current-context': 'x2' });
    assert.equal(loadKubeconfig({}, env({ KUBECONFIG: `${none}:${second}:${third}` })).currentContext, 'x1');
    assert.equal(loadKubeconfig({}, env({ KUBECONFIG: `${none}:${third}:${second}` })).currentContext, 'x2');
    assert.equal(target({}, env({ KUBECONFIG: `${none}:${third}:${second}` })).context, 'x2');
    assert.equal(loadKubeconfig({}, env({ KUBECONFIG: none })).currentContext, '');
  });

  test('missing files are skipped and listed; duplicates and empty entries are dropped', () => {
    const { a, b } = twoFiles();
    const missing = join(tmp, 'does-not-exist', 'config');
    const merged = loadKubeconfig({}, env({ KUBECONFIG: `${missing}::${a}:${a}:${b}:${missing}` }));
    assert.deepEqual(merged.files, [a, b]);
    assert.deepEqual(merged.missing, [missing]);
    assert.equal(merged.explicit, false);
    const t = target({}, env({ KUBECONFIG: `${missing}:${b}:${a}` }));
    assert.equal(t.context, 'ops');
    assert.deepEqual(t.origin.missing, [missing]);
    assert.equal(t.origin.inCluster, false);
  });

  test('--kubeconfig is read alone (KUBECONFIG ignored) and must exist', () => {
    const { a, b } = twoFiles();
    const t = target({ kubeconfig: b }, env({ KUBECONFIG: a }));
    assert.equal(t.context, 'ops');
    assert.deepEqual(t.origin.files, [b]);
    assert.equal(t.origin.explicit, true);
    const missing = join(tmp, 'nope.kubeconfig');
    const err = inputError(() => loadKubeconfig({ kubeconfig: missing }, env({ KUBECONFIG: a })));
    assert.match(err.message, /nope\.kubeconfig does not exist/);
    assert.equal(err.where, '--kubeconfig');
  });

  test('without KUBECONFIG, $HOME/.kube/config', () => {
    const home = folder('home');
    writeKc(join(home, '.kube'), {
      clusters: [cluster('h', 'https://home:6443')],
      users: [user('u', { token: 'home-token' })],
      contexts: [context('h', 'h', 'u')],
      'current-context': 'h',
    });
    const t = target({}, env({ HOME: home }));
    assert.equal(t.server, 'https://home:6443');
    assert.deepEqual(t.origin.files, [join(home, '.kube', 'config')]);
    // An empty KUBECONFIG is no KUBECONFIG.
    assert.equal(target({}, env({ HOME: home, KUBECONFIG: '' })).server, 'https://home:6443');
  });

  test('an empty file is an empty config; so is one of blanks, comments, {} or null', () => {
    const { a } = twoFiles();
    for (const text of ['', '\n\n   \n', '# nothing here\n', '{}\n', 'null\n', '---\n']) {
      const dir = folder('empty');
      const empty = join(dir, 'config');
      writeFileSync(empty, text);
      const parsed = parseKubeconfigFile(empty, text);
      assert.deepEqual(
        [parsed.clusters, parsed.users, parsed.contexts, parsed.currentContext],
        [[], [], [], undefined],
        JSON.stringify(text),
      );
      const t = target({}, env({ KUBECONFIG: `${empty}:${a}` }));
      assert.equal(t.server, 'https://a.example:6443', JSON.stringify(text));
    }
  });

  test('binary data or invalid YAML: an InputError naming the file (and the line)', () => {
    const { a } = twoFiles();
    const dir = folder('bad');
    const binary = join(dir, 'binary');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]));
    const e1 = inputError(() => loadKubeconfig({}, env({ KUBECONFIG: `${a}:${binary}` })));
    assert.match(e1.message, /binary/);
    assert.ok(e1.message.includes(binary), e1.message);
    assert.equal(e1.where, binary);

    const broken = join(dir, 'broken');
    writeFileSync(
      broken,
      'apiVersion: v1\nclusters:\n- name: x\n  cluster:\n    server: "https://x\n  bad: [\n',
    );
    const e2 = inputError(() => loadKubeconfig({ kubeconfig: broken }, env()));
    assert.match(e2.message, /not valid YAML/);
    assert.ok(e2.message.includes(broken), e2.message);
    assert.match(e2.where ?? '', new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line \\d+$`));

    const tabs = join(dir, 'tabs');
    writeFileSync(tabs, 'clusters:\n\t- name: x\n');
    const e3 = inputError(() => loadKubeconfig({ kubeconfig: tabs }, env()));
    assert.match(e3.where ?? '', /tabs, line 2$/);

    const list = join(dir, 'list');
    writeFileSync(list, '- a\n- b\n');
    assert.match(inputError(() => loadKubeconfig({ kubeconfig: list }, env())).message, /not a mapping/);

    const notList = join(dir, 'not-list');
    writeFileSync(notList, 'clusters: {a: 1}\n');
    assert.match(
      inputError(() => loadKubeconfig({ kubeconfig: notList }, env())).message,
      /clusters is not a list/,
    );

    const noName = join(dir, 'no-name');
    writeFileSync(noName, 'users:\n- user: {token: x}\n');
    assert.match(
      inputError(() => loadKubeconfig({ kubeconfig: noName }, env())).message,
      /users\[0\] has no name/,
    );

    const directory = folder('a-directory');
    assert.match(
      inputError(() => loadKubeconfig({ kubeconfig: directory }, env())).message,
      /is a directory/,
    );
  });
});

describe('relative paths: against the folder of the file that defines the entry', () => {
  test('certificate-authority, client certificate and key, tokenFile, in each file', () => {
    const dirA = folder('rel-a');
    const dirB = join(folder('rel-b'), 'deeper');
    const a = writeKc(dirA, {
      clusters: [cluster('c', 'https://a:6443', { 'certificate-authority': 'ca.crt' })],
      users: [user('u', { 'client-certificate': 'certs/u.crt', 'client-key': './certs/u.key' })],
      contexts: [context('x', 'c', 'u')],
      'current-context': 'x',
    });
    const b = writeKc(dirB, {
      clusters: [
        cluster('c', 'https://ignored:6443'),
        cluster('c2', 'https://b:6443', { 'certificate-authority': '../ca2.crt' }),
      ],
      users: [user('u2', { tokenFile: 'token' }), user('abs', { tokenFile: '/etc/abs-token' })],
      contexts: [context('y', 'c2', 'u2'), context('z', 'c2', 'abs')],
    });
    // clientcmd opens the CA, certificate and key files: they must be there.
    mkdirSync(join(dirA, 'certs'));
    for (const f of ['ca.crt', 'certs/u.crt', 'certs/u.key']) writeFileSync(join(dirA, f), f);
    const t = target({}, env({ KUBECONFIG: `${a}:${b}` }));
    assert.equal(t.tls.caFile, join(dirA, 'ca.crt'));
    assert.equal(t.auth.clientCertificate, join(dirA, 'certs', 'u.crt'));
    assert.equal(t.auth.clientKey, join(dirA, 'certs', 'u.key'));

    // The token file is read when a request is made.
    writeFileSync(join(dirB, '..', 'ca2.crt'), 'x');
    writeFileSync(join(dirB, 'token'), '  tok-from-file\n');
    const y = target({ context: 'y' }, env({ KUBECONFIG: `${a}:${b}` }));
    assert.equal(y.tls.caFile, resolve(dirB, '..', 'ca2.crt'));
    assert.equal(y.auth.tokenFile, join(dirB, 'token'));
    assert.equal(y.auth.token, undefined);
    assert.equal(staticToken(y), 'tok-from-file');
    const z = target({ context: 'z' }, env({ KUBECONFIG: `${a}:${b}` }));
    assert.equal(z.auth.tokenFile, '/etc/abs-token');
  });

  test('a relative KUBECONFIG entry is relative to the working directory, and so are its paths', () => {
    const dir = folder('cwd-rel');
    writeKc(join(dir, 'sub'), {
      clusters: [cluster('c', 'https://a:6443', { 'certificate-authority': 'ca.crt' })],
      users: [user('u', { token: 't' })],
      contexts: [context('x', 'c', 'u')],
      'current-context': 'x',
    });
    writeFileSync(join(dir, 'sub', 'ca.crt'), 'x');
    const t = inDirectory(dir, () => target({}, env({ KUBECONFIG: 'sub/config' })));
    assert.equal(t.tls.caFile, join(dir, 'sub', 'ca.crt'));
  });

  test('flag paths (--certificate-authority, --client-certificate, --client-key) are relative to the working directory', () => {
    const { a } = twoFiles();
    const dir = folder('cwd-flags');
    for (const f of ['ca.pem', 'c.crt', 'c.key']) writeFileSync(join(dir, f), f);
    const t = inDirectory(dir, () =>
      target(
        { certificateAuthority: 'ca.pem', clientCertificate: 'c.crt', clientKey: './c.key' },
        env({ KUBECONFIG: a }),
      ),
    );
    assert.equal(t.tls.caFile, join(dir, 'ca.pem'));
    assert.equal(t.auth.clientCertificate, join(dir, 'c.crt'));
    assert.equal(t.auth.clientKey, join(dir, 'c.key'));
    // clientcmd opens the CA file: one that is not there is an error.
    const err = inputError(() =>
      target({ certificateAuthority: join(dir, 'gone.pem') }, env({ KUBECONFIG: a })),
    );
    assert.match(err.message, /unable to read certificate-authority .*gone\.pem/);
  });
});

describe('overrides, as clientcmd applies them', () => {
  function base(): { path: string; dir: string } {
    const dir = folder('ovr');
    writeFileSync(join(dir, 'ca.crt'), 'x');
    writeFileSync(join(dir, 'flag-ca.crt'), 'y');
    const path = writeKc(dir, {
      clusters: [
        cluster('prod', 'https://prod:6443', {
          'certificate-authority': 'ca.crt',
          'tls-server-name': 'api.prod',
        }),
        cluster('data', 'https://data:6443', { 'certificate-authority-data': 'REFUQQ==' }),
        cluster('lab', 'https://lab:6443', { 'insecure-skip-tls-verify': true }),
      ],
      users: [
        user('admin', {
          token: 'admin-token',
          as: 'file-as',
          'as-groups': ['fg1', 'fg2'],
          'as-uid': 'file-uid',
        }),
        user('dev', { token: 'dev-token' }),
        user('cert', { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' }),
      ],
      contexts: [context('admin', 'prod', 'admin', 'ns-admin'), context('dev', 'data', 'dev')],
      'current-context': 'admin',
    });
    return { path, dir };
  }

  test('--context, --cluster and --user pick the entries; --namespace the namespace', () => {
    const { path } = base();
    const e = env({ KUBECONFIG: path });
    const dev = target({ context: 'dev' }, e);
    assert.deepEqual(
      [dev.context, dev.cluster, dev.user, dev.server],
      ['dev', 'data', 'dev', 'https://data:6443'],
    );
    const mixed = target({ context: 'dev', cluster: 'lab', user: 'admin', namespace: 'ns-flag' }, e);
    assert.deepEqual(
      [mixed.context, mixed.cluster, mixed.user, mixed.server, mixed.auth.token, mixed.tls.insecure],
      ['dev', 'lab', 'admin', 'https://lab:6443', 'admin-token', true],
    );
    assert.equal(mixed.namespace, 'ns-flag');
    assert.equal(mixed.namespaceFrom, 'flag');
    const ctxNs = target({}, e);
    assert.equal(ctxNs.namespace, 'ns-admin');
    assert.equal(ctxNs.namespaceFrom, 'context');
    const def = target({ context: 'dev' }, e);
    assert.equal(def.namespace, 'default');
    assert.equal(def.namespaceFrom, 'default');
  });

  test('--server replaces the server and drops the file tls-server-name; --tls-server-name sets it', () => {
    const { path, dir } = base();
    const e = env({ KUBECONFIG: path });
    assert.equal(target({}, e).tls.serverName, 'api.prod');
    const s = target({ server: 'https://other:6443' }, e);
    assert.equal(s.server, 'https://other:6443');
    assert.equal(s.tls.serverName, undefined);
    assert.equal(s.tls.caFile, join(dir, 'ca.crt'), '--server keeps the CA');
    const both = target({ server: 'https://other:6443', tlsServerName: 'given' }, e);
    assert.equal(both.tls.serverName, 'given');
    assert.equal(target({ tlsServerName: 'only' }, e).tls.serverName, 'only');
  });

  test('--insecure-skip-tls-verify replaces the file CA settings (file or data)', () => {
    const { path } = base();
    const e = env({ KUBECONFIG: path });
    const t = target({ insecureSkipTlsVerify: true }, e);
    assert.equal(t.tls.insecure, true);
    assert.equal(t.tls.caFile, undefined);
    assert.equal(t.tls.caData, undefined);
    const d = target({ context: 'dev', insecureSkipTlsVerify: true }, e);
    assert.equal(d.tls.caData, undefined);
    assert.equal(d.tls.insecure, true);
  });

  test('--certificate-authority replaces the file CA data and insecure-skip-tls-verify', () => {
    const { path, dir } = base();
    const e = env({ KUBECONFIG: path });
    const ca = join(dir, 'flag-ca.crt');
    const d = target({ context: 'dev', certificateAuthority: ca }, e);
    assert.equal(d.tls.caFile, ca);
    assert.equal(d.tls.caData, undefined);
    const lab = target({ cluster: 'lab', certificateAuthority: ca }, e);
    assert.equal(lab.tls.insecure, false);
    assert.equal(lab.tls.caFile, ca);
    // Both at once: clientcmd keeps both and client-go refuses the pair.
    const err = inputError(() => target({ insecureSkipTlsVerify: true, certificateAuthority: ca }, e));
    assert.match(err.message, /root certificates file with the insecure flag is not allowed/);
  });

  test('--token, --username/--password, --client-certificate/--client-key', () => {
    const { path, dir } = base();
    const e = env({ KUBECONFIG: path });
    assert.equal(target({ token: 'flag-token' }, e).auth.token, 'flag-token');
    const basic = target({ user: 'cert', username: 'bob', password: 'pw' }, e);
    assert.equal(basic.auth.username, 'bob');
    assert.equal(basic.auth.password, 'pw');
    // A token and basic auth at once: clientcmd's "more than one authentication method".
    const err = inputError(() => target({ username: 'bob', password: 'pw' }, e));
    assert.match(
      err.message,
      /more than one authentication method found for admin; found \[token basicAuth\]/,
    );
    writeFileSync(join(dir, 'c.crt'), 'c');
    writeFileSync(join(dir, 'c.key'), 'k');
    const cert = target({ clientCertificate: join(dir, 'c.crt'), clientKey: join(dir, 'c.key') }, e);
    assert.equal(cert.auth.clientCertificate, join(dir, 'c.crt'));
    assert.equal(cert.auth.clientKey, join(dir, 'c.key'));
    assert.equal(cert.auth.token, 'admin-token', 'a client certificate and a token are both sent');
    const missingKey = inputError(() => target({ clientCertificate: join(dir, 'c.crt') }, e));
    assert.match(missingKey.message, /client-key-data or client-key must be specified for admin/);
  });

  test('--as, repeated --as-group and --as-uid; the file values fill what the flags leave', () => {
    const { path } = base();
    const e = env({ KUBECONFIG: path });
    assert.deepEqual(target({}, e).impersonate, {
      user: 'file-as',
      groups: ['fg1', 'fg2'],
      uid: 'file-uid',
      extra: {},
    });
    assert.deepEqual(target({ as: 'alice' }, e).impersonate, {
      user: 'alice',
      groups: ['fg1', 'fg2'],
      uid: 'file-uid',
      extra: {},
    });
    assert.deepEqual(target({ as: 'alice', asGroup: ['g1', 'g2'], asUid: '42' }, e).impersonate, {
      user: 'alice',
      groups: ['g1', 'g2'],
      uid: '42',
      extra: {},
    });
    // The file's "as" with the flag's groups.
    assert.deepEqual(target({ asGroup: ['g9'] }, e).impersonate?.groups, ['g9']);
    assert.deepEqual(target({ context: 'dev', as: 'bob' }, e).impersonate, {
      user: 'bob',
      groups: [],
      uid: undefined,
      extra: {},
    });
    assert.equal(target({ context: 'dev' }, e).impersonate, undefined);
  });

  test('--as-group or --as-uid without --as (and no "as" in the file) is an error', () => {
    const { path } = base();
    const e = env({ KUBECONFIG: path });
    for (const flags of [{ asGroup: ['g'] }, { asUid: '1' }, { asGroup: ['a', 'b'], asUid: '2' }]) {
      const err = inputError(() => target({ context: 'dev', ...flags }, e));
      assert.match(err.message, /requesting uid, groups or user-extra for dev without impersonating a user/);
    }
  });

  test('unknown --context, --cluster or --user: the error lists the names there are', () => {
    const { path } = base();
    const e = env({ KUBECONFIG: path });
    const c = inputError(() => target({ context: 'nope' }, e));
    assert.match(c.message, /context "nope" does not exist/);
    assert.match(c.hint ?? '', /admin, dev/);
    assert.match(c.where ?? '', /^--context/);
    const cl = inputError(() => target({ cluster: 'nope' }, e));
    assert.match(cl.message, /cluster "nope" does not exist/);
    assert.match(cl.hint ?? '', /prod, data, lab/);
    const u = inputError(() => target({ user: 'nope' }, e));
    assert.match(u.message, /auth info "nope" does not exist/);
    assert.match(u.hint ?? '', /admin, dev, cert/);
    const empty = writeKc(folder(), {});
    assert.match(
      inputError(() => target({ context: 'x' }, env({ KUBECONFIG: empty }))).hint ?? '',
      /defines none/,
    );
  });

  test('a current-context that names no context is an error, even with --server', () => {
    const dir = folder();
    const path = writeKc(dir, { clusters: [cluster('c', 'https://c:6443')], 'current-context': 'gone' });
    for (const flags of [{}, { server: 'https://s:6443', token: 't' }]) {
      const err = inputError(() => target(flags, env({ KUBECONFIG: path })));
      assert.match(err.message, /context was not found for specified context: gone/);
    }
  });

  test('no context at all: --server and --token are enough', () => {
    const t = target(
      { server: 'https://s:6443', token: 'tok', insecureSkipTlsVerify: true },
      env({ KUBECONFIG: join(tmp, 'missing') }),
    );
    assert.deepEqual(
      [t.context, t.cluster, t.user, t.server, t.namespace],
      ['', '', '', 'https://s:6443', 'default'],
    );
    assert.equal(t.auth.token, 'tok');
  });

  test('nothing configured and not in a pod: "no kubeconfig found", exit 2', () => {
    const err = inputError(() => target({}, env({ KUBECONFIG: `${join(tmp, 'm1')}:${join(tmp, 'm2')}` })));
    assert.match(err.message, /^no kubeconfig found: KUBECONFIG=.* gives no cluster \(missing: /);
    assert.equal(err.exitCode, 2);
    const home = inputError(() => target({}, env()));
    assert.match(home.message, /\.kube\/config does not exist or defines no cluster/);
  });

  test('a namespace that is not a DNS label is used as it is (clientcmd does not check it)', () => {
    const { a } = twoFiles();
    assert.equal(target({ namespace: 'Bad_NS' }, env({ KUBECONFIG: a })).namespace, 'Bad_NS');
    const dir = folder('badns');
    const path = writeKc(dir, {
      clusters: [cluster('c', 'https://c:6443')],
      users: [user('u', { token: 't' })],
      contexts: [context('x', 'c', 'u', 'Not_A_Label')],
      'current-context': 'x',
    });
    assert.equal(target({}, env({ KUBECONFIG: path })).namespace, 'Not_A_Label');
  });

  test('fingerprints tell tokens apart without showing them', () => {
    assert.match(secretFingerprint('abc'), /^sha256:[0-9a-f]{16}$/);
    assert.notEqual(secretFingerprint('abc'), secretFingerprint('abd'));
  });
});

describe('in-cluster service account fallback', () => {
  function serviceAccount(namespace?: string): string {
    const dir = folder('sa');
    writeFileSync(join(dir, 'token'), 'sa-token\n');
    writeFileSync(join(dir, 'ca.crt'), 'ca');
    if (namespace !== undefined) writeFileSync(join(dir, 'namespace'), namespace);
    return dir;
  }

  test('nothing configured, in a pod: the service account, its CA and its namespace', () => {
    const sa = serviceAccount('openshift-machine-config-operator\n');
    const e = env({
      KUBECONFIG: join(tmp, 'missing'),
      KUBERNETES_SERVICE_HOST: '172.30.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      serviceAccountDir: sa,
    });
    const t = target({}, e);
    assert.equal(t.origin.inCluster, true);
    assert.equal(t.server, 'https://172.30.0.1:443');
    assert.equal(t.auth.tokenFile, join(sa, 'token'));
    assert.equal(staticToken(t), 'sa-token');
    assert.equal(t.tls.caFile, join(sa, 'ca.crt'));
    assert.equal(t.namespace, 'openshift-machine-config-operator');
    assert.equal(t.namespaceFrom, 'service-account');
    const n2 = target({ namespace: 'other' }, e);
    assert.equal(n2.namespace, 'other');
    assert.equal(n2.namespaceFrom, 'flag');
    const v6 = target({}, { ...e, KUBERNETES_SERVICE_HOST: 'fd02::1' });
    assert.equal(v6.server, 'https://[fd02::1]:443');
  });

  test('without a namespace file the namespace is "default"', () => {
    const sa = serviceAccount();
    const t = target(
      {},
      env({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '6443', serviceAccountDir: sa }),
    );
    assert.equal(t.namespace, 'default');
    assert.equal(t.namespaceFrom, 'default');
  });

  test('a kubeconfig with a cluster wins over the pod; no token file, no pod', () => {
    const { a } = twoFiles();
    const sa = serviceAccount('pod-ns');
    const pod = {
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      KUBERNETES_SERVICE_PORT: '6443',
      serviceAccountDir: sa,
    };
    assert.equal(target({}, env({ ...pod, KUBECONFIG: a })).origin.inCluster, false);
    const noToken = folder('sa-empty');
    assert.match(
      inputError(() => target({}, env({ ...pod, serviceAccountDir: noToken }))).message,
      /no kubeconfig found/,
    );
    assert.match(
      inputError(() => target({}, env({ KUBERNETES_SERVICE_HOST: '10.0.0.1', serviceAccountDir: sa })))
        .message,
      /no kubeconfig found/,
    );
  });
});

describe('exec credential plugins', () => {
  function execUser(dir: string, exec: Record<string, unknown>): string {
    return writeKc(dir, {
      clusters: [cluster('c', 'https://c:6443')],
      users: [user('u', { exec })],
      contexts: [context('x', 'c', 'u')],
      'current-context': 'x',
    });
  }

  test('kept with its apiVersion, args and env; a command with a slash is relative to the file', () => {
    const dir = folder('exec');
    const path = execUser(dir, {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: './bin/get-token',
      args: ['--cluster', 'c'],
      env: [{ name: 'A', value: 'b' }],
      interactiveMode: 'Never',
      provideClusterInfo: true,
      installHint: 'install it',
    });
    const t = target({}, env({ KUBECONFIG: path }));
    assert.deepEqual(t.auth.exec, {
      command: join(dir, 'bin', 'get-token'),
      args: ['--cluster', 'c'],
      env: [{ name: 'A', value: 'b' }],
      apiVersion: 'client.authentication.k8s.io/v1',
      installHint: 'install it',
      provideClusterInfo: true,
      interactiveMode: 'Never',
    });
  });

  test('a bare command is looked up on PATH, not resolved', () => {
    const path = execUser(folder('exec'), {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'oc',
      interactiveMode: 'IfAvailable',
    });
    assert.equal(target({}, env({ KUBECONFIG: path })).auth.exec?.command, 'oc');
  });

  test('interactiveMode defaults to IfAvailable for v1beta1 and v1alpha1 only; v1 must say it', () => {
    for (const v of ['v1beta1', 'v1alpha1']) {
      const path = execUser(folder('exec'), {
        apiVersion: `client.authentication.k8s.io/${v}`,
        command: 'x',
      });
      assert.equal(target({}, env({ KUBECONFIG: path })).auth.exec?.interactiveMode, 'IfAvailable');
    }
    const v1 = execUser(folder('exec'), { apiVersion: 'client.authentication.k8s.io/v1', command: 'x' });
    assert.match(
      inputError(() => target({}, env({ KUBECONFIG: v1 }))).message,
      /interactiveMode must be specified for u to use exec authentication plugin/,
    );
    const noVersion = execUser(folder('exec'), { command: 'x', interactiveMode: 'Never' });
    assert.match(
      inputError(() => target({}, env({ KUBECONFIG: noVersion }))).message,
      /apiVersion must be specified/,
    );
  });
});

describe('known disagreements with kubectl 1.32 (see kubeconfig-kubectl.test.ts)', () => {
  test('a tokenFile wins over a token (the file one or --token) whenever the file can be read', () => {
    const dir = folder('tokfile');
    writeFileSync(join(dir, 'token'), 'from-file\n');
    const path = writeKc(dir, {
      clusters: [cluster('c', 'https://c:6443')],
      users: [user('u', { token: 'inline', tokenFile: 'token' })],
      contexts: [context('x', 'c', 'u')],
      'current-context': 'x',
    });
    const e = env({ KUBECONFIG: path });
    assert.equal(staticToken(target({}, e)), 'from-file');
    assert.equal(staticToken(target({ token: 'flag' }, e)), 'from-file');
  });

  test('--client-certificate beside client-certificate-data in the file is an error', () => {
    const dir = folder('certdata');
    writeFileSync(join(dir, 'c.crt'), 'c');
    const path = writeKc(dir, {
      clusters: [cluster('c', 'https://c:6443')],
      users: [user('u', { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' })],
      contexts: [context('x', 'c', 'u')],
      'current-context': 'x',
    });
    const err = inputError(() =>
      target({ clientCertificate: join(dir, 'c.crt') }, env({ KUBECONFIG: path })),
    );
    assert.match(err.message, /client-cert-data and client-cert are both specified for u/);
  });

  test('in a pod, a context without a namespace takes the pod namespace', () => {
    const { a } = twoFiles();
    const sa = folder('sa-ns');
    writeFileSync(join(sa, 'token'), 't');
    writeFileSync(join(sa, 'namespace'), 'pod-ns');
    const t = target(
      { context: 'admin', namespace: undefined },
      env({
        KUBECONFIG: a,
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        serviceAccountDir: sa,
      }),
    );
    assert.equal(t.namespace, 'ns-a', 'a namespace in the context stays');
    const b = writeKc(folder(), {
      clusters: [cluster('c', 'https://c:6443')],
      users: [user('u', { token: 't' })],
      contexts: [context('x', 'c', 'u')],
      'current-context': 'x',
    });
    const pod = target(
      {},
      env({
        KUBECONFIG: b,
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        serviceAccountDir: sa,
      }),
    );
    assert.equal(pod.namespace, 'pod-ns');
  });

  test('a user without any credential is refused (kubectl would prompt for a user name and fail on EOF)', () => {
    for (const users of [[user('u', {})], [user('other', { token: 't' })]]) {
      const path = writeKc(folder('nocred'), {
        clusters: [cluster('c', 'https://c:6443')],
        users,
        contexts: [context('x', 'c', 'u')],
        'current-context': 'x',
      });
      const err = inputError(() => target({}, env({ KUBECONFIG: path })));
      assert.match(err.message, /"u"/);
      assert.equal(err.exitCode, 2);
    }
  });

  test('contexts but no current-context: the error says so and lists the contexts', () => {
    const path = writeKc(folder('nocc'), {
      clusters: [cluster('c', 'https://c:6443')],
      users: [user('u', { token: 't' })],
      contexts: [context('x', 'c', 'u'), context('y', 'c', 'u')],
    });
    const err = inputError(() => target({}, env({ KUBECONFIG: path })));
    assert.match(err.message, /current-context/);
    assert.match(err.hint ?? '', /x, y/);
  });

  test('interactiveMode defaults only for client.authentication.k8s.io v1beta1 and v1alpha1', () => {
    const path = writeKc(folder('exec-group'), {
      clusters: [cluster('c', 'https://c:6443')],
      users: [user('u', { exec: { apiVersion: 'example.com/v1beta1', command: 'x' } })],
      contexts: [context('x', 'c', 'u')],
      'current-context': 'x',
    });
    assert.match(
      inputError(() => target({}, env({ KUBECONFIG: path }))).message,
      /interactiveMode must be specified/,
    );
  });
});
