import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { byteSize } from '../../src/core/byte-size';
import { halves, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

// The presets page edits a preset in place (params, widths, eager, formats) with Cancel and
// Escape, shows the server's refusal on the form, and previews the transform on the client's
// images with the output's pixel size, format and bytes.

const WIDE = { viewport: { width: 1440, height: 900 } };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function server(): Promise<{ s: TestServer; presetId: string }> {
  const s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  await s.upload(await halves(800, 400), 'halves.png');
  await s.upload(await png(300, 300, { alpha: true }), 'clear.png');
  await s.upload(await halves(400, 800), 'tall.png');
  const presetId = (await s.api('POST', '/presets', { name: 'card', params: 'w_200,h_100,c_fill,f_webp' })).json.id;
  return { s, presetId };
}

const row = (page: Page, name: string) => page.getByRole('row').filter({ has: page.locator('code', { hasText: new RegExp(`^${name}$`) }) });

/** The bytes delivery sends for the preview's URL, fetched here. */
async function previewBytes(page: Page): Promise<number> {
  const src = await page.getByTestId('preset-preview').getAttribute('src');
  return (await (await fetch(src!)).arrayBuffer()).byteLength;
}

/**
 * The stats line once it names the size the preview shows. While there is none, what the
 * preview shows instead (an error, "Loading images…"), so a timeout says where it stuck.
 */
const statsFor = (page: Page, size: string) =>
  until(
    () =>
      page.evaluate(() => {
        const stats = document.querySelector('[data-testid="preset-preview-stats"]');
        return stats ? stats.textContent : `no stats line; the preview shows: ${document.querySelector('.preset-preview')?.textContent ?? document.querySelector('main')?.textContent}`;
      }),
    (text) => !!text?.startsWith(size),
    30_000,
  );

for (const [label, viewport] of [['desktop', WIDE], ['phone', PHONE]] as const) {
  test(`${label}: edit a preset (Escape and Cancel keep it, a bad transform is refused on the form, Save applies it to its URL at once), with a measured preview and examples`, async () => {
    const { s, presetId } = await server();
    try {
      const { page, errors } = await openPage(browser, s.url, viewport);
      await page.goto(`${s.url}/`);
      await logIn(page);
      await page.goto(`${s.url}/#/presets`);
      await row(page, 'card').waitFor();

      // The new-preset form previews its transform: size, format and bytes under it, examples beside.
      expect(await statsFor(page, '400 × 300 px')).toBe(`400 × 300 px · WEBP · ${byteSize(await previewBytes(page))}`);
      expect(await page.getByTestId('preset-examples').getByRole('img').count()).toBe(3);

      // Escape closes the edit form untouched and gives the focus back to its Edit button.
      const edit = row(page, 'card').getByRole('button', { name: 'Edit', exact: true });
      expect(await edit.getAttribute('aria-describedby').then((id) => page.locator(`#${id}`).textContent())).toBe('card');
      await edit.click();
      const form = page.getByTestId('preset-edit-form');
      await form.waitFor();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('preset-params');
      expect(await page.getByTestId('preset-params').inputValue()).toBe('w_200,h_100,c_fill,f_webp');
      expect(await statsFor(page, '200 × 100 px')).toMatch(/· WEBP ·/);
      await page.keyboard.type('zzz');
      await page.keyboard.press('Escape');
      await page.getByTestId('preset-new-form').waitFor();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('preset-edit');
      expect(await edit.evaluate((button) => button === document.activeElement)).toBe(true);

      // A transform the server refuses: its message on the form, nothing saved.
      await edit.click();
      await page.getByTestId('preset-params').fill('w_abc');
      await page.getByTestId('preset-save').click();
      const refusal = await form.getByRole('alert').textContent();
      expect(refusal).toContain('w_abc');
      expect((await s.api('GET', '/presets')).json.items[0].params).toBe('w_200,h_100,c_fill,f_webp');
      await page.getByTestId('preset-cancel').click();
      await page.getByTestId('preset-new-form').waitFor();

      // Save: new params, widths, eager with formats; the preview measures the new output first.
      await edit.click();
      await page.getByTestId('preset-params').fill('w_120,h_120,c_fill,f_png');
      expect(await statsFor(page, '120 × 120 px')).toMatch(/^120 × 120 px · PNG · /);
      await page.getByTestId('preset-widths').fill('60, 120');
      await page.getByTestId('preset-eager').check();
      await screenshot(page, `preset-edit-${label}`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.getByTestId('preset-save').click();
      await page.getByTestId('preset-new-form').waitFor();
      expect(await row(page, 'card').getByTestId('preset-widths-cell').textContent()).toBe('60, 120');
      expect(await row(page, 'card').getByTestId('preset-eager-cell').textContent()).toBe('png');
      const stored = (await s.api('GET', '/presets')).json.items.find((p: { id: string }) => p.id === presetId);
      expect(stored).toMatchObject({ name: 'card', params: 'w_120,h_120,c_fill,f_png', widths: [60, 120], eager: true, formats: ['png'] });
      const image = (await s.api('GET', '/images')).json.items[0];
      const delivered = await fetch(`${s.url}/t/${s.clientId}/preset:card/w_60/${image.id}.png`);
      const meta = await sharp(new Uint8Array(await delivered.arrayBuffer())).metadata();
      expect([delivered.status, meta.format, meta.width, meta.height]).toEqual([200, 'png', 60, 60]);

      // An example chosen becomes the preview; the transparent one shows the checkerboard behind it.
      await page.getByRole('button', { name: /clear\.png/ }).click();
      expect(await statsFor(page, '300 × 225 px')).toBe(`300 × 225 px · WEBP · ${byteSize(await previewBytes(page))}`);
      await screenshot(page, `preset-page-${label}`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(unexpected(errors, /400/)).toEqual([]);
      await page.context().close();
    } finally {
      await s.stop();
    }
  }, 90_000);
}

test('phone: an image with a long name in the preview menu does not widen the page (it scrolled sideways, cutting off the form and the table)', async () => {
  const s = await startServer();
  try {
    await s.ctx.accounts.createUser(USER.username, USER.password);
    await s.upload(await halves(400, 200), `a-really-long-file-name-for-testing-truncation-in-tiles-and-lists-${'x'.repeat(40)}.png`);
    await s.api('POST', '/presets', { name: 'card', params: 'w_200,h_100,c_fill,f_webp' });
    const { page, errors } = await openPage(browser, s.url, PHONE);
    await page.goto(`${s.url}/`);
    await logIn(page);
    await page.goto(`${s.url}/#/presets`);
    await row(page, 'card').waitFor();
    await page.getByTestId('preset-preview-image').waitFor();
    expect(await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth])).toEqual([PHONE.viewport.width, PHONE.viewport.width]);
    const select = (await page.getByTestId('preset-preview-image').boundingBox())!;
    expect(select.x + select.width).toBeLessThanOrEqual(PHONE.viewport.width);
    await screenshot(page, 'presets-phone-long-name');
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  } finally {
    await s.stop();
  }
}, 60_000);
