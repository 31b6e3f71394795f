import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { until } from '../helpers/until';

/** What the dashboard's browser tests share: Chromium, a logged-in page, colours of images, axe. */

export const SHOTS = join(import.meta.dir, '../../test-output/screenshots');
export const USER = { username: 'alice', password: 'correct horse battery' };
export const DESKTOP = { viewport: { width: 1280, height: 860 } } satisfies BrowserContextOptions;
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } satisfies BrowserContextOptions;

export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface TestPage {
  page: Page;
  /** Console errors and uncaught exceptions (unhandled rejections included), in order. */
  errors: string[];
}

export async function openPage(browser: Browser, origin: string, options: BrowserContextOptions = DESKTOP): Promise<TestPage> {
  const context = await browser.newContext(options);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  // The dashboard asks in its own dialog (answerConfirm); a native one would be a regression.
  page.on('dialog', (dialog) => {
    errors.push(`native ${dialog.type()} dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  return { page, errors };
}

/** Fills the login form in and waits until the dashboard replaced it. */
export async function logIn(page: Page): Promise<void> {
  await page.getByTestId('login-username').fill(USER.username);
  await page.getByTestId('login-password').fill(USER.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout').waitFor();
}

/**
 * Shows the folder tree: on a narrow screen it is a drawer behind the "Folders" button, opened
 * here if closed (picking a folder closes it again); a wide screen always shows it.
 */
export async function showFolders(page: Page): Promise<Locator> {
  const button = page.getByTestId('folders-button');
  const tree = page.getByTestId('folder-tree');
  // The library renders once the client list has answered: until then there is no button to
  // look at, and a phone's closed drawer would be waited for forever.
  await tree.waitFor({ state: 'attached' });
  if ((await button.isVisible()) && (await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await tree.waitFor();
  return tree;
}

/**
 * Waits for the dashboard's confirm dialog and answers it as a user would (clicking the confirming
 * button, or Cancel), returning its message. The dialog must close and take its backdrop along.
 */
export async function answerConfirm(page: Page, accept = true): Promise<string> {
  const dialog = page.getByTestId('confirm-dialog');
  await dialog.waitFor();
  const message = (await dialog.locator('#confirm-message').textContent()) ?? '';
  await dialog.getByTestId(accept ? 'confirm-accept' : 'confirm-cancel').click();
  await dialog.waitFor({ state: 'detached' });
  return message;
}

/** Chromium logs every 4xx response it receives; a test that provokes some filters them out with this. */
export const unexpected = (errors: string[], expectedStatus: RegExp = /$^/) =>
  errors.filter((e) => !(/Failed to load resource/.test(e) && expectedStatus.test(e)));

export { until };

export type Colour = 'red' | 'blue' | 'other';

/**
 * The colour at the middle of an element as painted on screen ('other' for an empty image's grey).
 * A screenshot and not a canvas, which would read the image `src` names: while a new `src` loads,
 * Chromium keeps painting the element's previous picture, and that is what a user sees.
 */
export async function shownColour(element: Locator): Promise<Colour> {
  const { data, info } = await sharp(await element.screenshot({ animations: 'disabled' }))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const i = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
  if (r > 160 && g < 90 && b < 90) return 'red';
  if (b > 160 && r < 90 && g < 120) return 'blue';
  return 'other';
}

export const waitForColour = (element: Locator, colour: Colour) => until(() => shownColour(element), (seen) => seen === colour);

/** axe-core's violations on the page as it is, as "rule: target" lines (empty when it passes). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => (await (window as any).axe.run(document, { resultTypes: ['violations'] })).violations);
  return (violations as axe.Result[]).flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary?.split('\n')[1]?.trim()})`));
}

export const screenshot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
