import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

// On a phone the folder tree would stand above the grid and push the images below the fold:
// it is a drawer behind a "Folders" button there. A desktop keeps it as a sidebar.

const DESKTOP = { viewport: { width: 1440, height: 900 } };
// A library with a dozen folders, as teams have them.
const FOLDERS = ['blog', 'blog/2025', 'brand', 'campaigns', 'events', 'holidays', 'people', 'press', 'products', 'products/shoes', 'social', 'team', 'web'];

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  for (const path of FOLDERS) await s.api('POST', '/folders', { path });
  await s.upload(await jpeg(90, 60, { color: '#3a7bd9' }), 'sea.jpg');
  await s.upload(await jpeg(90, 60, { color: '#d94f3a' }), 'shoe.jpg', 'products/shoes');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function start(options: typeof DESKTOP | typeof PHONE) {
  const opened = await openPage(browser, s.url, options);
  await opened.page.goto(`${s.url}/`);
  await logIn(opened.page);
  await opened.page.getByTestId('image-tile').first().waitFor();
  return opened;
}

/** The focused element, by its test id, its label or its text. */
const active = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('data-testid') ?? el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });

test('phone: the grid is on the first screen; Folders opens the tree as a drawer, and Escape, Close, a tap beside it or a picked folder close it, the focus back on the button', async () => {
  const { page, errors } = await start(PHONE);
  const button = page.getByRole('button', { name: 'Folders', exact: true });
  const tree = page.getByTestId('folder-tree');

  // The images start right under the bar, and the first tile (a sub-folder's or an image's) is
  // wholly on the first screen; the tree is not shown.
  expect((await page.getByRole('region', { name: 'Images' }).boundingBox())!.y).toBeLessThan(200);
  const tile = (await page.locator('[data-testid=folder-tile], [data-testid=image-tile]').first().boundingBox())!;
  expect(tile.y + tile.height).toBeLessThanOrEqual(PHONE.viewport.height);
  expect(await tree.isVisible()).toBe(false);
  expect(await button.getAttribute('aria-expanded')).toBe('false');
  const controls = await button.getAttribute('aria-controls');
  expect(await page.locator(`#${controls}`).count()).toBe(1);
  await screenshot(page, 'folder-drawer-phone-closed');
  expect(await accessibilityViolations(page)).toEqual([]);

  // Opened: over the page, the focus on the chosen folder; Escape closes it.
  await button.tap();
  expect(await button.getAttribute('aria-expanded')).toBe('true');
  await tree.waitFor();
  const drawer = (await page.locator(`#${controls}`).boundingBox())!;
  expect(drawer.x).toBe(0);
  expect(drawer.width).toBeLessThan(PHONE.viewport.width);
  expect(await active(page)).toBe('All images');
  await screenshot(page, 'folder-drawer-phone-open');
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await tree.waitFor({ state: 'hidden' });
  expect(await button.getAttribute('aria-expanded')).toBe('false');
  expect(await active(page)).toBe('folders-button');

  // Its Close button, and a tap beside it, close it too.
  await button.tap();
  await page.getByRole('button', { name: 'Close folders' }).tap();
  await tree.waitFor({ state: 'hidden' });
  expect(await active(page)).toBe('folders-button');
  await button.tap();
  await page.mouse.click(PHONE.viewport.width - 10, PHONE.viewport.height / 2);
  await tree.waitFor({ state: 'hidden' });

  // Tab out of it (past its last control) closes it, the focus going on where Tab took it.
  await button.tap();
  await tree.getByTestId('folder-create').focus();
  await page.keyboard.press('Tab');
  await tree.waitFor({ state: 'hidden' });
  expect(await page.evaluate(() => !document.getElementById('folder-drawer')!.contains(document.activeElement) && document.activeElement !== document.body)).toBe(true);

  // Folders opening and closing inside it leave it open; a folder picked closes it and is shown.
  await button.tap();
  await tree.getByRole('treeitem', { name: /^products,/ }).locator('.toggle').tap();
  expect(await tree.isVisible()).toBe(true);
  await tree.getByRole('treeitem', { name: /^products,/ }).locator('.toggle').tap();
  await tree.getByRole('treeitem', { name: 'shoes, 1 image' }).tap();
  await tree.waitFor({ state: 'hidden' });
  expect(await active(page)).toBe('folders-button');
  await page.waitForFunction(() => location.hash.includes('folder=products%2Fshoes') || location.hash.includes('folder=products/shoes'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=image-tile]').length === 1);
  expect(await page.getByTestId('image-tile').innerText()).toContain('shoe.jpg');
  expect(await page.locator('.folder-drawer-bar').innerText()).toContain('products/shoes');

  // With the keyboard: Enter on a folder picks it and closes the drawer.
  await button.focus();
  await page.keyboard.press('Enter');
  await until(() => active(page), (focused) => focused === 'shoes, 1 image');
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await tree.waitFor({ state: 'hidden' });
  expect(await active(page)).toBe('folders-button');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=image-tile]').length === 2);
  await screenshot(page, 'folder-drawer-phone-picked');
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);

test('desktop: the tree stays a sidebar beside the grid, with no Folders button', async () => {
  const { page, errors } = await start(DESKTOP);
  expect(await page.getByRole('button', { name: 'Folders', exact: true }).isVisible()).toBe(false);
  const tree = (await page.getByTestId('folder-tree').boundingBox())!;
  const images = (await page.getByRole('region', { name: 'Images' }).boundingBox())!;
  expect(tree.x + tree.width).toBeLessThan(images.x);
  expect(Math.abs(tree.y - images.y)).toBeLessThan(2);
  // Picking a folder there moves nothing and keeps the focus on it.
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: 'shoes, 1 image' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=image-tile]').length === 1);
  expect(await active(page)).toBe('shoes, 1 image');
  expect(await page.getByTestId('folder-tree').isVisible()).toBe(true);
  await screenshot(page, 'folder-drawer-desktop');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);
