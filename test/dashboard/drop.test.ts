import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { launchChromium, logIn, openPage, screenshot, unexpected, USER } from './browser';

// A file dropped anywhere in the window is uploaded; the browser never opens it instead.

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  await s.api('POST', '/folders', { path: 'small' });
  await s.upload(await png(60, 40), 'only.png', 'small');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

type DragStep = 'dragenter' | 'dragover' | 'drop';

/**
 * Drags a PNG file over the element at (x, y) of the window as a user's mouse would, up to `until`.
 * Returns, for each event, whether the page took it (cancelled it): an event nobody cancels is
 * the browser's to handle, and for a drop that means opening the file in place of the dashboard.
 */
async function dragFile(page: Page, x: number, y: number, until: DragStep, bytes: Uint8Array) {
  return page.evaluate(
    ({ x, y, until, bytes }) => {
      const target = document.elementFromPoint(x, y)!;
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
      const steps: DragStep[] = ['dragenter', 'dragover', 'drop'];
      const taken: Record<string, boolean> = { outsideLibrary: !target.closest('.library') };
      for (const type of steps.slice(0, steps.indexOf(until) + 1)) {
        const event = new DragEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, dataTransfer: data });
        taken[type] = !target.dispatchEvent(event);
      }
      return taken;
    },
    { x, y, until, bytes: [...bytes] },
  );
}

test('a file dropped below the grid of a small folder is uploaded, and the dashboard stays', async () => {
  const { page, errors } = await openPage(browser, s.url);
  await page.goto(`${s.url}/#/images?folder=small`);
  await logIn(page);
  await page.getByTestId('image-tile').first().waitFor();
  const bytes = await png(50, 50, { color: '#0000ff' });

  // Well below the one tile, far from the old drop box.
  const dragged = await dragFile(page, 700, 800, 'dragover', bytes);
  expect(dragged).toEqual({ outsideLibrary: true, dragenter: false, dragover: true });
  await page.getByText('Drop to upload into small').waitFor();
  await screenshot(page, 'drop-overlay');

  const dropped = await dragFile(page, 700, 800, 'drop', bytes);
  expect(dropped.drop).toBe(true);
  await page.getByTestId('image-tile').filter({ hasText: 'dropped.png' }).waitFor();
  expect(await page.getByText('Drop to upload into').count()).toBe(0);
  expect(page.url()).toBe(`${s.url}/#/images?folder=small`);
  const stored = (await s.api('GET', '/images?folder=small')).json.items.map((i: any) => i.originalName);
  expect(stored.sort()).toEqual(['dropped.png', 'only.png']);

  // Where nothing takes files (another tab), a drop is refused rather than left to the browser.
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByTestId('key-create').waitFor();
  const refused = await dragFile(page, 700, 800, 'drop', bytes);
  expect([refused.dragover, refused.drop]).toEqual([true, true]);
  expect((await s.api('GET', '/images?folder=small')).json.total).toBe(2);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 30_000);
