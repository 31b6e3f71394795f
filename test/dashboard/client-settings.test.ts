import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Browser } from 'playwright-core';
import { signPath } from '../../src/core/signing';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, answerConfirm, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

let s: TestServer;
let browser: Browser;
let photo: string;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  photo = (await s.upload(await jpeg(200, 100), 'photo.jpg')).json.id;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const currentSecret = async () => (await s.ctx.accounts.getClient(s.clientId)).signingSecret;
const deliver = async (secret: string) => {
  const rest = `w_50/${photo}.webp`;
  const response = await fetch(`${s.url}/t/${s.clientId}/${signPath(secret, s.clientId, rest)}/${rest}`);
  await response.arrayBuffer();
  return response.status;
};

const sizes = [
  ['desktop', { ...DESKTOP, viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
] as const;

describe('Client settings: the signing secret', () => {
  for (const [name, options] of sizes) {
    test(`${name}: hidden by default, revealed and copied on request, rotated with a grace after a confirmation`, async () => {
      const { page, errors } = await openPage(browser, s.url, options);
      const dialogs: string[] = [];
      await page.goto(`${s.url}/#/settings`);
      await logIn(page);
      const field = page.getByTestId('signing-secret');
      await field.waitFor();
      const before = await currentSecret();
      expect(await field.inputValue()).not.toContain(before);
      expect(await page.content()).not.toContain(before);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
      await screenshot(page, `${name}-client-settings`);
      expect(await accessibilityViolations(page)).toEqual([]);

      await page.getByTestId('signing-secret-reveal').click();
      await page.waitForFunction((secret) => (document.querySelector('[data-testid="signing-secret"]') as HTMLInputElement).value === secret, before);
      expect(await page.getByTestId('signing-secret-reveal').getAttribute('aria-pressed')).toBe('true');
      await page.getByTestId('signing-secret-copy').click();
      await page.getByText('Copied').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(before);
      await page.getByTestId('signing-secret-reveal').click();
      expect(await field.inputValue()).not.toBe(before);

      await page.getByTestId('rotate-grace').selectOption({ label: '1 day' });
      await page.getByTestId('rotate-secret').click();
      dialogs.push(await answerConfirm(page));
      const shown = page.getByTestId('rotated-secret');
      await shown.waitFor();
      expect(dialogs).toHaveLength(1);
      expect(dialogs[0]).toContain('stop working in 1 day');
      const after = await currentSecret();
      expect(after).not.toBe(before);
      expect(await shown.inputValue()).toBe(after);
      expect(await page.getByTestId('previous-valid-until').isVisible()).toBe(true);
      expect((await s.ctx.accounts.getClient(s.clientId)).previousSecret?.secret).toBe(before);
      expect([await deliver(before), await deliver(after)]).toEqual([200, 200]);
      await screenshot(page, `${name}-client-settings-rotated`);
      expect(await accessibilityViolations(page)).toEqual([]);

      // Revealed again, the field shows the new secret (fetched anew).
      await page.getByTestId('signing-secret-reveal').click();
      await page.waitForFunction((secret) => (document.querySelector('[data-testid="signing-secret"]') as HTMLInputElement).value === secret, after);

      // No grace: the old secret stops at once.
      await page.getByTestId('rotate-grace').selectOption({ index: 0 });
      await page.getByTestId('rotate-secret').click();
      dialogs.push(await answerConfirm(page));
      await page.waitForFunction((old) => (document.querySelector('[data-testid="rotated-secret"]') as HTMLInputElement).value !== old, after);
      expect(dialogs[1]).toContain('stop working at once');
      expect(await deliver(after)).toBe(403);
      expect(await deliver(await currentSecret())).toBe(200);
      expect(await page.getByTestId('previous-valid-until').count()).toBe(0);
      expect(unexpected(errors)).toEqual([]);
      await page.context().close();
    });
  }
});
