import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { halves } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

// Eager presets made through the presets form (Eager, formats), and the image panel showing
// the image's eager variants: pending while the queue works, then ready.

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function createEagerPreset(page: Page, s: TestServer, name: string) {
  await page.goto(`${s.url}/#/presets`);
  await page.getByTestId('preset-name').fill(name);
  await page.getByTestId('preset-params').fill('w_300,h_200,c_fill');
  await page.getByTestId('preset-widths').fill('160, 320');
  await page.getByTestId('preset-eager').check();
  await page.getByTestId('preset-format-avif').check();
  await page.getByTestId('preset-format-webp').check();
  await page.getByTestId('preset-create').click();
  const row = page.getByRole('row').filter({ has: page.locator('code', { hasText: new RegExp(`^${name}$`) }) });
  await row.waitFor();
  expect(await row.getByTestId('preset-eager-cell').textContent()).toBe('avif, webp');
  // The form is ready for the next one.
  expect(await page.getByTestId('preset-eager').isChecked()).toBe(false);
  const made = (await s.api('GET', '/presets')).json.items.find((p: { name: string }) => p.name === name);
  expect(made).toMatchObject({ eager: true, formats: ['avif', 'webp'], widths: [160, 320] });
}

async function openPanel(page: Page, s: TestServer) {
  await page.goto(`${s.url}/#/images`);
  await page.getByTestId('image-tile').first().click();
  const panel = page.getByTestId('image-panel');
  await panel.waitFor();
  return panel;
}

test('desktop: an eager preset made in the form; the panel follows the image\'s variants until all are ready', async () => {
  const s = await startServer();
  try {
    await s.ctx.accounts.createUser(USER.username, USER.password);
    const { page, errors } = await openPage(browser, s.url, DESKTOP);
    await page.goto(`${s.url}/`);
    await logIn(page);
    await createEagerPreset(page, s, 'hero');
    await screenshot(page, 'eager-desktop-presets');
    expect(await accessibilityViolations(page)).toEqual([]);

    await s.upload(await halves(1200, 800), 'eager.png');
    const panel = await openPanel(page, s);
    const shown = panel.getByTestId('image-variants');
    expect(await until(() => shown.textContent(), (text) => text === '4 ready', 15_000)).toBe('4 ready');
    await screenshot(page, 'eager-desktop-panel');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  } finally {
    await s.stop();
  }
}, 60_000);

test('phone: the form fits the screen; a paused queue shows as pending in the panel', async () => {
  const s = await startServer({ IMGAPI_EAGER_CONCURRENCY: '0' });
  try {
    await s.ctx.accounts.createUser(USER.username, USER.password);
    const { page, errors } = await openPage(browser, s.url, PHONE);
    await page.goto(`${s.url}/`);
    await logIn(page);
    await createEagerPreset(page, s, 'card');
    await page.getByTestId('preset-format-avif').scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'eager-phone-presets');
    expect(await accessibilityViolations(page)).toEqual([]);

    await s.upload(await halves(1200, 800), 'paused.png');
    const panel = await openPanel(page, s);
    await panel.getByTestId('image-variants').scrollIntoViewIfNeeded();
    expect(await panel.getByTestId('image-variants').textContent()).toBe('0 ready, 4 pending');
    await screenshot(page, 'eager-phone-panel');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  } finally {
    await s.stop();
  }
}, 60_000);
