import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { jpeg, png } from '../helpers/fixtures';
import { startServer } from '../helpers/server';
import { accessibilityViolations, answerConfirm, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, showFolders, unexpected, until, USER } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const sizes = [
  ['desktop', { ...DESKTOP, viewport: { width: 1440, height: 900 } }],
  ['phone', PHONE],
] as const;

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
const trashNames = (page: Page) => page.locator('[data-testid="trash-item"] .trash-name').allTextContents();

describe('Trash and Download in the dashboard', () => {
  for (const [name, size] of sizes) {
    test(`${name}: Download saves the original; Delete moves to the trash; the Trash page lists days left, restores and deletes for good`, async () => {
      const s = await startServer();
      try {
        await s.ctx.accounts.createUser(USER.username, USER.password);
        const original = await jpeg(120, 80, { color: '#cc3322' });
        const kept = (await s.upload(original, 'Été plage.jpg', 'summer')).json;
        const other = (await s.upload(await png(60, 60), 'sand.png', 'summer/beach')).json;
        const { page, errors } = await openPage(browser, s.url, size);
        page.setDefaultTimeout(10_000);
        await page.goto(s.url);
        await logIn(page);

        // The panel's Download saves the original bytes under the image's name.
        await page.getByTestId('image-tile').filter({ hasText: 'Été plage.jpg' }).click();
        const panel = page.getByTestId('image-panel');
        await panel.waitFor();
        const download = panel.getByRole('link', { name: 'Download' });
        await download.scrollIntoViewIfNeeded();
        await screenshot(page, `${name}-panel-download`);
        expect(await accessibilityViolations(page)).toEqual([]);
        expect(await download.getAttribute('href')).toBe(kept.downloadUrl);
        const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
        expect(saved.suggestedFilename()).toBe('Été plage.jpg');
        expect(new Uint8Array(readFileSync((await saved.path())!))).toEqual(original);

        // Delete says where the image goes, and it goes: off the grid, out of delivery.
        await panel.getByRole('button', { name: 'Delete' }).click();
        expect(await page.getByTestId('confirm-dialog').getByRole('heading').textContent()).toBe('Move to the trash?');
        expect(await answerConfirm(page)).toContain('moves to the trash');
        await panel.waitFor({ state: 'detached' });
        await page.getByTestId('image-tile').filter({ hasText: 'Été plage.jpg' }).waitFor({ state: 'detached' });
        expect((await fetch(kept.thumbnailUrl)).status).toBe(404);
        // A folder's deletion sends its images to the trash too, and its dialog says so.
        const tree = await showFolders(page);
        await tree.getByRole('treeitem', { name: /^beach/ }).click();
        await (await showFolders(page)).getByRole('button', { name: 'Delete' }).click();
        expect(await answerConfirm(page)).toBe('Delete folder "summer/beach" with its sub-folders? Its 1 image goes to the trash, where it can be restored.');
        await until(async () => (await s.api('GET', '/trash')).json.total, (n) => n === 2);
        // On a phone the folder drawer is still open over the page: a tap beside it closes it.
        if (name === 'phone') {
          await page.locator('.drawer-backdrop').click({ position: { x: 370, y: 400 } });
          await page.locator('.drawer-backdrop').waitFor({ state: 'detached' });
        }

        // The Trash page: both, newest first, with 30 days left.
        await page.getByRole('link', { name: 'Trash', exact: true }).click();
        await page.getByTestId('trash-item').nth(1).waitFor();
        expect(await trashNames(page)).toEqual(['sand.png', 'Été plage.jpg']);
        expect(await page.getByTestId('trash-days-left').allTextContents()).toEqual(['30 days left', '30 days left']);
        expect(await page.evaluate(() => document.title)).toBe('Trash · imgapi');
        expect(await page.locator('h1').allTextContents()).toEqual(['Trash']);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        await screenshot(page, `${name}-trash-page`);
        expect(await accessibilityViolations(page)).toEqual([]);

        // Restore: back in its folder, delivered again.
        const row = (file: string) => page.getByTestId('trash-item').filter({ hasText: file });
        await row('Été plage.jpg').getByRole('button', { name: 'Restore' }).click();
        await page.getByRole('status').filter({ hasText: 'Restored “Été plage.jpg” in summer.' }).waitFor();
        expect(await trashNames(page)).toEqual(['sand.png']);
        expect((await s.api('GET', `/images/${kept.id}`)).json.folder).toBe('summer');
        expect((await fetch(kept.thumbnailUrl)).status).toBe(200);

        // Delete permanently, after its own confirmation: gone for good, the trash empty.
        await row('sand.png').getByRole('button', { name: 'Delete permanently' }).click();
        expect(await answerConfirm(page)).toContain('cannot be undone');
        await page.getByTestId('trash-empty').waitFor();
        expect((await s.api('POST', `/images/${other.id}/restore`)).status).toBe(404);
        await screenshot(page, `${name}-trash-empty`);
        expect(await accessibilityViolations(page)).toEqual([]);

        // The restored image is in the library again, in its folder.
        await page.getByRole('link', { name: 'Images', exact: true }).click();
        await page.getByTestId('image-tile').filter({ hasText: 'Été plage.jpg' }).waitFor();
        expect(unexpected(errors, /404/)).toEqual([]);
      } finally {
        await s.stop();
      }
    }, 60_000);
  }
});
