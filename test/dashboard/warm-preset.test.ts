import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { halves } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

// "Warm" on the presets page: queues an eager preset's variants of the images already stored
// (POST …/warm) and follows that warm's progress (GET …/warm?since=) with a bar and a live status.

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Two images uploaded before the preset exists: only a warm computes their variants. */
async function serverWithImages(env: Record<string, string> = {}): Promise<{ s: TestServer; presetId: string; ids: string[] }> {
  const s = await startServer(env);
  await s.ctx.accounts.createUser(USER.username, USER.password);
  const ids = [(await s.upload(await halves(800, 600), 'one.png')).json.id, (await s.upload(await halves(600, 800), 'two.png')).json.id];
  const presetId = (await s.api('POST', '/presets', { name: 'hero', params: 'w_240,h_160,c_fill', eager: true, formats: ['avif', 'webp'] })).json.id;
  // A preset that is not eager offers no Warm.
  await s.api('POST', '/presets', { name: 'plain', params: 'w_100' });
  return { s, presetId, ids };
}

async function openPresets(page: Page, s: TestServer) {
  await page.goto(`${s.url}/#/presets`);
  const row = (name: string) => page.getByRole('row').filter({ has: page.locator('code', { hasText: new RegExp(`^${name}$`) }) });
  await row('hero').waitFor();
  expect(await row('plain').getByTestId('preset-warm-button').count()).toBe(0);
  return row('hero');
}

test('desktop: Warm computes an eager preset\'s variants of existing images, with a bar and a live status, until they are hits', async () => {
  const { s, ids } = await serverWithImages();
  try {
    const { page, errors } = await openPage(browser, s.url, DESKTOP);
    await page.goto(`${s.url}/`);
    await logIn(page);
    const row = await openPresets(page, s);
    const button = row.getByRole('button', { name: 'Warm preset hero' });
    await button.click();
    const status = row.getByRole('status');
    expect(await until(() => status.textContent(), (text) => text === 'Warmed: 4 of 4 variants ready', 20_000)).toBe('Warmed: 4 of 4 variants ready');
    const bar = row.getByRole('progressbar', { name: 'Warming preset hero' });
    expect([await bar.getAttribute('max'), await bar.getAttribute('value')]).toEqual(['4', '4']);
    expect(await button.isEnabled()).toBe(true);
    for (const id of ids) {
      const response = await fetch(`${s.url}/t/${s.clientId}/preset:hero/${id}.webp`);
      expect(response.headers.get('x-cache')).toBe('HIT');
    }
    await screenshot(page, 'warm-desktop-presets');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  } finally {
    await s.stop();
  }
}, 60_000);

test('phone: the Warm action fits the screen; with a paused queue the bar stays at 0 of 4 and the status says so', async () => {
  const { s } = await serverWithImages({ IMGAPI_EAGER_CONCURRENCY: '0' });
  try {
    const { page, errors } = await openPage(browser, s.url, PHONE);
    await page.goto(`${s.url}/`);
    await logIn(page);
    const row = await openPresets(page, s);
    await row.getByRole('button', { name: 'Warm preset hero' }).click();
    const status = row.getByRole('status');
    expect(await until(() => status.textContent(), (text) => text === '0 of 4 variants ready', 10_000)).toBe('0 of 4 variants ready');
    expect(await status.getAttribute('aria-live')).toBe('polite');
    const bar = row.getByRole('progressbar', { name: 'Warming preset hero' });
    expect([await bar.getAttribute('max'), await bar.getAttribute('value')]).toEqual(['4', '0']);
    expect(await row.getByRole('button', { name: 'Warming… preset hero' }).isDisabled()).toBe(true);
    await bar.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
    // Not cut off by its card either: the actions cell ends inside the card.
    const cell = (await row.locator('.preset-actions').boundingBox())!;
    const card = (await page.locator('section.card').first().boundingBox())!;
    expect(cell.x + cell.width).toBeLessThanOrEqual(card.x + card.width);
    await screenshot(page, 'warm-phone-presets');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  } finally {
    await s.stop();
  }
}, 60_000);
