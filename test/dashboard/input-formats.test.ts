import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { animation } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// An iPhone photo, an animated GIF and an SVG logo, dragged into the library together: each
// becomes a tile whose thumbnail the browser can paint, and the panel says what each is.

let s: TestServer;
let browser: Browser;
let files: { name: string; type: string; bytes: number[] }[];

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"><rect width="120" height="60" rx="8" fill="#1d4ed8"/><text x="60" y="38" font-size="20" text-anchor="middle" fill="#fff">acme</text></svg>`;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  await s.api('POST', '/folders', { path: 'clients/acme' });
  const heic = await Bun.file(join(import.meta.dir, '../fixtures/heic/iphone-like.heic')).arrayBuffer();
  files = [
    { name: 'IMG_0042.HEIC', type: 'image/heic', bytes: [...new Uint8Array(heic)] },
    { name: 'spinner.gif', type: 'image/gif', bytes: [...(await animation(64, 48, 6))] },
    { name: 'logo.svg', type: 'image/svg+xml', bytes: [...new TextEncoder().encode(LOGO)] },
  ];
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** Drops every file at once on the element at (x, y), as a user dragging a selection from Finder. */
async function dropFiles(page: Page, x: number, y: number) {
  return page.evaluate(
    ({ x, y, files }) => {
      const target = document.elementFromPoint(x, y)!;
      const data = new DataTransfer();
      for (const file of files) data.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, dataTransfer: data }));
      }
    },
    { x, y, files },
  );
}

/** Whether the tile's thumbnail arrived and decoded (a broken image has no natural size). */
const painted = (tile: Locator) => tile.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

async function expectTiles(page: Page) {
  for (const name of ['IMG_0042.HEIC', 'spinner.gif', 'logo.svg']) {
    const tile = page.getByTestId('image-tile').filter({ hasText: name });
    await tile.waitFor();
    await tile.locator('img').scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => (el as HTMLImageElement).complete, await tile.locator('img').elementHandle());
    expect([name, await painted(tile)]).toEqual([name, true]);
  }
  await expect(page.getByTestId('image-tile').filter({ hasText: 'spinner.gif' }).textContent()).resolves.toContain('animated');
}

async function expectPanel(page: Page, name: string, says: RegExp) {
  await page.getByTestId('image-tile').filter({ hasText: name }).getByRole('button').click();
  const panel = page.getByTestId('image-panel');
  await panel.getByText(says).waitFor();
  return panel;
}

test('desktop: a HEIC, a GIF and an SVG dropped together are uploaded, shown and described', async () => {
  const { page, errors } = await openPage(browser, s.url);
  await page.goto(`${s.url}/#/images?folder=clients/acme`);
  await logIn(page);
  await page.getByText('No images in').waitFor();
  await dropFiles(page, 700, 600);
  await expectTiles(page);

  const stored = (await s.api('GET', '/images?folder=clients/acme')).json.items;
  expect(Object.fromEntries(stored.map((i: any) => [i.originalName, [i.format, i.frames, i.animated]]))).toEqual({
    'IMG_0042.HEIC': ['heic', 1, false],
    'spinner.gif': ['gif', 6, true],
    'logo.svg': ['svg', 1, false],
  });

  await expectPanel(page, 'spinner.gif', /GIF, 6 frames/);
  await expectPanel(page, 'IMG_0042.HEIC', /×\d+ · HEIC ·/);
  await expectPanel(page, 'logo.svg', /120×60 · SVG/);
  // The SVG preview is drawn at the panel's size, not a 120 px raster blown up. The panel's
  // text changes before its picture, so wait for the picture of the logo itself to decode.
  const logo = stored.find((i: { originalName: string }) => i.originalName === 'logo.svg')!;
  const drawnWidth = await page.waitForFunction((id) => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="image-panel"] img');
    return img && img.src.includes(id) && img.complete && img.naturalWidth > 0 ? img.naturalWidth : 0;
  }, logo.id);
  expect(await drawnWidth.jsonValue()).toBeGreaterThan(120);
  await screenshot(page, 'input-formats-desktop');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);

test('phone: the same three chosen with Upload', async () => {
  await s.api('POST', '/folders', { path: 'clients/phone' });
  const { page, errors } = await openPage(browser, s.url, PHONE);
  await page.goto(`${s.url}/#/images?folder=clients/phone`);
  await logIn(page);
  await page.getByText('No images in').waitFor();
  await page.getByTestId('upload-input').setInputFiles(files.map((f) => ({ name: f.name, mimeType: f.type, buffer: Buffer.from(f.bytes) })));
  await expectTiles(page);
  await screenshot(page, 'input-formats-phone');
  expect(await accessibilityViolations(page)).toEqual([]);
  const panel = await expectPanel(page, 'spinner.gif', /GIF, 6 frames/);
  await page.waitForFunction((el) => (el as HTMLImageElement).naturalWidth > 0, await panel.locator('img').first().elementHandle());
  await screenshot(page, 'input-formats-phone-panel');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);
