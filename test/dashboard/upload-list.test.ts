import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, answerConfirm, launchChromium, logIn, openPage, PHONE, screenshot, showFolders, unexpected, USER } from './browser';

// The upload list: rows stay where they are, errors are readable and announced, sizes are in
// units people read, the grid grows file by file, and the list can be cleared.

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer({ IMGAPI_MAX_UPLOAD_BYTES: String(2 * 1024 * 1024) });
  await s.ctx.accounts.createUser(USER.username, USER.password);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const sizes: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
];

for (const [size, options] of sizes) {
  test(`${size}: rows keep their place, the grid grows per file, errors wrap and are announced, finished rows clear`, async () => {
    const folder = `batch-${size}`;
    await s.upload(await png(30, 30), 'already.png', folder);
    const { page, errors } = await openPage(browser, s.url, options);
    await page.goto(`${s.url}/#/images?folder=${folder}`);
    await logIn(page);
    const tiles = page.getByTestId('image-tile');
    await tiles.first().waitFor();

    // The last file's upload is held until the grid shows the first one: a grid that waits for
    // the whole batch never does.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/images', async (route) => {
      if (route.request().postDataBuffer()?.includes('filename="last.png"')) await held;
      await route.continue();
    });
    // Every order the rows were ever shown in.
    await page.evaluate(() => {
      const seen: string[][] = ((window as any).uploadOrders = []);
      new MutationObserver(() => {
        const names = [...document.querySelectorAll('[aria-label=Uploads] li .name')].map((n) => (n.firstChild?.textContent ?? '').trim());
        if (names.length) seen.push(names);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });

    const huge = Buffer.alloc(3 * 1024 * 1024, 7);
    await page.getByTestId('upload-input').setInputFiles([
      { name: 'first.png', mimeType: 'image/png', buffer: Buffer.from(await png(50, 50, { color: '#ff0000' })) },
      { name: 'huge.png', mimeType: 'image/png', buffer: huge },
      { name: 'last.png', mimeType: 'image/png', buffer: Buffer.from(await png(50, 50, { color: '#0000ff' })) },
    ]);
    await tiles.filter({ hasText: 'first.png' }).waitFor();
    release();
    await tiles.filter({ hasText: 'last.png' }).waitFor();

    const uploads = page.getByRole('region', { name: 'Uploads' });
    const failed = uploads.locator('li.failed');
    await failed.waitFor();
    const orders: string[][] = await page.evaluate(() => (window as any).uploadOrders);
    expect(orders.length).toBeGreaterThan(2);
    for (const order of orders) expect(order).toEqual(['first.png', 'huge.png', 'last.png']);

    // The size in units, the error across the row in words, not bytes.
    expect(await failed.innerText()).toContain('3 MB');
    const error = failed.locator('.error');
    expect(await error.innerText()).toContain('limit of 2 MB');
    expect(await error.innerText()).not.toMatch(/\d{5,} bytes/);
    const [errorBox, rowBox] = [await error.boundingBox(), await failed.boundingBox()];
    expect(errorBox!.width).toBeGreaterThan(rowBox!.width * 0.85);

    // Announced: how many went up (politely), and each failure with its reason (an alert).
    const status = page.getByRole('status').filter({ hasText: 'uploaded' });
    await expect(status.innerText()).resolves.toBe('2 uploaded. 1 failed.');
    expect(await failed.getByRole('alert').innerText()).toMatch(/larger than the limit of 2 MB/);
    await screenshot(page, `upload-list-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);

    await uploads.getByRole('button', { name: 'Clear finished' }).click();
    expect(await uploads.count()).toBe(0);

    // A row of a folder that is deleted goes with the folder.
    await page.unroute('**/api/v1/images');
    await page.getByTestId('upload-input').setInputFiles([{ name: 'doomed.png', mimeType: 'image/png', buffer: Buffer.from(await png(20, 20)) }]);
    await uploads.locator('li.done').waitFor();
    await (await showFolders(page)).getByRole('button', { name: 'Delete' }).click();
    await answerConfirm(page);
    await page.waitForFunction(() => !document.querySelector('[aria-label=Uploads]'));
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors, /413/)).toEqual([]);
    await page.context().close();
  }, 30_000);
}
