import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

// The image panel's tags (chips), alt text and metadata form: what a user types is what the API
// stores, bad input is refused with the reason, and search finds images by their tags and alt text.

let s: TestServer;
let browser: Browser;
let shoeId = '';
let hatId = '';

const WIDE = { viewport: { width: 1440, height: 900 } };

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  hatId = (await s.upload(await jpeg(300, 200, { color: '#3366cc' }), 'IMG_0002.jpg')).json.id;
  shoeId = (await s.upload(await jpeg(300, 200, { color: '#cc3333' }), 'IMG_0001.jpg')).json.id;
  await s.api('PATCH', `/images/${hatId}`, { tags: ['hat'], meta: { stock: 3, featured: true } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const stored = async (id: string) => (await s.api('GET', `/images/${id}`)).json;
const nextPatch = (page: Page, id: string) =>
  page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/api/v1/images/${id}`)).then((r) => r.postDataJSON());

async function openPanel(page: Page, name: string, tap = false) {
  await page.goto(`${s.url}/`);
  await logIn(page);
  const button = page.getByTestId('image-tile').filter({ hasText: name }).locator('button');
  await (tap ? button.tap() : button.click());
  const panel = page.getByTestId('image-panel');
  await panel.getByRole('group', { name: 'Metadata' }).waitFor();
  return panel;
}

test('desktop 1440×900: chips added with Enter, a comma or a paste, removed with their button; alt text and metadata rows; one Save sends them and the panel shows what was stored', async () => {
  const { page, errors } = await openPage(browser, s.url, WIDE);
  const panel = await openPanel(page, 'IMG_0001.jpg');
  const tagInput = panel.getByRole('textbox', { name: 'Tags' });
  const chips = panel.getByTestId('image-tags').locator('li');

  await tagInput.fill('  Red   Shoes ');
  await tagInput.press('Enter');
  await tagInput.pressSequentially('SALE,');
  await tagInput.fill('draft; summer');
  expect(await chips.allTextContents()).toEqual(['red shoes×', 'sale×', 'draft×']);
  expect(await tagInput.inputValue()).toBe(' summer');
  await panel.getByRole('button', { name: 'Remove tag draft' }).click();
  // The focus goes back to the input, not to the page.
  expect(await tagInput.evaluate((input) => input === document.activeElement)).toBe(true);
  // Typing a tag that is there already adds nothing.
  await tagInput.press('Enter');
  await tagInput.fill('red shoes');
  await tagInput.press('Enter');
  expect(await chips.allTextContents()).toEqual(['red shoes×', 'sale×', 'summer×']);

  await panel.getByRole('textbox', { name: 'Alt text' }).fill('A red shoe on a white floor');
  expect(await panel.getByText('27/500').count()).toBe(1);
  await panel.getByRole('button', { name: '+ Field' }).click();
  // The new row's key has the focus: typing goes on into it (it stayed on the button).
  await page.keyboard.type('sku');
  expect(await panel.getByRole('textbox', { name: 'Key of field 1' }).inputValue()).toBe('sku');
  await panel.getByRole('textbox', { name: 'Value of sku' }).fill('A-100');
  // A tag typed but not added yet goes with the save.
  await tagInput.fill('new in');

  const patched = nextPatch(page, shoeId);
  await panel.getByRole('button', { name: 'Save tags, alt text and metadata' }).click();
  expect(await patched).toEqual({ tags: ['red shoes', 'sale', 'summer', 'new in'], alt: 'A red shoe on a white floor', meta: { sku: 'A-100' } });
  await panel.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  expect(await stored(shoeId)).toMatchObject({ tags: ['red shoes', 'sale', 'summer', 'new in'], alt: 'A red shoe on a white floor', meta: { sku: 'A-100' } });
  expect(await chips.allTextContents()).toEqual(['red shoes×', 'sale×', 'summer×', 'new in×']);
  expect(await tagInput.inputValue()).toBe('');
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'image-labels-desktop');

  // Search finds the image by a tag and by its alt text, not the other one.
  const search = page.getByTestId('image-search');
  for (const text of ['red shoe', 'white floor']) {
    await search.fill(text);
    await until(() => page.getByTestId('image-tile').allTextContents(), (tiles) => tiles.length === 1 && tiles[0]!.includes('IMG_0001.jpg'));
  }
  expect(unexpected(errors)).toEqual([]);
});

test('desktop: a bad tag, a key given twice and a refused save each say why; stored values are untouched; a number stays a number', async () => {
  const { page, errors } = await openPage(browser, s.url, WIDE);
  const panel = await openPanel(page, 'IMG_0002.jpg');
  const tagInput = panel.getByRole('textbox', { name: 'Tags' });
  const alert = panel.getByRole('alert');

  await tagInput.fill('x'.repeat(65));
  await tagInput.press('Enter');
  expect(await alert.textContent()).toContain('longer than 64 characters');
  expect(await panel.getByTestId('image-tags').locator('li').allTextContents()).toEqual(['hat×']);
  await tagInput.fill('cap');
  await tagInput.press('Enter');
  expect(await alert.count()).toBe(0);

  // The stored metadata arrives as rows; a second "stock" key is refused before any request.
  expect(await panel.getByRole('textbox', { name: 'Value of stock' }).inputValue()).toBe('3');
  expect(await panel.getByRole('textbox', { name: 'Value of featured' }).inputValue()).toBe('true');
  await panel.getByRole('button', { name: '+ Field' }).click();
  await panel.getByRole('textbox', { name: 'Key of field 3' }).fill('stock');
  let sent = 0;
  page.on('request', (r) => r.method() === 'PATCH' && sent++);
  await panel.getByRole('button', { name: 'Save tags, alt text and metadata' }).click();
  expect(await alert.textContent()).toContain('The key "stock" is there twice');
  expect(sent).toBe(0);

  // Over 4 KB: the server refuses, the panel says why, nothing is stored.
  await panel.getByRole('textbox', { name: 'Key of field 3' }).fill('notes');
  await panel.getByRole('textbox', { name: 'Value of notes' }).fill('n'.repeat(5000));
  await panel.getByRole('button', { name: 'Save tags, alt text and metadata' }).click();
  await until(() => alert.textContent(), (text) => /Not saved: meta is \d+ bytes as JSON; at most 4096/.test(text ?? ''));
  expect(await stored(hatId)).toMatchObject({ tags: ['hat'], meta: { stock: 3, featured: true } });
  await screenshot(page, 'image-labels-error-desktop');

  // Removed, then saved: the untouched values keep their types.
  await panel.getByRole('button', { name: 'Remove notes' }).click();
  const patched = nextPatch(page, hatId);
  await panel.getByRole('button', { name: 'Save tags, alt text and metadata' }).click();
  expect(await patched).toEqual({ tags: ['hat', 'cap'], alt: '', meta: { stock: 3, featured: true } });
  await panel.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  expect(await alert.count()).toBe(0);
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors, /400/)).toEqual([]);
});

test('phone 390×844: the form fits the width, chips wrap, a tag is added and removed by touch and saved', async () => {
  const { page, errors } = await openPage(browser, s.url, PHONE);
  const panel = await openPanel(page, 'IMG_0001.jpg', true);
  const tagInput = panel.getByRole('textbox', { name: 'Tags' });
  await tagInput.scrollIntoViewIfNeeded();
  await tagInput.tap();
  await tagInput.fill('a much longer tag that has to wrap on a phone');
  await tagInput.press('Enter');
  await panel.getByRole('button', { name: 'Remove tag sale' }).tap();
  const patched = nextPatch(page, shoeId);
  await panel.getByRole('button', { name: 'Save tags, alt text and metadata' }).tap();
  expect((await patched).tags).toEqual(['red shoes', 'summer', 'new in', 'a much longer tag that has to wrap on a phone']);
  await panel.getByRole('status').filter({ hasText: 'saved' }).waitFor();

  // Nothing of the form is wider than the screen.
  const overflow = await panel.evaluate((root) =>
    [...root.querySelectorAll('.labels, .labels *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(overflow).toEqual([]);
  await panel.getByRole('group', { name: 'Metadata' }).scrollIntoViewIfNeeded();
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'image-labels-phone');
  expect(unexpected(errors)).toEqual([]);
});
