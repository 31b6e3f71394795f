import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// At phone width (390 × 844) the image panel is a sheet over the screen, not a column 3 000 px
// below the tile; the header leaves the screen to the images.

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  for (const folder of ['holidays', 'holidays/2024', 'products', 'team']) await s.api('POST', '/folders', { path: folder });
  const colours = ['#d94f3a', '#3a7bd9', '#3ad97b', '#d9c23a', '#8a3ad9', '#3ad9d0', '#d93a9b', '#6b7280'];
  for (const [i, colour] of colours.entries()) await s.upload(await jpeg(600, 400, { color: colour }), `photo-${i + 1}.jpg`);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function withinViewport(page: Page, element: Locator) {
  const box = (await element.boundingBox())!;
  const { width, height } = page.viewportSize()!;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
}

const signedUrlShown = (page: Page) =>
  page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="public-url"]')?.value.startsWith('http'));
const focusInsidePanel = (page: Page) => page.evaluate(() => !!document.activeElement?.closest('[data-testid="image-panel"]'));

test('phone: a tapped tile opens a full-screen sheet that Escape and its close button close', async () => {
  const { page, errors } = await openPage(browser, s.url, PHONE);
  await page.goto(`${s.url}/`);
  await screenshot(page, 'phone-login');
  await logIn(page);
  await page.getByTestId('image-tile').first().waitFor();

  const header = (await page.locator('header.topbar').boundingBox())!;
  expect(header.height / PHONE.viewport.height).toBeLessThanOrEqual(0.12);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${import.meta.dir}/../../test-output/screenshots/phone-library-full.png`, fullPage: true });
  expect(await accessibilityViolations(page)).toEqual([]);

  // The last tile, far down the page, as in the report.
  const last = page.getByTestId('image-tile').last();
  await last.scrollIntoViewIfNeeded();
  await last.locator('button').tap();
  const panel = page.getByTestId('image-panel');
  await panel.waitFor();
  await signedUrlShown(page);
  expect(await withinViewport(page, panel)).toBe(true);
  expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
  expect(await focusInsidePanel(page)).toBe(true);
  const close = panel.getByRole('button', { name: 'Close' });
  expect(await withinViewport(page, close)).toBe(true);
  await screenshot(page, 'phone-panel');
  expect(await accessibilityViolations(page)).toEqual([]);

  // Scrolling the sheet reaches its last controls, still on screen.
  await panel.getByRole('button', { name: 'Delete' }).scrollIntoViewIfNeeded();
  expect(await withinViewport(page, panel.getByRole('button', { name: 'Delete' }))).toBe(true);
  expect(await withinViewport(page, close)).toBe(true);
  await screenshot(page, 'phone-panel-scrolled');

  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  // Focus goes back to the tile the sheet came from.
  expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="image-tile"]')?.textContent)).toContain('photo-1.jpg');

  await page.getByTestId('image-tile').first().locator('button').tap();
  await panel.waitFor();
  await close.tap();
  await panel.waitFor({ state: 'detached' });

  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 30_000);

test('desktop: the panel beside the grid takes focus and closes on Escape', async () => {
  const { page, errors } = await openPage(browser, s.url, DESKTOP);
  await page.goto(`${s.url}/`);
  await logIn(page);
  await page.getByTestId('image-tile').first().click();
  const panel = page.getByTestId('image-panel');
  await panel.waitFor();
  expect(await withinViewport(page, panel)).toBe(true);
  expect(await focusInsidePanel(page)).toBe(true);
  await signedUrlShown(page);
  await screenshot(page, 'desktop-panel');
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });

  await page.getByRole('link', { name: 'Presets' }).click();
  await page.getByTestId('preset-preview').waitFor();
  await screenshot(page, 'desktop-presets');
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.setViewportSize(PHONE.viewport);
  await screenshot(page, 'phone-presets');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 30_000);
