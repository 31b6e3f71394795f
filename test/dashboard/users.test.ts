import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { logInCookie, sessionRequest } from '../helpers/sessions';
import { accessibilityViolations, answerConfirm, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

/** Users and roles in the dashboard, in Chromium at desktop and phone sizes: what each role is offered, invitations, resets, one's own password. */
let browser: Browser;
let s: TestServer;
beforeAll(async () => {
  browser = await launchChromium();
  s = await startServer();
  await s.ctx.accounts.createClient('Shop', 'shop');
  await s.ctx.users.create({ username: USER.username, password: USER.password });
  await s.upload(await jpeg(300, 200), 'beach.jpg');
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const sizes = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
const navLabels = (page: Page) => page.locator('nav.tabs a').allTextContents();

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout').waitFor();
}

describe('Users page and invitations', () => {
  for (const [name, size] of sizes) {
    test(`${name}: an owner invites a member (link shown once, copied); the invitee sets name and password from the link and sees only the client granted`, async () => {
      const owner = await openPage(browser, s.url, size);
      const page = owner.page;
      page.setDefaultTimeout(10_000);
      await page.goto(s.url);
      await logIn(page);
      expect(await navLabels(page)).toContain('Users');
      await page.locator('nav.tabs').getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByTestId('user-list').waitFor();
      expect(await page.evaluate(() => document.title)).toBe('Users · imgapi');
      expect(await page.locator('[data-user="alice"] .user-name').textContent()).toBe('alice');
      // Alice cannot disable herself: no button for that on her own row.
      expect(await page.locator('[data-user="alice"] [data-testid="user-toggle"]').count()).toBe(0);

      await page.getByTestId('invite-role').selectOption('member');
      await page.getByRole('group', { name: 'Clients they may reach' }).getByLabel('Shop (shop)').check();
      await page.getByTestId('invite-submit').click();
      const linkField = page.getByTestId('invite-link');
      await linkField.waitFor();
      const link = await linkField.inputValue();
      expect(link).toMatch(new RegExp(`^${s.url}/#/invite/[A-Za-z0-9_-]{43}$`));
      await page.getByTestId('invite-link').locator('xpath=..').getByRole('button', { name: 'Copy' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
      await page.getByTestId('pending-invites').waitFor();
      expect(await page.getByTestId('pending-invites').textContent()).toContain('Member of shop');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, `${name}-users-invite`);
      expect(await accessibilityViolations(page)).toEqual([]);

      // The invitee, in another browser with no session.
      const invitee = await openPage(browser, s.url, size);
      const other = invitee.page;
      other.setDefaultTimeout(10_000);
      await other.goto(link);
      await other.getByTestId('accept-link').waitFor();
      expect(await other.evaluate(() => document.title)).toBe('Accept invitation · imgapi');
      await screenshot(other, `${name}-users-accept-invite`);
      expect(await accessibilityViolations(other)).toEqual([]);
      const username = `mia-${name}`;
      await other.getByTestId('accept-username').fill(username);
      await other.getByTestId('accept-password').fill('mia password 1');
      await other.getByTestId('accept-repeat').fill('mia password 2');
      await other.getByTestId('accept-submit').click();
      expect(await other.getByTestId('accept-error').textContent()).toBe('The two passwords differ');
      await other.getByTestId('accept-repeat').fill('mia password 1');
      await other.getByTestId('accept-submit').click();
      expect(await other.getByTestId('accept-done').textContent()).toContain(`Welcome, ${username}`);
      // The focus is on what comes next.
      expect(await other.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('accept-sign-in');
      await other.getByTestId('accept-sign-in').click();
      expect(await other.evaluate(() => location.hash)).toBe('#/images');
      await signIn(other, username, 'mia password 1');
      // Only the client granted; no Users page, no "+ Client".
      await other.waitForFunction(() => document.querySelectorAll('[data-testid="client-select"] option').length > 0);
      expect(await other.getByTestId('client-select').locator('option').allTextContents()).toEqual(['Shop (shop)']);
      expect(await navLabels(other)).not.toContain('Users');
      expect(await other.getByTestId('new-client-open').count()).toBe(0);
      await other.getByRole('button', { name: 'Upload' }).or(other.locator('label.button.primary', { hasText: 'Upload' })).first().waitFor();
      await screenshot(other, `${name}-users-member-library`);
      expect(await accessibilityViolations(other)).toEqual([]);

      // The link is used: opening it again says so.
      await other.goto(link);
      await other.getByTestId('accept-username').fill('someone-else');
      await other.getByTestId('accept-password').fill('long enough pw');
      await other.getByTestId('accept-repeat').fill('long enough pw');
      await other.getByTestId('accept-submit').click();
      expect(await other.getByTestId('accept-error').textContent()).toContain('already used');
      expect(unexpected(invitee.errors, /409/)).toEqual([]);
      expect(unexpected(owner.errors)).toEqual([]);
      await other.context().close();
      await page.context().close();
    });
  }

  test('desktop: an owner changes a role, grants a client, resets a password and disables a user; the disabled user is signed out at once', async () => {
    await s.ctx.users.create({ username: 'gus', password: 'gus password', role: 'member', clientIds: [s.clientId] });
    const gus = await openPage(browser, s.url, DESKTOP);
    gus.page.setDefaultTimeout(10_000);
    await gus.page.goto(s.url);
    await signIn(gus.page, 'gus', 'gus password');
    // A key gus makes as a member: it belongs to the client and may outlive his account.
    const gusKey = (await sessionRequest(s.url, await logInCookie(s.url, 'gus', 'gus password'), s.clientId, 'POST', '/api/v1/keys', { name: 'gus-build' })).json.apiKey as string;
    const gusKeyWorks = () => s.api('GET', '/images', undefined, gusKey).then((r) => r.status);
    expect(await gusKeyWorks()).toBe(200);

    const { page, errors } = await openPage(browser, s.url, DESKTOP);
    page.setDefaultTimeout(10_000);
    await page.goto(`${s.url}/#/users`);
    await logIn(page);
    const row = page.locator('[data-user="gus"]');
    await row.waitFor();
    await row.getByTestId('user-clients-summary').click();
    await row.getByLabel('Shop (shop)').check();
    await row.getByTestId('user-clients-save').click();
    await page.waitForFunction(() => document.querySelector('[data-user="gus"] [data-testid="user-clients-summary"]')?.textContent?.includes('Shop'));
    await row.getByLabel('Role of gus').selectOption('viewer');
    await page.waitForFunction(() => (document.querySelector('[data-user="gus"] select') as HTMLSelectElement).value === 'viewer');
    expect((await s.ctx.users.byName('gus')).role).toBe('viewer');
    expect((await s.ctx.users.byName('gus')).clientIds.sort()).toEqual(['shop', s.clientId].sort());

    await row.getByTestId('user-reset').click();
    const reset = await row.getByTestId('reset-link').inputValue();
    expect(reset).toMatch(new RegExp(`^${s.url}/#/reset/[A-Za-z0-9_-]{43}$`));

    // The last owner: demoting alice herself is refused, with the reason shown.
    const alice = page.locator('[data-user="alice"]');
    await alice.getByLabel('Role of alice').selectOption('admin');
    expect(await alice.getByTestId('user-error').textContent()).toContain('last enabled owner');
    expect(await alice.getByLabel('Role of alice').inputValue()).toBe('owner');

    await row.getByTestId('user-toggle').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await screenshot(page, 'desktop-users-disable-confirm');
    expect(await accessibilityViolations(page)).toEqual([]);
    // Keys are the client's, not the user's: the owner is told the one gus made stays, and may revoke it here.
    expect(await page.getByTestId('confirm-dialog').getByLabel('Also revoke the API key gus made').isChecked()).toBe(false);
    const warning = await answerConfirm(page);
    expect(warning).toContain('signed out at once');
    expect(warning).toContain('One API key they made keeps working unless revoked');
    await row.getByTestId('user-disabled').waitFor();
    expect(await gusKeyWorks()).toBe(200);
    await screenshot(page, 'desktop-users-manage');
    expect(await accessibilityViolations(page)).toEqual([]);

    // Gus's next call ends his session: the dashboard asks to sign in again.
    await gus.page.locator('nav.tabs').getByRole('link', { name: 'Presets', exact: true }).click();
    await gus.page.getByTestId('session-ended').waitFor();
    expect(unexpected(errors, /409/)).toEqual([]);
    await gus.page.context().close();

    // Revoked afterwards from his row: the key answers 401 at once and the button goes.
    await row.getByTestId('user-revoke-keys').click();
    expect(await answerConfirm(page)).toContain('Programs using them will get 401');
    await row.getByTestId('user-revoke-keys').waitFor({ state: 'detached' });
    expect(await gusKeyWorks()).toBe(401);

    // Enabled again, the reset link sets his password.
    await row.getByTestId('user-toggle').click();
    await page.waitForFunction(() => !document.querySelector('[data-user="gus"] [data-testid="user-disabled"]'));
    const link = await openPage(browser, s.url, PHONE);
    await link.page.goto(reset);
    expect(await link.page.evaluate(() => document.title)).toBe('Choose a new password · imgapi');
    await link.page.getByTestId('accept-password').fill('gus new password');
    await link.page.getByTestId('accept-repeat').fill('gus new password');
    await screenshot(link.page, 'phone-users-reset');
    expect(await accessibilityViolations(link.page)).toEqual([]);
    await link.page.getByTestId('accept-submit').click();
    expect(await link.page.getByTestId('accept-done').textContent()).toContain('The password of gus is changed');
    await link.page.context().close();
    expect((await sessionRequest(s.url, null, null, 'POST', '/auth/login', { username: 'gus', password: 'gus new password' })).status).toBe(200);
    await page.context().close();
  });
});

describe('Disabling a user who made API keys', () => {
  for (const [name, size] of sizes) {
    test(`${name}: "Also revoke" ticked in the dialog disables the user and revokes the keys they made on every client; the Keys page names each key's maker`, async () => {
      const username = `ida-${name}`;
      await s.ctx.users.create({ username, password: 'ida password', role: 'member', clientIds: [s.clientId, 'shop'] });
      const cookie = await logInCookie(s.url, username, 'ida password');
      const keys = [
        (await sessionRequest(s.url, cookie, s.clientId, 'POST', '/api/v1/keys', { name: `${username}-ci` })).json.apiKey as string,
        (await sessionRequest(s.url, cookie, 'shop', 'POST', '/api/v1/keys', { name: `${username}-shop` })).json.apiKey as string,
      ];
      const statuses = () => Promise.all(keys.map((k) => s.api('GET', '/images', undefined, k).then((r) => r.status)));
      expect(await statuses()).toEqual([200, 200]);

      const { page, errors } = await openPage(browser, s.url, size);
      page.setDefaultTimeout(10_000);
      await page.goto(`${s.url}/#/keys`);
      await logIn(page);
      const made = page.locator('tr', { has: page.getByText(`${username}-ci`, { exact: true }) });
      expect(await made.getByTestId('key-maker').textContent()).toBe(` by ${username}`);
      await screenshot(page, `${name}-keys-maker`);
      expect(await accessibilityViolations(page)).toEqual([]);

      await page.locator('nav.tabs').getByRole('link', { name: 'Users', exact: true }).click();
      const row = page.locator(`[data-user="${username}"]`);
      expect(await row.getByTestId('user-revoke-keys').textContent()).toBe('Revoke their 2 API keys');
      await row.getByTestId('user-toggle').click();
      const dialog = page.getByTestId('confirm-dialog');
      await dialog.getByLabel(`Also revoke the 2 API keys ${username} made`).check();
      await screenshot(page, `${name}-users-disable-revoke`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await answerConfirm(page)).toContain('2 API keys they made keep working unless revoked');
      await row.getByTestId('user-disabled').waitFor();
      await row.getByTestId('user-revoke-keys').waitFor({ state: 'detached' });
      expect(await statuses()).toEqual([401, 401]);
      expect(unexpected(errors)).toEqual([]);
      await page.context().close();
    });
  }
});

describe('What a viewer is offered, and one\'s own password', () => {
  for (const [name, size] of sizes) {
    test(`${name}: a viewer gets no upload, edit, delete or key controls, copies URLs, and changes their own password`, async () => {
      const username = `vic-${name}`;
      await s.ctx.users.create({ username, password: 'vic password 1', role: 'viewer', clientIds: [s.clientId] });
      const { page, errors } = await openPage(browser, s.url, size);
      page.setDefaultTimeout(10_000);
      await page.goto(s.url);
      await signIn(page, username, 'vic password 1');
      expect(await navLabels(page)).not.toContain('Users');
      expect(await page.getByTestId('new-client-open').count()).toBe(0);
      // A link to the Users page shows their own account instead, titled so.
      await page.goto(`${s.url}/#/users`);
      await page.getByTestId('password-form').waitFor();
      // The title is set by an effect just after the page renders.
      await page.waitForFunction(() => document.title === 'Your account · imgapi', undefined, { timeout: 5000 }).catch(() => undefined);
      expect(await page.evaluate(() => document.title)).toBe('Your account · imgapi');
      await page.goto(`${s.url}/#/images`);
      await page.getByTestId('image-tile').first().waitFor();
      expect(await page.getByTestId('upload-input').count()).toBe(0);
      expect(await page.getByTestId('folder-create').count()).toBe(0);
      await page.getByTestId('image-tile').first().locator('.tile-open').click();
      const panel = page.getByTestId('image-panel');
      await panel.waitFor();
      expect(await panel.getByRole('button', { name: 'Delete' }).count()).toBe(0);
      expect(await panel.getByRole('button', { name: 'Rename' }).count()).toBe(0);
      expect(await panel.getByText('Replace').count()).toBe(0);
      expect(await panel.getByTestId('image-download').isVisible()).toBe(true);
      expect(await panel.getByTestId('image-labels-read').textContent()).toContain('Tags');
      await screenshot(page, `${name}-users-viewer-panel`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await panel.getByRole('button', { name: 'Close' }).click();
      // The Delete key asks nothing; a chosen image offers Download ZIP and nothing that changes it.
      await page.getByTestId('image-tile').first().locator('.tile-open').focus();
      await page.keyboard.press('Delete');
      await page.waitForTimeout(300);
      expect(await page.getByTestId('confirm-dialog').count()).toBe(0);
      await page.getByTestId('image-tile').first().locator('.tile-check').check();
      const bar = page.getByRole('group', { name: 'Selected images' });
      await bar.waitFor();
      expect((await bar.getByRole('button').allTextContents()).map((t) => t.trim())).toEqual(['Select all on page', 'Download ZIP', 'Clear selection']);
      await bar.getByRole('button', { name: 'Clear selection' }).click();

      await page.goto(`${s.url}/#/keys`);
      await page.locator('.keys-table').waitFor();
      expect(await page.getByTestId('key-create').count()).toBe(0);
      expect(await page.getByTestId('key-revoke').count()).toBe(0);
      await page.goto(`${s.url}/#/presets`);
      await page.locator('.page').first().waitFor();
      expect(await page.getByTestId('preset-edit').count()).toBe(0);
      await page.goto(`${s.url}/#/settings`);
      await page.locator('.settings-page').waitFor();
      expect(await page.getByTestId('signing-secret').count()).toBe(0);
      expect(await page.getByTestId('rotate-secret').count()).toBe(0);

      // Their own password: from their name in the top bar, or on a phone the Account tab.
      if (name === 'desktop') await page.getByTestId('account-link').click();
      else {
        expect(await page.getByTestId('account-link').isVisible()).toBe(false);
        await page.getByRole('link', { name: `Your account (${username})` }).click();
      }
      await page.getByTestId('password-form').waitFor();
      expect(await page.getByTestId('account-role').textContent()).toBe('viewer');
      await page.getByTestId('password-current').fill('wrong password');
      await page.getByTestId('password-new').fill('vic password 2');
      await page.getByTestId('password-repeat').fill('vic password 2');
      await page.getByTestId('password-submit').click();
      expect(await page.getByTestId('password-error').textContent()).toBe('The current password is wrong');
      await page.getByTestId('password-current').fill('vic password 1');
      await page.getByTestId('password-submit').click();
      await page.getByTestId('password-changed').waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, `${name}-users-account`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect((await sessionRequest(s.url, null, null, 'POST', '/auth/login', { username, password: 'vic password 2' })).status).toBe(200);
      expect(unexpected(errors, /403/)).toEqual([]);
      await page.context().close();
    });
  }
});
