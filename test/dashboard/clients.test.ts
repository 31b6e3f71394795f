import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer } from '../helpers/server';
import { accessibilityViolations, answerConfirm, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const sizes = [
  ['desktop', { ...DESKTOP, viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
] as const;

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.getAttribute('aria-label'));
const options = (page: Page) => page.getByTestId('client-select').locator('option').allTextContents();

describe('Clients in the dashboard', () => {
  for (const [name, size] of sizes) {
    test(`${name}: the new-client box takes focus, refuses a duplicate name, closes with Escape or Close; rename, secret and delete in Settings`, async () => {
      const s = await startServer();
      try {
        await s.ctx.accounts.createUser(USER.username, USER.password);
        await s.upload(await jpeg(40, 20), 'kept.jpg');
        const { page, errors } = await openPage(browser, s.url, size);
        await page.goto(s.url);
        await logIn(page);

        // Open: the name field has focus; a name taken in another case is refused.
        await page.getByTestId('new-client-open').click();
        expect(await focusedTestId(page)).toBe('New client name');
        await page.keyboard.type('  TEST CLIENT ');
        await page.keyboard.press('Enter');
        await page.getByTestId('new-client').getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
        await screenshot(page, `${name}-new-client-duplicate`);
        expect(await accessibilityViolations(page)).toEqual([]);

        // Escape closes it, and focus is back on "+ Client".
        await page.keyboard.press('Escape');
        await page.getByTestId('new-client').waitFor({ state: 'detached' });
        expect(await focusedTestId(page)).toBe('new-client-open');
        expect(await page.getByTestId('new-client-open').getAttribute('aria-expanded')).toBe('false');

        // Reopened: no old error; a new client is created and chosen; Close shuts the box.
        await page.getByTestId('new-client-open').click();
        expect(await page.getByTestId('new-client').getByRole('alert').count()).toBe(0);
        await page.getByLabel('New client name').fill('Second Shop');
        await page.getByRole('button', { name: 'Create client' }).click();
        await page.getByText("The new client's first API key").waitFor();
        expect(await page.getByTestId('client-select').inputValue()).toBe('second-shop');
        await page.getByTestId('new-client-close').click();
        await page.getByTestId('new-client').waitFor({ state: 'detached' });
        expect(await focusedTestId(page)).toBe('new-client-open');

        // Settings: the selected client's name, its signing secret, rename (a taken name is refused).
        await page.goto(`${s.url}/#/settings`);
        const nameField = page.getByTestId('client-name');
        await nameField.waitFor();
        expect(await nameField.inputValue()).toBe('Second Shop');
        await nameField.fill('test client');
        await page.getByTestId('client-rename').click();
        await page.getByTestId('client-card').getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
        await nameField.fill('Shop Two');
        await page.getByTestId('client-rename').click();
        await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="client-select"] option')].some((o) => o.textContent === 'Shop Two (second-shop)'));
        expect((await s.ctx.accounts.currentClient('second-shop')).name).toBe('Shop Two');
        await page.getByTestId('signing-secret-reveal').click();
        const secret = (await s.ctx.accounts.currentClient('second-shop')).signingSecret;
        await page.waitForFunction((value) => (document.querySelector('[data-testid="signing-secret"]') as HTMLInputElement).value === value, secret);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
        await screenshot(page, `${name}-client-settings-card`);
        expect(await accessibilityViolations(page)).toEqual([]);

        // The client with an image cannot be deleted: the reason is shown.
        await page.getByTestId('client-select').selectOption(s.clientId);
        await page.getByTestId('client-name').waitFor();
        await page.waitForFunction(() => (document.querySelector('[data-testid="client-name"]') as HTMLInputElement).value === 'Test client');
        await page.getByTestId('client-delete').click();
        await answerConfirm(page);
        await page.getByTestId('client-card').getByRole('alert').filter({ hasText: '1 image' }).waitFor();

        // The empty one can; then the only client left cannot be deleted at all.
        await page.getByTestId('client-select').selectOption('second-shop');
        await page.waitForFunction(() => (document.querySelector('[data-testid="client-name"]') as HTMLInputElement).value === 'Shop Two');
        await page.getByTestId('client-delete').click();
        await answerConfirm(page);
        await page.waitForFunction(() => document.querySelectorAll('[data-testid="client-select"] option').length === 1);
        expect(await options(page)).toEqual(['Test client (test)']);
        expect(await page.getByTestId('client-select').inputValue()).toBe(s.clientId);
        expect(await page.getByTestId('client-delete').isDisabled()).toBe(true);
        await screenshot(page, `${name}-client-deleted`);
        expect(await accessibilityViolations(page)).toEqual([]);
        expect(unexpected(errors, /409/)).toEqual([]);
      } finally {
        await s.stop();
      }
    }, 60_000);
  }
});
