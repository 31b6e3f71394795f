import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, showFolders, unexpected, USER } from './browser';

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
  await showFolders(opened.page);
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
    await tree.getByRole('treeitem', { name: new RegExp(`^new-${size},`) }).waitFor();
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
    await tree.getByRole('treeitem', { name: new RegExp(`^renamed-${size},`) }).waitFor();
    expect(unexpected(errors, /400/)).toEqual([]);
    await page.context().close();
  });
}

const item = (page: Page, name: string | RegExp) => page.getByTestId('folder-tree').getByRole('treeitem', { name });
const focusedItem = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);

for (const [size, options] of SIZES) {
  test(`${size}: the folder tree is a tree: names that read well, expand and collapse, arrow keys`, async () => {
    const { page, errors } = await start(options);
    const tree = page.getByTestId('folder-tree').getByRole('tree', { name: 'Folders' });
    await tree.waitFor();

    // Names say what a folder holds in words, not "holidays2".
    await item(page, 'holidays, 2 images').waitFor();
    await item(page, 'products, 1 image').waitFor();
    expect(await item(page, '2024, 0 images').count()).toBe(1);
    expect(await item(page, 'All images').getAttribute('aria-selected')).toBe('true');
    expect(await item(page, 'products, 1 image').getAttribute('aria-selected')).toBe('false');
    // A folder with sub-folders is open, in a group; a leaf is neither open nor closed.
    expect(await item(page, 'holidays, 2 images').getAttribute('aria-expanded')).toBe('true');
    // Its group (owned through aria-owns) holds 2024, and the tree reads that way to assistive tech.
    const group = page.locator(`[role="group"][id="${await item(page, 'holidays, 2 images').getAttribute('aria-owns')}"]`);
    expect(await group.getByRole('treeitem').evaluateAll((items) => items.map((i) => i.getAttribute('aria-label')))).toEqual(['2024, 0 images']);
    expect(await tree.ariaSnapshot()).toMatch(/- treeitem "holidays, 2 images" \[expanded\]:\n(?: {4}- text: .*\n)? {4}- group:\n {6}- treeitem "2024, 0 images"/);
    expect(await item(page, 'products, 1 image').getAttribute('aria-expanded')).toBeNull();
    // One tab stop for the whole tree.
    expect(await tree.locator('[role="treeitem"][tabindex="0"]').count()).toBe(1);
    await screenshot(page, `folder-tree-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The toggle closes and opens a folder without choosing it.
    await item(page, 'holidays, 2 images').locator('.toggle').click();
    expect(await item(page, 'holidays, 2 images').getAttribute('aria-expanded')).toBe('false');
    expect(await item(page, '2024, 0 images').count()).toBe(0);
    expect(await item(page, 'All images').getAttribute('aria-selected')).toBe('true');
    await screenshot(page, `folder-tree-collapsed-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await item(page, 'holidays, 2 images').locator('.toggle').click();
    await item(page, '2024, 0 images').waitFor();

    // Keys, from the first item: Down, Down reaches holidays; Left closes it, Right opens it,
    // Right again goes to 2024, Left back to holidays; Up/Down move; Enter chooses.
    await item(page, 'All images').click();
    // Picking a folder closes a phone's drawer; opened again, the focus is on the one picked.
    await showFolders(page);
    expect(await focusedItem(page)).toBe('All images');
    await page.keyboard.press('ArrowDown');
    expect(await focusedItem(page)).toBe('/ (root)');
    await page.keyboard.press('ArrowDown');
    expect(await focusedItem(page)).toBe('holidays, 2 images');
    await page.keyboard.press('ArrowLeft');
    expect(await item(page, 'holidays, 2 images').getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowDown');
    expect(await focusedItem(page)).toBe('products, 1 image');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    expect(await item(page, 'holidays, 2 images').getAttribute('aria-expanded')).toBe('true');
    expect(await focusedItem(page)).toBe('holidays, 2 images');
    await page.keyboard.press('ArrowRight');
    expect(await focusedItem(page)).toBe('2024, 0 images');
    await page.keyboard.press('ArrowLeft');
    expect(await focusedItem(page)).toBe('holidays, 2 images');
    await page.keyboard.press('End');
    expect(await focusedItem(page)).toBe('team, 0 images');
    await page.keyboard.press('Home');
    expect(await focusedItem(page)).toBe('All images');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedItem(page)).toBe('products, 1 image');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('folder=products'));
    // Picked: a phone's drawer closes; opened again, it shows the folder chosen.
    await showFolders(page);
    expect(await item(page, 'products, 1 image').getAttribute('aria-selected')).toBe('true');
    expect(await item(page, 'All images').getAttribute('aria-selected')).toBe('false');
    await page.getByTestId('image-tile').filter({ hasText: 'shoe.jpg' }).waitFor();
    expect(await tree.locator('[role="treeitem"][tabindex="0"]').getAttribute('aria-label')).toBe('products, 1 image');
    await screenshot(page, `folder-tree-keys-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  });
}
