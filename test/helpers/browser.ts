/**
 * Headless Chromium (Debian's `chromium`, driven by playwright-core) to look at the HTML reports
 * as a browser renders them. Every request the page makes is recorded and refused, console
 * errors and page errors are collected: a test asserts that all three lists are empty.
 *
 * Without /usr/bin/chromium the browser tests fail (CI installs it with .ci/run); they are
 * skipped only when MCS_DOCTOR_NO_BROWSER=1 says so.
 */
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['MCS_DOCTOR_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the browser tests are skipped, or false when they run. */
export function browserSkip(): string | false {
  return process.env['MCS_DOCTOR_NO_BROWSER'] === '1' ? 'MCS_DOCTOR_NO_BROWSER=1' : false;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), or set MCS_DOCTOR_NO_BROWSER=1 to skip the browser tests`,
    );
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/**
 * One Chromium for the test file that calls this at its top level: launched before its tests,
 * closed after them; not launched at all when the browser tests are skipped.
 */
export function browserForFile(): { skip: string | false; browser(): Browser } {
  const skip = browserSkip();
  let browser: Browser | undefined;
  before(async () => {
    if (!skip) browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return {
    skip,
    browser() {
      if (!browser) throw new Error('the browser was not launched');
      return browser;
    },
  };
}

export interface OpenedReport {
  page: Page;
  /** Every request the page tried to make (all refused). */
  requests: string[];
  /** console.error messages and uncaught page errors. */
  errors: string[];
  close(): Promise<void>;
}

/** The report in a fresh context (its own viewport and colour scheme), loaded as a document, never from a URL. */
export async function openReport(
  browser: Browser,
  html: string,
  options: { width?: number; height?: number; scale?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<OpenedReport> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    deviceScaleFactor: options.scale ?? 1,
    colorScheme: options.colorScheme ?? 'light',
    javaScriptEnabled: true,
  });
  const requests: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', async (route) => {
    requests.push(route.request().url());
    await route.abort();
  });
  const page = await context.newPage();
  page.on('request', (r) => {
    if (!requests.includes(r.url())) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests, errors, close: () => context.close() };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TimelineGeometry {
  plot: Box & { from: string; to: string };
  markers: Array<Box & { at: string; letter: string; label: string }>;
  bars: Array<Box & { from: string; to: string }>;
}

// The functions below run in the page: they are given as source text, as the project's
// TypeScript has no DOM types (lib "dom" would change the types of the whole program).

const BOX = `const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };`;

/** The timeline's axis, markers and bars as laid out on the screen, with their dates. */
export async function timelineGeometry(page: Page): Promise<TimelineGeometry | null> {
  return (await page.evaluate(`(() => {
    ${BOX}
    const plot = document.querySelector('.timeline rect.plot');
    if (!plot) return null;
    return {
      plot: { ...box(plot), from: plot.getAttribute('data-from'), to: plot.getAttribute('data-to') },
      markers: [...document.querySelectorAll('.timeline line.marker')].map((m) => ({
        ...box(m), at: m.getAttribute('data-at'), letter: m.getAttribute('data-letter'), label: m.getAttribute('data-label'),
      })),
      bars: [...document.querySelectorAll('.timeline rect.bar')].map((b) => ({
        ...box(b), from: b.getAttribute('data-from'), to: b.getAttribute('data-to'),
      })),
    };
  })()`)) as TimelineGeometry | null;
}

/** Where a date should be drawn on the axis: plot.x + (t - from) / (to - from) * plot.width. */
export function expectedX(plot: TimelineGeometry['plot'], iso: string): number {
  const from = Date.parse(plot.from);
  const to = Date.parse(plot.to);
  return plot.x + ((Date.parse(iso) - from) / (to - from)) * plot.width;
}

export interface Seen {
  text: string;
  box: Box;
  scrollWidth: number;
  clientWidth: number;
  visible: boolean;
}

/** Every element `selector` matches as the user sees it: its text, box, and whether its content fits its box. */
export async function seenAll(page: Page, selector: string): Promise<Seen[]> {
  return (await page.evaluate(`(() => {
    ${BOX}
    return [...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => {
      const style = getComputedStyle(e);
      const b = box(e);
      return {
        text: e.innerText,
        box: b,
        scrollWidth: e.scrollWidth,
        clientWidth: e.clientWidth,
        visible: b.width > 0 && b.height > 0 && style.visibility !== 'hidden' && style.display !== 'none',
      };
    });
  })()`)) as Seen[];
}

/** The first element `selector` matches, as the user sees it; null when there is none. */
export async function seen(page: Page, selector: string): Promise<Seen | null> {
  return (await seenAll(page, selector))[0] ?? null;
}

/** Whether the document scrolls sideways (the page wider than the viewport). */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return (await page.evaluate(
    `({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })`,
  )) as { scrollWidth: number; clientWidth: number };
}
