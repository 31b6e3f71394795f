import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, answerConfirm, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

// Bulk work in the grid: choose tiles (box, Shift for a range, Select all on page), then move,
// tag, untag, download a ZIP of originals or delete them; drag tiles onto a folder; arrow keys
// between tiles and Delete with the confirm dialog.

const SIZES: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
];

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** A folder of `count` images, oldest first (the grid shows newest first). */
async function folderOf(folder: string, count: number): Promise<{ id: string; name: string; bytes: Uint8Array }[]> {
  const made = [];
  for (let i = 0; i < count; i++) {
    const bytes = i % 2 ? await png(40 + i, 30) : await jpeg(40 + i, 30, { color: i % 3 ? '#3a7bd9' : '#d94f3a' });
    const name = `${folder}-${i}.${i % 2 ? 'png' : 'jpg'}`;
    made.push({ id: (await s.upload(bytes, name, folder)).json.id as string, name, bytes });
  }
  return made;
}

async function start(options: BrowserContextOptions, folder: string) {
  const opened = await openPage(browser, s.url, { ...options, acceptDownloads: true });
  await opened.page.goto(`${s.url}/#/images?folder=${encodeURIComponent(folder)}`);
  await logIn(opened.page);
  await opened.page.getByTestId('image-tile').first().waitFor();
  return opened;
}

const tileNames = (page: Page) => page.getByTestId('image-tile').locator('.name').allTextContents();
const folderOfImage = async (id: string) => (await s.api('GET', `/images/${id}`)).json.folder;
const status = (page: Page) => page.locator('.bulk-status');
const bar = (page: Page) => page.getByRole('group', { name: 'Selected images' });

for (const [size, options] of SIZES) {
  test(`${size}: choose with the box and Shift, move with the folder picker, tag and untag, download a ZIP, delete with the dialog`, async () => {
    const folder = `shoot-${size}`;
    const images = await folderOf(folder, 6);
    await s.api('POST', '/folders', { path: `archive-${size}` });
    const { page, errors } = await start(options, folder);
    const names = await tileNames(page);
    expect(names).toHaveLength(6);

    // A box, then Shift on another: the range between them.
    await page.getByRole('checkbox', { name: `Select ${names[1]}` }).click();
    await page.getByRole('checkbox', { name: `Select ${names[3]}` }).click({ modifiers: ['Shift'] });
    await page.getByText('3 selected').waitFor();
    for (const i of [1, 2, 3]) expect(await page.getByRole('checkbox', { name: `Select ${names[i]}` }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: `Select ${names[0]}` }).isChecked()).toBe(false);
    // The toolbar fits the width: nothing sticks out of the page.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await screenshot(page, `bulk-selected-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Tag, then untag one of the two tags.
    await bar(page).getByRole('button', { name: 'Tag…', exact: true }).click();
    await page.keyboard.type('Summer, sale');
    await page.keyboard.press('Enter');
    await until(() => status(page).textContent(), (text) => text === '3 tagged', 15_000);
    const chosen = images.filter((image) => names.slice(1, 4).includes(image.name));
    for (const image of chosen) expect((await s.api('GET', `/images/${image.id}`)).json.tags).toEqual(['summer', 'sale']);
    await bar(page).getByRole('button', { name: 'Untag…', exact: true }).click();
    await page.getByRole('textbox', { name: /Tags to remove/ }).fill('sale');
    await page.getByRole('button', { name: 'Remove tags' }).click();
    await until(() => status(page).textContent(), (text) => text === '3 untagged', 15_000);
    for (const image of chosen) expect((await s.api('GET', `/images/${image.id}`)).json.tags).toEqual(['summer']);

    // Download ZIP: the originals, byte for byte.
    const [download] = await Promise.all([page.waitForEvent('download'), bar(page).getByRole('button', { name: 'Download ZIP' }).click()]);
    expect(download.suggestedFilename()).toBe('images.zip');
    const zipped = new Uint8Array(readFileSync((await download.path())!));
    const { unzipSync } = await import('fflate');
    const entries = unzipSync(zipped);
    expect(Object.keys(entries).sort()).toEqual(chosen.map((image) => image.name).sort());
    for (const image of chosen) expect(Buffer.compare(Buffer.from(entries[image.name]!), Buffer.from(image.bytes))).toBe(0);

    // Move with the folder picker (keyboard only once it is open).
    await bar(page).getByRole('button', { name: 'Move…', exact: true }).click();
    await page.getByRole('combobox', { name: /Move 3 images to/ }).selectOption(`archive-${size}`);
    await screenshot(page, `bulk-move-form-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await until(() => status(page).textContent(), (text) => text === '3 moved', 15_000);
    for (const image of chosen) expect(await folderOfImage(image.id)).toBe(`archive-${size}`);
    // The folder now holds 3 (the grid shows the folder and below: the moved ones are gone from it).
    await until(() => tileNames(page), (shown) => shown.length === 3, 15_000);
    expect(await page.getByText(/selected$/).count()).toBe(0);

    // Select all on page, then Delete asks, Cancel keeps them, Delete deletes.
    await bar(page).getByRole('button', { name: 'Select all on page' }).click();
    await page.getByText('3 selected').waitFor();
    await bar(page).getByRole('button', { name: 'Delete', exact: true }).click();
    expect(await answerConfirm(page, false)).toContain('3 images');
    expect((await s.api('GET', `/images?folder=${folder}`)).json.total).toBe(3);
    await bar(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await answerConfirm(page, true);
    await until(() => status(page).textContent(), (text) => text === '3 deleted', 15_000);
    expect((await s.api('GET', `/images?folder=${folder}`)).json.total).toBe(0);
    // The page is empty now, and the outcome still said.
    await page.getByText(/No images in .* yet/).waitFor();
    expect(await status(page).textContent()).toBe('3 deleted');
    await screenshot(page, `bulk-deleted-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 120_000);
}

for (const [size, options] of SIZES) {
  test(`${size}: a tile chosen far down the grid keeps the selection's toolbar in sight, under the header`, async () => {
    const folder = `long-${size}`;
    await folderOf(folder, 24);
    const { page, errors } = await start(options, folder);
    const names = await tileNames(page);
    const last = page.getByRole('checkbox', { name: `Select ${names[names.length - 1]}` });
    await last.scrollIntoViewIfNeeded();
    await last.click();
    await page.getByText('1 selected').waitFor();
    const height = options.viewport!.height;
    const header = (await page.locator('header.topbar').boundingBox())!;
    const toolbar = (await bar(page).boundingBox())!;
    // The tile was far below the toolbar's place at the top of the grid: the page did scroll.
    expect(await page.evaluate(() => scrollY)).toBeGreaterThan(200);
    expect(toolbar.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
    expect(toolbar.y + toolbar.height).toBeLessThanOrEqual(height);
    await screenshot(page, `bulk-sticky-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await bar(page).getByRole('button', { name: 'Clear selection' }).click();
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 60_000);
}

test('desktop: arrow keys move between tiles by column and by row; Delete on a tile asks, then deletes it', async () => {
  const folder = 'keys';
  await folderOf(folder, 9);
  const { page, errors } = await start({ viewport: { width: 1440, height: 900 } }, folder);
  const names = await tileNames(page);
  const columns = await page.evaluate(() => {
    const tiles = [...document.querySelectorAll<HTMLElement>('[data-testid="image-tile"]')];
    return tiles.filter((t) => t.offsetTop === tiles[0]!.offsetTop).length;
  });
  expect(columns).toBeGreaterThan(1);
  const focusedName = () => page.evaluate(() => document.activeElement?.closest('[data-testid="image-tile"]')?.querySelector('.name')?.textContent);
  await page.getByTestId('image-tile').first().locator('.tile-open').focus();
  await page.keyboard.press('ArrowRight');
  expect(await focusedName()).toBe(names[1]);
  await page.keyboard.press('ArrowDown');
  expect(await focusedName()).toBe(names[1 + columns]);
  await page.keyboard.press('ArrowLeft');
  expect(await focusedName()).toBe(names[columns]);
  await page.keyboard.press('ArrowUp');
  expect(await focusedName()).toBe(names[0]);
  await page.keyboard.press('End');
  expect(await focusedName()).toBe(names[8]);

  await page.keyboard.press('Delete');
  expect(await answerConfirm(page, true)).toContain(names[8]!);
  await until(() => tileNames(page), (shown) => shown.length === 8 && !shown.includes(names[8]!), 15_000);
  // The focus stays in the grid: on the tile now last.
  await until(focusedName, (name) => name === names[7], 15_000);
  // A chosen tile's Delete takes the whole choice; Cancel keeps everything.
  await page.getByRole('checkbox', { name: `Select ${names[2]}` }).click();
  await page.getByRole('checkbox', { name: `Select ${names[3]}` }).click();
  await page.getByTestId('image-tile').nth(3).locator('.tile-open').focus();
  await page.keyboard.press('Delete');
  expect(await answerConfirm(page, false)).toContain('2 images');
  await page.getByTestId('image-tile').nth(3).locator('.tile-open').focus();
  await page.keyboard.press('Delete');
  await answerConfirm(page, true);
  await until(() => tileNames(page), (shown) => shown.length === 6 && !shown.includes(names[2]!) && !shown.includes(names[3]!), 15_000);
  await until(focusedName, (name) => name === names[4], 15_000);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
});

test('desktop: tiles dragged onto a folder of the tree move there (one tile, or the selection)', async () => {
  const folder = 'drag';
  const images = await folderOf(folder, 4);
  await s.api('POST', '/folders', { path: 'drag-target' });
  const { page, errors } = await start({ viewport: { width: 1440, height: 900 } }, folder);
  const names = await tileNames(page);
  const target = page.getByTestId('folder-tree').getByRole('treeitem', { name: /^drag-target,/ });
  const idOf = (name: string) => images.find((image) => image.name === name)!.id;

  // One tile, not selected: just it.
  await page.getByTestId('image-tile').nth(0).dragTo(target);
  await until(() => status(page).textContent(), (text) => text === '1 moved', 15_000);
  expect(await folderOfImage(idOf(names[0]!))).toBe('drag-target');

  // Two chosen: dragging either takes both.
  await page.getByRole('checkbox', { name: `Select ${names[1]}` }).click();
  await page.getByRole('checkbox', { name: `Select ${names[2]}` }).click();
  await page.getByTestId('image-tile').filter({ hasText: names[2]! }).dragTo(target);
  await until(() => status(page).textContent(), (text) => text === '2 moved', 15_000);
  expect(await folderOfImage(idOf(names[1]!))).toBe('drag-target');
  expect(await folderOfImage(idOf(names[2]!))).toBe('drag-target');
  expect(await folderOfImage(idOf(names[3]!))).toBe(folder);
  await until(() => tileNames(page), (shown) => shown.length === 1, 15_000);
  await screenshot(page, 'bulk-dragged-desktop');
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
});
