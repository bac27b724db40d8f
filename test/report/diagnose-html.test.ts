/**
 * `diagnose -o html` as a support engineer sees it: the page the built CLI writes for every
 * scenario of the simulated cluster (and for the real must-gather), rendered by headless
 * Chromium. Nothing leaves the page and nothing fails in it; the first screen (the top 900px of
 * a 1280px-wide window) shows the verdict, the host, the first failing stage, the cause and the
 * fix command, which fits its box; the timeline's markers and bars sit at the x of their dates;
 * at 200% zoom (640 CSS pixels) the page does not scroll sideways and the command still fits,
 * and so in print.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startSimCluster } from '../../src/sim/cluster.js';
import { listScenarios, type ScenarioDef } from '../../src/sim/scenarios/index.js';
import { waitForHostOutcome } from '../../src/sim/settle.js';
import {
  browserForFile,
  expectedX,
  horizontalOverflow,
  openReport,
  seen,
  seenAll,
  timelineGeometry,
  type OpenedReport,
  type TimelineGeometry,
} from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';

const SPEED = 300;
const REAL_MUST_GATHER = join('..', 'shared', 'data', 'must-gather', 'must-gather-metal.tar.xz');
const FIRST_SCREEN = { width: 1280, height: 900 };
const VERDICT_OF_EXIT: Record<number, string> = { 0: 'HEALTHY', 1: 'PROBLEM', 4: 'INCONCLUSIVE' };

const { skip, browser } = browserForFile();

/** Nothing requested, nothing failed, one h1 and sections under h2s. */
async function assertCleanPage(o: OpenedReport): Promise<void> {
  assert.deepEqual(o.requests, [], 'the page requests nothing');
  assert.deepEqual(o.errors, [], 'no console or page error');
  const headings = await seenAll(o.page, 'h1');
  assert.equal(headings.length, 1, 'one h1');
  assert.ok((await seenAll(o.page, 'h2')).length >= 2, 'sections under h2 headings');
}

/** On the first screen: visible, and its whole box within the window's top and width. */
async function onFirstScreen(page: Page, selector: string, width = FIRST_SCREEN.width): Promise<string> {
  const e = await seen(page, selector);
  assert.ok(e, `${selector} is on the page`);
  assert.ok(e.visible, `${selector} is visible`);
  assert.ok(
    e.box.y >= 0 && e.box.y + e.box.height <= FIRST_SCREEN.height,
    `${selector} within the first 900px: ${JSON.stringify(e.box)}`,
  );
  assert.ok(
    e.box.x >= 0 && e.box.x + e.box.width <= width,
    `${selector} within the window's width: ${JSON.stringify(e.box)}`,
  );
  return e.text.trim();
}

/** The fix command is shown whole: nothing scrolls inside its box, the box inside the window. */
async function assertFixFits(page: Page, width: number): Promise<void> {
  for (const cmd of await seenAll(page, '.cmd pre')) {
    assert.ok(
      cmd.scrollWidth <= cmd.clientWidth,
      `command cut off (${cmd.scrollWidth} > ${cmd.clientWidth}): ${cmd.text}`,
    );
    assert.ok(
      cmd.box.x >= 0 && cmd.box.x + cmd.box.width <= width,
      `command box outside the window: ${JSON.stringify(cmd.box)}`,
    );
  }
}

/** Every marker and bar at the x of its date, within a pixel. */
function assertTimelinePositions(g: TimelineGeometry): void {
  assert.ok(Date.parse(g.plot.to) > Date.parse(g.plot.from));
  assert.ok(g.plot.width > 100, `the axis is drawn (${g.plot.width}px)`);
  for (const m of g.markers) {
    const want = expectedX(g.plot, m.at);
    assert.ok(
      Math.abs(m.x + m.width / 2 - want) <= 1,
      `marker ${m.letter} (${m.label} ${m.at}) at x=${m.x}, expected ${want}`,
    );
  }
  for (const b of g.bars) {
    assert.ok(
      Math.abs(b.x - expectedX(g.plot, b.from)) <= 1,
      `bar from ${b.from} starts at ${b.x}, expected ${expectedX(g.plot, b.from)}`,
    );
    const right = b.x + b.width;
    assert.ok(
      Math.abs(right - expectedX(g.plot, b.to)) <= 1,
      `bar to ${b.to} ends at ${right}, expected ${expectedX(g.plot, b.to)}`,
    );
  }
}

/**
 * At 200% zoom (a 1280px window is 640 CSS pixels wide; the layout is what zoom changes, so the
 * same page is narrowed): no sideways scrolling, the commands whole, the markers still in place.
 */
async function assertZoomedAndPrinted(o: OpenedReport): Promise<void> {
  await o.page.setViewportSize({ width: 640, height: 900 });
  const { scrollWidth, clientWidth } = await horizontalOverflow(o.page);
  assert.ok(scrollWidth <= clientWidth, `the page scrolls sideways at 200%: ${scrollWidth} > ${clientWidth}`);
  await assertFixFits(o.page, 640);
  const g = await timelineGeometry(o.page);
  if (g) assertTimelinePositions(g);
  // Printed (A4 is about 800 CSS pixels wide): the commands whole, nothing wider than the paper.
  await o.page.emulateMedia({ media: 'print' });
  await o.page.setViewportSize({ width: 794, height: 1123 });
  const printed = await horizontalOverflow(o.page);
  assert.ok(printed.scrollWidth <= printed.clientWidth, `wider than the paper: ${printed.scrollWidth}`);
  await assertFixFits(o.page, 794);
  assert.deepEqual(o.requests, []);
  assert.deepEqual(o.errors, []);
}

interface Rendered {
  code: number | null;
  html: string;
  /** Before and after the CLI ran: "now" on the page is between them. */
  started: number;
  ended: number;
}

async function diagnoseHtml(scenario: ScenarioDef): Promise<Rendered> {
  const cluster = await startSimCluster({ scenario: scenario.name, speed: SPEED, hosts: 1 });
  try {
    // A latent scenario has no host on its way: nothing to wait for.
    if (!scenario.latent) await waitForHostOutcome(cluster.ctx, scenario.host, 60_000);
    const started = Date.now();
    const r = await runCli(['diagnose', '--kubeconfig', cluster.kubeconfigPath, '-o', 'html']);
    const ended = Date.now();
    assert.equal(r.stderr.includes('    at '), false, r.stderr);
    return { code: r.code, html: r.stdout, started, ended };
  } finally {
    await cluster.close();
  }
}

describe('diagnose -o html in Chromium, every scenario', { skip, concurrency: 3 }, () => {
  for (const scenario of listScenarios()) {
    test(scenario.name, async () => {
      const r = await diagnoseHtml(scenario);
      assert.match(r.html, /^<!DOCTYPE html>/);
      const o = await openReport(browser(), r.html, FIRST_SCREEN);
      try {
        await assertCleanPage(o);
        const { page } = o;
        const verdict = await onFirstScreen(page, '[data-role="verdict"]');
        assert.match(verdict, new RegExp(`\\b${VERDICT_OF_EXIT[r.code ?? -1] ?? `exit ${r.code}`}$`));
        const cause = await seen(page, '[data-role="cause-id"]');
        if (!scenario.latent) {
          if (scenario.expectedCause === null) assert.equal(cause, null, 'no cause on a healthy cluster');
          else assert.equal(cause?.text, scenario.expectedCause, 'the expected cause first');
        }
        if (cause) {
          assert.equal(await onFirstScreen(page, '[data-role="cause-id"]'), cause.text);
          const host = await onFirstScreen(page, '[data-role="host"]');
          // A cause of the whole cluster with no host failing (a warning) names no host.
          if (!scenario.latent)
            assert.ok(
              host.includes(scenario.host) || host === 'cluster-wide',
              `the host ${scenario.host}: ${host}`,
            );
          const stage = await onFirstScreen(page, '[data-role="failing-stage"]');
          // The stage named is the one drawn as failing in the host's pipeline.
          const failing = await seenAll(page, '.stage[data-first-failing="true"]');
          if (failing.length > 0) {
            assert.ok(
              failing[0]!.text.includes(stage),
              `${stage} is drawn as the first failing stage: ${failing[0]!.text}`,
            );
            assert.match(
              failing[0]!.text,
              /\u2717 fail[\s\S]*first failing stage/,
              'said in words and symbol, not only colour',
            );
          }
          const fix = await onFirstScreen(page, '[data-role="fix-command"]');
          assert.ok(
            fix.startsWith(`mcs-doctor fix ${cause.text}`) || fix.startsWith('# no mcs-doctor fix'),
            fix,
          );
        } else {
          await onFirstScreen(page, '[data-role="host"]');
        }
        await assertFixFits(page, FIRST_SCREEN.width);
        // Every stage says its status in words too.
        for (const s of await seenAll(page, '.stage'))
          assert.match(s.text, /(pass|fail|unknown|not reached|in progress)/);

        const g = await timelineGeometry(page);
        assert.ok(g, 'a certificate timeline');
        assertTimelinePositions(g);
        const now = g.markers.find((m) => m.label === 'now');
        assert.ok(now, 'a marker for now');
        assert.ok(
          Date.parse(now.at) >= Math.floor(r.started / 1000) * 1000 && Date.parse(now.at) <= r.ended,
          `now is when the CLI ran: ${now.at}`,
        );
        if (['mcs-cert-expired', 'mcs-ca-mismatch', 'clock-behind'].includes(scenario.name)) {
          // The timeline has what the worker meets: the chain served to it and its pointer's CAs.
          const table = await seen(page, '#certificates table');
          assert.match(table?.text ?? '', /served at https:\/\/127\.\d+\.\d+\.\d+:22623\/config\/worker/);
          assert.match(
            table?.text ?? '',
            /pointer CA \(secret openshift-machine-api\/worker-user-data-managed\)/,
          );
        }
        if (scenario.expectedCause === 'worker-clock-skew' && !scenario.latent) {
          // The worker's clock, drawn outside the serving certificate's bar: the cause in one look.
          const clock = g.markers.find((m) => m.label === `${scenario.host} clock`);
          assert.ok(clock, `a marker for ${scenario.host}'s clock`);
          const serving = g.bars[0]!;
          assert.ok(
            clock.x < serving.x || clock.x > serving.x + serving.width,
            'the host clock is outside the validity',
          );
        }
        await assertZoomedAndPrinted(o);
      } finally {
        await o.close();
      }
    });
  }
});

describe('diagnose --must-gather -o html in Chromium (the real OCP 4.9 must-gather)', { skip }, () => {
  test('the must-gather time is marked on the timeline at its date', async () => {
    const r = await runCli(['diagnose', '--must-gather', REAL_MUST_GATHER, '-o', 'html']);
    assert.ok(r.code === 0 || r.code === 4, r.stderr);
    const o = await openReport(browser(), r.stdout, FIRST_SCREEN);
    try {
      await assertCleanPage(o);
      await onFirstScreen(o.page, '[data-role="verdict"]');
      const g = await timelineGeometry(o.page);
      assert.ok(g, 'a certificate timeline');
      assertTimelinePositions(g);
      const mark = g.markers.find((m) => m.label === 'must-gather time');
      assert.ok(mark, 'a must-gather time marker');
      assert.equal(mark.letter, 'M');
      assert.equal(mark.at, '2021-09-14T14:43:46Z');
      assert.equal(
        g.markers.find((m) => m.label === 'now'),
        undefined,
        'a must-gather is not now',
      );
      const legend = await seen(o.page, '.legend [data-marker="M"]');
      assert.equal(legend?.text, 'M = must-gather time: 2021-09-14T14:43:46Z (solid line)');
      await assertZoomedAndPrinted(o);
    } finally {
      await o.close();
    }
  });
});
