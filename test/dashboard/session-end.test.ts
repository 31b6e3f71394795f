import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, screenshot, unexpected, USER } from './browser';

// A session that ends under the user (expired, logged out elsewhere) brings the login form, and
// logging in again returns to the same place: no stale error, no stale images, no false "none".

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  await s.api('POST', '/folders', { path: 'trip' });
  await s.api('POST', '/folders', { path: 'home' });
  await s.upload(await png(40, 30), 'at-home.png', 'home');
  const bytes = await png(40, 30, { color: '#3366cc' });
  for (let i = 1; i <= 26; i++) await s.upload(bytes, `trip-${String(i).padStart(2, '0')}.png`, 'trip');
  await s.api('POST', '/presets', { name: 'card', params: 'w_200' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** Ends the page's session on the server, as an expiry or a log-out in another tab does. */
async function endSession(page: Page) {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'imgapi_session')!;
  await s.ctx.sessions.logout(cookie.value);
}

/** Records, from now on, any moment the page shows one of `texts` (however briefly). */
async function watchFor(page: Page, texts: string[]) {
  await page.evaluate((texts) => {
    const seen: string[] = ((window as any).__seen = []);
    const check = () => texts.forEach((t) => document.body.innerText.includes(t) && !seen.includes(t) && seen.push(t));
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, texts);
  return () => page.evaluate(() => (window as any).__seen as string[]);
}

/** Waits for the images of trip's page 2 themselves: the pager says "Page 2" before they come. */
const onTripPage2 = (page: Page) =>
  page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid="image-tile"] .name')].map((n) => n.textContent).join() === 'trip-02.png,trip-01.png',
  );

/** What the dashboard said before, wrongly, when the session had ended. */
const STALE = ['Missing X-Api-Key', 'Log in first', 'session has ended: log in again', 'No presets yet'];

test('an ended session shows the login form, then returns to the same folder and page', async () => {
  const { page, errors } = await openPage(browser, s.url);
  await page.goto(`${s.url}/`);
  await logIn(page);
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: /^trip/ }).click();
  await page.getByRole('button', { name: 'Next →' }).click();
  await onTripPage2(page);

  await endSession(page);
  const shown = await watchFor(page, STALE);
  // The next thing the user does meets the ended session: here, another folder.
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: /^home/ }).click();
  await page.getByTestId('session-ended').waitFor();
  await page.getByTestId('login-submit').waitFor();
  expect(await page.getByTestId('image-tile').count()).toBe(0);
  expect(await shown()).toEqual([]);
  await screenshot(page, 'session-ended');
  expect(await accessibilityViolations(page)).toEqual([]);

  // The place is the one the user went to: the home folder.
  await logIn(page);
  await page.getByTestId('image-tile').filter({ hasText: 'at-home.png' }).waitFor();
  expect(await page.getByTestId('folder-tree').locator('.folder.active .name').textContent()).toBe('home');

  // Back to trip's page 2, then the session ends again and an upload meets it.
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: /^trip/ }).click();
  await page.getByRole('button', { name: 'Next →' }).click();
  await onTripPage2(page);
  await endSession(page);
  await page.getByTestId('upload-input').setInputFiles({ name: 'late.png', mimeType: 'image/png', buffer: Buffer.from(await png(10, 10)) });
  await page.getByTestId('login-submit').waitFor();
  await logIn(page);
  await onTripPage2(page);
  await page.getByText('Page 2 of 2').waitFor();
  expect(await page.getByTestId('folder-tree').locator('.folder.active .name').textContent()).toBe('trip');

  // Every 401 answered shows in the console as a failed load, nothing else: no uncaught rejection.
  expect(unexpected(errors, /status of 401/)).toEqual([]);
  await page.context().close();
}, 30_000);

test('Presets under an ended session asks to log in instead of claiming there are none', async () => {
  const { page, errors } = await openPage(browser, s.url);
  await page.goto(`${s.url}/`);
  await logIn(page);
  // Only once the library has had its answers, or one of them would meet the ended session first.
  await page.getByTestId('folder-tree').getByRole('treeitem', { name: /^trip/ }).waitFor();
  await page.getByTestId('image-tile').first().waitFor();
  await endSession(page);
  const shown = await watchFor(page, STALE);
  await page.getByRole('link', { name: 'Presets' }).click();
  await page.getByTestId('login-submit').waitFor();
  await Bun.sleep(300); // every request the page made has had its answer
  expect(await shown()).toEqual([]);

  await logIn(page);
  await page.getByRole('cell', { name: 'card' }).waitFor();
  expect(page.url()).toEndWith('#/presets');
  expect(await shown()).toEqual([]);
  expect(unexpected(errors, /status of 401/)).toEqual([]);
  await page.context().close();
}, 30_000);
