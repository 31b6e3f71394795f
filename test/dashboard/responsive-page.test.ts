import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server';
import { launchChromium, SHOTS } from './browser';

// Issue 15, "Done when": a page built only from `imgapi/url` and a width-set preset loads
// responsive AVIF/WebP/JPEG in a real Chromium, the browser picking the source and the width
// `sizes` asks for, with no layout shift (width/height present) and the placeholder painted
// before the image arrives. The page is served by this test from a second loopback server,
// which also passes the page's image requests on to imgapi, held until the test lets them go.

const WIDTHS = [200, 400, 800, 1600];
const PRESET = { name: 'hero', params: 'w_1600,h_900,c_fill', widths: WIDTHS };
const SIZES = '50vw';
const SOURCE_COLOUR = '#2f8f6a';

const DESKTOP = { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 } satisfies BrowserContextOptions;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true } satisfies BrowserContextOptions;

let s: TestServer;
let site: ReturnType<typeof Bun.serve>;
let browser: Browser;
let image: { id: string; placeholder?: { color?: string; dataUri?: string } | null };
/** Image paths the page asked for, in order, and the gate they wait at. */
let requested: string[] = [];
let release = () => {};
let gate = Promise.resolve();

// Built in the browser from nothing but imgapi/url (served as the module it is) and the image
// object as the API returns it; `style` is placeholderStyle's, as a page author would write it.
const PAGE_SCRIPT = `
import { placeholderStyle, presetSrcset, presetUrl } from '/url/index.js';
const { image, baseUrl, clientId, preset, widths, width, height, sizes } = JSON.parse(document.getElementById('data').textContent);
const common = { baseUrl, clientId, imageId: image.id, preset, widths };
const source = (format) => \`<source type="image/\${format}" srcset="\${presetSrcset({ ...common, format })}" sizes="\${sizes}">\`;
document.getElementById('slot').innerHTML =
  \`<picture>\${source('avif')}\${source('webp')}<img src="\${presetUrl({ ...common, width: widths.at(-1), format: 'jpeg' })}"\` +
  \` srcset="\${presetSrcset({ ...common, format: 'jpeg' })}" sizes="\${sizes}" width="\${width}" height="\${height}" alt="A green field"\` +
  \` style="\${placeholderStyle(image.placeholder)}"></picture>\`;
`;

function pageHtml(origin: string): string {
  const data = { image, baseUrl: `${origin}/img`, clientId: s.clientId, preset: PRESET.name, widths: WIDTHS, width: 1600, height: 900, sizes: SIZES };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Responsive page</title>
<style>body { margin: 0; font: 16px system-ui; } img { display: block; width: 50vw; height: auto; } p { margin: 8px; }</style>
<script>
  window.__shift = 0;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; }).observe({ type: 'layout-shift', buffered: true });
</script>
</head><body>
<div id="slot"></div>
<p id="below">Text under the picture: it would move if the picture's box grew when the image arrives.</p>
<script type="application/json" id="data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script type="module">${PAGE_SCRIPT}</script>
</body></html>`;
}

/** A green field with a white square at the top left: the placeholder is green, the picture shows the square. */
async function field(): Promise<Uint8Array> {
  const square = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#ffffff' } }).png().toBuffer();
  const bytes = await sharp({ create: { width: 1600, height: 900, channels: 3, background: SOURCE_COLOUR } })
    .composite([{ input: square, left: 40, top: 40 }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return new Uint8Array(bytes);
}

beforeAll(async () => {
  s = await startServer();
  const uploaded = await s.upload(await field(), 'field.jpg');
  expect((await s.api('POST', '/presets', PRESET)).status).toBe(201);
  image = (await s.api('GET', `/images/${uploaded.json.id}`)).json;

  site = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 60,
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === '/favicon.ico') return new Response(null, { status: 204 });
      if (url.pathname === '/') return new Response(pageHtml(url.origin), { headers: { 'content-type': 'text/html; charset=utf-8' } });
      if (url.pathname === '/url/index.js') {
        return new Response(Bun.file(join(import.meta.dir, '../../url/index.js')), { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
      }
      if (url.pathname.startsWith('/img/')) {
        const path = url.pathname.slice('/img'.length) + url.search;
        requested.push(path);
        await gate;
        const upstream = await fetch(`${s.url}${path}`, { headers: { accept: request.headers.get('accept') ?? '*/*' } });
        return new Response(upstream.body, {
          status: upstream.status,
          headers: { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream', 'cache-control': 'no-store' },
        });
      }
      return new Response('Not found', { status: 404 });
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  release();
  await browser?.close();
  site?.stop(true);
  await s?.stop();
});

interface ImgState {
  box: { width: number; height: number; top: number };
  belowTop: number;
  complete: boolean;
  naturalWidth: number;
  currentSrc: string;
  backgroundColor: string;
}

const readImg = (page: Page) =>
  page.evaluate((): ImgState => {
    const img = document.querySelector('img')!;
    const rect = img.getBoundingClientRect();
    return {
      box: { width: rect.width, height: rect.height, top: rect.top },
      belowTop: document.getElementById('below')!.getBoundingClientRect().top,
      complete: img.complete,
      naturalWidth: img.naturalWidth,
      currentSrc: img.currentSrc,
      backgroundColor: getComputedStyle(img).backgroundColor,
    };
  });

/** The colour painted at a point of the img box (fractions of its width and height), as on screen. */
async function paintedColour(page: Page, fx = 0.5, fy = 0.5): Promise<[number, number, number]> {
  const box = (await page.locator('img').boundingBox())!;
  const shot = await page.screenshot({ clip: { x: box.x + box.width * fx - 2, y: box.y + box.height * fy - 2, width: 4, height: 4 } });
  const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
  const i = (2 * info.width + 2) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

interface Visit {
  before: ImgState;
  beforeColour: [number, number, number];
  requestedBefore: string[];
  after: ImgState;
  shift: number;
  /** At the white square's middle, once the picture is there. */
  afterSquare: [number, number, number];
  delivered: { format?: string; compression?: string; width?: number; height?: number };
}

/** One visit of the page: the image held back while the page is read, then let go. Once per viewport. */
const visits = new Map<string, Promise<Visit>>();
const visit = (name: string, options: BrowserContextOptions) => {
  if (!visits.has(name)) visits.set(name, runVisit(name, options));
  return visits.get(name)!;
};

async function runVisit(name: string, options: BrowserContextOptions): Promise<Visit> {
  requested = [];
  gate = new Promise<void>((resolve) => (release = resolve));
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    // Not until `load`: that waits for the very image held back.
    await page.goto(`${site.url}`, { waitUntil: 'domcontentloaded' });
    await page.locator('img').waitFor();
    // The browser has chosen and is waiting for its image: what is painted now is the placeholder.
    const deadline = Date.now() + 10_000;
    while (requested.length === 0 && Date.now() < deadline) await Bun.sleep(20);
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const before = await readImg(page);
    const beforeColour = await paintedColour(page);
    await page.screenshot({ path: join(SHOTS, `responsive-page-${name}-before.png`) });
    const requestedBefore = [...requested];
    // Shifts from here on are the image's: building the page moved the text below once already.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await page.evaluate(() => ((window as unknown as { __shift: number }).__shift = 0));

    release();
    await page.waitForFunction(() => {
      const img = document.querySelector('img');
      return img?.complete && img.naturalWidth > 0;
    });
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const after = await readImg(page);
    const afterSquare = await paintedColour(page, 140 / 1600, 140 / 900);
    const shift = await page.evaluate(() => (window as unknown as { __shift: number }).__shift);
    await page.screenshot({ path: join(SHOTS, `responsive-page-${name}-after.png`) });
    const bytes = new Uint8Array(await (await fetch(after.currentSrc)).arrayBuffer());
    const delivered = await sharp(bytes).metadata();
    expect(errors).toEqual([]);
    return { before, beforeColour, requestedBefore, after, shift, afterSquare, delivered };
  } finally {
    release();
    await context.close();
  }
}

/** What the srcset selection gives: the smallest width at least sizes × dpr device pixels wide. */
const expectedWidth = (options: typeof DESKTOP | typeof PHONE) => WIDTHS.find((w) => w >= (options.viewport.width / 2) * options.deviceScaleFactor) ?? WIDTHS.at(-1)!;

const imageUrl = (width: number, format: string) => `${site.url}img/t/${s.clientId}/preset:${PRESET.name}/w_${width}/${image.id}.${format}`;

for (const [name, options, width] of [
  ['desktop', DESKTOP, 800],
  ['phone', PHONE, 800],
] as const) {
  test(`${name} ${options.viewport.width}×${options.viewport.height} at dpr ${options.deviceScaleFactor}: the AVIF source at the width 50vw needs, in a box sized before it arrives`, async () => {
    expect(expectedWidth(options)).toBe(width);
    const { before, requestedBefore, after, shift, afterSquare, delivered } = await visit(name, options);

    // Before the image: not loaded, yet its box already has the final size (width/height).
    expect(before.complete).toBe(false);
    expect(before.naturalWidth).toBe(0);
    expect(requestedBefore).toEqual([`/t/${s.clientId}/preset:${PRESET.name}/w_${width}/${image.id}.avif`]);
    expect(before.box.width).toBe(options.viewport.width / 2);
    expect(before.box.height).toBeCloseTo((before.box.width * 900) / 1600, 0);

    // After: the AVIF (Chromium decodes it, so the first <source> wins) at that width, same box.
    expect(after.currentSrc).toBe(imageUrl(width, 'avif'));
    expect(after.box).toEqual(before.box);
    expect(after.belowTop).toBe(before.belowTop);
    expect(shift).toBe(0);
    expect([delivered.format, delivered.compression, delivered.width, delivered.height]).toEqual(['heif', 'av1', width, (width * 900) / 1600]);
    // The picture itself is painted now: its white square, where the placeholder was green.
    expect(Math.min(...afterSquare)).toBeGreaterThan(220);
  }, 60_000);
}

test('the placeholder is painted in the picture box before the image arrives (desktop and phone)', async () => {
  // Needs `placeholder` on the image object (computed at upload); placeholderStyle gives '' without it.
  expect(image.placeholder?.color).toMatch(/^#[0-9a-f]{6}$/i);
  const hex = image.placeholder!.color!;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  // The placeholder of a (nearly) one-colour image is that colour, give or take JPEG and the square.
  for (const [i, v] of [r, g, b].entries()) expect(Math.abs(v! - parseInt(SOURCE_COLOUR.slice(1 + 2 * i, 3 + 2 * i), 16))).toBeLessThanOrEqual(12);
  for (const [name, options] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    const { before, beforeColour } = await visit(name, options);
    expect(before.complete).toBe(false);
    expect(before.backgroundColor).toBe(`rgb(${r}, ${g}, ${b})`);
    // On screen (the blurred data URI, when there is one, is painted over the colour).
    for (const [i, v] of [r, g, b].entries()) expect([name, i, Math.abs(beforeColour[i]! - v!) <= 16]).toEqual([name, i, true]);
  }
}, 60_000);
