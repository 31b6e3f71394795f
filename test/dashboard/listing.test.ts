import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { decode, jpeg, png, webp } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// The library's listing: breadcrumbs, folder tiles, sort, filters, grid and list, square sharp thumbnails.

let s: TestServer;
let browser: Browser;
const ids: Record<string, string> = {};

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  const files: [string, Uint8Array, string][] = [
    ['beach.jpg', await jpeg(1200, 800, { color: '#3399cc' }), 'products'],
    ['Apple.png', await png(500, 500, { color: '#cc3333' }), 'products'],
    ['tower.webp', await webp(300, 900), 'products/shoes'],
    ['zebra.png', await png(1600, 400), 'products/shoes'],
    ['logo.png', await png(64, 64), 'blog'],
  ];
  for (const [name, bytes, folder] of files) ids[name] = (await s.upload(bytes, name, folder)).json.id;
  await s.api('PATCH', `/images/${ids['beach.jpg']}`, { tags: ['summer'] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const tileNames = (page: Page) => page.getByTestId('image-tile').locator('.name').allInnerTexts();
/** Waits until the grid shows exactly these names, in this order. */
const gridShows = (page: Page, names: string[]) =>
  page.waitForFunction(
    (expected) => JSON.stringify([...document.querySelectorAll('[data-testid=image-tile] .name')].map((e) => e.textContent)) === expected,
    JSON.stringify(names),
  );
/** Nothing sticks out sideways: the page does not scroll horizontally and the controls fit. */
async function fitsWidth(page: Page): Promise<void> {
  const { scroll, client, controls } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    controls: [...document.querySelectorAll('.listing-controls *, .breadcrumbs *, .folder-tiles *')].map((e) => e.getBoundingClientRect().right),
  }));
  expect(scroll).toBeLessThanOrEqual(client);
  expect(Math.max(...controls)).toBeLessThanOrEqual(client);
}

const sizes: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
];

for (const [size, options] of sizes) {
  test(`${size}: breadcrumbs and folder tiles move through folders; sort and filters narrow the grid; tiles name size and dimensions`, async () => {
    const { page, errors } = await openPage(browser, s.url, options);
    await page.goto(`${s.url}/#/images?folder=products`);
    await logIn(page);
    await gridShows(page, ['zebra.png', 'tower.webp', 'Apple.png', 'beach.jpg']);

    // Where we are, and the folder inside it as a tile at the top.
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    expect(await crumbs.getByRole('link').allInnerTexts()).toEqual(['All folders', 'products']);
    expect(await crumbs.getByRole('link', { name: 'products' }).getAttribute('aria-current')).toBe('page');
    const shoes = page.getByRole('button', { name: 'Folder shoes, 2 images' });
    await shoes.waitFor();
    // A tile says what the picture cannot: its size and dimensions.
    await page.getByRole('button', { name: /^beach\.jpg, 1200×800, [0-9.]+ KB$/ }).waitFor();
    await page.getByRole('button', { name: /^tower\.webp, 300×900, [0-9.]+ K?B, in products\/shoes$/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await fitsWidth(page);
    await screenshot(page, `listing-folder-${size}`);

    await shoes.click();
    await page.waitForURL(/folder=products(%2F|\/)shoes/);
    await gridShows(page, ['zebra.png', 'tower.webp']);
    expect(await crumbs.getByRole('link').allInnerTexts()).toEqual(['All folders', 'products', 'shoes']);
    expect(await page.getByTestId('folder-tile').count()).toBe(0);
    await crumbs.getByRole('link', { name: 'All folders' }).click();
    await gridShows(page, ['logo.png', 'zebra.png', 'tower.webp', 'Apple.png', 'beach.jpg']);
    expect(await page.getByTestId('folder-tile').allInnerTexts()).toEqual([expect.stringContaining('blog'), expect.stringContaining('products')]);

    // Sort: by name (case ignored), largest first, widest first, oldest.
    const sort = page.getByRole('combobox', { name: 'Sort' });
    await sort.selectOption('name');
    await gridShows(page, ['Apple.png', 'beach.jpg', 'logo.png', 'tower.webp', 'zebra.png']);
    await sort.selectOption('width');
    await gridShows(page, ['zebra.png', 'beach.jpg', 'Apple.png', 'tower.webp', 'logo.png']);
    await sort.selectOption('oldest');
    await gridShows(page, ['beach.jpg', 'Apple.png', 'tower.webp', 'zebra.png', 'logo.png']);

    // Filters: format, orientation, minimum width, tag, dates; the summary counts them.
    await page.getByTestId('listing-filters').click();
    await page.getByRole('combobox', { name: 'Format' }).selectOption('png');
    await gridShows(page, ['Apple.png', 'zebra.png', 'logo.png']);
    await page.getByRole('combobox', { name: 'Orientation' }).selectOption('square');
    await gridShows(page, ['Apple.png', 'logo.png']);
    await page.getByRole('spinbutton', { name: 'Min. width (px)' }).fill('100');
    await gridShows(page, ['Apple.png']);
    expect(await page.getByTestId('listing-filters').innerText()).toBe('Filters · 3 on');
    await screenshot(page, `listing-filters-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await fitsWidth(page);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await gridShows(page, ['beach.jpg', 'Apple.png', 'tower.webp', 'zebra.png', 'logo.png']);
    await page.getByRole('textbox', { name: 'Tag' }).fill('summer');
    await gridShows(page, ['beach.jpg']);
    await page.getByRole('textbox', { name: 'Tag' }).fill('');
    await page.getByLabel('Uploaded from').fill('2999-01-01');
    await page.getByText('No image in all folders matches the filters.').waitFor();
    // The days the uploads were stored on (UTC), from the data: a run that crosses midnight spans two.
    const days = ((await s.api('GET', '/images?pageSize=100')).json.items as { createdAt: string }[]).map((i) => i.createdAt.slice(0, 10)).sort();
    await page.getByLabel('Uploaded from').fill(days[0]!);
    await page.getByLabel('Uploaded to').fill(days.at(-1)!);
    await gridShows(page, ['beach.jpg', 'Apple.png', 'tower.webp', 'zebra.png', 'logo.png']);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 60_000);

  test(`${size}: the list view is a table with name, folder, format, dimensions, size and date, and is remembered`, async () => {
    const { page, errors } = await openPage(browser, s.url, options);
    await page.goto(`${s.url}/#/images?folder=products`);
    await logIn(page);
    await gridShows(page, ['zebra.png', 'tower.webp', 'Apple.png', 'beach.jpg']);
    await page.getByRole('button', { name: 'List' }).click();
    const table = page.getByTestId('image-table');
    await table.waitFor();
    expect(await page.getByRole('button', { name: 'List' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('image-tile').first().isVisible()).toBe(false);
    expect(await table.locator('th').allTextContents()).toEqual(['Name', 'Folder', 'Format', 'Dimensions', 'Size', 'Uploaded']);
    // On a phone the folder and date columns step aside and the rest fits without scrolling.
    const shown = await table.locator('th').evaluateAll((ths) => ths.filter((th) => (th as HTMLElement).offsetParent !== null).map((th) => th.textContent));
    const region = page.getByRole('region', { name: 'Images as a list' });
    const overflow = await region.evaluate((el) => el.scrollWidth - el.clientWidth);
    if (size === 'phone') {
      expect(shown).toEqual(['Name', 'Format', 'Dimensions', 'Size']);
      expect(overflow).toBeLessThanOrEqual(0);
    } else expect(shown).toEqual(['Name', 'Folder', 'Format', 'Dimensions', 'Size', 'Uploaded']);
    const beach = page.getByTestId('image-row').filter({ hasText: 'beach.jpg' });
    const cells = (await beach.locator('td').allTextContents()).map((text) => text.trim());
    expect(cells.slice(0, 4)).toEqual(['beach.jpg', 'products', 'JPEG', '1200×800']);
    expect(cells[4]).toMatch(/^[0-9.]+ KB$/);
    expect(await beach.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await page.getByTestId('image-row').filter({ hasText: 'tower.webp' }).locator('td').nth(1).textContent()).toBe('products/shoes');
    await screenshot(page, `listing-list-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await fitsWidth(page);

    // A row opens the panel, as a tile does.
    await page.getByRole('button', { name: /^beach\.jpg, 1200×800, / }).click();
    await page.getByTestId('image-panel').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('image-panel').waitFor({ state: 'detached' });

    // Remembered in this browser.
    await page.reload();
    await table.waitFor();
    expect(await page.getByRole('button', { name: 'List' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Grid' }).click();
    await page.getByTestId('image-tile').first().waitFor();
    expect(await table.count()).toBe(0);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 60_000);
}

test('thumbnails are square crops, from the 2× URL on a HiDPI screen and the 1× one otherwise', async () => {
  for (const scale of [1, 2]) {
    const { page, errors } = await openPage(browser, s.url, { viewport: { width: 1440, height: 900 }, deviceScaleFactor: scale });
    await page.goto(`${s.url}/#/images?folder=products`);
    await logIn(page);
    const img = page.getByTestId('image-tile').filter({ hasText: 'beach.jpg' }).locator('img');
    await gridShows(page, ['zebra.png', 'tower.webp', 'Apple.png', 'beach.jpg']);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid=image-tile] img')].every((i) => i.complete && i.naturalWidth > 0));
    const shown = await img.evaluate((i: HTMLImageElement) => ({ src: i.currentSrc, natural: [i.naturalWidth, i.naturalHeight], box: [i.clientWidth, i.clientHeight] }));
    // naturalWidth is in CSS pixels: a 2× picture's 480 pixels count as 240.
    expect(shown.natural).toEqual([240, 240]);
    expect(shown.src).toContain(scale === 1 ? '/w_240,h_240,c_cover,f_webp,q_75/' : '/w_240,h_240,c_cover,f_webp,q_75,dpr_2/');
    expect(shown.src).toEndWith('?v=1');
    const delivered = await decode(await (await fetch(shown.src)).arrayBuffer());
    expect([delivered.width, delivered.height]).toEqual(scale === 1 ? [240, 240] : [480, 480]);
    // Laid out square, at most the 240 px the 1× thumbnail covers.
    expect(shown.box[0]).toBe(shown.box[1]);
    expect(shown.box[0]).toBeLessThanOrEqual(240);
    if (scale === 2) await screenshot(page, 'listing-hidpi-desktop');
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }
}, 60_000);
