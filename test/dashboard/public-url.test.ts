import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { launchChromium, logIn, openPage, unexpected, USER } from './browser';

// The panel's Copy hands out the URL it shows, and shows only the URL of what is chosen now:
// the public URL of the Details tab (full size, presets) and the Transform tab's typed transform.

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  await s.upload(await jpeg(400, 300), 'photo.jpg');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/**
 * Samples the panel every frame from now on, recording each moment Copy was enabled for a URL
 * that is not the typed transform's (transforms typed here are already in canonical form).
 */
function watchCopy(page: Page) {
  return page.evaluate(() => {
    const wrong: string[] = ((window as any).__wrong = []);
    const sample = () => {
      const typed = document.querySelector<HTMLInputElement>('[data-testid="playground-transform"]')?.value;
      const url = document.querySelector<HTMLInputElement>('[data-testid="playground-url"]')?.value ?? '';
      const copy = document.querySelector<HTMLButtonElement>('[data-testid="playground-copy"]');
      if (typed !== undefined && copy && !copy.disabled && !url.includes(`/${typed}/`)) wrong.push(`${typed} -> ${url}`);
      requestAnimationFrame(sample);
    };
    sample();
  });
}

/** The first image's panel, on its Transform tab (or on Details). */
async function openPanel(tab: 'Transform' | 'Details' = 'Transform') {
  const opened = await openPage(browser, s.url);
  await opened.page.goto(`${s.url}/`);
  await logIn(opened.page);
  await opened.page.getByTestId('image-tile').first().click();
  await opened.page.getByRole('tab', { name: tab }).click();
  return opened;
}

test('while a typed transform is invalid or not yet signed, no URL is shown and Copy is off', async () => {
  const { page, errors } = await openPanel();
  const transform = page.getByTestId('playground-transform');
  const publicUrl = page.getByTestId('playground-url');
  const copy = page.getByTestId('playground-copy');
  await transform.fill('w_100,f_png');
  await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="playground-url"]')!.value.includes('/w_100,f_png/'));
  await watchCopy(page);

  await transform.fill('w_0');
  await page.getByText('"w_0"').waitFor();
  expect(await publicUrl.inputValue()).toBe('');
  expect(await copy.isDisabled()).toBe(true);

  await transform.fill('w_120,f_png');
  await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="playground-url"]')!.value.includes('/w_120,f_png/'));
  expect(await page.getByText('"w_0"').count()).toBe(0);
  await copy.click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await publicUrl.inputValue());

  expect(await page.evaluate(() => (window as any).__wrong)).toEqual([]);
  expect(unexpected(errors, /status of 400/)).toEqual([]);
  await page.context().close();
}, 30_000);

test('the transform field takes every key of the registry, and names a bad one as you type', async () => {
  const { page, errors } = await openPanel();
  const transform = page.getByTestId('playground-transform');
  const copy = page.getByTestId('playground-copy');
  for (const bad of ['g_up', 'a_45', 'b_red', 'blur_0', 'e_sepia', 'q_auto:max']) {
    await transform.fill(`w_100,${bad}`);
    await page.getByText(`"${bad}"`).waitFor();
    expect([bad, await copy.isDisabled()]).toEqual([bad, true]);
  }
  const everything = 'w_100,h_100,c_fill,f_png,g_auto,a_90,flip_h,b_ffffff,sharpen_5,e_grayscale';
  await transform.fill(everything);
  await page.waitForFunction((t) => document.querySelector<HTMLInputElement>('[data-testid="playground-url"]')!.value.includes(`/${t}/`), everything);
  const url = await page.getByTestId('playground-url').inputValue();
  const delivered = await fetch(url);
  expect([delivered.status, delivered.headers.get('content-type')]).toEqual([200, 'image/png']);
  expect(unexpected(errors, /status of 400/)).toEqual([]);
  await page.context().close();
}, 30_000);

test('a signed URL can be made to expire: it carries exp_ and is cached no longer than it works; a preset URL has no expiry', async () => {
  await s.api('POST', '/presets', { name: 'thumbx', params: 'w_64' });
  const { page, errors } = await openPanel('Details');
  await page.waitForFunction(() => /\/[^/]+\.webp/.test(document.querySelector<HTMLInputElement>('[data-testid="public-url"]')!.value));
  expect(await page.getByTestId('public-url').inputValue()).not.toContain('exp_');

  await page.getByLabel('Expiry').selectOption({ label: 'Expires in 1 hour' });
  await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="public-url"]')!.value.includes('/exp_'));
  const url = await page.getByTestId('public-url').inputValue();
  const exp = Number(/exp_(\d+)/.exec(url)![1]);
  expect(Math.abs(exp - (Date.now() / 1000 + 3600))).toBeLessThan(60);
  const delivered = await fetch(url);
  const maxAge = Number(/max-age=(\d+)/.exec(delivered.headers.get('cache-control')!)![1]);
  expect([delivered.status, maxAge > 3500 && maxAge <= 3600, delivered.headers.get('cache-control')!.includes('immutable')]).toEqual([200, true, false]);

  await page.getByLabel('URL kind').selectOption('preset:thumbx');
  await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="public-url"]')!.value.includes('/preset:thumbx/'));
  expect(await page.getByLabel('Expiry').count()).toBe(0);
  expect(unexpected(errors, /status of 400/)).toEqual([]);
  await page.context().close();
}, 30_000);
