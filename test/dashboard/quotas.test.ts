import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser } from 'playwright-core';
import { byteSize } from '../../src/core/byte-size';
import { jpeg, png } from '../helpers/fixtures';
import { startServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// The settings page's Quotas card: the client's use against each limit as bars, the upload
// size and transforms a minute as text, and the form owners and admins change them with.

const WIDE = { viewport: { width: 1440, height: 900 } };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

for (const [label, viewport] of [['desktop', WIDE], ['phone', PHONE]] as const) {
  test(`${label}: bars of images and originals against their limits; an owner changes the limits; an upload past one says so`, async () => {
    const s = await startServer();
    try {
      await s.ctx.accounts.createUser(USER.username, USER.password);
      const files = [await jpeg(640, 480), await png(200, 100)];
      for (const [i, file] of files.entries()) expect((await s.upload(file, `f${i}.img`)).status).toBe(201);
      const stored = files[0]!.length + files[1]!.length;
      await s.ctx.quotas.set(s.clientId, { maxImages: 4, maxBytes: stored * 4, maxTransformsPerMinute: 600 });

      const { page, errors } = await openPage(browser, s.url, viewport);
      await page.goto(`${s.url}/`);
      await logIn(page);
      await page.goto(`${s.url}/#/settings`);
      const card = page.getByTestId('quota-card');
      await card.getByTestId('quota-images').or(card.getByTestId('quota-error')).waitFor({ timeout: 30_000 });
      expect(await card.getByTestId('quota-images-text').textContent()).toBe('2 of 4');
      expect(await card.getByTestId('quota-bytes-text').textContent()).toBe(`${byteSize(stored)} of ${byteSize(stored * 4)}`);
      expect(await card.getByTestId('quota-upload').textContent()).toBe('No limit');
      expect(await card.getByTestId('quota-transforms').textContent()).toBe('600 a minute');
      // The bar is drawn to the share used: half of the images.
      const barShare = async (testId: string) =>
        card.getByTestId(testId).locator('.quota-bar').evaluate((bar) => (bar.firstElementChild as HTMLElement).getBoundingClientRect().width / bar.getBoundingClientRect().width);
      expect(Math.abs((await barShare('quota-images')) - 0.5)).toBeLessThan(0.03);
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, `quotas-${label}`);
      expect(await accessibilityViolations(page)).toEqual([]);

      // The form shows the limits as set, in units as formatBytes prints them (never a long count
      // of bytes), with the exact figure beside a rounded one.
      const [shownBytes, shownUnit] = byteSize(stored * 4).split(' ');
      expect(shownUnit).not.toBe('B');
      expect(await card.getByTestId('quota-max-bytes').inputValue()).toBe(shownBytes!);
      expect(await card.getByTestId('quota-max-bytes-unit').inputValue()).toBe(shownUnit!);
      const rounded = Number(shownBytes) * { KB: 2 ** 10, MB: 2 ** 20 }[shownUnit as 'KB' | 'MB'] !== stored * 4;
      expect(await card.getByTestId('quota-max-bytes-exact').count()).toBe(rounded ? 1 : 0);
      if (rounded) expect(await card.getByTestId('quota-max-bytes-exact').textContent()).toBe(`${(stored * 4).toLocaleString('en-US')} bytes exactly`);
      // A new image limit and upload size are saved; the untouched originals limit keeps its exact bytes.
      expect(await card.getByTestId('quota-max-images').inputValue()).toBe('4');
      expect(await card.getByTestId('quota-max-transforms').inputValue()).toBe('600');
      await card.getByTestId('quota-max-images').fill('2');
      await card.getByTestId('quota-max-upload-bytes').fill('1.5');
      await card.getByTestId('quota-max-upload-bytes-unit').selectOption('MB');
      await card.getByTestId('quota-max-transforms').fill('');
      await card.getByTestId('quota-save').click();
      await card.getByTestId('quota-saved').waitFor();
      expect(await s.ctx.quotas.of(s.clientId)).toEqual({ maxImages: 2, maxBytes: stored * 4, maxUploadBytes: 1.5 * 2 ** 20, maxTransformsPerMinute: null });
      expect(await card.getByTestId('quota-images-text').textContent()).toBe('2 of 2');
      expect(await card.getByTestId('quota-images').locator('.quota-bar').getAttribute('class')).toContain('quota-full');
      expect(await card.getByTestId('quota-upload').textContent()).toBe('Up to 1.5 MB a file');
      expect(await card.getByTestId('quota-transforms').textContent()).toBe('No limit');
      await screenshot(page, `quotas-${label}-saved`);
      expect(await accessibilityViolations(page)).toEqual([]);
      // Dark mode: the same card in the dark theme's colours, still readable.
      await page.emulateMedia({ colorScheme: 'dark' });
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, `quotas-${label}-dark`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.emulateMedia({ colorScheme: 'light' });

      // A unit typed with the amount moves to the menu when the field is left, and is saved.
      await card.getByTestId('quota-max-bytes').fill('3.5 gb');
      await card.getByTestId('quota-max-bytes').blur();
      expect(await card.getByTestId('quota-max-bytes').inputValue()).toBe('3.5');
      expect(await card.getByTestId('quota-max-bytes-unit').inputValue()).toBe('GB');
      await card.getByTestId('quota-max-upload-bytes').fill('800KB');
      await card.getByTestId('quota-save').click();
      await card.getByTestId('quota-saved').waitFor();
      expect(await s.ctx.quotas.of(s.clientId)).toMatchObject({ maxBytes: 3.5 * 2 ** 30, maxUploadBytes: 800 * 2 ** 10 });
      expect(await card.getByTestId('quota-bytes-text').textContent()).toBe(`${byteSize(stored)} of 3.5 GB`);
      expect(await card.getByTestId('quota-upload').textContent()).toBe('Up to 800 KB a file');
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, `quotas-${label}-units`);
      expect(await accessibilityViolations(page)).toEqual([]);
      // What is not a size is said so in the card, and nothing is sent.
      await card.getByTestId('quota-max-bytes').fill('lots');
      await card.getByTestId('quota-save').click();
      await card.getByTestId('quota-error').waitFor();
      expect(await card.getByTestId('quota-error').textContent()).toBe('Originals: enter a size such as 800 KB, 500 MB or 1.5 GB, or leave it empty for no limit');
      expect((await s.ctx.quotas.of(s.clientId)).maxBytes).toBe(3.5 * 2 ** 30);
      await card.getByTestId('quota-max-bytes').fill('3.5');

      // A value the server refuses is shown, and nothing changes.
      await card.getByTestId('quota-max-images').fill('5000000000');
      await card.getByTestId('quota-save').click();
      await card.getByTestId('quota-error').waitFor();
      expect(await card.getByTestId('quota-error').textContent()).toContain('quotas.maxImages must be an integer from 1');
      expect((await s.ctx.quotas.of(s.clientId)).maxImages).toBe(2);

      // The library: an upload past the image limit fails with the limit named, nothing added.
      await page.goto(`${s.url}/#/`);
      await page.getByTestId('upload-input').setInputFiles([{ name: 'third.png', mimeType: 'image/png', buffer: Buffer.from(await png(30, 30)) }]);
      const failed = page.getByRole('region', { name: 'Uploads' }).locator('li.failed');
      await failed.waitFor();
      expect(await failed.getByRole('alert').innerText()).toContain("This client's image limit (2) is reached");
      expect((await s.api('GET', '/images')).json.total).toBe(2);
      await screenshot(page, `quotas-${label}-upload-refused`);
      expect(await accessibilityViolations(page)).toEqual([]);
      // The refused limit (400) and the refused upload (403) are the only failed requests.
      expect(unexpected(errors, /status of (400|403)/)).toEqual([]);
      await page.context().close();
    } finally {
      await s.stop();
    }
  }, 90_000);
}

test('a viewer sees the limits and use, without the form', async () => {
  const s = await startServer();
  try {
    await s.ctx.users.create({ username: 'vera', password: 'a long enough password', role: 'viewer', clientIds: [s.clientId] });
    await s.ctx.quotas.set(s.clientId, { maxImages: 10 });
    const { page, errors } = await openPage(browser, s.url, WIDE);
    await page.goto(`${s.url}/`);
    await page.getByTestId('login-username').fill('vera');
    await page.getByTestId('login-password').fill('a long enough password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor();
    await page.goto(`${s.url}/#/settings`);
    const card = page.getByTestId('quota-card');
    await card.getByTestId('quota-images').waitFor({ timeout: 30_000 });
    expect(await card.getByTestId('quota-images-text').textContent()).toBe('0 of 10');
    // The role comes with the session the page was drawn for: the form is not there at all.
    expect(await card.getByTestId('quota-form').count()).toBe(0);
    await screenshot(page, 'quotas-viewer');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  } finally {
    await s.stop();
  }
}, 60_000);
