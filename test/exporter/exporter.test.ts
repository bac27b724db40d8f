/**
 * `mcs-doctor exporter` as users run it (the built CLI) against the simulated cluster, reached
 * through a kubeconfig or, in-cluster style, through service account files: the metrics say
 * what diagnose says (a worker whose BMC clock is 3 years behind: its skew, the chain not valid
 * at its clock, its failing stage and cause), collections after the first ask the API nothing
 * new, no token, key or BMC password ever shows, a rotated token file is read again, every
 * request is one the shipped RBAC allows (and every rule is used), and bad flags exit 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { READ_ONLY_USER } from '../../src/sim/apiserver/auth.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { runCli } from '../helpers/cli.js';
import { HOST, SPEED } from '../helpers/fix.js';
import {
  httpGet,
  MANIFESTS,
  samples,
  startExporterCli,
  value,
  waitFor,
  type ExporterProcess,
  type MetricSample,
} from '../helpers/exporter.js';

const MAPI = 'openshift-machine-api';
const at = (name: string) => ({ bmh_namespace: MAPI, bmh_name: name });

/** Tokens of the simulated cluster's kubeconfig: neither may ever be printed or served. */
function tokensOf(kubeconfig: string): string[] {
  const kc = YAML.parse(readFileSync(kubeconfig, 'utf8')) as { users: Array<{ user: { token?: string } }> };
  return kc.users.map((u) => u.user.token).filter((t): t is string => !!t);
}

function assertNoLeak(cluster: SimCluster, texts: string[]): void {
  const secrets = [...tokensOf(cluster.kubeconfigPath), ...cluster.seed.hosts.map((h) => h.bmc.password)];
  for (const text of texts) {
    assert.doesNotMatch(text, /PRIVATE KEY/);
    for (const s of secrets) assert.ok(!text.includes(s), 'a token or a BMC password was served or logged');
  }
}

/** Scrapes until `ready` holds for the samples; returns them. */
async function scrapeUntil(
  exporter: ExporterProcess,
  what: string,
  ready: (s: MetricSample[]) => boolean,
): Promise<MetricSample[]> {
  return waitFor(what, async () => {
    const s = await exporter.scrape();
    return ready(s) ? s : undefined;
  });
}

describe('exporter: a waiting host whose BMC clock is 3 years behind (clock-behind)', () => {
  let cluster: SimCluster;
  let exporter: ExporterProcess;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'clock-behind', speed: SPEED });
    await waitForHostOutcome(cluster.ctx, HOST, 60_000);
    exporter = await startExporterCli(['--kubeconfig', cluster.kubeconfigPath, '--interval', '1s']);
  });
  after(async () => {
    await exporter?.stop();
    await cluster?.close();
  });

  test('not ready before the first collection; ready after; /healthz answers, other paths 404', async () => {
    await waitFor('/readyz 200', async () => (await httpGet(`${exporter.url}/readyz`)).status === 200);
    assert.equal((await httpGet(`${exporter.url}/healthz`)).status, 200);
    assert.equal((await httpGet(`${exporter.url}/nothing`)).status, 404);
    const m = await httpGet(`${exporter.url}/metrics`);
    assert.match(m.contentType, /^text\/plain; version=0\.0\.4/);
  });

  test("the host's metrics say what diagnose says", async () => {
    const s = await scrapeUntil(
      exporter,
      'worker-0 failing',
      (x) =>
        samples(x, 'mcs_doctor_host_join_failing', { ...at(HOST), cause: 'worker-clock-skew' }).length > 0,
    );
    assert.equal(
      value(s, 'mcs_doctor_host_join_failing', { ...at(HOST), stage: 'tls-verified', predicted: 'false' }),
      1,
    );
    assert.equal(value(s, 'mcs_doctor_host_waiting', at(HOST)), 1);
    assert.equal(value(s, 'mcs_doctor_host_waiting', at('worker-1')), 0);
    assert.equal(value(s, 'mcs_doctor_host_waiting', at('master-0')), 0);
    assert.ok(value(s, 'mcs_doctor_bmc_clock_skew_seconds', at(HOST)) < -3 * 365 * 86400 + 86400);
    assert.ok(Math.abs(value(s, 'mcs_doctor_bmc_clock_skew_seconds', at('worker-1'))) < 60);
    assert.equal(
      samples(s, 'mcs_doctor_bmc_clock_skew_seconds', at('master-0')).length,
      0,
      'masters: no BMC read',
    );
    assert.equal(value(s, 'mcs_doctor_bmc_clock_within_cert_validity', at(HOST)), 0);
    assert.equal(value(s, 'mcs_doctor_bmc_clock_within_cert_validity', at('worker-1')), 1);
    assert.equal(
      value(s, 'mcs_doctor_host_chain_verified_at_clock', { ...at(HOST), reason: 'cert-not-yet-valid' }),
      0,
    );
    assert.equal(value(s, 'mcs_doctor_host_chain_verified_at_clock', { ...at('worker-1'), reason: 'ok' }), 1);
    assert.equal(value(s, 'mcs_doctor_bmc_clock_read_success', at(HOST)), 1);
    assert.equal(value(s, 'mcs_doctor_host_info', { ...at(HOST), outcome: 'failing', role: 'worker' }), 1);
    // The MCS itself is fine: the pointer's fetch works now, from here.
    assert.equal(
      value(s, 'mcs_doctor_worker_fetch_success', {
        secret_name: 'worker-user-data-managed',
        pool: 'worker',
        chain_source: 'served',
        reason: 'ok',
      }),
      1,
    );
    const fromSecret = samples(s, 'mcs_doctor_mcs_serving_cert_not_after_timestamp_seconds', {
      source: 'secret',
    });
    const served = samples(s, 'mcs_doctor_mcs_serving_cert_not_after_timestamp_seconds', {
      source: 'served',
    });
    assert.equal(fromSecret.length, 1);
    assert.ok(served.length >= 1);
    assert.equal(served[0]!.labels['serial_number'], fromSecret[0]!.labels['serial_number']);
    assert.equal(served[0]!.value, fromSecret[0]!.value);
    assert.equal(fromSecret[0]!.labels['secret_name'], 'machine-config-server-tls');
    assert.match(
      fromSecret[0]!.labels['serial_number']!,
      /^\d+$/,
      'the serial in decimal, as x509-certificate-exporter',
    );
    assert.equal(
      value(s, 'mcs_doctor_mcs_serving_cert_rotated', { state: 'unmanaged' }),
      0,
      '4.16: nothing rotates it',
    );
    assert.equal(value(s, 'mcs_doctor_collection_success'), 1);
    assert.equal(value(s, 'mcs_doctor_build_info', { node_version: process.version }), 1);
    for (const x of s) assert.ok(!('namespace' in x.labels), `${x.name} has a bare namespace label`);
  });

  test('after the first collection, collections ask the API nothing new: no list, no new watch', async () => {
    const first = await scrapeUntil(
      exporter,
      'two collections',
      (x) => value(x, 'mcs_doctor_collections_total') >= 2,
    );
    const lists = value(first, 'mcs_doctor_kube_api_requests_total', { kind: 'list' });
    const served = cluster.api.stats().byVerb['GET'] ?? 0;
    const n = value(first, 'mcs_doctor_collections_total');
    const later = await scrapeUntil(
      exporter,
      'three more collections',
      (x) => value(x, 'mcs_doctor_collections_total') >= n + 3,
    );
    assert.equal(value(later, 'mcs_doctor_kube_api_requests_total', { kind: 'list' }), lists);
    assert.equal(value(later, 'mcs_doctor_kube_relists_total'), 0);
    // Watches last minutes: none ended in these seconds, so none was started again.
    assert.equal(value(later, 'mcs_doctor_kube_watch_restarts_total'), 0);
    assert.ok(
      (cluster.api.stats().byVerb['GET'] ?? 0) - served <= 2,
      'the API server saw (almost) no new request',
    );
  });

  test('collections run in a worker thread; on the main thread (--collector-thread main) the series are the same', async () => {
    assert.match(exporter.stderr(), /msg="serving" .*collector="worker thread"/);
    const onMain = await startExporterCli([
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--interval',
      '1s',
      '--collector-thread',
      'main',
    ]);
    try {
      assert.match(onMain.stderr(), /msg="serving" .*collector="main thread"/);
      // Which series there are (not their values: clocks and durations move between collections);
      // the process metrics (garbage collections, heap spaces) are each process's own.
      const seriesOf = (all: MetricSample[]): string[] =>
        all
          .filter((x) => !/^mcs_doctor_(process|nodejs)_/.test(x.name))
          .map((x) => `${x.name}${JSON.stringify(Object.entries(x.labels).sort())}`)
          .sort();
      const failing = (x: MetricSample[]) =>
        samples(x, 'mcs_doctor_host_join_failing', { ...at(HOST), cause: 'worker-clock-skew' }).length > 0;
      const main = seriesOf(await scrapeUntil(onMain, 'worker-0 failing (main thread)', failing));
      const worker = seriesOf(await scrapeUntil(exporter, 'worker-0 failing (worker thread)', failing));
      assert.ok(main.length > 20, main.join('\n'));
      assert.deepEqual(main, worker);
    } finally {
      assert.equal(await onMain.stop(), 0);
    }
  });

  test('no token, key or BMC password in /metrics or the log', async () => {
    assertNoLeak(cluster, [await exporter.metricsText(), exporter.stderr()]);
  });

  test('SIGTERM stops it with exit 0', async () => {
    const code = await exporter.stop();
    assert.equal(code, 0);
    assert.match(exporter.stderr(), /msg="stopping" signal=SIGTERM/);
  });
});

describe('exporter in-cluster: service account files, the shipped RBAC', () => {
  let cluster: SimCluster;
  let dir: string;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'healthy', speed: SPEED });
    dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-sa-'));
  });
  after(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a refused token is a collection error, not a crash; the rotated token file is read again', async () => {
    const sa = join(dir, 'serviceaccount');
    mkdirSync(sa);
    const kc = YAML.parse(readFileSync(cluster.kubeconfigPath, 'utf8')) as {
      clusters: Array<{ cluster: { 'certificate-authority-data': string } }>;
      users: Array<{ name: string; user: { token: string } }>;
    };
    const readOnly = kc.users.find((u) => u.name === 'read-only')!.user.token;
    writeFileSync(
      join(sa, 'ca.crt'),
      Buffer.from(kc.clusters[0]!.cluster['certificate-authority-data'], 'base64'),
    );
    writeFileSync(join(sa, 'namespace'), 'mcs-doctor\n');
    writeFileSync(join(sa, 'token'), 'expired-token-of-yesterday\n');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      KUBERNETES_SERVICE_HOST: cluster.network.apiVip,
      KUBERNETES_SERVICE_PORT: String(cluster.network.apiPort),
      MCS_DOCTOR_SERVICE_ACCOUNT_DIR: sa,
    };
    // As the Deployment runs it: --no-probe (a pod cannot reach port 22623 on OpenShift).
    const exporter = await startExporterCli(['--interval', '1s', '--no-probe'], env);
    try {
      assert.match(exporter.stderr(), /in-cluster service account/);
      const failing = await scrapeUntil(exporter, 'a failed collection', (x) =>
        samples(x, 'mcs_doctor_collection_success').some((c) => c.value === 0),
      );
      assert.ok(value(failing, 'mcs_doctor_collection_errors_total', { kind: 'api' }) > 0);
      assert.match(exporter.stderr(), /refused the credentials \(401 Unauthorized\)/);
      cluster.api.resetStats();
      // The kubelet writes the new token: the exporter reads it at its next request.
      writeFileSync(join(sa, 'token'), `${readOnly}\n`);
      const s = await scrapeUntil(
        exporter,
        'a successful collection',
        (x) => value(x, 'mcs_doctor_collection_success') === 1,
      );
      assert.equal(
        value(s, 'mcs_doctor_worker_fetch_success', {
          secret_name: 'worker-user-data-managed',
          chain_source: 'secret',
        }),
        1,
        'with --no-probe, the verdict comes from the chain in the secret',
      );
      assert.equal(
        samples(s, 'mcs_doctor_mcs_serving_cert_not_after_timestamp_seconds', { source: 'served' }).length,
        0,
      );
      assert.equal(
        value(s, 'mcs_doctor_pointer_ca_in_bundle', { secret_name: 'worker-user-data-managed' }),
        1,
      );
      await scrapeUntil(
        exporter,
        'two more collections',
        (x) => value(x, 'mcs_doctor_collections_total') >= value(s, 'mcs_doctor_collections_total') + 2,
      );
      assertNoLeak(cluster, [await exporter.metricsText(), exporter.stderr()]);
      assert.ok(!exporter.stderr().includes(readOnly));

      // Every request it made is allowed by manifests/exporter/rbac.yaml, and every rule was used.
      const rules = rbacRules();
      const used = new Set<Rule>();
      for (const key of Object.keys(cluster.api.stats().byAccess)) {
        const [user, verb, group, resource, namespace] = key.split('|') as [
          string,
          string,
          string,
          string,
          string,
        ];
        if (user !== READ_ONLY_USER) continue;
        const rule = rules.find((r) => allows(r, verb, group, resource, namespace));
        assert.ok(
          rule,
          `the exporter made "${verb} ${group}/${resource}" in "${namespace || '(cluster)'}", which its RBAC does not allow`,
        );
        used.add(rule);
      }
      for (const r of rules)
        assert.ok(used.has(r), `rbac.yaml grants ${JSON.stringify(r)}, which the exporter never used`);
      for (const r of rules)
        for (const v of r.verbs) assert.ok(['get', 'list', 'watch'].includes(v), `a write verb: ${v}`);
    } finally {
      assert.equal(await exporter.stop(), 0);
    }
  });
});

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  /** Undefined for a ClusterRole's rule (any namespace). */
  namespace?: string;
}

/** The rules of the Roles and ClusterRoles of rbac.yaml bound to the exporter's service account. */
function rbacRules(): Rule[] {
  const docs = YAML.parseAllDocuments(readFileSync(join(MANIFESTS, 'rbac.yaml'), 'utf8')).map(
    (d) =>
      d.toJSON() as {
        kind: string;
        metadata: { name: string; namespace?: string };
        rules?: Rule[];
        roleRef?: { kind: string; name: string };
        subjects?: Array<{ kind: string; name: string; namespace: string }>;
      },
  );
  const out: Rule[] = [];
  for (const b of docs.filter((d) => d.kind === 'RoleBinding' || d.kind === 'ClusterRoleBinding')) {
    assert.ok(
      b.subjects?.some(
        (s) =>
          s.kind === 'ServiceAccount' && s.name === 'mcs-doctor-exporter' && s.namespace === 'mcs-doctor',
      ),
    );
    const role = docs.find(
      (d) =>
        d.kind === b.roleRef!.kind &&
        d.metadata.name === b.roleRef!.name &&
        (d.kind === 'ClusterRole' || d.metadata.namespace === b.metadata.namespace),
    );
    assert.ok(role, `${b.kind} ${b.metadata.name} refers to a role rbac.yaml does not have`);
    for (const r of role.rules ?? [])
      out.push({ ...r, namespace: b.kind === 'RoleBinding' ? b.metadata.namespace : undefined });
  }
  return out;
}

/** The RBAC authorizer's rule match (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac RuleAllows). */
function allows(r: Rule, verb: string, group: string, resource: string, namespace: string): boolean {
  if (r.namespace !== undefined && r.namespace !== namespace) return false;
  const has = (list: string[], v: string) => list.includes('*') || list.includes(v);
  return has(r.verbs, verb) && has(r.apiGroups, group) && has(r.resources, resource);
}

describe('exporter: bad input exits 2 with a clear error', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--listen', 'nine'], /--listen "nine" is not \[HOST\]:PORT/],
    [['--listen', 'example.com:9464'], /not an IP address or localhost/],
    [['--listen', ':70000'], /port above 65535/],
    [['--interval', '0s'], /--interval "0s" must be longer than 0/],
    [['--interval', '500ms'], /shorter than 1s/],
    [['--bmc-concurrency', '0'], /--bmc-concurrency "0" is not a whole number/],
    [['--collector-thread', 'elsewhere'], /--collector-thread "elsewhere" is not worker or main/],
    [['--kubeconfig', '/nonexistent/kubeconfig'], /error: /],
  ];
  for (const [args, message] of cases) {
    test(args.join(' '), async () => {
      const r = await runCli(['exporter', '--listen', '127.0.0.1:0', ...args], { killAfterMs: 30_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});
