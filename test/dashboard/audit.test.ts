import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer } from '../helpers/server';
import { accessibilityViolations, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const sizes = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
const actions = (page: Page) => page.getByTestId('audit-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
const total = (page: Page) => page.getByTestId('audit-total').textContent();

describe('Audit log page', () => {
  for (const [name, size] of sizes) {
    test(`${name}: the changes newest first with who, client, what and from where; filters by action, client, actor and days; pages`, async () => {
      const s = await startServer();
      try {
        await s.ctx.accounts.createUser(USER.username, USER.password);
        await s.upload(await jpeg(40, 30), 'beach.jpg', 'summer');
        expect((await s.api('POST', '/presets', { name: 'thumb', params: 'w_100' })).status).toBe(201);
        const { apiKey: blueKey } = await s.ctx.accounts.createClient('Blue Shop', 'blue');
        await s.upload(await jpeg(20, 20), 'blue.jpg', undefined, blueKey.apiKey);

        const { page, errors } = await openPage(browser, s.url, size);
        page.setDefaultTimeout(10_000);
        await page.goto(`${s.url}/#/audit`);
        await logIn(page);
        await page.getByTestId('audit-row').nth(2).waitFor();
        expect(await page.evaluate(() => document.title)).toBe('Audit log · imgapi');
        expect(await page.locator('h1').allTextContents()).toEqual(['Audit log']);
        expect(await actions(page)).toEqual(['image.upload', 'preset.create', 'image.upload']);
        expect(await total(page)).toBe('3 entries');
        const first = page.getByTestId('audit-row').first();
        expect(await first.locator('td').allInnerTexts()).toEqual([
          expect.any(String),
          expect.stringMatching(/ \(API key\)$/),
          'Blue Shop',
          'image.upload',
          'blue.jpg',
          '127.0.0.1',
        ]);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        await screenshot(page, `${name}-audit-page`);
        expect(await accessibilityViolations(page)).toEqual([]);

        // On a phone the five filters are folded under "Filters", so the first entry shows on the first screen; open on a desktop.
        const filterBox = page.getByTestId('audit-filter-box');
        expect(await filterBox.evaluate((d: HTMLDetailsElement) => d.open)).toBe(name === 'desktop');
        expect((await first.boundingBox())!.y).toBeLessThan(size.viewport.height);
        if (name === 'phone') {
          expect(await page.getByTestId('audit-action').isVisible()).toBe(false);
          await filterBox.getByText('Filters', { exact: true }).click();
          await page.getByTestId('audit-action').waitFor();
          await screenshot(page, `${name}-audit-filters-open`);
          expect(await accessibilityViolations(page)).toEqual([]);
        }

        // One action; then a whole subject for one client.
        await page.getByTestId('audit-action').selectOption('preset.create');
        await page.getByTestId('audit-apply').click();
        await until(() => actions(page), (a) => a.length === 1);
        expect(await actions(page)).toEqual(['preset.create']);
        await page.getByTestId('audit-action').selectOption('image');
        await page.getByTestId('audit-client').selectOption('test');
        await page.getByTestId('audit-apply').click();
        // The answer before had one entry too: wait for this one's.
        await until(() => actions(page), (a) => a.length === 1 && a[0] === 'image.upload');
        // Folded or not, the summary says how many filters are set.
        expect(await filterBox.locator('summary').textContent()).toBe('Filters (2 set)');
        expect(await page.getByTestId('audit-row').locator('td').nth(4).textContent()).toBe('summer/beach.jpg');

        // An actor nobody is, then days with nothing: no table, a count of none.
        await page.getByTestId('audit-clear').click();
        await until(() => total(page), (t) => t === '3 entries');
        await page.getByTestId('audit-actor').fill('nobody');
        await page.getByTestId('audit-apply').click();
        await until(() => total(page), (t) => t === '0 entries');
        expect(await page.getByTestId('audit-table').count()).toBe(0);
        await page.getByTestId('audit-clear').click();
        await until(() => total(page), (t) => t === '3 entries');
        await page.getByTestId('audit-from').fill('2020-01-01');
        await page.getByTestId('audit-to').fill('2020-01-31');
        await page.getByTestId('audit-apply').click();
        await until(() => total(page), (t) => t === '0 entries');

        // Sixty older entries: two pages of 50.
        const db = new Database(join(s.dataDir, 'imgapi.db'));
        const insert = db.query(
          "INSERT INTO audit_log (time, actor_kind, actor_id, actor_name, actor_name_lower, client_id, action, target_id, target_name, address) VALUES (?, 'local', NULL, 'cli', 'cli', 'test', 'folder.create', ?, ?, NULL)",
        );
        for (let i = 0; i < 60; i++) insert.run(new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), `f${i}`, `archive/${i}`);
        db.close();
        await page.getByTestId('audit-clear').click();
        await until(() => total(page), (t) => t === '63 entries');
        expect(await page.getByTestId('audit-row').count()).toBe(50);
        await page.getByTestId('audit-next').click();
        await until(() => page.getByTestId('audit-row').count(), (n) => n === 13);
        const last = page.getByTestId('audit-row').last();
        expect(await last.locator('td').nth(1).textContent()).toBe('Command line (on the server)');
        expect(await last.locator('td').nth(5).textContent()).toBe('—');
        await last.scrollIntoViewIfNeeded();
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        await screenshot(page, `${name}-audit-page-2`);
        expect(await accessibilityViolations(page)).toEqual([]);

        // Dark mode reads as well.
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.getByTestId('audit-previous').click();
        await until(() => page.getByTestId('audit-row').count(), (n) => n === 50);
        await screenshot(page, `${name}-audit-page-dark`);
        expect(await accessibilityViolations(page)).toEqual([]);
        expect(unexpected(errors)).toEqual([]);
      } finally {
        await s.stop();
      }
    }, 60_000);
  }
});
