import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { jpeg, pixel, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, screenshot, shownColour, unexpected, until, USER, waitForColour } from './browser';

// Every tile and preview shows its own image's current picture: never another tile's while its
// own loads, never the replaced one.

let s: TestServer;
let browser: Browser;
const files = join(tmpdir(), `imgapi-pictures-${Date.now()}`);

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  browser = await launchChromium();
  mkdirSync(files);
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const tile = (page: Page, name: string) => page.getByTestId('image-tile').filter({ hasText: name });

/** Holds every delivery response until released: a network on which thumbnails arrive late. */
async function slowThumbnails(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/t/**', async (route) => {
    await released;
    await route.continue().catch(() => undefined); // the page may be gone by then
  });
  return release;
}

async function openFolder(page: Page, folder: string) {
  await page.goto(`${s.url}/`);
  await logIn(page);
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: new RegExp(`^${folder},`) }).click();
}

/** While its thumbnail is held back: no picture loaded in the tile, only its own placeholder (its colour) showing. */
async function showsOnlyItsPlaceholder(page: Page, name: string, colour: 'red' | 'blue') {
  const img = tile(page, name).locator('img');
  expect(await img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(0);
  expect(await shownColour(img)).toBe(colour);
}

test('after an upload, a tile shows its own placeholder rather than the picture of the image that was in its place', async () => {
  await s.api('POST', '/folders', { path: 'uploads' });
  await s.upload(await jpeg(300, 200, { color: '#ff0000' }), 'red.jpg', 'uploads');
  const { page, errors } = await openPage(browser, s.url);
  await openFolder(page, 'uploads');
  await waitForColour(tile(page, 'red.jpg').locator('img'), 'red');

  const release = await slowThumbnails(page);
  writeFileSync(join(files, 'blue.png'), await png(300, 200, { color: '#0000ff' }));
  await page.getByTestId('upload-input').setInputFiles(join(files, 'blue.png'));
  // Newest first: blue.png takes the first place, where red.jpg's picture was.
  await page.getByTestId('image-tile').first().filter({ hasText: 'blue.png' }).waitFor();
  await Bun.sleep(200);
  await showsOnlyItsPlaceholder(page, 'blue.png', 'blue');
  expect(await shownColour(tile(page, 'red.jpg').locator('img'))).toBe('red');

  release();
  await waitForColour(tile(page, 'blue.png').locator('img'), 'blue');
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 30_000);

test("on the next page, a tile shows its own placeholder, never the picture of the previous page's tile in its place", async () => {
  await s.api('POST', '/folders', { path: 'pages' });
  // The oldest image is alone on page 2, in the first place, where page 1's newest was.
  await s.upload(await png(120, 80, { color: '#0000ff' }), 'oldest-blue.png', 'pages');
  const red = await jpeg(120, 80, { color: '#ff0000' });
  for (let i = 0; i < 24; i++) await s.upload(red, `red-${String(i).padStart(2, '0')}.jpg`, 'pages');
  const { page, errors } = await openPage(browser, s.url);
  await openFolder(page, 'pages');
  await waitForColour(page.getByTestId('image-tile').first().locator('img'), 'red');

  const release = await slowThumbnails(page);
  await page.getByRole('button', { name: 'Next →' }).click();
  await page.getByTestId('image-tile').filter({ hasText: 'oldest-blue.png' }).waitFor();
  await Bun.sleep(200);
  await showsOnlyItsPlaceholder(page, 'oldest-blue.png', 'blue');
  release();
  await waitForColour(tile(page, 'oldest-blue.png').locator('img'), 'blue');
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 30_000);

test('after Replace, the tile, the preview and every URL show the new picture, without a reload', async () => {
  await s.api('POST', '/folders', { path: 'replace' });
  await s.api('POST', '/presets', { name: 'square', params: 'w_100,h_100,c_cover' });
  const uploaded = (await s.upload(await jpeg(300, 200, { color: '#ff0000' }), 'poster.jpg', 'replace')).json;
  expect(uploaded.version).toBe(1);
  const { page, errors } = await openPage(browser, s.url);
  await openFolder(page, 'replace');
  const thumbnail = tile(page, 'poster.jpg').locator('img');
  await waitForColour(thumbnail, 'red');
  await tile(page, 'poster.jpg').click();
  const preview = page.getByTestId('image-panel').locator('img.preview');
  await waitForColour(preview, 'red');
  const publicUrl = page.getByTestId('public-url');
  await until(() => publicUrl.inputValue(), (url) => url.endsWith('?v=1'));
  const oldUrls = { thumbnail: await thumbnail.getAttribute('src'), preview: await preview.getAttribute('src'), public: await publicUrl.inputValue() };

  writeFileSync(join(files, 'poster-blue.png'), await png(200, 300, { color: '#0000ff' }));
  await page.getByLabel('Replace', { exact: true }).setInputFiles(join(files, 'poster-blue.png'));
  await waitForColour(thumbnail, 'blue');
  await waitForColour(preview, 'blue');
  // A square cover crop of the new 200×300 picture: as wide as it, never enlarged.
  expect(await thumbnail.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([200, 200]);
  await until(() => publicUrl.inputValue(), (url) => url.endsWith('?v=2'));
  expect(await thumbnail.getAttribute('src')).toEndWith('?v=2');
  expect(await preview.getAttribute('src')).toEndWith('?v=2');
  await page.getByTestId('copy-url').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await publicUrl.inputValue());
  // The new URL is the new picture; the old ones still answer (with the new picture, uncached).
  const fresh = await fetch(await publicUrl.inputValue());
  expect(fresh.status).toBe(200);
  const [r, g, b] = await pixel(await fresh.arrayBuffer(), 0, 0);
  expect(r! < 40 && g! < 40 && b! > 215).toBe(true);
  for (const old of Object.values(oldUrls)) expect((await fetch(new URL(old!, s.url))).status).toBe(200);

  // A preset's URL is versioned too.
  await page.getByLabel('URL kind').selectOption('preset:square');
  await until(() => publicUrl.inputValue(), (url) => /\/preset:square\/.*\?v=2$/.test(url));

  await screenshot(page, 'pictures-replaced');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 30_000);
