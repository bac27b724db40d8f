/**
 * `preflight -o html` in headless Chromium, on the simulated cluster `latent-bmc-clock` (a spare
 * host waits with a BMC clock 3 years behind): no request leaves the page, nothing fails in it,
 * and the first screen shows the verdict, the host and the line its console will show, whole.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startSimCluster } from '../../src/sim/cluster.js';
import { browserForFile, horizontalOverflow, openReport, seen, seenAll } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';

const { skip, browser } = browserForFile();

describe('preflight -o html in Chromium', { skip }, () => {
  test('latent-bmc-clock: the waiting host, the line its Ignition will log, on the first screen', async () => {
    const cluster = await startSimCluster({ scenario: 'latent-bmc-clock', speed: 300, hosts: 1 });
    let html: string;
    try {
      const resolve = [...cluster.network.dns].flatMap(([name, ip]) => ['--resolve', `${name}:${ip}`]);
      const r = await runCli(['preflight', '--kubeconfig', cluster.kubeconfigPath, ...resolve, '-o', 'html']);
      assert.equal(r.code, 1, r.stderr);
      html = r.stdout;
    } finally {
      await cluster.close();
    }
    assert.match(html, /^<!DOCTYPE html>/);
    const o = await openReport(browser(), html, { width: 1280, height: 900 });
    try {
      assert.deepEqual(o.requests, []);
      assert.deepEqual(o.errors, []);
      for (const [selector, want] of [
        ['[data-role="verdict"]', /PROBLEMS FOUND$/],
        ['[data-role="host"]', /^openshift-machine-api\/worker-\d+$/],
        [
          '[data-role="prediction"]',
          /x509: certificate has expired or is not yet valid: current time \S+ is before/,
        ],
        ['[data-role="cause-id"]', /^worker-clock-skew$/],
      ] as const) {
        const e = await seen(o.page, selector);
        assert.ok(e?.visible, `${selector} visible`);
        assert.match(e.text.trim(), want);
        assert.ok(
          e.box.y + e.box.height <= 900 && e.box.x + e.box.width <= 1280,
          `${selector} on the first screen`,
        );
      }
      await o.page.setViewportSize({ width: 640, height: 900 });
      const { scrollWidth, clientWidth } = await horizontalOverflow(o.page);
      assert.ok(scrollWidth <= clientWidth, `no sideways scroll at 200%: ${scrollWidth} > ${clientWidth}`);
      for (const pre of await seenAll(o.page, '.cmd pre'))
        assert.ok(
          pre.scrollWidth <= pre.clientWidth && pre.box.x + pre.box.width <= 640,
          `cut off: ${pre.text}`,
        );
    } finally {
      await o.close();
    }
  });
});
