import { afterAll, beforeAll, expect, test } from 'bun:test';
import sharp from 'sharp';
import type { Browser, Locator, Page } from 'playwright-core';
import { byteSize } from '../../src/core/byte-size';
import { decode } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

// The image panel's Transform tab: controls and a transform string that write each other, the
// preview is what delivery returns for exactly that string, measured under it, over a checkerboard.

const DESKTOP = { viewport: { width: 1440, height: 900 } };

let s: TestServer;
let browser: Browser;

/** 400 × 300: the left half fully transparent, the right half opaque green. */
async function halfTransparent() {
  const green = await sharp({ create: { width: 200, height: 300, channels: 4, background: { r: 0, g: 160, b: 60, alpha: 1 } } }).png().toBuffer();
  const canvas = sharp({ create: { width: 400, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } });
  return new Uint8Array(await canvas.composite([{ input: green, left: 200, top: 0 }]).png().toBuffer());
}

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  await s.upload(await halfTransparent(), 'logo.png');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function openPlayground(page: Page, tap = false) {
  await page.goto(`${s.url}/`);
  await logIn(page);
  const tile = page.getByTestId('image-tile').first().locator('button');
  await (tap ? tile.tap() : tile.click());
  const panel = page.getByTestId('image-panel');
  await panel.getByRole('tab', { name: 'Transform' }).click();
  return panel;
}

/** What the page shows under the preview once it has the answer for the string typed now. */
const outputOf = (panel: Locator, pattern: RegExp) => panel.getByTestId('playground-output').filter({ hasText: pattern }).textContent();

/** Fetches the URL the playground offers and says what it is, as the output line words it. */
async function measured(panel: Locator) {
  const url = await panel.getByTestId('playground-url').inputValue();
  const response = await fetch(url);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const meta = await decode(bytes);
  const quality = response.headers.get('x-quality');
  return { url, line: `${meta.width}×${meta.height} · ${meta.format!.toUpperCase()} · ${byteSize(bytes.length)}${quality ? ` · quality ${quality}` : ''}` };
}

test('desktop: the controls write the string, the string sets the controls, the preview and its size, format and bytes are what delivery returns; a bad string shows the server’s message', async () => {
  const { page, errors } = await openPage(browser, s.url, DESKTOP);
  const panel = await openPlayground(page);
  const field = panel.getByTestId('playground-transform');
  const preview = panel.getByTestId('playground-preview');
  const copy = panel.getByTestId('playground-copy');

  // The first answer: w_800 of a 400 px image is never enlarged.
  expect(await outputOf(panel, /^400×300 · WEBP · /)).toBe((await measured(panel)).line);

  // Visual controls write the string, key by key at its canonical place.
  await panel.getByLabel('Width').fill('200');
  await panel.getByLabel('Height').fill('100');
  await panel.getByLabel('Fit').selectOption('cover');
  await panel.getByLabel('Format').selectOption('png');
  expect(await field.inputValue()).toBe('w_200,h_100,c_cover,f_png');
  const line = await outputOf(panel, /^200×100 · PNG · /);
  const delivered = await measured(panel);
  expect(line).toBe(delivered.line);
  expect(delivered.url).toContain('/w_200,h_100,c_cover,f_png/');
  expect(await preview.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([200, 100]);

  // The transparent half shows the checkerboard: two colours alternate behind it.
  const { data, info } = await sharp(await preview.screenshot()).raw().toBuffer({ resolveWithObject: true });
  const colours = new Set<string>();
  for (let x = 2; x < info.width * 0.45; x += 3) {
    const i = (Math.floor(info.height / 2) * info.width + x) * info.channels;
    colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  }
  expect(colours.size).toBeGreaterThanOrEqual(2);
  await screenshot(page, 'playground-desktop');

  // A typed string sets the controls, each key that parses.
  await field.fill('w_300,q_auto:eco,g_auto,a_90,flip_hv,b_ff000080,blur_10,sharpen_20,e_grayscale');
  expect(await panel.getByLabel('Width').inputValue()).toBe('300');
  expect(await panel.getByLabel('Height').inputValue()).toBe('');
  expect(await panel.getByLabel('Gravity').inputValue()).toBe('auto');
  expect(await panel.getByLabel('Rotate').inputValue()).toBe('90');
  expect(await panel.getByLabel('Flip').inputValue()).toBe('hv');
  expect(await panel.getByLabel('Quality', { exact: true }).inputValue()).toBe('auto:eco');
  expect(await panel.getByLabel('Blur', { exact: true }).inputValue()).toBe('10');
  expect(await panel.getByLabel('Sharpen', { exact: true }).inputValue()).toBe('20');
  expect(await panel.getByLabel('Grayscale').isChecked()).toBe(true);
  expect(await panel.getByLabel('Background', { exact: true }).isChecked()).toBe(true);
  expect(await panel.getByLabel('Background colour').inputValue()).toBe('#ff0000');
  // Rotated a quarter turn, then 300 wide: 300 × 400.
  expect(await outputOf(panel, /^300×400 · WEBP · .* · quality \d+$/)).toBe((await measured(panel)).line);

  // A control changed after typing keeps the rest as typed; the colour keeps the typed alpha.
  await panel.getByLabel('Background colour').fill('#0000ff');
  await panel.getByLabel('Rotate').selectOption('');
  expect(await field.inputValue()).toBe('w_300,q_auto:eco,g_auto,flip_hv,b_0000ff80,blur_10,sharpen_20,e_grayscale');

  // A bad segment: the server's message in place of the picture, no URL, Copy off; the rest still sets the controls.
  await field.fill('w_120,g_up');
  await panel.getByTestId('playground-error').filter({ hasText: 'Invalid transform segment "g_up"' }).waitFor();
  expect(await preview.count()).toBe(0);
  expect(await panel.getByTestId('playground-url').inputValue()).toBe('');
  expect(await copy.isDisabled()).toBe(true);
  expect(await panel.getByLabel('Width').inputValue()).toBe('120');
  await screenshot(page, 'playground-desktop-error');

  // What only delivery can refuse (the region lies outside this image) is its message too, not a broken image.
  await field.fill('cr_5000:5000:10:10');
  const refused = await panel.getByTestId('playground-error').textContent();
  const direct = await fetch((await s.api('POST', '/sign', { imageId: (await s.api('GET', '/images')).json.items[0].id, transform: 'cr_5000:5000:10:10' })).json.url);
  expect([direct.status, refused]).toEqual([400, (await direct.json()).error.message]);

  // f_auto answers as it would to an <img>: this Chromium takes AVIF.
  await field.fill('w_100,f_auto');
  expect(await outputOf(panel, /^100×75 · AVIF · /)).toMatch(/^100×75 · AVIF · \d/);

  // Copy hands out the URL of what is shown.
  await field.fill('w_64,f_png');
  await outputOf(panel, /^64×48 · PNG/);
  await copy.click();
  await copy.getByText('Copied!').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await panel.getByTestId('playground-url').inputValue());
  expect((await decode(new Uint8Array(await (await fetch(copied)).arrayBuffer()))).width).toBe(64);

  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors, /status of 400/)).toEqual([]);
  await page.context().close();
}, 90_000);

test('typing is debounced: one signing for a string typed a key at a time', async () => {
  const { page, errors } = await openPage(browser, s.url, DESKTOP);
  const panel = await openPlayground(page);
  await outputOf(panel, /^400×300/);
  const signed: string[] = [];
  page.on('request', (r) => r.url().endsWith('/api/v1/sign') && signed.push(r.postDataJSON().transform));
  const field = panel.getByTestId('playground-transform');
  await field.fill('');
  await field.pressSequentially('w_123,f_png', { delay: 40 });
  await outputOf(panel, /^123×92 · PNG/);
  expect(signed).toEqual(['w_123,f_png']);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);

test('the expiry chosen beside the URL signs an exp_ into it', async () => {
  const { page, errors } = await openPage(browser, s.url, DESKTOP);
  const panel = await openPlayground(page);
  await outputOf(panel, /^400×300/);
  await panel.getByLabel('Transform URL expiry').selectOption({ label: 'Expires in 1 day' });
  const url = await until(
    () => panel.getByTestId('playground-url').inputValue(),
    (u) => u.includes(',exp_'),
  );
  expect(Math.abs(Number(/exp_(\d+)/.exec(url)![1]) - (Date.now() / 1000 + 86_400))).toBeLessThan(60);
  expect((await fetch(url)).status).toBe(200);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);

test('phone: the playground fits the sheet, its controls work by touch, axe passes', async () => {
  const { page, errors } = await openPage(browser, s.url, PHONE);
  const panel = await openPlayground(page, true);
  await outputOf(panel, /^400×300/);
  await panel.getByLabel('Width').fill('150');
  await panel.getByLabel('Format').selectOption('jpeg');
  expect(await panel.getByTestId('playground-transform').inputValue()).toBe('w_150,f_jpeg');
  expect(await outputOf(panel, /^150×113 · JPEG/)).toBe((await measured(panel)).line);
  for (const element of [panel.getByTestId('playground-stage'), panel.getByTestId('playground-transform'), panel.locator('.pg-controls')]) {
    const { x, width } = (await element.boundingBox())!;
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x + width).toBeLessThanOrEqual(PHONE.viewport.width);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, 'playground-phone');
  await panel.locator('.pg-controls').scrollIntoViewIfNeeded();
  await screenshot(page, 'playground-phone-controls');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);
