import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, answerConfirm, launchChromium, logIn, openPage, PHONE, screenshot, SHOTS, unexpected, until, USER } from './browser';

const WIDE = { viewport: { width: 1440, height: 900 } };

let s: TestServer;
let browser: Browser;
/** A loopback Fastly: 503 to the first purge, 200 after. */
let fastly: ReturnType<typeof Bun.serve>;
const calls: { path: string; key: string | null }[] = [];
const statuses = [503];

beforeAll(async () => {
  s = await startServer({ IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100' });
  await s.ctx.accounts.createUser(USER.username, USER.password);
  fastly = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      calls.push({ path: new URL(request.url).pathname, key: request.headers.get('surrogate-key') });
      return Response.json({ status: 'ok' }, { status: statuses.shift() ?? 200 });
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  fastly?.stop(true);
  await s?.stop();
});

test('desktop: add a Fastly and an HTTP target (per-kind fields, the token masked), see a retried purge in the log, delete a target', async () => {
  const { page, errors } = await openPage(browser, s.url, WIDE);
  await page.goto(`${s.url}/#/webhooks`);
  await logIn(page);
  await page.getByRole('heading', { name: 'CDN purge targets' }).waitFor();
  await page.getByText('No purge targets yet.').waitFor();

  // Cloudflare is the default: its fields show; choosing Fastly swaps them.
  expect(await page.getByTestId('purge-zoneId').count()).toBe(1);
  await page.getByTestId('purge-kind').selectOption('fastly');
  expect(await page.getByTestId('purge-zoneId').count()).toBe(0);
  await page.getByTestId('purge-serviceId').fill('SVC1');
  await page.getByTestId('purge-apiToken').fill('fastly-token-abcd');
  expect(await page.getByTestId('purge-apiToken').getAttribute('type')).toBe('password');
  await page.getByTestId('purge-apiBase').fill(`http://127.0.0.1:${fastly.port}`);
  await page.getByTestId('purge-create').click();
  const card = page.locator('[data-purge-target-id]').first();
  await card.waitFor();
  expect(await card.locator('h3').textContent()).toBe(`Fastly: service SVC1 at http://127.0.0.1:${fastly.port}`);
  expect(await card.getByTestId('purge-secret').textContent()).toContain('Secret ••••abcd');
  expect(await page.content()).not.toContain('fastly-token-abcd');

  await page.getByTestId('purge-kind').selectOption('http');
  expect(await page.getByTestId('purge-apiBase').count()).toBe(0);
  await page.getByTestId('purge-url').fill('https://hooks.example.com/purge');
  await page.getByTestId('purge-create').click();
  await until(() => page.locator('[data-purge-target-id]').count(), (n) => n === 2);
  const hook = page.locator('[data-purge-target-id]').nth(1);
  expect(await hook.locator('h3').textContent()).toBe('HTTP hook: https://hooks.example.com/purge');
  expect(await hook.getByTestId('purge-secret').textContent()).toContain('No secret');
  await hook.getByTestId('purge-delete').click();
  await answerConfirm(page);
  await until(() => page.locator('[data-purge-target-id]').count(), (n) => n === 1);

  // A deleted image is purged: refused once (503), retried, accepted.
  const image = (await s.upload(await jpeg(20, 20), 'x.jpg')).json;
  expect((await s.api('DELETE', `/images/${image.id}`)).status).toBe(204);
  await until(async () => calls.length, (n) => n === 2, 10_000);
  expect(calls).toEqual(Array(2).fill({ path: '/service/SVC1/purge', key: `img-${image.id}` }));
  await card.getByTestId('purge-log').click();
  await until(() => card.getByTestId('purge-attempts').locator('tbody tr').count().catch(() => 0), (n) => n === 2);
  const rows = await card.getByTestId('purge-attempts').locator('tbody tr').allTextContents();
  expect(rows[0]).toContain('image.deleted');
  expect(rows[0]).toContain('✓ 200');
  expect(rows[1]).toContain('✗ 503');

  await card.getByTestId('purge-attempts').scrollIntoViewIfNeeded();
  await screenshot(page, 'purge-targets-desktop');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
}, 60_000);

test('phone: the section fits 390 px, the log is usable, axe finds nothing', async () => {
  const { page, errors } = await openPage(browser, s.url, PHONE);
  await page.goto(`${s.url}/#/webhooks`);
  await logIn(page);
  const card = page.locator('[data-purge-target-id]').first();
  await card.waitFor();
  await card.getByTestId('purge-log').tap();
  await card.getByTestId('purge-attempts').waitFor();
  await page.getByTestId('purge-kind').selectOption('cloudflare');
  expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SHOTS}/purge-targets-phone.png`, fullPage: true });
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
}, 60_000);
