/**
 * The screenshots in the README and docs/commands/diagnose.md: `diagnose -o html` of three
 * scenarios of the simulated cluster (healthy, an expired MCS certificate, a worker clock 3
 * years behind), as headless Chromium shows the first screen of a 1280x900 window (the clock
 * scenario also in the dark scheme, its full page), written to docs/images/.
 * Usage: npm run screenshots (builds dist/ first; needs /usr/bin/chromium)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimCluster } from '../src/sim/cluster.js';
import { waitForHostOutcome } from '../src/sim/settle.js';
import { launchBrowser, openReport } from '../test/helpers/browser.js';
import { runCli } from '../test/helpers/cli.js';

const OUT = join('docs', 'images');

const SHOTS: Array<{ scenario: string; file: string; colorScheme: 'light' | 'dark'; fullPage: boolean }> = [
  {
    scenario: 'mcs-cert-expired',
    file: 'diagnose-mcs-cert-expired.png',
    colorScheme: 'light',
    fullPage: false,
  },
  { scenario: 'clock-behind', file: 'diagnose-clock-behind.png', colorScheme: 'light', fullPage: false },
  {
    scenario: 'clock-behind',
    file: 'diagnose-clock-behind-dark-full.png',
    colorScheme: 'dark',
    fullPage: true,
  },
  { scenario: 'healthy', file: 'diagnose-healthy.png', colorScheme: 'light', fullPage: false },
];

async function diagnoseHtml(scenario: string): Promise<string> {
  const cluster = await startSimCluster({ scenario, speed: 300, hosts: 1 });
  try {
    await waitForHostOutcome(cluster.ctx, cluster.scenario.host, 60_000);
    // --host: on the healthy cluster the worker has joined; named, its pipeline is drawn.
    const r = await runCli([
      'diagnose',
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--host',
      cluster.scenario.host,
      '-o',
      'html',
    ]);
    if (r.code !== 0 && r.code !== 1)
      throw new Error(`diagnose on ${scenario} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  } finally {
    await cluster.close();
  }
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    const pages = new Map<string, string>();
    for (const shot of SHOTS) {
      if (!pages.has(shot.scenario)) pages.set(shot.scenario, await diagnoseHtml(shot.scenario));
      const o = await openReport(browser, pages.get(shot.scenario)!, {
        width: 1280,
        height: 900,
        colorScheme: shot.colorScheme,
      });
      try {
        if (o.requests.length || o.errors.length)
          throw new Error(
            `${shot.scenario}: requests ${o.requests.join(', ')}; errors ${o.errors.join('; ')}`,
          );
        await writeFile(join(OUT, shot.file), await o.page.screenshot({ fullPage: shot.fullPage }));
        console.log(join(OUT, shot.file));
      } finally {
        await o.close();
      }
    }
  } finally {
    await browser.close();
  }
}

await main();
