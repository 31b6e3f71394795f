import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// The library's order, filters and view live in the address: set through the controls they are
// written there, a reload or a shared link brings them back, and a bad value is the default.

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  // Uploaded in this order, so newest first (the default) and name order differ.
  const named: [string, Uint8Array, string[]][] = [
    ['Kite.png', await png(700, 300), ['red']],
    ['zebra.png', await png(1600, 400), ['red']],
    ['Apple.png', await png(500, 500), ['red']],
    ['moon.png', await png(90, 40), ['red']],
    ['plain.png', await png(800, 200), []],
  ];
  for (const [name, bytes, tags] of named) {
    const { json } = await s.upload(bytes, name, 'shop');
    if (tags.length) await s.api('PATCH', `/images/${json.id}`, { tags });
  }
  // Enough beyond them for a second page.
  const filler = await png(10, 10);
  for (let i = 0; i < 22; i++) await s.upload(filler, `filler-${String(i).padStart(2, '0')}.png`, 'filler');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** Waits until the grid holds exactly these names, in this order (shown or behind the list). */
const gridShows = (page: Page, names: string[]) =>
  page.waitForFunction(
    (expected) => JSON.stringify([...document.querySelectorAll('[data-testid=image-tile] .name')].map((e) => e.textContent)) === expected,
    JSON.stringify(names),
  );
const hashOf = (page: Page) => page.evaluate(() => location.hash);
/** The query of the next image listing the page asks the API for. */
const nextListing = (page: Page) =>
  page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/images' && r.method() === 'GET').then((r) => Object.fromEntries(new URL(r.url()).searchParams));

/** A logged-in page on the library's start, and the names its first page shows. */
async function openLibrary(options: BrowserContextOptions) {
  const { page, errors } = await openPage(browser, s.url, options);
  await page.goto(`${s.url}/#/images`);
  await logIn(page);
  await page.getByText('Page 1 of 2').waitFor();
  return { page, errors, defaults: await page.getByTestId('image-tile').locator('.name').allInnerTexts() };
}

/** What the controls show: the order, each filter and the view. */
async function controls(page: Page) {
  const summary = page.getByTestId('listing-filters');
  // The fields sit in a disclosure: opened to be read, as a user would.
  if (!(await page.locator('details.listing-filters').evaluate((d) => (d as HTMLDetailsElement).open))) await summary.click();
  return {
    summary: await summary.innerText(),
    sort: await page.getByRole('combobox', { name: 'Sort' }).inputValue(),
    format: await page.getByRole('combobox', { name: 'Format' }).inputValue(),
    orientation: await page.getByRole('combobox', { name: 'Orientation' }).inputValue(),
    minWidth: await page.getByRole('spinbutton', { name: 'Min. width (px)' }).inputValue(),
    from: await page.getByLabel('Uploaded from').inputValue(),
    to: await page.getByLabel('Uploaded to').inputValue(),
    tag: await page.getByRole('textbox', { name: 'Tag' }).inputValue(),
    list: await page.getByRole('button', { name: 'List' }).getAttribute('aria-pressed'),
  };
}

const sizes: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
];

for (const [size, options] of sizes) {
  test(`${size}: sort, filters and view set through the controls are in the address, and a reload or the link elsewhere shows the same`, async () => {
    // The days the uploads were stored on (UTC), from the data: a run that crosses midnight spans two.
    const days = ((await s.api('GET', '/images?pageSize=100')).json.items as { createdAt: string }[]).map((i) => i.createdAt.slice(0, 10)).sort();
    const [from, to] = [days[0]!, days.at(-1)!];
    const { page, errors } = await openPage(browser, s.url, options);
    await page.goto(`${s.url}/#/images?page=2`);
    await logIn(page);
    await page.getByText('Page 2 of 2').waitFor();
    const entries = await page.evaluate(() => history.length);

    // A new order starts again at page 1.
    await page.getByRole('combobox', { name: 'Sort' }).selectOption('name');
    await page.getByText('Page 1 of 2').waitFor();
    expect(await hashOf(page)).toBe('#/images?sort=name');

    await page.getByTestId('listing-filters').click();
    await page.getByRole('combobox', { name: 'Format' }).selectOption('png');
    await page.getByRole('combobox', { name: 'Orientation' }).selectOption('landscape');
    await page.getByRole('spinbutton', { name: 'Min. width (px)' }).fill('100');
    await page.getByRole('textbox', { name: 'Tag' }).fill('red');
    await page.getByLabel('Uploaded from').fill(from);
    await page.getByLabel('Uploaded to').fill(to);
    await gridShows(page, ['Kite.png', 'zebra.png']);
    await page.getByRole('button', { name: 'List' }).click();
    await page.getByTestId('image-table').waitFor();

    const hash = `#/images?sort=name&format=png&orientation=landscape&minWidth=100&from=${from}&to=${to}&tag=red&view=list`;
    await page.waitForFunction((expected) => location.hash === expected, hash);
    // Replaced, not pushed: Back leaves the dashboard rather than undoing a filter at a time.
    expect(await page.evaluate(() => history.length)).toBe(entries);
    const shown = {
      summary: 'Filters · 6 on',
      sort: 'name',
      format: 'png',
      orientation: 'landscape',
      minWidth: '100',
      from,
      to,
      tag: 'red',
      list: 'true',
    };
    const asked = { page: '1', sort: 'name', format: 'png', orientation: 'landscape', minWidth: '100', from, to, tag: 'red' };

    const reloaded = nextListing(page);
    await page.reload();
    expect(await reloaded).toMatchObject(asked);
    await gridShows(page, ['Kite.png', 'zebra.png']);
    await page.getByTestId('image-table').waitFor();
    expect(await page.getByTestId('image-row').locator('td:first-child').allInnerTexts()).toEqual(['Kite.png', 'zebra.png']);
    expect(await controls(page)).toEqual(shown);
    expect(await hashOf(page)).toBe(hash);
    await screenshot(page, `route-filters-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();

    // The link in another browser, which remembers no view of its own.
    const other = await openPage(browser, s.url, options);
    const linked = nextListing(other.page);
    await other.page.goto(`${s.url}/${hash}`);
    await logIn(other.page);
    expect(await linked).toMatchObject(asked);
    await gridShows(other.page, ['Kite.png', 'zebra.png']);
    expect(await controls(other.page)).toEqual(shown);
    expect(unexpected(other.errors)).toEqual([]);
    await other.page.context().close();
  }, 60_000);

  test(`${size}: an address with bad values shows the default view, asks nothing the API refuses and says nothing is wrong`, async () => {
    const { page, errors, defaults } = await openLibrary(options);

    const asked = nextListing(page);
    await page.goto(`${s.url}/#/images?sort=evil&minWidth=-5&from=notadate&to=2026-02-30&format=bmp&orientation=round&page=1e3&view=zzz`);
    await page.reload();
    expect(await asked).toEqual({ page: '1', pageSize: '24' });
    await gridShows(page, defaults);
    expect(await page.getByTestId('image-tile').first().isVisible()).toBe(true);
    expect(await controls(page)).toEqual({ summary: 'Filters', sort: 'newest', format: '', orientation: '', minWidth: '', from: '', to: '', tag: '', list: 'false' });
    // The address is cleaned to what is shown.
    expect(await hashOf(page)).toBe('#/images');
    expect(await page.locator('.error').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 60_000);

  test(`${size}: the library follows the address when it changes: a link pasted or edited applies, the Images tab goes back to every image`, async () => {
    const { page, errors, defaults } = await openLibrary(options);

    // An address typed or pasted while the library is open: the same listing as a reload of it.
    const asked = nextListing(page);
    await page.evaluate(() => (location.hash = '#/images?folder=shop&sort=name&tag=red&view=list'));
    expect(await asked).toMatchObject({ folder: 'shop', sort: 'name', tag: 'red' });
    await gridShows(page, ['Apple.png', 'Kite.png', 'moon.png', 'zebra.png']);
    await page.getByTestId('image-table').waitFor();
    expect((await controls(page)).sort).toBe('name');

    // The Images tab is the library's start: every image, newest first, no filter; the view is
    // a way of looking, not a filter, so the list stays (and the address says so).
    await page.locator('nav.tabs').getByRole('link', { name: 'Images', exact: true }).click();
    await gridShows(page, defaults);
    expect(await controls(page)).toEqual({ summary: 'Filters', sort: 'newest', format: '', orientation: '', minWidth: '', from: '', to: '', tag: '', list: 'true' });
    expect(await hashOf(page)).toBe('#/images?view=list');
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 60_000);

  test(`${size}: a link to a folder that is gone says so, with a way back to every image`, async () => {
    const { page, errors } = await openPage(browser, s.url, options);
    await page.goto(`${s.url}/#/images?folder=closed-shop&sort=name`);
    await logIn(page);
    const missing = page.getByTestId('missing-folder');
    expect(await missing.textContent()).toBe('There is no folder “closed-shop”: it may have been moved, renamed or deleted. Show every image');
    await screenshot(page, `route-missing-folder-${size}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await missing.getByRole('button', { name: 'Show every image' }).click();
    await page.getByText('Page 1 of 2').waitFor();
    expect(await missing.count()).toBe(0);
    // The order asked for stays: only the folder was wrong.
    expect(await hashOf(page)).toBe('#/images?sort=name');
    expect(unexpected(errors, /404/)).toEqual([]);
    await page.context().close();
  }, 60_000);
}
