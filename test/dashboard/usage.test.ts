import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { signPath } from '../../src/core/signing';
import { byteSize } from '../../src/core/byte-size';
import { jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

let browser: Browser;
let s: TestServer;
let served = 0;
/** The UTC day the deliveries were counted on (the table's newest row, unless the run crossed midnight since). */
let deliveredOn = '';
beforeAll(async () => {
  browser = await launchChromium();
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  const { id } = (await s.upload(await jpeg(300, 200), 'a.jpg')).json;
  await s.upload(await png(30, 30), 'b.png');
  // One miss and three hits today.
  const rest = `w_80/${id}.webp`;
  const url = `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;
  for (let i = 0; i < 4; i++) served += (await (await fetch(url)).arrayBuffer()).byteLength;
  deliveredOn = new Date().toISOString().slice(0, 10);
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const sizes = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);

/** Whether the chart's canvas has a pixel of exactly this colour (a bar's inside; edges are blended). */
const chartHas = (page: Page, testId: string, variable: string) =>
  page.evaluate(
    ({ testId, variable }) => {
      const probe = document.createElement('div');
      probe.style.color = `var(${variable})`;
      document.body.append(probe);
      const [r, g, b] = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
      probe.remove();
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${testId}"] canvas`)!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) return true;
      return false;
    },
    { testId, variable },
  );

describe('The Usage page', () => {
  for (const [name, size] of sizes) {
    test(`${name}: stored totals, the period's traffic, two charts in the theme's colours, the same numbers in a table; axe clean in light and dark`, async () => {
      const { page, errors } = await openPage(browser, s.url, size);
      page.setDefaultTimeout(10_000);
      // Straight to the page: the library's thumbnails would be deliveries too.
      await page.goto(`${s.url}/#/usage`);
      await logIn(page);
      expect(await page.locator('nav.tabs').getByRole('link', { name: 'Usage', exact: true }).getAttribute('aria-current')).toBe('page');
      await page.getByTestId('usage-days').waitFor();
      expect(await page.evaluate(() => document.title)).toBe('Usage · imgapi');
      expect(await page.locator('h1').allTextContents()).toEqual(['Usage']);
      expect(await page.getByTestId('usage-images').textContent()).toBe('2');
      expect(await page.getByTestId('usage-deliveries').textContent()).toBe('4');
      expect(await page.getByTestId('usage-served').textContent()).toBe(byteSize(served));
      expect(await page.getByTestId('usage-hit-rate').textContent()).toBe('75%');
      expect(await page.getByTestId('usage-transforms').textContent()).toBe('1');
      expect(await page.getByTestId('usage-uploads').textContent()).toBe('2');
      expect(await page.getByTestId('usage-variants').textContent()).not.toBe('0 B');

      // The table: 30 days, newest first, today with its numbers; the charts say what they show.
      const rows = page.getByTestId('usage-day');
      expect(await rows.count()).toBe(30);
      const dates = await rows.locator('th').allTextContents();
      expect(dates).toEqual([...dates].sort().reverse());
      expect(dates[0]! >= deliveredOn).toBe(true);
      const today = rows.filter({ has: page.locator('th', { hasText: deliveredOn }) });
      expect((await today.locator('th, td').allTextContents())).toEqual([deliveredOn, '4', byteSize(served), '3', '1', '1', '2']);
      const chart = page.getByTestId('usage-chart-deliveries');
      expect(await chart.getAttribute('role')).toBe('img');
      expect(await chart.getAttribute('aria-label')).toContain(`4 in all, 3 from a cache, most on ${deliveredOn}`);
      expect(await page.getByTestId('usage-chart-bytes').getAttribute('aria-label')).toContain(`${byteSize(served)} in all`);

      for (const mode of ['light', 'dark'] as const) {
        const toggle = page.getByTestId('theme-toggle');
        for (let i = 0; i < 3 && (await page.evaluate(() => document.documentElement.dataset.theme)) !== mode; i++) await toggle.click();
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(mode);
        // Hits in the accent colour of this theme, misses in its warning colour, bytes in the accent.
        expect(await chartHas(page, 'usage-chart-deliveries', '--accent')).toBe(true);
        expect(await chartHas(page, 'usage-chart-deliveries', '--warn')).toBe(true);
        expect(await chartHas(page, 'usage-chart-bytes', '--accent')).toBe(true);
        // The charts fit their card at this width.
        const widths = await page.evaluate(() => [...document.querySelectorAll('.usage-charts figure')].map((f) => [f.clientWidth, f.querySelector('canvas')!.getBoundingClientRect().width]));
        for (const [figure, canvas] of widths) expect(canvas!).toBeLessThanOrEqual(figure! + 1);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        await screenshot(page, `${name}-${mode}-usage`);
        expect({ mode, violations: await accessibilityViolations(page) }).toEqual({ mode, violations: [] });
      }
      // The dark canvas no longer has the light accent.
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

      // Another period: a week, its own rows.
      await page.getByTestId('usage-period').selectOption('7');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="usage-day"]').length === 7);
      expect(await page.getByTestId('usage-deliveries').textContent()).toBe('4');
      await page.getByTestId('usage-days').scrollIntoViewIfNeeded();
      await screenshot(page, `${name}-dark-usage-week`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(unexpected(errors)).toEqual([]);
      await page.context().close();
    });
  }
});
