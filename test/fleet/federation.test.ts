/**
 * Fleet monitoring through real Prometheus federation (Debian `prometheus`, all on 127.0.0.1):
 * three simulated clusters (two healthy, one whose MCS serving certificate has 10 days left),
 * each with its exporter (the built CLI) and its own Prometheus (external label cluster=<name>),
 * and one global Prometheus that runs the shipped manifests/fleet/prometheus/prometheus.yml
 * (its federation job copied once per cluster, pointed at the loopback Prometheus, without the
 * OpenShift route's token and TLS) and the shipped rules.yaml. Only the exporter's mcs_doctor_*
 * series arrive (not its Node.js runtime and process ones), all of them, each with its cluster's
 * label; the fleet alert fires for exactly the broken cluster; every
 * panel of the fleet dashboard returns series; `fix --apply` and `verify` on that cluster
 * resolve it. The series counts measured here are the ones docs/fleet-monitoring.md quotes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { ROOT, startExporterCli, waitFor, type ExporterProcess, type Rule } from '../helpers/exporter.js';
import { fixApply, HOST, SPEED, verifyReady } from '../helpers/fix.js';
import { launchPrometheus, type Alert, type PrometheusProcess } from '../helpers/prometheus.js';

const FLEET = join(ROOT, 'manifests', 'fleet', 'prometheus');
/** The exporter's own series, and its Node.js runtime and process series (also mcs_doctor_*). */
const OWN = '{__name__=~"mcs_doctor_.+", __name__!~"mcs_doctor_(nodejs|process)_.+"}';
const RUNTIME = '{__name__=~"mcs_doctor_(nodejs|process)_.+"}';
const BROKEN = 'fleet-b';
const CLUSTERS = [
  { name: 'fleet-a', scenario: 'healthy' },
  { name: BROKEN, scenario: 'mcs-cert-expiring' },
  { name: 'fleet-c', scenario: 'healthy' },
];

interface Member {
  name: string;
  cluster: SimCluster;
  exporter: ExporterProcess;
  prometheus: PrometheusProcess;
}

interface ScrapeConfig {
  job_name: string;
  honor_labels?: boolean;
  metrics_path?: string;
  params?: Record<string, string[]>;
  scheme?: string;
  authorization?: unknown;
  tls_config?: unknown;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}

/** The shipped global configuration, with the test's short intervals and one job per member. */
function globalConfig(members: Member[]): { config: object; rules: string } {
  const shipped = YAML.parse(readFileSync(join(FLEET, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, unknown>;
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  assert.deepEqual(shipped.rule_files, ['rules.yaml']);
  assert.equal(shipped.scrape_configs.length, 1, 'one federation job, the template for every cluster');
  const template = shipped.scrape_configs[0]!;
  const jobs = members.map((m): ScrapeConfig => {
    // The OpenShift route's token and router CA have no loopback counterpart: the test's
    // Prometheus serves plain HTTP. Everything else (path, match[], honor_labels) is as shipped.
    // The target's `cluster` label is left out so the label can only come from the member's
    // external labels, through honor_labels.
    const { authorization: _a, tls_config: _t, ...rest } = template;
    return {
      ...rest,
      job_name: template.job_name.replace(/cluster-a$/, m.name),
      scheme: 'http',
      static_configs: [{ targets: [m.prometheus.url.replace(/^http:\/\//, '')] }],
    };
  });
  const rules = YAML.parse(readFileSync(join(FLEET, 'rules.yaml'), 'utf8')) as {
    groups: Array<{ rules: Rule[] }>;
  };
  // As the exporter's Prometheus test: the `for` durations are promtool's to test (fleet-rules).
  for (const g of rules.groups) for (const r of g.rules) if (r.alert) r.for = '0s';
  return {
    config: {
      ...shipped,
      global: { ...shipped.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      scrape_configs: jobs,
    },
    rules: YAML.stringify(rules),
  };
}

async function startMember(name: string, scenario: string): Promise<Member> {
  const cluster = await startSimCluster({ scenario, speed: SPEED });
  let exporter: ExporterProcess | undefined;
  try {
    await waitForHostOutcome(cluster.ctx, HOST, 60_000);
    exporter = await startExporterCli(['--kubeconfig', cluster.kubeconfigPath, '--interval', '1s']);
    const prometheus = await launchPrometheus({
      global: {
        scrape_interval: '1s',
        scrape_timeout: '1s',
        evaluation_interval: '1s',
        external_labels: { cluster: name },
      },
      scrape_configs: [
        {
          job_name: 'mcs-doctor-exporter',
          static_configs: [{ targets: [exporter.url.replace(/^http:\/\//, '')] }],
        },
      ],
    });
    return { name, cluster, exporter, prometheus };
  } catch (err) {
    await exporter?.stop();
    await cluster.close();
    throw err;
  }
}

const fleetAlerts = (alerts: Alert[]): Alert[] =>
  alerts.filter((a) => a.labels['alertname']?.startsWith('McsFleet'));
const show = (alerts: Alert[]): string =>
  JSON.stringify(
    alerts.map((a) => [a.labels['alertname'], a.state, a.labels['severity'], a.labels['cluster']]),
  );

describe('fleet: three clusters federated into a global Prometheus with the shipped config and rules', () => {
  const members: Member[] = [];
  let global: PrometheusProcess | undefined;

  before(async () => {
    const started = await Promise.allSettled(CLUSTERS.map((c) => startMember(c.name, c.scenario)));
    for (const s of started) if (s.status === 'fulfilled') members.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const { config, rules } = globalConfig(members);
    global = await launchPrometheus(config, { 'rules.yaml': rules });
  });

  after(async () => {
    await global?.stop();
    for (const m of members) {
      await m.prometheus.stop();
      await m.exporter.stop();
      await m.cluster.close();
    }
  });

  test("only the exporter's own mcs_doctor_* series arrive, every one with its cluster label, as many as each cluster holds", async (t) => {
    const g = global!;
    await waitFor('every cluster federated', async () => {
      const r = await g.query('count by (cluster) (mcs_doctor_build_info)');
      return r.length === CLUSTERS.length ? r : undefined;
    });
    // The federation jobs add only their own up and scrape_* series, and the global Prometheus's
    // own rules their ALERTS once a fleet alert is pending; nothing else came along.
    const others = await g.query(
      'group by (__name__) ({__name__=~".+", __name__!~"mcs_doctor_.+|up|scrape_.+|ALERTS|ALERTS_FOR_STATE"})',
    );
    assert.deepEqual(
      others.map((s) => s.metric['__name__']),
      [],
    );
    const alerts = await g.query('group by (alertname) ({__name__=~"ALERTS|ALERTS_FOR_STATE"})');
    for (const a of alerts)
      assert.match(a.metric['alertname'] ?? '', /^McsFleet/, 'only the fleet rules alert here');
    assert.deepEqual(await g.query(`count(${RUNTIME})`), [], 'no runtime or process series');
    const unlabelled = await g.query('count({__name__=~"mcs_doctor_.+", cluster=""})');
    assert.deepEqual(unlabelled, [], 'every federated series has a cluster label');
    for (const m of members) {
      // Wait for a collection that is in both Prometheus servers, then compare the counts.
      const counts = await waitFor(
        `${m.name}: the same series locally and in the global Prometheus`,
        async () => {
          const local = Number((await m.prometheus.query(`count(${OWN})`))[0]?.value[1]);
          const fed = Number(
            (await g.query(`count({__name__=~"mcs_doctor_.+", cluster="${m.name}"})`))[0]?.value[1],
          );
          return local > 0 && local === fed ? { local, fed } : undefined;
        },
      );
      const hosts = Number((await g.query(`count(mcs_doctor_host_info{cluster="${m.name}"})`))[0]?.value[1]);
      const perHost = await g.query(
        `count by (bmh_name) ({__name__=~"mcs_doctor_.+", cluster="${m.name}", bmh_name!=""})`,
      );
      const hostSeries = perHost.reduce((n, s) => n + Number(s.value[1]), 0);
      const samplesScraped = Number(
        (await g.query(`scrape_samples_scraped{job="mcs-doctor-federate-${m.name}"}`))[0]?.value[1],
      );
      assert.ok(hosts > 0 && perHost.length === hosts, `${m.name}: every host has series`);
      // What the ACM observability allow-list would carry from this cluster, and what the
      // cluster's own Prometheus scrapes from the exporter (process metrics included).
      const allowed = (
        YAML.parse(
          (
            YAML.parse(
              readFileSync(join(ROOT, 'manifests', 'fleet', 'acm', 'observability-allowlist.yaml'), 'utf8'),
            ) as {
              data: Record<string, string>;
            }
          ).data['uwl_metrics_list.yaml']!,
        ) as { names: string[] }
      ).names;
      const allowedSeries = Number(
        (await g.query(`count({__name__=~"${allowed.join('|')}", cluster="${m.name}"})`))[0]?.value[1],
      );
      const exporterSamples = Number(
        (await m.prometheus.query('scrape_samples_scraped{job="mcs-doctor-exporter"}'))[0]?.value[1],
      );
      const runtime = Number((await m.prometheus.query(`count(${RUNTIME})`))[0]?.value[1]);
      const byName = await g.query(
        `sort_desc(count by (__name__) ({__name__=~"mcs_doctor_.+", cluster="${m.name}"}))`,
      );
      t.diagnostic(
        `${m.name}: allow-listed ${allowedSeries} series; exporter scrape ${exporterSamples} samples (${runtime} runtime and process series, not federated); federated by name: ${byName
          .map((s) => `${s.metric['__name__']!.replace(/^mcs_doctor_/, '')}=${s.value[1]}`)
          .join(' ')}`,
      );
      t.diagnostic(
        `${m.name}: ${counts.fed} mcs_doctor_* series (${hosts} hosts: ${perHost
          .map((s) => `${s.metric['bmh_name']}=${s.value[1]}`)
          .join(
            ' ',
          )}; ${counts.fed - hostSeries} not per host); ${samplesScraped} samples per federation scrape`,
      );
    }
  });

  test(`the fleet alert fires for ${BROKEN} only, with its cluster label; every fleet dashboard panel has series; fix and verify resolve it`, async () => {
    const g = global!;
    let last: Alert[] = [];
    await waitFor(
      `McsFleetServingCertificateExpiring critical for ${BROKEN} (active: ${show(last)})`,
      async () => {
        last = fleetAlerts(await g.alerts());
        return last.some(
          (a) =>
            a.state === 'firing' &&
            a.labels['alertname'] === 'McsFleetServingCertificateExpiring' &&
            a.labels['severity'] === 'critical' &&
            a.labels['cluster'] === BROKEN,
        );
      },
      90_000,
    );
    // Rules evaluated again on fresh scrapes of all three: still no other cluster.
    await g.evaluatedAfter(Date.now());
    const active = fleetAlerts(await g.alerts());
    assert.deepEqual([...new Set(active.map((a) => a.labels['cluster']))], [BROKEN], show(active));
    const critical = active.find((a) => a.labels['severity'] === 'critical')!;
    assert.match(critical.annotations['summary']!, new RegExp(`^Cluster ${BROKEN}: `));
    assert.match(critical.annotations['description']!, /has (9d 23h|10d 0h)/);

    const dashboard = JSON.parse(readFileSync(join(FLEET, 'dashboard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    assert.ok(dashboard.panels.length >= 6);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const expr = target.expr.replaceAll('$cluster', '.*');
        const result = await waitFor(
          `panel "${panel.title}": ${expr}`,
          async () => {
            const r = await g.query(expr);
            return r.length > 0 ? r : undefined;
          },
          30_000,
        );
        if (/by \(cluster\b/.test(expr))
          assert.deepEqual(
            result.map((s) => s.metric['cluster']).sort(),
            CLUSTERS.map((c) => c.name),
            `panel "${panel.title}" shows every cluster`,
          );
      }
    }

    const broken = members.find((m) => m.name === BROKEN)!;
    const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-fleet-fix-'));
    try {
      const fix = await fixApply(broken.cluster.kubeconfigPath, join(dir, 'backup'));
      assert.equal(fix.code, 0, fix.stdout + fix.stderr);
      await verifyReady(broken.cluster.kubeconfigPath);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await waitFor(
      `every fleet alert resolved (active: ${show(last)})`,
      async () => {
        last = fleetAlerts(await g.alerts());
        return last.length === 0;
      },
      90_000,
    );
  });
});
