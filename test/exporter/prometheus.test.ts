/**
 * A real Prometheus (Debian `prometheus`, on 127.0.0.1) scrapes the exporter running against
 * the simulated cluster and evaluates the shipped alert rules: on `healthy` nothing fires; on an
 * expiring certificate, a CA mismatch and a waiting host with a bad BMC clock the matching
 * alert fires, and after `fix --apply` and `verify` it resolves. Every panel of the Grafana
 * dashboard gets series from that Prometheus.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import { fixApply, HOST, SPEED, verifyReady } from '../helpers/fix.js';
import { MANIFESTS, startExporterCli, waitFor, type ExporterProcess } from '../helpers/exporter.js';
import { startPrometheus, type Alert, type PrometheusProcess } from '../helpers/prometheus.js';

interface Stack {
  cluster: SimCluster;
  exporter: ExporterProcess;
  prometheus: PrometheusProcess;
  stop(): Promise<void>;
}

async function stack(scenario: string): Promise<Stack> {
  const cluster = await startSimCluster({ scenario, speed: SPEED });
  try {
    await waitForHostOutcome(cluster.ctx, HOST, 60_000);
    const exporter = await startExporterCli(['--kubeconfig', cluster.kubeconfigPath, '--interval', '1s']);
    const prometheus = await startPrometheus(exporter.url.replace(/^http:\/\//, ''));
    return {
      cluster,
      exporter,
      prometheus,
      async stop() {
        await prometheus.stop();
        await exporter.stop();
        await cluster.close();
      },
    };
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

const describeAlerts = (alerts: Alert[]): string =>
  JSON.stringify(
    alerts.map((a) => [
      a.labels['alertname'],
      a.state,
      a.labels['severity'],
      a.labels['bmh_name'] ?? a.labels['secret_name'] ?? '',
    ]),
  );

function firing(alerts: Alert[], name: string, labels: Record<string, string> = {}): Alert[] {
  return alerts.filter(
    (a) =>
      a.state === 'firing' &&
      a.labels['alertname'] === name &&
      Object.entries(labels).every(([k, v]) => a.labels[k] === v),
  );
}

/** Waits until Prometheus fires `name` (with `labels`); returns every active alert then. */
async function untilFiring(
  p: PrometheusProcess,
  name: string,
  labels: Record<string, string> = {},
): Promise<Alert[]> {
  let last: Alert[] = [];
  return waitFor(
    `${name} ${JSON.stringify(labels)} firing (active: ${describeAlerts(last)})`,
    async () => {
      last = await p.alerts();
      return firing(last, name, labels).length > 0 ? last : undefined;
    },
    90_000,
  );
}

/** Fix the problem host as a user does, follow it to Ready, then wait for every alert to resolve. */
async function fixAndResolve(s: Stack, extra: string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-alert-fix-'));
  try {
    const fix = await fixApply(s.cluster.kubeconfigPath, join(dir, 'backup'), extra);
    assert.equal(fix.code, 0, fix.stdout + fix.stderr);
    await verifyReady(s.cluster.kubeconfigPath);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let last: Alert[] = [];
  await waitFor(
    `every alert resolved (active: ${describeAlerts(last)})`,
    async () => {
      last = await s.prometheus.alerts();
      return last.length === 0;
    },
    90_000,
  );
}

describe('Prometheus with the shipped rules, scraping the exporter on the simulated cluster', () => {
  test('healthy: after the exporter has been scraped and the rules evaluated, nothing fires or is pending', async () => {
    const s = await stack('healthy');
    try {
      await waitFor('a collection', async () =>
        (await s.exporter.scrape()).some((m) => m.name === 'mcs_doctor_collections_total' && m.value >= 2),
      );
      const since = Date.now();
      await s.prometheus.evaluatedAfter(since);
      await s.prometheus.evaluatedAfter(Date.now());
      const up = await s.prometheus.query('up{job="mcs-doctor-exporter"}');
      assert.equal(up[0]?.value[1], '1');
      const series = await s.prometheus.query('count({__name__=~"mcs_doctor_.+"})');
      assert.ok(Number(series[0]?.value[1]) > 50, 'the exporter series are in Prometheus');
      assert.deepEqual(await s.prometheus.alerts(), []);
    } finally {
      await s.stop();
    }
  });

  test('mcs-cert-expiring (10 days left): McsServingCertificateExpiring fires, warning and critical; fix and verify resolve it', async () => {
    const s = await stack('mcs-cert-expiring');
    try {
      const alerts = await untilFiring(s.prometheus, 'McsServingCertificateExpiring', {
        severity: 'critical',
        source: 'secret',
      });
      await untilFiring(s.prometheus, 'McsServingCertificateExpiring', {
        severity: 'warning',
        source: 'served',
      });
      const critical = firing(alerts, 'McsServingCertificateExpiring', { severity: 'critical' })[0]!;
      assert.match(critical.annotations['description']!, /expires in 9d 23h|expires in 10d 0h/);
      assert.match(critical.annotations['runbook_url']!, /docs\/causes\/mcs-cert-expiring\.md$/);
      await fixAndResolve(s);
    } finally {
      await s.stop();
    }
  });

  test('mcs-ca-mismatch: McsWorkerIgnitionWouldFail (mcs-ca-mismatch) and McsPointerCaNotInBundle fire; fix and verify resolve them', async () => {
    const s = await stack('mcs-ca-mismatch');
    try {
      const alerts = await untilFiring(s.prometheus, 'McsWorkerIgnitionWouldFail', {
        secret_name: 'worker-user-data-managed',
        cause: 'mcs-ca-mismatch',
        reason: 'unknown-authority',
      });
      assert.match(
        firing(alerts, 'McsWorkerIgnitionWouldFail', { secret_name: 'worker-user-data-managed' })[0]!
          .annotations['runbook_url']!,
        /docs\/causes\/mcs-ca-mismatch\.md$/,
      );
      await untilFiring(s.prometheus, 'McsPointerCaNotInBundle', { secret_name: 'worker-user-data-managed' });
      await fixAndResolve(s);
    } finally {
      await s.stop();
    }
  });

  test('clock-behind: McsWaitingHostBmcClockOutsideCertValidity and McsBmcClockSkew fire for worker-0; every dashboard panel has series; fix and verify resolve them', async () => {
    const s = await stack('clock-behind');
    try {
      const alerts = await untilFiring(s.prometheus, 'McsWaitingHostBmcClockOutsideCertValidity', {
        bmh_name: HOST,
      });
      await untilFiring(s.prometheus, 'McsBmcClockSkew', { bmh_name: HOST });
      assert.equal(
        firing(alerts, 'McsWaitingHostBmcClockOutsideCertValidity').length,
        1,
        'only the waiting host',
      );
      assert.match(
        firing(alerts, 'McsWaitingHostBmcClockOutsideCertValidity')[0]!.annotations['runbook_url']!,
        /docs\/causes\/worker-clock-skew\.md$/,
      );
      // The dashboard: every panel's every query returns series (rates need two scrapes).
      const dashboard = JSON.parse(readFileSync(join(MANIFESTS, 'dashboard.json'), 'utf8')) as {
        panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      };
      for (const panel of dashboard.panels) {
        for (const t of panel.targets) {
          const result = await waitFor(
            `panel "${panel.title}": ${t.expr}`,
            async () => {
              const r = await s.prometheus.query(t.expr);
              return r.length > 0 ? r : undefined;
            },
            30_000,
          );
          assert.ok(result.length > 0);
        }
      }
      await fixAndResolve(s, ['--ntp-server', 'ntp1.example.test']);
    } finally {
      await s.stop();
    }
  });
});
