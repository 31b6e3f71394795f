import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decode, jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { answerConfirm } from './browser';

const SHOTS = join(import.meta.dir, '../../test-output/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let s: TestServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  s = await startServer();
  await s.ctx.accounts.createUser('alice', 'correct horse battery');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
  page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  // The dashboard asks in its own dialog (answerConfirm); a native one would be a regression.
  page.on('dialog', (dialog) => {
    consoleErrors.push(`native ${dialog.type()} dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

test('a user manages images, presets and keys in a real Chromium', async () => {
  await page.goto(`${s.url}/`);

  // A wrong password says so; the right one gets in.
  await page.getByTestId('login-username').fill('alice');
  await page.getByTestId('login-password').fill('wrong password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error').textContent()).resolves.toContain('Wrong username or password');
  await shot('01-login-error');
  await page.getByTestId('login-password').fill('correct horse battery');
  await page.getByTestId('login-submit').click();
  await page.waitForFunction((id) => (document.querySelector('[data-testid="client-select"]') as HTMLSelectElement | null)?.value === id, s.clientId);
  await shot('02-empty-library');

  // Create a folder, then upload two files into it (and one non-image, which fails alone).
  await page.getByTestId('folder-create').click();
  await page.getByPlaceholder('Folder name').fill('summer');
  await page.getByPlaceholder('Folder name').press('Enter');
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: /summer/ }).waitFor();
  const dir = join(tmpdir(), `imgapi-ui-${Date.now()}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'beach.jpg'), await jpeg(900, 600, { color: '#2a7fd4' }));
  writeFileSync(join(dir, 'logo.png'), await png(300, 300, { alpha: true }));
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  await page.getByTestId('upload-input').setInputFiles([join(dir, 'beach.jpg'), join(dir, 'logo.png'), join(dir, 'notes.txt')]);
  await page.getByText('Not a supported image').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-tile"]').length === 2);

  // Thumbnails really decoded.
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>('[data-testid="image-tile"] img')].every((img) => img.complete && img.naturalWidth > 0),
  );
  const widths = await page.$$eval('[data-testid="image-tile"] img', (imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));
  expect(widths.sort()).toEqual([240, 240]);
  const stored = await s.api('GET', '/images?folder=summer');
  expect(stored.json.items.map((i: any) => i.originalName).sort()).toEqual(['beach.jpg', 'logo.png']);
  await shot('03-library');

  // Search narrows the grid.
  await page.getByTestId('image-search').fill('beach');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-tile"]').length === 1);
  await page.getByTestId('image-search').fill('');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-tile"]').length === 2);

  // Open one: the public URL is the image.
  await page.getByTestId('image-tile').filter({ hasText: 'beach.jpg' }).click();
  await page.getByTestId('image-panel').waitFor();
  await page.waitForFunction(() => (document.querySelector('[data-testid="public-url"]') as HTMLInputElement).value.startsWith('http'));
  const url = await page.getByTestId('public-url').inputValue();
  const delivered = await fetch(url);
  expect(delivered.status).toBe(200);
  const meta = await decode(await delivered.arrayBuffer());
  expect([meta.format, meta.width, meta.height]).toEqual(['webp', 900, 600]);
  await page.getByTestId('copy-url').click();
  await page.getByTestId('copy-url').getByText('Copied!').waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await shot('04-image-panel');

  // A custom transform, signed for us, in the Transform tab.
  await page.getByRole('tab', { name: 'Transform' }).click();
  await page.getByTestId('playground-transform').fill('w_100,f_png');
  await page.waitForFunction(() => (document.querySelector('[data-testid="playground-url"]') as HTMLInputElement).value.includes('/w_100,f_png/'));
  const custom = await fetch(await page.getByTestId('playground-url').inputValue());
  const customMeta = await decode(await custom.arrayBuffer());
  expect([customMeta.format, customMeta.width]).toEqual(['png', 100]);
  await page.getByRole('tab', { name: 'Details' }).click();

  // Rename and move the image; rename a folder; delete it after the confirmation.
  await page.getByLabel('Name', { exact: true }).fill('sea.jpg');
  await page.getByRole('button', { name: 'Rename' }).last().click();
  await page.getByTestId('image-tile').filter({ hasText: 'sea.jpg' }).waitFor();
  await page.getByLabel('Folder', { exact: true }).selectOption('');
  await page.getByRole('button', { name: 'Move' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-tile"]').length === 1);
  const moved = (await s.api('GET', '/images?folder=%2F')).json.items;
  expect(moved.map((i: any) => i.originalName)).toEqual(['sea.jpg']);
  await page.getByLabel('Close').click();
  await page.getByTestId('folder-tree').getByRole('button', { name: 'Rename' }).click();
  await page.getByPlaceholder('New name').fill('winter');
  await page.getByPlaceholder('New name').press('Enter');
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: /winter/ }).waitFor();
  expect((await s.api('GET', '/images?folder=winter')).json.total).toBe(1);

  // A preset with its live preview.
  await page.getByRole('link', { name: 'Presets' }).click();
  await page.getByTestId('preset-name').fill('card');
  await page.getByTestId('preset-params').fill('w_200,h_100,c_cover,f_webp');
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="preset-preview"]');
    return !!img && img.src.includes('w_200,h_100,c_cover,f_webp') && img.complete && img.naturalWidth === 200;
  });
  await page.getByTestId('preset-create').click();
  await page.getByRole('cell', { name: 'card' }).waitFor();
  expect((await s.api('GET', '/presets')).json.items.map((p: any) => p.params)).toEqual(['w_200,h_100,c_cover,f_webp']);
  await page.getByTestId('preset-params').fill('w_0');
  await page.getByText('"w_0"').waitFor();
  await shot('05-presets');

  // An API key: shown once, works against the API, then revoked and refused.
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByLabel('Key name').fill('from-ui');
  await page.getByTestId('key-create').click();
  const secret = await page.getByTestId('key-secret').inputValue();
  expect(secret).toMatch(/^isk_/);
  expect((await s.api('GET', '/images', undefined, secret)).status).toBe(200);
  await shot('06-keys');
  await page.locator('tr', { hasText: 'from-ui' }).getByTestId('key-revoke').click();
  expect(await answerConfirm(page)).toContain('Programs using it will get 401');
  await page.locator('tr', { hasText: 'from-ui' }).waitFor({ state: 'detached' });
  expect((await s.api('GET', '/images', undefined, secret)).status).toBe(401);

  // A new client from the dashboard: its first key shown once, and the picker switches to it.
  await page.getByRole('button', { name: '+ Client' }).click();
  await page.getByLabel('New client name').fill('Acme Studio');
  await page.getByRole('button', { name: 'Create client' }).click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="client-select"]') as HTMLSelectElement).value === 'acme-studio');
  expect(await page.getByLabel("The new client's first API key").inputValue()).toMatch(/^isk_/);
  await page.getByRole('link', { name: 'Images' }).click();
  await page.getByText('No images in all folders yet.').waitFor();
  await shot('07-new-client');
  await page.getByTestId('client-select').selectOption(s.clientId);
  await page.getByTestId('image-tile').first().waitFor();

  // Deleting a folder asks first and says how many images go.
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: /winter/ }).click();
  await page.getByTestId('folder-tree').getByRole('button', { name: 'Delete' }).click();
  const question = await answerConfirm(page);
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: /winter/ }).waitFor({ state: 'detached' });
  expect(question).toContain('1 image');
  expect((await s.api('GET', '/images')).json.total).toBe(1);

  // Log out: the old cookie no longer opens /api/v1.
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'imgapi_session')!;
  expect(session.httpOnly).toBe(true);
  expect(session.sameSite).toBe('Strict');
  await page.getByTestId('logout').click();
  await page.getByTestId('login-submit').waitFor();
  const replay = await fetch(`${s.url}/api/v1/images`, { headers: { cookie: `imgapi_session=${session.value}`, 'x-imgapi-client': s.clientId } });
  expect(replay.status).toBe(401);

  // Chromium logs every 4xx response; the ones this flow provokes on purpose (wrong password,
  // the invalid preset, the text file) are expected, and nothing else may appear.
  const provoked = /status of (401|400|415) /;
  expect(consoleErrors.filter((e) => !provoked.test(e))).toEqual([]);
  expect(consoleErrors.filter((e) => provoked.test(e))).toHaveLength(3);
}, 60_000);

test('phone width: the library stays usable', async () => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByTestId('login-username').fill('alice');
  await page.getByTestId('login-password').fill('correct horse battery');
  await page.getByTestId('login-submit').click();
  await page.getByRole('link', { name: 'Images' }).click();
  await page.getByTestId('image-tile').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot('08-phone');
}, 30_000);
