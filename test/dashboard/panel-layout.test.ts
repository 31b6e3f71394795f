import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// The image panel does not jump while it loads: the large preview keeps the image's shape (from
// its width and height) before the picture arrives, and the Transform tab's stage its height, so
// nothing below them moves when the pictures come in. Pictures are held back until the layout
// has been measured, then let through and measured again.

const SIZES: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
];

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  // Portrait: the preview is capped in height, so its box is narrower than the panel.
  await s.upload(await jpeg(600, 900, { color: '#2a7fd4' }), 'portrait.jpg');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** Holds every delivered picture (`/t/…`) until `release()`. */
async function holdPictures(page: Page) {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/t\//, async (route) => {
    await held;
    await route.continue();
  });
  return () => release();
}

/** Where each of `selectors` sits in the panel (top and height, relative to the panel's content). */
const layout = (panel: Locator, selectors: string[]) =>
  panel.evaluate((root, list) => {
    const top = root.getBoundingClientRect().top - root.scrollTop;
    return list.map((selector) => {
      const element = root.querySelector(`[role=tabpanel]:not([hidden]) ${selector}`);
      if (!element) return `${selector}: missing`;
      const box = element.getBoundingClientRect();
      return `${selector}: ${Math.round(box.top - top)} +${Math.round(box.height)}`;
    });
  }, selectors);

const allPicturesIn = (panel: Locator) =>
  panel.evaluate((root) => [...root.querySelectorAll('[role=tabpanel]:not([hidden]) img')].every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0));

for (const [size, options] of SIZES) {
  test(`${size}: nothing in the panel moves when its pictures arrive (Details and Transform)`, async () => {
    const { page, errors } = await openPage(browser, s.url, options);
    const release = await holdPictures(page);
    await page.goto(`${s.url}/`);
    await logIn(page);
    // Thumbnails are held too: the tile is there before its picture.
    await page.getByTestId('image-tile').first().locator('button').first().click();
    const panel = page.getByTestId('image-panel');
    // Signed (the URL is shown), not yet delivered.
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid=public-url]')?.value.startsWith('http'));
    await panel.locator('img.preview').waitFor({ state: 'attached' });

    const details = ['.focus-picker', '.focus-bar', '.crops', 'dl.meta', 'h3', '[data-testid=public-url]', 'form'];
    // The preview's box already has the image's 2:3 shape.
    expect(await allPicturesIn(panel)).toBe(false);
    const picker = (await panel.getByTestId('focus-picker').boundingBox())!;
    expect(picker.width / picker.height).toBeCloseTo(600 / 900, 2);
    const before = await layout(panel, details);
    await screenshot(page, `panel-loading-${size}`);

    // The Transform tab, while its first result is held back too.
    await panel.getByRole('tab', { name: 'Transform' }).click();
    await panel.getByTestId('playground-output').filter({ hasText: 'Rendering' }).waitFor();
    const transform = ['[data-testid=playground-stage]', '[data-testid=playground-output]', '.pg-transform', '[data-testid=playground-url]', '.pg-controls'];
    const transformBefore = await layout(panel, transform);

    release();
    await panel.getByTestId('playground-preview').waitFor();
    await panel.getByTestId('playground-output').filter({ hasText: /^600×900 · WEBP/ }).waitFor();
    expect(await layout(panel, transform)).toEqual(transformBefore);
    await screenshot(page, `panel-loaded-transform-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);

    await panel.getByRole('tab', { name: 'Details' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=image-panel] [role=tabpanel]:not([hidden]) img')].every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0));
    expect(await layout(panel, details)).toEqual(before);
    await screenshot(page, `panel-loaded-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 60_000);
}
