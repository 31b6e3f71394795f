import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser } from 'playwright-core';
import { byteSize } from '../../src/core/byte-size';
import { jpeg, png } from '../helpers/fixtures';
import { startServer } from '../helpers/server';
import { startReceiver } from '../helpers/webhook-receiver';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

// The settings page gathers everything about the selected client: name, usage, signing secret,
// webhooks with their delivery log and CDN purge targets; `#/webhooks` opens it at the webhooks.

const WIDE = { viewport: { width: 1440, height: 900 } };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

for (const [label, viewport] of [['desktop', WIDE], ['phone', PHONE]] as const) {
  test(`${label}: usage, secret, webhooks with their log and purge targets on one page; the old webhooks link lands there`, async () => {
    const s = await startServer({ IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100' });
    const receiver = await startReceiver();
    try {
      await s.ctx.accounts.createUser(USER.username, USER.password);
      const files = [await jpeg(640, 480), await png(200, 100)];
      for (const [i, file] of files.entries()) expect((await s.upload(file, `f${i}.img`)).status).toBe(201);
      const hook = await s.api('POST', '/webhooks', { url: receiver.url, events: ['preset.updated'] });
      receiver.secret = hook.json.secret;

      const { page, errors } = await openPage(browser, s.url, viewport);
      await page.goto(`${s.url}/`);
      await logIn(page);
      await page.goto(`${s.url}/#/settings`);

      // Usage: the images and their originals' bytes, as the API counts them.
      const usage = page.getByTestId('usage-card');
      await usage.getByTestId('usage-images').or(usage.locator('.error')).waitFor({ timeout: 30_000 });
      expect(await usage.getByTestId('usage-images').textContent()).toBe('2');
      expect(await usage.getByTestId('usage-bytes').textContent()).toBe(byteSize(files[0]!.length + files[1]!.length));
      expect(await page.locator('nav.tabs a').allTextContents()).not.toContain('Webhooks');
      expect(await page.locator('nav.tabs a[aria-current=page]').textContent()).toBe('Settings');
      for (const name of ['Client', 'Usage', 'Client settings', 'Webhooks', 'CDN purge targets']) {
        await page.getByRole('heading', { name, level: 2, exact: true }).waitFor();
      }
      // The secret: revealed, and what the API has.
      await page.getByTestId('signing-secret-reveal').click();
      expect(await until(() => page.getByTestId('signing-secret').inputValue(), (v) => v === s.secret)).toBe(s.secret);
      await screenshot(page, `settings-${label}`);
      expect(await accessibilityViolations(page)).toEqual([]);

      // The endpoint registered through the API is listed; a test event shows in its delivery log.
      const endpoint = page.locator(`[data-webhook-id="${hook.json.id}"]`);
      await endpoint.getByTestId('webhook-test').click();
      await receiver.waitFor(1);
      await Bun.sleep(300);
      await endpoint.getByTestId('webhook-log').click();
      const log = endpoint.getByTestId('webhook-deliveries');
      expect(await until(() => log.locator('tbody tr').count(), (n) => n >= 1, 10_000)).toBeGreaterThanOrEqual(1);
      expect(await log.locator('tbody tr').first().locator('code').textContent()).toBe('webhook.test');
      // preset.updated is offered when adding an endpoint.
      expect(await page.locator('fieldset.events').textContent()).toContain('preset.updated');
      await page.getByTestId('purge-form').scrollIntoViewIfNeeded();
      await screenshot(page, `settings-${label}-webhooks`);
      expect(await accessibilityViolations(page)).toEqual([]);

      // The old link: the settings page, scrolled to the webhooks.
      await page.goto(`${s.url}/#/webhooks`);
      await page.reload();
      const heading = page.getByRole('heading', { name: 'Webhooks', level: 2, exact: true });
      await heading.waitFor();
      expect(await page.locator('nav.tabs a[aria-current=page]').textContent()).toBe('Settings');
      expect(await until(() => heading.evaluate((h) => h.getBoundingClientRect().top), (top) => top >= 0 && top < innerHeightOf(viewport))).toBeLessThan(innerHeightOf(viewport));
      expect(unexpected(errors)).toEqual([]);
      await page.context().close();
    } finally {
      await receiver.down();
      await s.stop();
    }
  }, 90_000);
}

const innerHeightOf = (options: { viewport: { height: number } }) => options.viewport.height;
