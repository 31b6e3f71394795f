import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, answerConfirm, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const sizes = [
  ['desktop', { ...DESKTOP, viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
] as const;

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
const keyWorks = async (key: string) => (await s.api('GET', '/images', undefined, key)).status === 200;

describe('The confirm dialog', () => {
  for (const [name, options] of sizes) {
    test(`${name}: revoking a key asks in a modal dialog; Escape, Cancel and the backdrop keep the key, the focus returns to Revoke; confirming revokes`, async () => {
      const { page, errors } = await openPage(browser, s.url, options);
      const key = (await s.api('POST', '/keys', { name: `doomed-${name}` })).json.apiKey as string;
      await page.goto(`${s.url}/#/keys`);
      await logIn(page);
      const row = page.locator('tr', { hasText: `doomed-${name}` });
      const revoke = row.getByTestId('key-revoke');
      const dialog = page.getByTestId('confirm-dialog');

      // Open: a modal named by its title, the danger button red, Cancel focused (Enter does no harm).
      await revoke.click();
      await dialog.waitFor();
      expect(await dialog.evaluate((d: HTMLDialogElement) => d.open && d.matches(':modal'))).toBe(true);
      expect(await page.getByRole('dialog', { name: 'Revoke API key?' }).count()).toBe(1);
      expect(await dialog.locator('#confirm-message').textContent()).toContain(`Revoke "doomed-${name}"`);
      expect(await dialog.getByTestId('confirm-accept').textContent()).toBe('Revoke');
      expect(await dialog.getByTestId('confirm-accept').getAttribute('class')).toContain('danger');
      expect(await focused(page)).toBe('confirm-cancel');
      // The page behind is inert: Tab cycles through the dialog's own buttons only.
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);
      }
      await screenshot(page, `${name}-confirm-dialog`);
      expect(await accessibilityViolations(page)).toEqual([]);

      // Escape cancels, and the focus is back on the button that asked.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Revoke');
      expect(await revoke.evaluate((b) => b === document.activeElement)).toBe(true);
      expect(await keyWorks(key)).toBe(true);

      // Cancel, and a click on the backdrop, keep it too.
      await revoke.click();
      await answerConfirm(page, false);
      expect(await revoke.evaluate((b) => b === document.activeElement)).toBe(true);
      await revoke.click();
      await dialog.waitFor();
      await page.mouse.click(5, 5);
      await dialog.waitFor({ state: 'detached' });
      expect(await row.count()).toBe(1);
      expect(await keyWorks(key)).toBe(true);

      // Confirmed, the key is revoked and refused.
      await revoke.click();
      expect(await answerConfirm(page)).toContain('Programs using it will get 401');
      await row.waitFor({ state: 'detached' });
      expect(await keyWorks(key)).toBe(false);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(unexpected(errors)).toEqual([]);
      await page.context().close();
    }, 30_000);
  }
});
