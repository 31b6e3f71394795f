import { afterAll, beforeAll, expect, test } from 'bun:test';
import sharp from 'sharp';
import type { Browser, Locator, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, until, USER, waitForColour } from './browser';

// The large preview is a focal point picker: a click (or the arrow keys and Enter) sets the
// point, a marker shows it, and the square, 16:9 and 4:5 crops beside it follow.

let s: TestServer;
let browser: Browser;
let imageId = '';

/** 500 × 250: red on the left 40 %, blue elsewhere; a centred crop's middle is blue. */
async function leftRed() {
  const red = await sharp({ create: { width: 200, height: 250, channels: 3, background: '#ff0000' } }).png().toBuffer();
  return new Uint8Array(
    await sharp({ create: { width: 500, height: 250, channels: 3, background: '#0000ff' } })
      .composite([{ input: red, left: 0, top: 0 }])
      .png()
      .toBuffer(),
  );
}

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  imageId = (await s.upload(await leftRed(), 'left-red.png')).json.id;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const thousandths = (n: number) => Math.round(n * 1000) / 1000;
/** How the panel words a point. */
const described = (p: { x: number; y: number }) => `${Math.round(p.x * 100)}% from left, ${Math.round(p.y * 100)}% from top`;
const storedPoint = async () => (await s.client.v1.images({ id: imageId }).get()).data!.focalPoint;

/** The next PATCH of the image the page sends, as the JSON body it carries. */
const nextPatch = (page: Page) =>
  page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/api/v1/images/${imageId}`)).then((r) => r.postDataJSON());

/** Where the marker's centre is, as fractions of the picker. */
async function markerAt(picker: Locator, marker: Locator) {
  const [p, m] = [(await picker.boundingBox())!, (await marker.boundingBox())!];
  return { x: (m.x + m.width / 2 - p.x) / p.width, y: (m.y + m.height / 2 - p.y) / p.height };
}

async function openPanel(page: Page, tap = false) {
  await page.goto(`${s.url}/`);
  await logIn(page);
  const button = page.getByTestId('image-tile').first().locator('button');
  await (tap ? button.tap() : button.click());
  const panel = page.getByTestId('image-panel');
  await panel.locator('img.preview').waitFor();
  return panel;
}

test('desktop: a click on the preview saves the point, the marker shows it and the crops follow; the keyboard moves and saves it; Clear removes it', async () => {
  const { page, errors } = await openPage(browser, s.url);
  const panel = await openPanel(page);
  const picker = panel.getByTestId('focus-picker');
  const marker = panel.getByTestId('focus-marker');
  const [square, wide, portrait] = ['crop-square', 'crop-wide', 'crop-portrait'].map((id) => panel.getByTestId(id));
  await waitForColour(square!, 'blue');
  await waitForColour(portrait!, 'blue');
  expect(await marker.count()).toBe(0);
  expect(await panel.getByTestId('focus-status').textContent()).toContain('No focal point');
  expect(await panel.getByRole('button', { name: 'Clear focal point' }).isDisabled()).toBe(true);

  // A click near the left edge.
  const box = (await picker.boundingBox())!;
  const patched = nextPatch(page);
  await picker.click({ position: { x: box.width * 0.1, y: box.height * 0.5 } });
  const sent = (await patched).focalPoint;
  expect(sent.x).toBeCloseTo(0.1, 1);
  expect(sent.y).toBeCloseTo(0.5, 1);
  await marker.waitFor();
  const at = await markerAt(picker, marker);
  expect(at.x).toBeCloseTo(0.1, 1);
  expect(at.y).toBeCloseTo(0.5, 1);
  await waitForColour(square!, 'red');
  await waitForColour(portrait!, 'red');
  expect(await wide!.getAttribute('src')).toContain(`fp=${sent.x},${sent.y}`);
  expect(await storedPoint()).toEqual(sent);
  await panel.getByTestId('focus-status').filter({ hasText: described(sent) }).waitFor();
  await screenshot(page, 'focal-point-desktop');
  expect(await accessibilityViolations(page)).toEqual([]);

  // The keyboard: Tab reaches the picker, arrows move the marker without saving, Enter saves.
  await panel.focus();
  await page.keyboard.press('Tab'); // Close
  await page.keyboard.press('Tab'); // the selected tab, Details
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('focus-picker');
  let patches = 0;
  page.on('request', (r) => r.method() === 'PATCH' && patches++);
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowDown');
  // Ten steps of 5 % right, one fine step of 1 % down.
  const moved = { x: thousandths(sent.x + 0.5), y: thousandths(sent.y + 0.01) };
  await panel.getByTestId('focus-status').filter({ hasText: 'not saved' }).waitFor();
  expect(await panel.getByTestId('focus-announcement').textContent()).toContain(described(moved));
  expect((await markerAt(picker, marker)).x).toBeCloseTo(moved.x, 1);
  expect(patches).toBe(0);
  expect(await storedPoint()).toEqual(sent);
  const saved = nextPatch(page);
  await page.keyboard.press('Enter');
  expect((await saved).focalPoint).toEqual(moved);
  await panel.getByTestId('focus-announcement').filter({ hasText: 'Focal point saved' }).waitFor();
  await waitForColour(square!, 'blue');
  expect(await storedPoint()).toEqual(moved);
  // Space saves too; focus stays on the picker throughout.
  await page.keyboard.press('ArrowLeft');
  const spaced = nextPatch(page);
  await page.keyboard.press('Space');
  expect((await spaced).focalPoint).toEqual({ x: thousandths(moved.x - 0.05), y: moved.y });
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('focus-picker');
  await panel.getByTestId('focus-status').filter({ hasText: `Focal point: ${described({ x: thousandths(moved.x - 0.05), y: moved.y })}` }).waitFor();

  const cleared = nextPatch(page);
  await panel.getByRole('button', { name: 'Clear focal point' }).click();
  expect((await cleared).focalPoint).toBeNull();
  await marker.waitFor({ state: 'detached' });
  await until(storedPoint, (point) => point === null);
  expect(await wide!.getAttribute('src')).toContain('fp=none');
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);

test('phone: a tap sets the point; the picker and the crops fit the sheet; axe passes', async () => {
  const { page, errors } = await openPage(browser, s.url, PHONE);
  const panel = await openPanel(page, true);
  const picker = panel.getByTestId('focus-picker');
  const box = (await picker.boundingBox())!;
  const patched = nextPatch(page);
  await picker.tap({ position: { x: box.width * 0.15, y: box.height * 0.3 } });
  expect((await patched).focalPoint.x).toBeCloseTo(0.15, 2);
  await panel.getByTestId('focus-marker').waitFor();
  await waitForColour(panel.getByTestId('crop-square'), 'red');
  for (const element of [picker, panel.locator('.crops')]) {
    const { x, width } = (await element.boundingBox())!;
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x + width).toBeLessThanOrEqual(PHONE.viewport.width);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, 'focal-point-phone');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(unexpected(errors)).toEqual([]);
  await page.context().close();
}, 60_000);
