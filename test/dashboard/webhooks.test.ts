import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { startReceiver } from '../helpers/webhook-receiver';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

const WIDE = { viewport: { width: 1440, height: 900 } };

let s: TestServer;
let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let failing: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  s = await startServer({ IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100', IMGAPI_WEBHOOK_DISABLE_AFTER_MS: '1500' });
  await s.ctx.accounts.createUser(USER.username, USER.password);
  receiver = await startReceiver();
  failing = await startReceiver();
  failing.answer = 500;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await receiver?.down();
  await failing?.down();
  await s?.stop();
});

async function addEndpoint(page: Page, url: string, events: string[]): Promise<string> {
  await page.getByTestId('webhook-url').fill(url);
  for (const box of await page.locator('fieldset.events input[type=checkbox]').all()) {
    const name = await box.evaluate((el) => el.parentElement!.textContent!.trim());
    if (events.includes(name) !== (await box.isChecked())) await box.click();
  }
  const secret = page.getByTestId('webhook-secret');
  const before = (await secret.count()) ? await secret.inputValue() : '';
  await page.getByTestId('webhook-create').click();
  // The box of an endpoint added before stays until the new secret replaces it.
  return until(() => secret.inputValue().catch(() => ''), (value) => value !== '' && value !== before);
}

test('desktop: add an endpoint (secret shown once, copied), send a test event, read the delivery log; a failing endpoint shows as disabled', async () => {
  const { page, errors } = await openPage(browser, s.url, WIDE);
  await page.goto(`${s.url}/#/webhooks`);
  await logIn(page);
  await page.getByRole('heading', { name: 'Webhooks', level: 2 }).waitFor();
  // Webhooks are a part of the settings page: the old link opens it there.
  expect(await page.locator('nav.tabs a[aria-current=page]').textContent()).toBe('Settings');

  receiver.secret = await addEndpoint(page, receiver.url, ['image.created', 'image.deleted']);
  expect(receiver.secret).toMatch(/^whsec_/);
  // The settings page has the signing secret's Copy too: this one is the new endpoint's.
  await page.locator('#webhooks').getByRole('button', { name: 'Copy' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(receiver.secret);
  const card = page.locator(`[data-webhook-id]`).first();
  await card.getByTestId('webhook-state').getByText('Enabled').waitFor();
  expect(await card.locator('code.tag').allTextContents()).toEqual(['image.created', 'image.deleted']);

  await card.getByTestId('webhook-test').click();
  const [event] = await receiver.waitFor(1);
  expect(event!.json.type).toBe('webhook.test');
  await until(() => card.getByTestId('webhook-deliveries').locator('tbody tr').count().catch(() => 0), (n) => n === 1);
  expect(await card.getByTestId('webhook-deliveries').locator('tbody tr').first().textContent()).toContain('✓ 200');

  // An upload fans out to the endpoint; the log (refreshed) shows it.
  await s.upload(await jpeg(20, 20), 'hello.jpg');
  await receiver.waitFor(2);
  await card.getByTestId('webhook-log').click();
  await until(() => card.getByTestId('webhook-deliveries').locator('tbody tr').count(), (n) => n === 2);

  failing.secret = await addEndpoint(page, failing.url, ['image.created']);
  await s.upload(await jpeg(21, 20), 'again.jpg');
  await until(async () => (await s.api('GET', '/webhooks')).json.items.find((w: any) => w.url === failing.url).enabled, (on) => on === false, 10_000);
  await page.reload();
  const dead = page.locator('[data-webhook-id]').nth(1);
  await dead.getByTestId('webhook-state').waitFor();
  expect(await dead.getByTestId('webhook-state').textContent()).toContain('Disabled');
  expect(await dead.getByTestId('webhook-state').textContent()).toContain('every delivery failed for 24 h');
  await dead.getByTestId('webhook-log').click();
  await dead.getByTestId('webhook-deliveries').waitFor();
  expect(await dead.getByTestId('webhook-deliveries').locator('tbody tr').first().textContent()).toContain('✗ 500');
  await screenshot(page, 'webhooks-desktop');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
}, 60_000);

test('phone: the page fits 390 px, the form and the log are usable, axe finds nothing', async () => {
  const { page, errors } = await openPage(browser, s.url, PHONE);
  await page.goto(`${s.url}/#/webhooks`);
  await logIn(page);
  await page.locator('[data-webhook-id]').first().waitFor();
  await page.locator('[data-webhook-id]').first().getByTestId('webhook-log').tap();
  await page.getByTestId('webhook-deliveries').first().waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${import.meta.dir}/../../test-output/screenshots/webhooks-phone.png`, fullPage: true });
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
}, 60_000);
