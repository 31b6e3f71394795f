// Time from submitting the dashboard's login form to the first thumbnail painted, with 30 images:
// uncached (the variants store emptied and the server restarted before each run), cached (the
// variants stored, a new browser each run) and a second log-in in the same browser (its HTTP
// cache warm). Real Chromium at 1440x900, at device scale 1 and 2 (the 2× thumbnails are other variants).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { CLI, freePort, percentile, start, startImgapi } from './harness';

const USER = { username: 'bench', password: 'first thumbnail bench' };
const IMAGES = 30;
const RUNS = 5;

/**
 * Runs in the page before its scripts: notes when the login form is submitted, and resolves with
 * the moment the first library thumbnail has loaded, decoded and been through two animation
 * frames (the second frame's callback runs after the frame that first showed it was painted),
 * and the moment every thumbnail on the first screen was (those below it load lazily, later).
 */
const PROBE = `(() => {
  document.addEventListener('submit', () => { window.__submitAt = performance.now(); }, true);
  // When the logged-in dashboard first shows (its Log out button): the log-in's own share.
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-testid=logout]')) { window.__shellAt = performance.now(); observer.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
  const painted = (img) => img.decode().catch(() => {}).then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))));
  window.__thumbs = new Promise((resolve) => {
    const seen = new WeakSet();
    const done = new Map();
    let first = null;
    const onScreen = () => [...document.querySelectorAll('[data-testid=image-tile] img')].filter((img) => img.getBoundingClientRect().top < innerHeight);
    const settle = () => {
      const shown = onScreen();
      if (shown.length > 0 && shown.every((img) => done.has(img))) resolve({ first, last: Math.max(...shown.map((img) => done.get(img))), count: shown.length });
    };
    const check = () => {
      for (const img of document.querySelectorAll('[data-testid=image-tile] img')) {
        if (seen.has(img)) continue;
        seen.add(img);
        const paint = () => painted(img).then((at) => {
          done.set(img, at);
          if (first === null) first = { at, src: img.currentSrc };
          settle();
        });
        if (img.complete && img.naturalWidth) paint(); else img.addEventListener('load', paint, { once: true });
      }
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  });
})()`;

/** 30 different photo-like JPEGs: regions of one large photo, each 1600×1067. */
async function photos(source: Uint8Array): Promise<Uint8Array[]> {
  const { width = 0, height = 0 } = await sharp(source).metadata();
  const [w, h] = [Math.min(1600, width), Math.min(1067, height)];
  const out: Uint8Array[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const left = Math.round(((width - w) * (i % 6)) / 5);
    const top = Math.round(((height - h) * Math.floor(i / 6)) / 4);
    out.push(new Uint8Array(await sharp(source).extract({ left, top, width: w, height: h }).jpeg({ quality: 85 }).toBuffer()));
  }
  return out;
}

interface Sample {
  /** Submit → the dashboard replaced the login form (the log-in answered, the shell rendered). */
  shellMs: number;
  /** Submit → the end of POST /auth/login's response. */
  loginMs: number;
  firstMs: number;
  lastMs: number;
  tiles: number;
  src: string;
}

/** Logs in on `origin` in a page of `browser` (a new context unless one is given) and times the thumbnails. */
async function logInAndTime(browser: Browser, origin: string, scale: number, context?: Awaited<ReturnType<Browser['newContext']>>) {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: scale }));
  const page = await ctx.newPage();
  await page.addInitScript(PROBE);
  await page.goto(`${origin}/#/images`);
  await page.getByTestId('login-username').fill(USER.username);
  await page.getByTestId('login-password').fill(USER.password);
  await page.getByTestId('login-submit').click();
  const result = (await page.evaluate(
    'Promise.race([window.__thumbs, new Promise((_, no) => setTimeout(() => no(new Error("no thumbnail painted in 60 s")), 60000))]).then((t) => ({ ...t, submitAt: window.__submitAt, shellAt: window.__shellAt, loginAt: performance.getEntriesByName(location.origin + "/auth/login").at(-1).responseEnd }))',
  )) as {
    first: { at: number; src: string };
    last: number;
    count: number;
    submitAt: number;
    shellAt: number;
    loginAt: number;
  };
  const sample: Sample = {
    shellMs: result.shellAt - result.submitAt,
    loginMs: result.loginAt - result.submitAt,
    firstMs: result.first.at - result.submitAt,
    lastMs: result.last - result.submitAt,
    tiles: result.count,
    src: result.first.src,
  };
  console.log(`  scale ${scale}: log-in ${sample.loginMs.toFixed(0)} ms, dashboard ${sample.shellMs.toFixed(0)} ms, first thumbnail ${sample.firstMs.toFixed(0)} ms, the ${sample.tiles} on screen ${sample.lastMs.toFixed(0)} ms`);
  return { sample, ctx, page };
}

const summary = (samples: Sample[]) => ({
  // The log-in's answer (its argon2id verify the most of it) apart from all that follows it.
  'log-in answered p50 ms': Math.round(percentile(samples.map((s) => s.loginMs), 50)),
  'dashboard p50 ms': Math.round(percentile(samples.map((s) => s.shellMs), 50)),
  'first p50 ms': Math.round(percentile(samples.map((s) => s.firstMs), 50)),
  'first min ms': Math.round(Math.min(...samples.map((s) => s.firstMs))),
  'first max ms': Math.round(Math.max(...samples.map((s) => s.firstMs))),
  'first screen p50 ms': Math.round(percentile(samples.map((s) => s.lastMs), 50)),
  'on screen': samples[0]?.tiles ?? 0,
  runs: samples.length,
});

export async function firstThumbnailScenario(source: Uint8Array) {
  const dataDir = mkdtempSync(join(tmpdir(), 'imgapi-bench-first-thumbnail-'));
  let server = await startImgapi(dataDir);
  const created = Bun.spawnSync([process.execPath, CLI, 'user', 'create', USER.username, '--password-stdin'], {
    stdin: new TextEncoder().encode(USER.password),
    env: { ...process.env, IMGAPI_DATA: dataDir },
  });
  if (created.exitCode !== 0) throw new Error(`user create: ${created.stderr.toString()}`);
  for (const [i, bytes] of (await photos(source)).entries()) await server.upload(bytes, `photo-${String(i + 1).padStart(2, '0')}.jpg`);
  let url = server.url;
  const restart = async (emptyCache: boolean) => {
    await server.stop();
    if (emptyCache) rmSync(join(dataDir, 'cache'), { recursive: true, force: true });
    const port = freePort();
    const running = await start([process.execPath, CLI, 'serve', '--port', String(port), '--data', dataDir], /listening on/, {
      ...process.env,
      IMGAPI_RATE_LIMIT_PER_MINUTE: '0',
    });
    server = { ...server, ...running };
    url = `http://127.0.0.1:${port}`;
  };

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const results: Record<string, ReturnType<typeof summary> & { firstSrc: string }> = {};
  try {
    for (const scale of [1, 2]) {
      const uncached: Sample[] = [];
      const cached: Sample[] = [];
      const secondLoad: Sample[] = [];
      for (let run = 0; run < RUNS; run++) {
        // Uncached: no variant stored anywhere (disk emptied, memory gone with the old process).
        await restart(true);
        const cold = await logInAndTime(browser, url, scale);
        uncached.push(cold.sample);
        await cold.ctx.close();
        // Cached: every thumbnail stored by the run above; a new browser, so its HTTP cache is empty.
        const warm = await logInAndTime(browser, url, scale);
        cached.push(warm.sample);
        // The same browser logging in again: thumbnails from its HTTP cache.
        await warm.page.getByTestId('logout').click();
        await warm.page.getByTestId('login-submit').waitFor();
        await warm.page.close();
        const again = await logInAndTime(browser, url, scale, warm.ctx);
        secondLoad.push(again.sample);
        await warm.ctx.close();
      }
      results[`uncached, scale ${scale}`] = { ...summary(uncached), firstSrc: uncached[0]!.src.replace(/^.*\/t\/[^/]+\/[^/]+\//, '') };
      results[`cached, scale ${scale}`] = { ...summary(cached), firstSrc: cached[0]!.src.replace(/^.*\/t\/[^/]+\/[^/]+\//, '') };
      results[`second log-in, same browser, scale ${scale}`] = { ...summary(secondLoad), firstSrc: secondLoad[0]!.src.replace(/^.*\/t\/[^/]+\/[^/]+\//, '') };
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { images: IMAGES, runs: RUNS, viewport: '1440x900', results };
}
