import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// The folder tree: its New folder and Rename forms take the focus and let go of it again, and
// it is a WAI-ARIA tree (roles, names that read well, expand/collapse, arrow keys).

const SIZES: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
];

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  for (const folder of ['holidays', 'holidays/2024', 'products', 'team']) await s.api('POST', '/folders', { path: folder });
  await s.upload(await jpeg(60, 40, { color: '#d94f3a' }), 'beach.jpg', 'holidays');
  await s.upload(await jpeg(60, 40, { color: '#3a7bd9' }), 'hotel.jpg', 'holidays');
  await s.upload(await jpeg(60, 40, { color: '#3ad97b' }), 'shoe.jpg', 'products');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function start(options: BrowserContextOptions) {
  const opened = await openPage(browser, s.url, options);
  await opened.page.goto(`${s.url}/`);
  await logIn(opened.page);
  await opened.page.getByTestId('folder-tree').waitFor();
  return opened;
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName.toLowerCase(), name: el?.getAttribute('name'), label: el?.getAttribute('aria-label') ?? el?.textContent?.trim(), testid: el?.dataset.testid };
  });

for (const [size, options] of SIZES) {
  test(`${size}: the folder forms take the focus, Enter submits, Cancel and Escape give the focus back, errors stay with their form`, async () => {
    const { page, errors } = await start(options);
    const tree = page.getByTestId('folder-tree');

    await page.getByTestId('folder-create').click();
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'folder-name' });
    // Typed straight after the click, with no click into the field: the keys land in it.
    await page.keyboard.type(`new-${size}`);
    await page.keyboard.press('Enter');
    await tree.getByText(`new-${size}`, { exact: true }).waitFor();
    expect(await tree.locator('input[name="folder-name"]').count()).toBe(0);
    const folders = (await s.api('GET', '/folders')).json;
    expect(JSON.stringify(folders)).toContain(`"new-${size}"`);

    // A bad name: the error shows in the form, announced.
    await page.getByTestId('folder-create').click();
    await page.keyboard.type('..');
    await page.keyboard.press('Enter');
    const alert = tree.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('not allowed');
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'folder-name' });
    await screenshot(page, `folder-form-error-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Escape closes it, and the focus is back on the button that opened it.
    await page.keyboard.press('Escape');
    expect(await tree.locator('input[name="folder-name"]').count()).toBe(0);
    await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.testid === 'folder-create');

    // The next form (Rename) starts clean, with the current name selected in its focused field.
    await tree.getByRole('button', { name: 'Rename', exact: true }).click();
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'folder-name' });
    expect(await tree.locator('input[name="folder-name"]').inputValue()).toBe(`new-${size}`);
    expect(await tree.getByRole('alert').count()).toBe(0);
    expect(await tree.getByText('not allowed').count()).toBe(0);
    await screenshot(page, `folder-form-rename-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Cancel closes it and gives the focus back to Rename; nothing was renamed.
    await tree.getByRole('button', { name: 'Cancel' }).click();
    expect(await tree.locator('input[name="folder-name"]').count()).toBe(0);
    await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Rename');
    expect(JSON.stringify((await s.api('GET', '/folders')).json)).toContain(`"new-${size}"`);

    // Typing a new name and Enter renames it.
    await tree.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.keyboard.type(`renamed-${size}`);
    await page.keyboard.press('Enter');
    await tree.getByText(`renamed-${size}`, { exact: true }).waitFor();
    expect(unexpected(errors, /400/)).toEqual([]);
    await page.context().close();
  });
}
