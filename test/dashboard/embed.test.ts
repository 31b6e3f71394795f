import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { decode, halves } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, screenshot, unexpected, until, USER } from './browser';

// Width-set presets made through the presets form, and the image panel's Embed tab: a real
// <picture> the browser loads, its HTML, and Copy HTML handing out exactly the API's markup.

const DESKTOP = { viewport: { width: 1440, height: 900 } } satisfies BrowserContextOptions;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true } satisfies BrowserContextOptions;

let s: TestServer;
let browser: Browser;
let imageId: string;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  imageId = (await s.upload(await halves(1600, 1000), 'halves.png')).json.id;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function createPresetThroughForm(page: Page, name: string, params: string, widths: string) {
  await page.goto(`${s.url}/#/presets`);
  await page.getByTestId('preset-name').fill(name);
  await page.getByTestId('preset-params').fill(params);
  await page.getByTestId('preset-widths').fill(widths);
  await page.getByTestId('preset-create').click();
}

const presetRow = (page: Page, name: string) => page.getByRole('row').filter({ has: page.locator('code', { hasText: new RegExp(`^${name}$`) }) });

async function openEmbedTab(page: Page) {
  await page.goto(`${s.url}/#/images`);
  await page.getByTestId('image-tile').first().click();
  const panel = page.getByTestId('image-panel');
  await panel.waitFor();
  await panel.getByRole('tab', { name: 'Embed' }).click();
  return panel;
}

/** The preview's <img> once it has decoded a picture: what it loaded, and its box. */
const loadedPreview = (page: Page) =>
  page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="embed-preview"] img');
    if (!img?.complete || img.naturalWidth === 0) return null;
    return { currentSrc: img.currentSrc, naturalWidth: img.naturalWidth, width: img.width, height: img.height };
  });

const apiEmbed = async (preset: string, sizes: string) => (await s.api('GET', `/images/${imageId}/embed?preset=${preset}&sizes=${encodeURIComponent(sizes)}`)).json;

test('desktop 1440×900: a width-set preset made in the form, then the Embed tab shows, renders and copies its <picture>', async () => {
  const { page, errors } = await openPage(browser, s.url, DESKTOP);
  await page.goto(`${s.url}/`);
  await logIn(page);

  // Before any width-set preset: the tab says how to make one.
  const panel = await openEmbedTab(page);
  const embedTab = panel.getByRole('tab', { name: 'Embed' });
  expect(await embedTab.getAttribute('aria-selected')).toBe('true');
  await panel.getByTestId('embed-hint').waitFor();
  expect(await panel.getByTestId('embed-hint').textContent()).toContain('create one with widths');
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'embed-desktop-no-preset');

  // The form: a word is refused here, a width out of range by the server (400), both shown.
  await createPresetThroughForm(page, 'hero', 'w_1280,h_720,c_fill,q_80', '320, wide');
  await page.getByText('"wide" is not a number').waitFor();
  await page.getByTestId('preset-widths').fill('320, 8');
  await page.getByTestId('preset-create').click();
  await page.getByText('Each width must be an integer from 16 to 8192; got 8').waitFor();
  await page.getByTestId('preset-widths').fill('1280, 320 640,960');
  await page.getByTestId('preset-create').click();
  await presetRow(page, 'hero').waitFor();
  expect(await presetRow(page, 'hero').getByTestId('preset-widths-cell').textContent()).toBe('320, 640, 960, 1280');
  expect(await page.getByText('Each width must').count()).toBe(0);
  // A preset without widths still works, and lists none.
  await page.getByTestId('preset-name').fill('plain');
  await page.getByTestId('preset-params').fill('w_200');
  await page.getByTestId('preset-create').click();
  await presetRow(page, 'plain').waitFor();
  expect(await presetRow(page, 'plain').getByTestId('preset-widths-cell').textContent()).toBe('—');
  // A width-set preset with a fixed format cannot give AVIF, WebP and JPEG: the Embed tab leaves it out.
  expect((await s.api('POST', '/presets', { name: 'fixed', params: 'w_800,f_webp', widths: [400, 800] })).status).toBe(201);
  const presets = (await s.api('GET', '/presets')).json.items;
  expect(presets.map((p: { name: string; widths: number[] | null }) => [p.name, p.widths])).toEqual(
    expect.arrayContaining([
      ['hero', [320, 640, 960, 1280]],
      ['plain', null],
    ]),
  );
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'embed-desktop-presets');

  // Tabs by keyboard: arrows move and select, one tab stop.
  await openEmbedTab(page);
  const details = panel.getByRole('tab', { name: 'Details' });
  await details.click();
  expect(await panel.getByTestId('focus-picker').isVisible()).toBe(true);
  await details.focus();
  await page.keyboard.press('ArrowRight');
  expect(await embedTab.getAttribute('aria-selected')).toBe('true');
  expect(await details.getAttribute('aria-selected')).toBe('false');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Embed');
  expect(await panel.getByRole('tabpanel').count()).toBe(1);
  expect(await panel.getByTestId('focus-picker').isVisible()).toBe(false);
  await page.keyboard.press('ArrowLeft');
  expect(await details.getAttribute('aria-selected')).toBe('true');
  // End: the last tab (Transform, after Embed); one step back is Embed again.
  await page.keyboard.press('End');
  expect(await panel.getByRole('tab', { name: 'Transform' }).getAttribute('aria-selected')).toBe('true');
  await page.keyboard.press('ArrowLeft');
  expect(await embedTab.getAttribute('aria-selected')).toBe('true');

  // Only width-set presets are offered; the one made above renders for real.
  const select = panel.getByTestId('embed-preset');
  expect(await select.locator('option').allTextContents()).toEqual(['Choose a preset…', 'hero (320, 640, 960, 1280)']);
  await panel.getByText('Pick a preset').waitFor();
  const sizes = panel.getByTestId('embed-sizes');
  expect(await sizes.inputValue()).toBe('100vw');
  await sizes.fill('320px');
  await select.selectOption('hero');
  const small = await (await loadedPreview(page)).jsonValue();
  // sizes 320px at dpr 1: the 320w candidate, as AVIF (Chromium decodes it, so the first source wins).
  expect(small!.currentSrc).toBe(`${s.url}/t/${s.clientId}/preset:hero/w_320/${imageId}.avif?v=1`);
  await panel.getByText('This browser chose AVIF at w_320 for sizes="320px".').waitFor();
  const html = panel.getByTestId('embed-html');
  expect(await html.inputValue()).toBe((await apiEmbed('hero', '320px')).picture);

  // Back to 100vw (a larger candidate: Chromium reuses a cached larger one, never a smaller one).
  await sizes.fill('100vw');
  await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="embed-preview"] img')?.currentSrc.includes('/w_1280/'));
  const loaded = await (await loadedPreview(page)).jsonValue();
  // 1440 css px at dpr 1: no candidate is that wide, so the largest.
  expect(loaded!.currentSrc).toBe(`${s.url}/t/${s.clientId}/preset:hero/w_1280/${imageId}.avif?v=1`);
  // naturalWidth is in CSS px (the w descriptor against sizes); the file itself is 1280 wide.
  expect(loaded!.naturalWidth).toBeGreaterThan(0);
  expect((await decode(await (await fetch(loaded!.currentSrc)).arrayBuffer())).width).toBe(1280);
  // The box has the preset's shape (width/height from the answer).
  expect(loaded!.height / loaded!.width).toBeCloseTo(720 / 1280, 2);
  await panel.getByText('This browser chose AVIF at w_1280').waitFor();

  const expected = await apiEmbed('hero', '100vw');
  await until(() => html.inputValue(), (value) => value === expected.picture);
  expect(await html.getAttribute('readonly')).not.toBeNull();
  await panel.getByRole('button', { name: 'Copy HTML' }).click();
  await panel.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected.picture);
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'embed-desktop');

  // Another choice: Copied no longer claims the HTML shown was copied.
  await sizes.fill('50vw');
  await until(() => html.inputValue(), (value) => value.includes('sizes="50vw"'));
  expect(await panel.getByTestId('embed-copied').textContent()).toBe('');

  expect(unexpected(errors, /status of 400/)).toEqual([]);
  await page.context().close();
}, 60_000);

test('phone 390×844 at dpr 3: the Embed tab in the sheet picks the width for 100vw × 3, and copies', async () => {
  const { page, errors } = await openPage(browser, s.url, PHONE);
  await page.goto(`${s.url}/`);
  await logIn(page);
  await createPresetThroughForm(page, 'card', 'w_800,h_800,c_fill', '200, 400, 800, 1200');
  await presetRow(page, 'card').waitFor();
  expect(await presetRow(page, 'card').getByTestId('preset-widths-cell').textContent()).toBe('200, 400, 800, 1200');
  expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, 'embed-phone-presets');
  expect(await accessibilityViolations(page)).toEqual([]);

  const panel = await openEmbedTab(page);
  await panel.getByTestId('embed-preset').selectOption('card');
  await panel.getByTestId('embed-preview').scrollIntoViewIfNeeded();
  const loaded = await (await loadedPreview(page)).jsonValue();
  // 390 css px × 3 = 1170 device px: the smallest candidate at least that wide is 1200.
  expect(loaded!.currentSrc).toBe(`${s.url}/t/${s.clientId}/preset:card/w_1200/${imageId}.avif?v=1`);
  expect(loaded!.width).toBe(loaded!.height);
  const box = (await panel.getByTestId('embed-preview').boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  const expected = await apiEmbed('card', '100vw');
  await panel.getByRole('button', { name: 'Copy HTML' }).tap();
  await panel.getByText('Copied').waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected.picture);
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'embed-phone');
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);

test('grid: a tile paints its image placeholder (colour and blurred data URI) until the thumbnail has loaded', async () => {
  const { page, errors } = await openPage(browser, s.url, DESKTOP);
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/t/**', async (route) => {
    await gate;
    await route.continue().catch(() => undefined);
  });
  await page.goto(`${s.url}/`);
  await logIn(page);
  const thumbnail = page.getByTestId('image-tile').first().locator('img');
  await thumbnail.waitFor();
  const { placeholder } = (await s.api('GET', `/images/${imageId}`)).json;
  const hex = placeholder.color as string;
  const rgb = `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
  const background = () => thumbnail.evaluate((img: HTMLImageElement) => ({ complete: img.complete, color: getComputedStyle(img).backgroundColor, image: getComputedStyle(img).backgroundImage }));
  const before = await background();
  expect(before.complete).toBe(false);
  expect(before.color).toBe(rgb);
  expect(before.image).toStartWith('url("data:image/webp;base64,');
  await screenshot(page, 'embed-grid-placeholder');

  release();
  await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="image-tile"] img')?.naturalWidth);
  // Loaded: the placeholder goes (it would show through transparent pixels), back to the grid's own grey.
  await until(background, (b) => b.image === 'none' && b.color !== rgb);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 30_000);
