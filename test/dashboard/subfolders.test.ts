import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// A folder is what is in it and below it: its grid, its search and its count take in the sub-folders.

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  await s.upload(await png(60, 40, { color: '#ff0000' }), 'sneaker-red.png', 'products/shoes');
  await s.upload(await png(60, 40, { color: '#0000ff' }), 'sneaker-blue.png', 'products/shoes');
  await s.upload(await png(40, 40), 'sock.png', 'products/shoes/socks');
  await s.upload(await png(40, 40), 'sneaker-ad.png', 'blog');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

test('GET /folders counts the images below each folder as totalImageCount, next to the direct imageCount', async () => {
  const [products] = (await s.api('GET', '/folders')).json.folders.filter((f: any) => f.path === 'products');
  expect(products).toMatchObject({ imageCount: 0, totalImageCount: 3 });
  expect(products.children[0]).toMatchObject({ path: 'products/shoes', imageCount: 2, totalImageCount: 3 });
  expect(products.children[0].children[0]).toMatchObject({ path: 'products/shoes/socks', imageCount: 1, totalImageCount: 1 });
});

const sizes: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
];

for (const [size, options] of sizes) {
  test(`${size}: a parent folder shows, searches and counts its sub-folders' images, each tile naming its folder`, async () => {
    const { page, errors } = await openPage(browser, s.url, options);
    await page.goto(`${s.url}/#/images?folder=products`);
    await logIn(page);
    const tiles = page.getByTestId('image-tile');
    await tiles.first().waitFor();
    expect((await tiles.allInnerTexts()).length).toBe(3);
    expect(await page.getByText('No images in').count()).toBe(0);
    await expect(tiles.filter({ hasText: 'sneaker-red.png' }).innerText()).resolves.toContain('in products/shoes');
    await expect(tiles.filter({ hasText: 'sock.png' }).innerText()).resolves.toContain('in products/shoes/socks');

    const tree = page.getByTestId('folder-tree');
    const productsItem = tree.locator(':is(button, [role=treeitem])', { has: page.locator('.name', { hasText: /^products$/ }) }).first();
    expect(await productsItem.locator('.count').first().innerText()).toBe('3');

    await page.getByTestId('image-search').fill('sneaker');
    await tiles.filter({ hasText: 'sneaker-blue.png' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=image-tile]').length === 2);
    const names = (await tiles.locator('.name').allInnerTexts()).sort();
    // The blog's sneaker is in another folder: searching products does not find it.
    expect(names).toEqual(['sneaker-blue.png', 'sneaker-red.png']);
    await screenshot(page, `subfolders-search-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);

    // A folder whose name matches is offered too (from /search), and one click opens it.
    await page.getByTestId('image-search').fill('sock');
    const hits = page.getByRole('navigation', { name: 'Matching folders' });
    await hits.getByRole('button', { name: 'products/shoes/socks' }).waitFor();
    expect(await hits.getByRole('button').allInnerTexts()).toEqual(['products/shoes/socks']);
    await screenshot(page, `subfolders-folder-hit-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await hits.getByRole('button', { name: 'products/shoes/socks' }).click();
    await page.waitForURL(/folder=products%2Fshoes%2Fsocks|folder=products\/shoes\/socks/);
    expect(await page.getByTestId('image-search').inputValue()).toBe('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=image-tile]').length === 1);
    // A tile in the folder shown does not repeat its folder.
    expect(await tiles.innerText()).not.toContain('in products');
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 30_000);
}
