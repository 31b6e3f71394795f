import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../dashboard/browser';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
let browser: Browser;
beforeAll(async () => {
  s = await startServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

interface Watched {
  page: Page;
  /** Requests for anything not on the server under test; each was refused, never sent. */
  outside: string[];
  /** `securitypolicyviolation` events, as "directive: blocked URI". */
  violations: () => Promise<string[]>;
  /** Console errors and uncaught exceptions. */
  errors: string[];
}

/** A page that may talk to the server under test alone, with every CSP violation and error noted. */
async function watchedPage(): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const outside: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === s.url) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  // Init scripts run through the DevTools protocol, which the page's CSP does not govern.
  await page.addInitScript(() => {
    const seen: string[] = ((window as any).__violations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective}: ${e.blockedURI || e.sample}`));
  });
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return { page, outside, errors, violations: () => page.evaluate(() => (window as any).__violations as string[]) };
}

test("/docs is served with the dashboard's Content-Security-Policy, its viewer from this server", async () => {
  const [docs, dashboard] = await Promise.all([fetch(`${s.url}/docs`), fetch(`${s.url}/`)]);
  expect(docs.status).toBe(200);
  expect(docs.headers.get('content-security-policy')).toBe(dashboard.headers.get('content-security-policy')!);
  const html = await docs.text();
  // The initialisation is a served script, not inline code.
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  const assets = [...html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  expect(assets.map((a) => a.split('.').pop()).sort()).toEqual(['css', 'js']);
  for (const asset of assets) {
    const response = await fetch(`${s.url}${asset}`);
    expect([response.status, response.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
  }
  expect((await fetch(`${s.url}/docs/assets/nothing.js`)).status).toBe(404);
  expect((await fetch(`${s.url}/docs/json`)).headers.get('content-type')).toContain('application/json');
});

test('a real Chromium shows every operation at /docs under that CSP, asking nothing of any other host', async () => {
  const { page, outside, violations, errors } = await watchedPage();
  await page.goto(`${s.url}/docs`);

  const spec = await (await fetch(`${s.url}/docs/json`)).json();
  const operations = Object.values<object>(spec.paths).flatMap((ops) => Object.values(ops));
  const shown = page.locator('.opblock');
  await shown.first().waitFor();
  expect(await shown.count()).toBe(operations.length);
  await page.locator('.opblock-summary-path', { hasText: /^\/api\/v1\/images$/ }).first().waitFor();
  await page.getByText('Upload an image').waitFor();

  // Open one operation and run it: the request goes to this server and its answer is shown.
  const health = page.locator('#operations-operations-health');
  await health.locator('.opblock-summary-control').click();
  await health.getByRole('button', { name: 'Try it out' }).click();
  await health.getByRole('button', { name: 'Execute' }).click();
  await health.locator('.live-responses-table .response-col_status', { hasText: '200' }).waitFor();
  await expect(health.locator('.live-responses-table').textContent()).resolves.toContain('"status": "ok"');

  await screenshot(page, 'docs-page');
  expect(outside).toEqual([]);
  expect(await violations()).toEqual([]);
  expect(errors).toEqual([]);
}, 30_000);
