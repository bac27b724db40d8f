import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ObjectStore } from '../../../src/sim/kube/store.js';
import type { KubeObject } from '../../../src/sim/kube/types.js';
import { LogBook } from '../../../src/sim/linelog.js';
import { writeMustGather } from '../../../src/sim/must-gather/write.js';
import { planNetwork } from '../../../src/sim/network.js';
import { buildScenario, loadScenarioObjects } from '../../../src/sim/scenarios/index.js';

const REAL_ARCHIVE = '/work/shared/data/must-gather/must-gather-metal.tar.xz';
const MCO = 'openshift-machine-config-operator';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** The directory holding `namespaces/` and `cluster-scoped-resources/` (what omc looks for). */
function imageDir(root: string): string {
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory() && name.startsWith('quay-io-')) return path;
  }
  throw new Error(`no image directory under ${root}`);
}

/** Paths with object names replaced by `*`, so the two archives' layouts can be compared. */
function pattern(rel: string): string {
  const p = rel.split('/');
  if (p[0] === 'cluster-scoped-resources' && p.length === 4) return `${p.slice(0, 3).join('/')}/*.yaml`;
  if (p[0] === 'namespaces' && p[2] === 'pods') {
    if (p.length === 5) return `namespaces/${p[1]}/pods/*/*.yaml`;
    return `namespaces/${p[1]}/pods/*/*/*/logs/${p[p.length - 1]}`;
  }
  if (p[0] === 'namespaces' && p.length === 5) return `${p.slice(0, 4).join('/')}/*.yaml`;
  return rel;
}

describe('writeMustGather', () => {
  let work: string;
  let realRoot: string;
  let ours: string;
  let objects: KubeObject[];
  let podName: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'mg-test-'));
    execFileSync('tar', ['xJf', REAL_ARCHIVE, '-C', work], { timeout: 60_000 });
    realRoot = imageDir(join(work, 'must-gather-metal'));

    const seed = await buildScenario('healthy', { network: planNetwork({ octet: 43 }) });
    const store = new ObjectStore();
    loadScenarioObjects(store, seed.objects);
    podName = 'machine-config-server-x7k2p';
    store.create(store.type('pods'), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName, namespace: MCO, labels: { 'k8s-app': 'machine-config-server' } },
      spec: { containers: [{ name: 'machine-config-server' }], hostNetwork: true, nodeName: 'master-0' },
      status: { phase: 'Running' },
    });
    const logs = new LogBook();
    const log = logs.log(LogBook.podKey(MCO, podName, 'machine-config-server'));
    log.append(
      'I0101 00:00:00.000000       1 start.go:38] Version: sim',
      new Date('2025-01-01T00:00:00.123Z'),
    );
    log.restart();
    log.append(
      'I0101 00:00:01.000000       1 api.go:65] Launching server on :22623',
      new Date('2025-01-01T00:00:01.5Z'),
    );
    objects = [];
    for (const t of store.types) objects.push(...store.list(t).items);
    const out = await writeMustGather(
      { objects, podLogs: logs, version: '4.16.40', now: new Date() },
      join(work, 'ours'),
    );
    assert.ok(out.files > 50);
    assert.match(relative(join(work, 'ours'), out.root), /^must-gather\.local\.\d+$/);
    ours = imageDir(out.root);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('puts every kind where the real must-gather puts it', () => {
    const real = new Set(walk(realRoot).map((f) => pattern(relative(realRoot, f))));
    const mine = new Set(walk(ours).map((f) => pattern(relative(ours, f))));
    const missing = [...mine].filter((p) => !real.has(p)).sort();
    // The real sample is platform None (no BareMetalHosts, Machines or MachineSets): those follow
    // the per-object CR layout the sample shows for machinehealthchecks.
    assert.deepEqual(missing, [
      'namespaces/openshift-machine-api/machine.openshift.io/machines/*.yaml',
      'namespaces/openshift-machine-api/machine.openshift.io/machinesets/*.yaml',
      'namespaces/openshift-machine-api/metal3.io/baremetalhosts/*.yaml',
    ]);
    assert.ok(real.has('namespaces/openshift-machine-api/machine.openshift.io/machinehealthchecks/*.yaml'));
    for (const p of [
      'cluster-scoped-resources/core/nodes/*.yaml',
      'cluster-scoped-resources/certificates.k8s.io/certificatesigningrequests/*.yaml',
      'cluster-scoped-resources/config.openshift.io/infrastructures.yaml',
      'cluster-scoped-resources/config.openshift.io/clusterversions/*.yaml',
      'namespaces/kube-system/core/configmaps.yaml',
      `namespaces/${MCO}/pods/*/*/*/logs/current.log`,
      `namespaces/${MCO}/${MCO}.yaml`,
      'timestamp',
      'version',
    ]) {
      assert.ok(mine.has(p), p);
    }
  });

  it('writes YAML the way the real one does', () => {
    for (const f of walk(ours).filter((p) => p.endsWith('.yaml'))) {
      const text = readFileSync(f, 'utf8');
      const rel = relative(ours, f);
      const realFile = join(realRoot, rel);
      if (rel === 'cluster-scoped-resources/config.openshift.io/clusterversions/version.yaml') {
        assert.equal(text.startsWith('---'), readFileSync(realFile, 'utf8').startsWith('---'));
      } else assert.ok(text.startsWith('---\n'), rel);
      assert.doesNotThrow(() => parse(text), rel);
    }
    const infra = readFileSync(
      join(ours, 'cluster-scoped-resources/config.openshift.io/infrastructures/cluster.yaml'),
      'utf8',
    );
    assert.match(infra, /^ {2}creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/m);
    assert.match(infra, /^apiVersion: config\.openshift\.io\/v1\nkind: Infrastructure\nmetadata:/m);
    const pods = readFileSync(join(ours, `namespaces/${MCO}/core/pods.yaml`), 'utf8');
    assert.match(pods, /^items:\n- apiVersion: v1$/m);
    const rootCa = readFileSync(join(ours, 'namespaces/kube-system/core/configmaps.yaml'), 'utf8');
    assert.match(rootCa, /ca\.crt: \|\n {6}-----BEGIN CERTIFICATE-----/);
  });

  it('redacts secrets as the real one does: certificates kept, everything else "N bytes long"', () => {
    const real = parse(readFileSync(join(realRoot, `namespaces/${MCO}/core/secrets.yaml`), 'utf8')) as {
      items: KubeObject[];
    };
    const realTls = real.items.find((s) => s.metadata.name === 'machine-config-server-tls');
    const decode = (s: KubeObject | undefined, k: string): string =>
      Buffer.from((s?.data as Record<string, string>)[k] ?? '', 'base64').toString('utf8');
    assert.match(decode(realTls, 'tls.key'), /^\d+ bytes long$/);

    const mine = parse(readFileSync(join(ours, `namespaces/${MCO}/core/secrets.yaml`), 'utf8')) as {
      items: KubeObject[];
    };
    const tls = mine.items.find((s) => s.metadata.name === 'machine-config-server-tls');
    assert.match(decode(tls, 'tls.crt'), /^-----BEGIN CERTIFICATE-----/);
    const original = objects.find(
      (o) => o.kind === 'Secret' && o.metadata.name === 'machine-config-server-tls',
    );
    const keyLength = Buffer.from(
      (original?.data as Record<string, string>)['tls.key'] ?? '',
      'base64',
    ).length;
    assert.equal(decode(tls, 'tls.key'), `${keyLength} bytes long`);
    const token = mine.items.find((s) => s.metadata.name === 'node-bootstrapper-token');
    assert.match(decode(token, 'token'), /^\d+ bytes long$/);
    assert.match(decode(token, 'ca.crt'), /^-----BEGIN CERTIFICATE-----/);

    const api = parse(
      readFileSync(join(ours, 'namespaces/openshift-machine-api/core/secrets.yaml'), 'utf8'),
    ) as { items: KubeObject[] };
    for (const s of api.items) {
      for (const key of Object.keys((s.data as Record<string, string>) ?? {})) {
        assert.match(decode(s, key), /^\d+ bytes long$/, `${s.metadata.name} ${key}`);
      }
    }
    const all = walk(ours)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    assert.ok(!all.includes('PRIVATE KEY'), 'no private key anywhere');
  });

  it('writes pod manifests and current/previous logs with timestamps', () => {
    const base = join(ours, `namespaces/${MCO}/pods/${podName}`);
    const manifest = parse(readFileSync(join(base, `${podName}.yaml`), 'utf8')) as KubeObject;
    assert.equal(manifest.metadata.name, podName);
    const logs = join(base, 'machine-config-server/machine-config-server/logs');
    assert.equal(
      readFileSync(join(logs, 'current.log'), 'utf8'),
      '2025-01-01T00:00:01.500000000Z I0101 00:00:01.000000       1 api.go:65] Launching server on :22623\n',
    );
    assert.match(
      readFileSync(join(logs, 'previous.log'), 'utf8'),
      /^2025-01-01T00:00:00\.123000000Z I0101 .*Version: sim\n$/,
    );
  });

  it('writes timestamp and version files in the real format', () => {
    const line = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? [+-]\d{4} [A-Z]+ m=\+\d+\.\d{9}$/;
    for (const l of readFileSync(join(realRoot, 'timestamp'), 'utf8').trim().split('\n'))
      assert.match(l, line);
    const mine = readFileSync(join(ours, 'timestamp'), 'utf8').trim().split('\n');
    assert.equal(mine.length, 2);
    for (const l of mine) assert.match(l, line);
    assert.equal(readFileSync(join(ours, 'version'), 'utf8'), 'openshift/must-gather\n4.16.40\n');
    assert.match(readFileSync(join(realRoot, 'version'), 'utf8'), /^openshift\/must-gather\n/);
  });
});
