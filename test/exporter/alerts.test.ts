/**
 * The PrometheusRule of manifests/exporter through real promtool (Debian `prometheus`): its
 * rules check, and alerts.promtest.yaml's unit tests pass, with a firing and a not-firing case
 * for every alert; every alert has a summary, a description and a runbook_url that leads to a
 * page of docs/ (and a heading of it); every series the rules read is one the exporter serves;
 * docs/alerts.md and docs/metrics.md name every alert and every metric.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { CAUSE_MODULES } from '../../src/causes/index.js';
import { ALL_METRICS } from '../../src/exporter/metrics.js';
import { ROOT, RUNBOOK_BASE, ruleGroups, type Rule } from '../helpers/exporter.js';
import { anchorsOf } from '../helpers/markdown.js';

const PROMTEST = join(ROOT, 'test', 'exporter', 'alerts.promtest.yaml');
const run = promisify(execFile);

const alerts = (): Rule[] => ruleGroups().groups.flatMap((g) => g.rules.filter((r) => r.alert));

describe('PrometheusRule: promtool', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-rules-'));
    writeFileSync(join(dir, 'rules.yaml'), YAML.stringify(ruleGroups()));
    copyFileSync(PROMTEST, join(dir, 'alerts.promtest.yaml'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('promtool check rules: the rules parse and are valid', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'rules.yaml')]);
    assert.match(stdout, new RegExp(`SUCCESS: ${alerts().length} rules found`));
  });

  test('promtool test rules: every case of alerts.promtest.yaml passes', async () => {
    const r = await run('promtool', ['test', 'rules', 'alerts.promtest.yaml'], { cwd: dir }).catch(
      (err: { stdout?: string; stderr?: string }) => assert.fail(`${err.stdout ?? ''}${err.stderr ?? ''}`),
    );
    assert.match(r.stdout, /SUCCESS/);
  });

  test('every alert is tested firing and not firing', () => {
    const doc = YAML.parse(readFileSync(PROMTEST, 'utf8')) as {
      tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
    };
    const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const name of new Set(alerts().map((a) => a.alert!))) {
      const mine = cases.filter((c) => c.alertname === name);
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${name}: no firing case`,
      );
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${name}: no not-firing case`,
      );
    }
    // And every severity of an alert that has two.
    for (const a of alerts()) {
      const firing = cases
        .filter((c) => c.alertname === a.alert)
        .flatMap((c) => (c.exp_alerts ?? []) as Array<{ exp_labels: Record<string, string> }>);
      assert.ok(
        firing.some((f) => f.exp_labels['severity'] === a.labels?.['severity']),
        `${a.alert} (${a.labels?.['severity']}): no firing case`,
      );
    }
  });
});

describe('PrometheusRule: what each alert says and links', () => {
  test('summary, description, a severity, and a runbook_url to a page of docs/ that exists', () => {
    for (const a of alerts()) {
      const ann = a.annotations ?? {};
      assert.ok(ann['summary'] && ann['description'], `${a.alert}: summary and description`);
      assert.ok(['warning', 'critical'].includes(a.labels?.['severity'] ?? ''), `${a.alert}: severity`);
      const url = ann['runbook_url'] ?? '';
      assert.ok(url.startsWith(RUNBOOK_BASE), `${a.alert}: runbook_url ${url} is not under ${RUNBOOK_BASE}`);
      const [path, anchor] = url.slice(RUNBOOK_BASE.length).split('#');
      const pages = path!.includes('{{ $labels.cause }}')
        ? Object.keys(CAUSE_MODULES).map((id) => path!.replace('{{ $labels.cause }}', id))
        : [path!];
      for (const page of pages) {
        assert.ok(existsSync(join(ROOT, page)), `${a.alert}: ${page} does not exist`);
        if (anchor)
          assert.ok(anchorsOf(join(ROOT, page)).has(anchor), `${a.alert}: no heading #${anchor} in ${page}`);
      }
    }
  });

  test('the cause label of a failing worker verdict names a cause page (the exporter sets it from the registry)', () => {
    const fetch = alerts().find((a) => a.alert === 'McsWorkerIgnitionWouldFail')!;
    assert.match(fetch.annotations!['runbook_url']!, /docs\/causes\/\{\{ \$labels\.cause \}\}\.md$/);
  });

  test('every series the rules read is one the exporter serves (or Prometheus up)', () => {
    const served = new Set(ALL_METRICS.map((m) => m.name));
    for (const r of ruleGroups().groups.flatMap((g) => g.rules)) {
      for (const name of r.expr.match(/\b[a-z_]+_[a-z_]+\b(?=\s*[{)\s]|$)/g) ?? []) {
        if (!name.startsWith('mcs_doctor_')) continue;
        assert.ok(served.has(name), `${r.alert}: ${name} is not a metric of src/exporter/metrics.ts`);
      }
    }
  });

  test('docs/alerts.md has a section per alert; docs/metrics.md names every metric and its labels', () => {
    const alertsPage = join(ROOT, 'docs', 'alerts.md');
    const anchors = anchorsOf(alertsPage);
    for (const name of new Set(alerts().map((a) => a.alert!)))
      assert.ok(anchors.has(name.toLowerCase()), `docs/alerts.md: no "### ${name}" section`);
    const metrics = readFileSync(join(ROOT, 'docs', 'metrics.md'), 'utf8');
    for (const m of ALL_METRICS) {
      const row = metrics.split('\n').find((l) => l.includes(`\`${m.name}\``));
      assert.ok(row, `docs/metrics.md does not name ${m.name}`);
      for (const label of m.labels)
        assert.ok(row.includes(`\`${label}\``), `docs/metrics.md: ${m.name} without label ${label}`);
    }
  });
});
