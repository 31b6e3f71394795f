import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { accessibilityViolations, answerConfirm, DESKTOP, launchChromium, logIn, openPage, PHONE, screenshot, unexpected, USER } from './browser';

// The dashboard's frame: page headings and titles, the light and dark themes, the keyboard
// shortcuts, the keys table on a phone, and the confirm dialog.

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser(USER.username, USER.password);
  await s.upload(await jpeg(600, 400, { color: '#3a7bd9' }), 'lake.jpg');
  await s.api('POST', '/presets', { name: 'card', params: 'w_200,h_100,c_cover' });
  await s.api('POST', '/keys', { name: 'deploy-from-the-ci-server' });
  // One image in the trash, so the Trash page has a row to check.
  const old = (await s.upload(await jpeg(300, 200, { color: '#d94f3a' }), 'old.jpg')).json;
  expect((await s.api('DELETE', `/images/${old.id}`)).status).toBe(204);
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

/** The page's h1 texts, its title, and the table headers that name nothing. */
const outline = (page: Page) =>
  page.evaluate(() => ({
    h1: [...document.querySelectorAll('h1')].map((h) => h.textContent?.trim()),
    title: document.title,
    emptyHeaders: [...document.querySelectorAll('th')].filter((th) => !th.textContent?.trim()).length,
  }));

const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);
/** Presses the header's theme toggle (system → light → dark → system) until it shows `choice`. */
async function chooseTheme(page: Page, choice: 'system' | 'light' | 'dark') {
  const toggle = page.getByTestId('theme-toggle');
  for (let i = 0; i < 3 && (await toggle.getAttribute('data-theme-choice')) !== choice; i++) await toggle.click();
  expect(await toggle.getAttribute('aria-label')).toBe(`Theme: ${choice[0]!.toUpperCase()}${choice.slice(1)}`);
}
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

/** Opens the tab named `label` and waits until its page has loaded what it shows. */
async function visit(page: Page, label: string) {
  await page.locator('nav.tabs').getByRole('link', { name: label, exact: true }).click();
  await page.waitForFunction((title) => document.title === title, `${label} · imgapi`);
  await page.waitForLoadState('networkidle');
}

describe('Page headings and titles, in both themes', () => {
  for (const [name, options] of sizes) {
    test(`${name}: one h1 naming each page, document.title names it, no empty table header, axe clean in light and dark`, async () => {
      const { page, errors } = await openPage(browser, s.url, options);
      await page.goto(`${s.url}/`);
      await page.getByTestId('login-submit').waitFor();
      expect(await outline(page)).toEqual({ h1: ['Sign in'], title: 'Sign in · imgapi', emptyHeaders: 0 });
      expect(await accessibilityViolations(page)).toEqual([]);
      await logIn(page);
      // The brand is a link home, not the page's heading.
      expect(await page.locator('header.topbar .brand').evaluate((e) => e.tagName)).toBe('A');

      for (const mode of ['light', 'dark'] as const) {
        await chooseTheme(page, mode);
        expect(await theme(page)).toBe(mode);
        // Every tab there is (the issue names Images, Presets and API keys as links).
        const labels = await page.locator('nav.tabs a').allTextContents();
        expect(labels).toEqual(expect.arrayContaining(['Images', 'Presets', 'API keys', 'Settings']));
        for (const label of labels) {
          const tab = label.toLowerCase().replace(/\W+/g, '-');
          await visit(page, label);
          expect(await outline(page)).toEqual({ h1: [label], title: `${label} · imgapi`, emptyHeaders: 0 });
          expect(await page.locator('nav').getByRole('link', { name: label, exact: true }).getAttribute('aria-current')).toBe('page');
          await screenshot(page, `${name}-${mode}-${tab}`);
          expect({ page: label, mode, violations: await accessibilityViolations(page) }).toEqual({ page: label, mode, violations: [] });
        }
      }
      // The image panel (details, then the transform playground) in the dark theme.
      await visit(page, 'Images');
      await page.getByTestId('image-tile').filter({ hasText: 'lake.jpg' }).click();
      const panel = page.getByTestId('image-panel');
      await panel.waitFor();
      await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="public-url"]')?.value.startsWith('http'));
      await screenshot(page, `${name}-dark-panel`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await panel.getByRole('tab', { name: 'Transform' }).click();
      await page.waitForFunction(() => {
        const result = document.querySelector<HTMLImageElement>('.pg-stage img');
        return !!result && result.complete && result.naturalWidth > 0;
      });
      await screenshot(page, `${name}-dark-transform`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });

      // The confirm dialog and the login page in the dark theme too.
      await page.getByRole('link', { name: 'API keys', exact: true }).click();
      await page.getByTestId('key-revoke').first().click();
      await page.getByTestId('confirm-dialog').waitFor();
      await screenshot(page, `${name}-dark-confirm`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await answerConfirm(page, false);
      await page.getByTestId('logout').click();
      await page.getByTestId('login-submit').waitFor();
      expect(await theme(page)).toBe('dark');
      await screenshot(page, `${name}-dark-login`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(unexpected(errors)).toEqual([]);
      await page.context().close();
    }, 150_000);
  }
});

describe('Dark mode', () => {
  test('follows the system until the user chooses; the choice is remembered and applied before the first paint', async () => {
    const { page, errors } = await openPage(browser, s.url, { ...DESKTOP, colorScheme: 'dark' });
    // What the page looks like at its first frame, before the dashboard's module has run.
    await page.addInitScript(() =>
      requestAnimationFrame(() => {
        (window as any).firstFrame = { theme: document.documentElement.dataset.theme, background: getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() };
      }),
    );
    await page.goto(`${s.url}/`);
    await logIn(page);
    expect(await theme(page)).toBe('dark');
    expect(await page.getByTestId('theme-toggle').getAttribute('aria-label')).toBe('Theme: System');
    const dark = await background(page);

    // The system turns light: so does the page, at once.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    const light = await background(page);
    expect(light).not.toBe(dark);

    // Chosen dark while the system is light: kept across a reload, set before the first frame.
    await chooseTheme(page, 'dark');
    expect([await theme(page), await background(page)]).toEqual(['dark', dark]);
    expect(await page.evaluate(() => localStorage.getItem('imgapi.theme'))).toBe('dark');
    await page.reload();
    await page.getByTestId('theme-toggle').waitFor();
    expect(await page.evaluate(() => (window as any).firstFrame)).toEqual({ theme: 'dark', background: '#0f1217' });
    expect(await page.getByTestId('theme-toggle').getAttribute('aria-label')).toBe('Theme: Dark');
    // A chosen theme ignores the system's changes.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await theme(page)).toBe('dark');

    // Back to System: forgotten, and the system's light applies again.
    await chooseTheme(page, 'system');
    expect(await page.evaluate(() => localStorage.getItem('imgapi.theme'))).toBeNull();
    expect([await theme(page), await background(page)]).toEqual(['light', light]);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 60_000);
});

describe('Keyboard shortcuts', () => {
  for (const [name, options] of sizes) {
    test(`${name}: / searches, u uploads, ? lists the shortcuts; none fires while typing in a field`, async () => {
      const { page, errors } = await openPage(browser, s.url, options);
      // Listening turns Chromium's file-chooser interception on, which takes a round trip: done
      // now, the key press below cannot beat it.
      page.on('filechooser', () => {});
      await page.goto(`${s.url}/#/presets`);
      await logIn(page);
      await page.getByRole('cell', { name: 'card', exact: true }).first().waitFor();

      // From another page, `/` goes to the images and into the search field.
      await page.keyboard.press('/');
      await page.getByTestId('image-search').waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'image-search');
      expect(await page.evaluate(() => location.hash)).toMatch(/^#\/images/);
      // Typed there, `u`, `/` and `?` are text.
      await page.keyboard.type('u/?');
      expect(await page.getByTestId('image-search').inputValue()).toBe('u/?');
      expect(await page.getByTestId('shortcuts-dialog').count()).toBe(0);
      await page.getByTestId('image-search').fill('');
      await page.getByTestId('image-search').blur();
      expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);

      // `u` opens the file picker of the upload; the chosen file is uploaded.
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('u')]);
      expect(chooser.isMultiple()).toBe(true);
      await chooser.setFiles([{ name: `by-key-${name}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(await jpeg(40, 30)) }]);
      await page.getByTestId('image-tile').filter({ hasText: `by-key-${name}.jpg` }).waitFor();

      // `?` lists the shortcuts in a dialog, the grid's arrows and Delete included; Escape closes it.
      const opener = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 60));
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await help.waitFor();
      const listed = await help.locator('dt').allTextContents();
      expect(listed).toEqual(['/', 'u', '←→↑↓', 'HomeEnd', 'Delete', 'Esc', '?']);
      expect(await help.textContent()).toContain('Move between images');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
      await screenshot(page, `${name}-shortcuts`);
      expect(await accessibilityViolations(page)).toEqual([]);
      // Shortcuts sleep while a dialog is open.
      await page.keyboard.press('/');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 60))).toBe(opener);

      // The header's button opens the same list (on a desktop; a phone has no keyboard for it).
      const button = page.getByRole('button', { name: 'Keyboard shortcuts' });
      if (name === 'desktop') {
        await button.click();
        await help.getByRole('button', { name: 'Close' }).click();
        await help.waitFor({ state: 'detached' });
        expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
      } else {
        expect(await button.isVisible()).toBe(false);
      }
      expect(unexpected(errors)).toEqual([]);
      await page.context().close();
    }, 90_000);
  }
});

describe('API keys page', () => {
  for (const [name, options] of sizes) {
    test(`${name}: key prefixes stay on one line and the table fits the screen`, async () => {
      const { page, errors } = await openPage(browser, s.url, options);
      await page.goto(`${s.url}/#/keys`);
      await logIn(page);
      const prefix = page.locator('tr', { hasText: 'deploy-from-the-ci-server' }).getByTestId('key-prefix');
      await prefix.waitFor();
      const sizes = await page.evaluate(() => {
        const code = document.querySelector('tr:last-child [data-testid="key-prefix"]')!;
        const table = document.querySelector('.keys-table')!;
        return {
          overflow: document.documentElement.scrollWidth - innerWidth,
          tableRight: table.getBoundingClientRect().right - innerWidth,
          lines: code.getClientRects().length,
          height: code.getBoundingClientRect().height,
          lineHeight: parseFloat(getComputedStyle(code).fontSize) * 2,
        };
      });
      expect(sizes.overflow).toBeLessThanOrEqual(0);
      expect(sizes.tableRight).toBeLessThanOrEqual(0);
      expect(sizes.lines).toBe(1);
      expect(sizes.height).toBeLessThan(sizes.lineHeight);
      // Every row still offers its Revoke button inside the screen.
      const revoke = (await page.locator('tr', { hasText: 'deploy-from-the-ci-server' }).getByTestId('key-revoke').boundingBox())!;
      expect(revoke.x + revoke.width).toBeLessThanOrEqual(options.viewport.width);
      await screenshot(page, `${name}-keys-table`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(unexpected(errors)).toEqual([]);
      await page.context().close();
    }, 90_000);
  }
});

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

describe('The tab row at phone width', () => {
  /** The row's box, each tab's box, which tab is current, the edge-fade markers and the computed mask. */
  const tabRow = (page: Page) =>
    page.evaluate(() => {
      const nav = document.querySelector<HTMLElement>('nav.tabs')!;
      const box = (e: Element) => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right };
      };
      const links = [...nav.querySelectorAll('a')];
      return {
        nav: box(nav),
        tabs: links.map((a) => ({ label: a.textContent, ...box(a) })),
        current: links.find((a) => a.getAttribute('aria-current') === 'page')?.textContent ?? null,
        moreBefore: nav.hasAttribute('data-more-before'),
        moreAfter: nav.hasAttribute('data-more-after'),
        mask: getComputedStyle(nav).maskImage,
        focused: document.activeElement === document.body,
        page: { x: scrollX, y: scrollY },
      };
    });
  type Row = Awaited<ReturnType<typeof tabRow>>;
  const currentShown = (row: Row) => {
    const tab = row.tabs.find((t) => t.label === row.current)!;
    return tab.left >= row.nav.left - 0.5 && tab.right <= row.nav.right + 0.5;
  };

  test('tabs stand apart; the current tab is scrolled into the row on every route change (page and focus stay); an edge fades where more tabs are; the client picker shows the whole name', async () => {
    const { page, errors } = await openPage(browser, s.url, PHONE);
    await page.goto(`${s.url}/`);
    await logIn(page);
    await page.getByTestId('image-tile').first().waitFor();

    let row = await tabRow(page);
    const labels = row.tabs.map((t) => t.label);
    // The last tab: an owner's Users page.
    expect(labels.at(-1)).toBe('Users');
    expect(labels).toEqual(expect.arrayContaining(['Images', 'Presets', 'API keys', 'Settings', 'Usage', 'Trash', 'Audit log']));
    // A visible gap between every pair of neighbours, not one run of words.
    for (let i = 1; i < row.tabs.length; i++) expect(row.tabs[i]!.left - row.tabs[i - 1]!.right).toBeGreaterThanOrEqual(4);
    // More tabs than fit: the right edge fades, the left does not.
    expect(row.tabs.at(-1)!.right).toBeGreaterThan(row.nav.right);
    expect([row.current, currentShown(row), row.moreBefore, row.moreAfter]).toEqual(['Images', true, false, true]);
    expect(row.mask).toContain('linear-gradient');
    await screenshot(page, 'phone-tabs-first');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The route changes without a tap on the row (a link, the keyboard, history): the row follows.
    for (const [hash, label] of [['#/users', 'Users'], ['#/audit', 'Audit log'], ['#/images', 'Images'], ['#/trash', 'Trash']] as const) {
      await page.evaluate((h) => (location.hash = h), hash);
      await page.waitForFunction((title) => document.title === title, `${label} · imgapi`);
      row = await tabRow(page);
      expect([hash, row.current, currentShown(row), row.focused, row.page]).toEqual([hash, label, true, true, { x: 0, y: 0 }]);
      if (label === 'Users') {
        expect([row.moreBefore, row.moreAfter]).toEqual([true, false]);
        await screenshot(page, 'phone-tabs-last');
        expect(await accessibilityViolations(page)).toEqual([]);
      }
      if (label === 'Images') expect([row.moreBefore, row.moreAfter]).toEqual([false, true]);
    }

    // The picker is wide enough for the chosen client's whole name (its arrow and padding aside).
    const picker = await page.getByTestId('client-select').evaluate((select: HTMLSelectElement) => {
      const probe = document.createElement('span');
      probe.style.font = getComputedStyle(select).font;
      probe.style.whiteSpace = 'pre';
      probe.textContent = select.selectedOptions[0]!.text;
      document.body.append(probe);
      const text = probe.getBoundingClientRect().width;
      probe.remove();
      return { text: select.selectedOptions[0]!.text, fits: text + 28 <= select.getBoundingClientRect().width };
    });
    expect(picker).toEqual({ text: 'Test client (test)', fits: true });
    const header = (await page.locator('header.topbar').boundingBox())!;
    expect(header.height / PHONE.viewport.height).toBeLessThanOrEqual(0.12);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  }, 60_000);
});

describe('Links followed at once', () => {
  test('a link followed the moment the shell shows, before any effect has run, still opens its page', async () => {
    const { page, errors } = await openPage(browser, s.url, DESKTOP);
    // The hash changes in the microtask after the shell's first render is in the DOM: a
    // listener attached by a plain effect (after paint) missed it and left the page on Images.
    await page.addInitScript(() => {
      const watch = new MutationObserver(() => {
        if (!document.querySelector('[data-testid="logout"]')) return;
        watch.disconnect();
        location.hash = '#/presets';
      });
      watch.observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${s.url}/#/images`);
    await logIn(page);
    await page.getByTestId('preset-name').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => [location.hash, document.title])).toEqual(['#/presets', 'Presets · imgapi']);
    expect(await page.getByRole('link', { name: 'Presets' }).getAttribute('aria-current')).toBe('page');
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  });

  test('a link followed while the library is updating its own address still opens its page (the library does not write its place over it)', async () => {
    const { page, errors } = await openPage(browser, s.url, DESKTOP);
    await page.goto(`${s.url}/#/images`);
    await logIn(page);
    await page.getByTestId('image-tile').first().waitFor();
    // The address changes, and before its hashchange is dispatched the library renders (here a
    // search typed in the same moment; in CI's failure a listing that answered): its place was
    // written over the link with replaceState, so the hashchange read #/images and Presets
    // never opened.
    await page.evaluate(() => {
      location.hash = '#/presets';
      const search = document.querySelector<HTMLInputElement>('[data-testid="image-search"]')!;
      search.value = 'old';
      search.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.getByTestId('preset-name').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => [location.hash, document.title])).toEqual(['#/presets', 'Presets · imgapi']);
    expect(unexpected(errors)).toEqual([]);
    await page.context().close();
  });
});
