/**
 * manifests/fleet/prometheus through real promtool (Debian `prometheus`): the fleet rules check
 * and fleet-alerts.promtest.yaml's unit tests pass, with a firing and a not-firing case for every
 * alert and severity; the shipped prometheus.yml is a valid configuration (with its token and CA
 * files present); the federation job asks only for mcs_doctor_* series with honor_labels; every
 * alert aggregates by cluster, reads only series the exporter serves, and links a page of docs/
 * (and a heading of it) that exists; docs/fleet-monitoring.md has a section per fleet alert.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { ALL_METRICS } from '../../src/exporter/metrics.js';
import { ROOT, RUNBOOK_BASE, type Rule } from '../helpers/exporter.js';
import { anchorsOf } from '../helpers/markdown.js';

const FLEET = join(ROOT, 'manifests', 'fleet', 'prometheus');
const PROMTEST = join(ROOT, 'test', 'fleet', 'fleet-alerts.promtest.yaml');
const run = promisify(execFile);

const rules = (): Rule[] =>
  (
    YAML.parse(readFileSync(join(FLEET, 'rules.yaml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> }
  ).groups.flatMap((g) => g.rules);

describe('fleet rules and global Prometheus configuration: promtool', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-fleet-rules-'));
    copyFileSync(join(FLEET, 'rules.yaml'), join(dir, 'rules.yaml'));
    copyFileSync(PROMTEST, join(dir, 'fleet-alerts.promtest.yaml'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('promtool check rules: the fleet rules parse and are valid', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'rules.yaml')], {
      timeout: 60_000,
    });
    assert.match(stdout, new RegExp(`SUCCESS: ${rules().length} rules found`));
  });

  test('promtool test rules: every case of fleet-alerts.promtest.yaml passes', async () => {
    const r = await run('promtool', ['test', 'rules', 'fleet-alerts.promtest.yaml'], {
      cwd: dir,
      timeout: 60_000,
    }).catch((err: { stdout?: string; stderr?: string }) =>
      assert.fail(`${err.stdout ?? ''}${err.stderr ?? ''}`),
    );
    assert.match(r.stdout, /SUCCESS/);
  });

  test('promtool check config: the shipped prometheus.yml is valid once its token and CA files exist', async () => {
    const config = YAML.parse(readFileSync(join(FLEET, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ authorization: { credentials_file: string }; tls_config: { ca_file: string } }>;
    };
    // The paths are the ones a user mounts; here they are made to exist under the temporary dir.
    for (const job of config.scrape_configs) {
      for (const holder of [job.authorization, job.tls_config] as Array<Record<string, string>>) {
        const key = 'credentials_file' in holder ? 'credentials_file' : 'ca_file';
        const path = join(dir, 'mounted', holder[key]!);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, key === 'ca_file' ? '' : 'token\n');
        holder[key] = path;
      }
    }
    writeFileSync(join(dir, 'prometheus.yml'), YAML.stringify(config));
    const r = await run('promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
      timeout: 60_000,
    }).catch((err: { stdout?: string; stderr?: string }) =>
      assert.fail(`${err.stdout ?? ''}${err.stderr ?? ''}`),
    );
    assert.match(r.stdout, /SUCCESS: 1 rule files found/);
  });

  test('every fleet alert and severity is tested firing and not firing', () => {
    const doc = YAML.parse(readFileSync(PROMTEST, 'utf8')) as {
      tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
    };
    const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const a of rules().filter((r) => r.alert)) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${a.alert}: no not-firing case`,
      );
      const firing = mine.flatMap(
        (c) => (c.exp_alerts ?? []) as Array<{ exp_labels: Record<string, string> }>,
      );
      assert.ok(
        firing.some((f) => f.exp_labels['severity'] === a.labels?.['severity'] && f.exp_labels['cluster']),
        `${a.alert} (${a.labels?.['severity']}): no firing case with a cluster`,
      );
    }
  });
});

describe('fleet rules and federation job: what they say', () => {
  test('the federation job: /federate, match[] only mcs_doctor_* without the runtime series, honor_labels, a cluster label', () => {
    const config = YAML.parse(readFileSync(join(FLEET, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<Record<string, unknown>>;
    };
    const job = config.scrape_configs[0]!;
    assert.equal(job['metrics_path'], '/federate');
    assert.equal(job['honor_labels'], true);
    assert.deepEqual(job['params'], {
      'match[]': ['{__name__=~"mcs_doctor_.*",__name__!~"mcs_doctor_(nodejs|process)_.*"}'],
    });
    assert.match(String(job['job_name']), /^mcs-doctor-federate-/, 'McsFleetFederationDown matches the job');
    const sc = job['static_configs'] as Array<{ labels: Record<string, string> }>;
    assert.ok(sc[0]!.labels['cluster']);
  });

  test('every alert groups by cluster, has a summary, description and severity, and links docs that exist', () => {
    for (const a of rules()) {
      assert.ok(a.alert, 'only alerts');
      if (!a.expr.startsWith('up{')) assert.match(a.expr, /by \(cluster\)/, `${a.alert}: by (cluster)`);
      const ann = a.annotations ?? {};
      assert.ok(
        ann['summary']?.includes('{{ $labels.cluster }}') || ann['summary']?.includes('$labels.cluster'),
      );
      assert.ok(ann['description'], `${a.alert}: description`);
      assert.ok(['warning', 'critical'].includes(a.labels?.['severity'] ?? ''), `${a.alert}: severity`);
      const url = ann['runbook_url'] ?? '';
      assert.ok(url.startsWith(RUNBOOK_BASE), `${a.alert}: ${url}`);
      const [path, anchor] = url.slice(RUNBOOK_BASE.length).split('#');
      assert.ok(existsSync(join(ROOT, path!)), `${a.alert}: ${path} does not exist`);
      if (anchor) assert.ok(anchorsOf(join(ROOT, path!)).has(anchor), `${a.alert}: no #${anchor} in ${path}`);
    }
  });

  test('every series the rules read is one the exporter serves (or up)', () => {
    const served = new Set(ALL_METRICS.map((m) => m.name));
    for (const r of rules())
      for (const name of r.expr.match(/\bmcs_doctor_[a-z_]+\b/g) ?? [])
        assert.ok(served.has(name), `${r.alert}: ${name} is not a metric of src/exporter/metrics.ts`);
  });

  test('docs/fleet-monitoring.md has a section per fleet alert', () => {
    const anchors = anchorsOf(join(ROOT, 'docs', 'fleet-monitoring.md'));
    for (const name of new Set(rules().map((r) => r.alert!)))
      assert.ok(anchors.has(name.toLowerCase()), `docs/fleet-monitoring.md: no "### ${name}" section`);
  });
});
