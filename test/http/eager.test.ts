import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { halves, jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

// Eager presets: their variants are computed in the background on upload and replace, from a
// queue in the database, so the first request of each is a cache hit.

let s: TestServer;

const createPreset = (server: TestServer, body: Record<string, unknown>) => server.api('POST', '/presets', body);

async function variantsOf(server: TestServer, imageId: string, apiKey?: string): Promise<{ pending: number; ready: number }> {
  const { status, json } = await server.api('GET', `/images/${imageId}`, undefined, apiKey);
  expect(status).toBe(200);
  return json.variants;
}

/** Polls until no variant of the image is pending; returns its counts. */
async function settled(server: TestServer, imageId: string, apiKey?: string) {
  const until = Date.now() + 20_000;
  for (;;) {
    const variants = await variantsOf(server, imageId, apiKey);
    if (variants.pending === 0 || Date.now() > until) return variants;
    await Bun.sleep(25);
  }
}

const cacheOf = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  return { status: response.status, cache: response.headers.get('x-cache'), type: response.headers.get('content-type') };
};

beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s?.stop());

describe('the preset object', () => {
  test('echoes eager and formats; formats default to the preset\'s own (its f, else webp)', async () => {
    const made = await createPreset(s, { name: 'cards', params: 'w_400', widths: [160, 320], eager: true, formats: ['avif', 'webp'] });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ name: 'cards', eager: true, formats: ['avif', 'webp'], widths: [160, 320] });
    expect((await createPreset(s, { name: 'plainwebp', params: 'w_100' })).json).toMatchObject({ eager: false, formats: ['webp'] });
    expect((await createPreset(s, { name: 'pngone', params: 'w_100,f_png', eager: true })).json).toMatchObject({ eager: true, formats: ['png'] });
    expect((await createPreset(s, { name: 'autoone', params: 'w_100,f_auto', formats: ['avif', 'jpeg'] })).json.formats).toEqual(['avif', 'jpeg']);
    const { json } = await s.api('GET', '/presets');
    expect(json.items.find((p: { name: string }) => p.name === 'cards')).toMatchObject({ eager: true, formats: ['avif', 'webp'] });
    for (const name of ['cards', 'plainwebp', 'pngone', 'autoone']) {
      const id = json.items.find((p: { name: string }) => p.name === name).id;
      expect((await s.api('DELETE', `/presets/${id}`)).status).toBe(204);
    }
  });

  test('bad formats are 400 naming the rule; a fixed f allows only itself', async () => {
    const bad: [unknown, string][] = [
      [['tiff'], 'one of'],
      [['webp', 'webp'], 'more than once'],
      [[], '1 to'],
      [[1], 'formats'],
    ];
    for (const [formats, words] of bad) {
      const { status, json } = await createPreset(s, { name: 'bad', params: 'w_100', formats });
      expect([JSON.stringify(formats), status, json.error.code]).toEqual([JSON.stringify(formats), 400, 'invalid_input']);
      expect(json.error.message).toContain(words);
    }
    const fixed = await createPreset(s, { name: 'bad', params: 'w_100,f_jpeg', formats: ['avif', 'jpeg'] });
    expect(fixed.status).toBe(400);
    expect(fixed.json.error.message).toContain('f_jpeg');
    expect((await s.api('GET', '/presets')).json.items.map((p: { name: string }) => p.name)).not.toContain('bad');
  });
});

describe('eager variants', () => {
  let presetIds: string[] = [];
  beforeAll(async () => {
    presetIds = [
      (await createPreset(s, { name: 'hero', params: 'w_400,h_300,c_fill', widths: [160, 320], eager: true, formats: ['avif', 'webp'] })).json.id,
      (await createPreset(s, { name: 'auto', params: 'w_200,f_auto,q_60', eager: true, formats: ['avif', 'webp'] })).json.id,
      (await createPreset(s, { name: 'lazy', params: 'w_120' })).json.id,
    ];
  });
  afterAll(async () => {
    for (const id of presetIds) await s.api('DELETE', `/presets/${id}`);
  });

  const heroUrls = (id: string, version: number) =>
    [160, 320].flatMap((w) => ['avif', 'webp'].map((ext) => `${s.url}/t/${s.clientId}/preset:hero/w_${w}/${id}.${ext}?v=${version}`));

  test('upload queues every width × format of each eager preset; once computed, the first request of each is a HIT', async () => {
    const { status, json } = await s.upload(await halves(800, 600), 'eager.jpg');
    expect(status).toBe(201);
    // hero: 2 widths × 2 formats; auto: 2 formats; lazy is not eager.
    expect(json.variants.pending + json.variants.ready).toBe(6);
    expect(await settled(s, json.id)).toEqual({ pending: 0, ready: 6 });
    for (const url of heroUrls(json.id, 1)) expect([url, (await cacheOf(url)).cache]).toEqual([url, 'HIT']);
    const auto = `${s.url}/t/${s.clientId}/preset:auto/${json.id}.webp?v=1`;
    expect(await cacheOf(auto, { accept: 'image/avif,image/webp,*/*' })).toMatchObject({ cache: 'HIT', type: 'image/avif' });
    expect(await cacheOf(auto, { accept: 'image/webp,*/*' })).toMatchObject({ cache: 'HIT', type: 'image/webp' });
    // What no eager preset covers is computed on request as before.
    expect((await cacheOf(`${s.url}/t/${s.clientId}/preset:lazy/${json.id}.webp`)).cache).toBe('MISS');
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/imgapi_eager_jobs\{state="done"\} \d+/);
    expect(metrics).toContain('imgapi_eager_jobs{state="pending"} 0');
    expect(Number(/imgapi_eager_variants_total\{outcome="done"\} (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(6);
  });

  test('replace supersedes the old version\'s jobs with the new one\'s; delete removes them', async () => {
    const { json } = await s.upload(await jpeg(640, 480), 'replaced.jpg');
    await settled(s, json.id);
    const form = new FormData();
    form.append('file', new File([await png(900, 300)], 'new.png'));
    const replaced = await s.api('PUT', `/images/${json.id}`, form);
    expect(replaced.status).toBe(200);
    expect(replaced.json.version).toBe(2);
    expect(replaced.json.variants.pending + replaced.json.variants.ready).toBe(6);
    expect(await settled(s, json.id)).toEqual({ pending: 0, ready: 6 });
    for (const url of heroUrls(json.id, 2)) expect([url, (await cacheOf(url)).cache]).toEqual([url, 'HIT']);
    const before = await s.api('GET', `/presets/${presetIds[0]}/warm`);
    expect((await s.api('DELETE', `/images/${json.id}`)).status).toBe(204);
    const after = await s.api('GET', `/presets/${presetIds[0]}/warm`);
    expect(after.json.ready).toBe(before.json.ready - 4);
  });

  test('warm queues a preset\'s variants of existing images (in a folder) and reports progress', async () => {
    const inFolder = (await s.upload(await jpeg(300, 200), 'a.jpg', 'warm/here')).json.id;
    const elsewhere = (await s.upload(await jpeg(300, 200), 'b.jpg', 'other')).json.id;
    const warm = await s.api('POST', `/presets/${presetIds[2]}/warm`, { folder: 'warm' });
    expect(warm.status).toBe(200);
    expect(warm.json).toMatchObject({ images: 1, variants: 1 });
    const until = Date.now() + 20_000;
    let progress = warm.json;
    while (progress.pending > 0 && Date.now() < until) {
      await Bun.sleep(25);
      progress = (await s.api('GET', `/presets/${presetIds[2]}/warm`)).json;
    }
    expect(progress).toEqual({ pending: 0, ready: 1, failed: 0 });
    expect((await cacheOf(`${s.url}/t/${s.clientId}/preset:lazy/${inFolder}.webp`)).cache).toBe('HIT');
    expect((await cacheOf(`${s.url}/t/${s.clientId}/preset:lazy/${elsewhere}.webp`)).cache).toBe('MISS');
    expect((await s.api('POST', '/presets/nope/warm', {})).status).toBe(404);
    // Deleting the folder deletes its images, and their jobs with them.
    const { folders } = (await s.api('GET', '/folders')).json as { folders: { id: string; path: string }[] };
    const warmFolder = folders.find((f) => f.path === 'warm')!;
    expect((await s.api('DELETE', `/folders/${warmFolder.id}`)).status).toBe(204);
    expect((await s.api('GET', `/presets/${presetIds[2]}/warm`)).json).toEqual({ pending: 0, ready: 0, failed: 0 });
  });
});

describe('the queue', () => {
  test('survives a restart: jobs left pending by a stopped server are done by the next one on the same data', async () => {
    const paused = await startServer({ IMGAPI_EAGER_CONCURRENCY: '0' });
    await createPreset(paused, { name: 'later', params: 'w_300', eager: true, formats: ['jpeg', 'webp'] });
    const { json } = await paused.upload(await jpeg(600, 400), 'later.jpg');
    await Bun.sleep(200);
    expect(await variantsOf(paused, json.id)).toEqual({ pending: 2, ready: 0 });
    await paused.stop({ keepData: true });
    const again = await startServer({}, { dataDir: paused.dataDir, clientId: 'again' });
    try {
      expect(await settled(again, json.id, paused.apiKey)).toEqual({ pending: 0, ready: 2 });
      for (const ext of ['jpg', 'webp']) expect((await cacheOf(`${again.url}/t/${paused.clientId}/preset:later/${json.id}.${ext}`)).cache).toBe('HIT');
    } finally {
      await again.stop();
    }
  });

  test('a job that cannot succeed is recorded failed, not retried', async () => {
    const paused = await startServer({ IMGAPI_EAGER_CONCURRENCY: '0' });
    const { json } = await paused.upload(await jpeg(600, 400), 'gone.jpg');
    const preset = (await createPreset(paused, { name: 'gone', params: 'w_100', eager: true })).json;
    const image = await paused.ctx.images.get(paused.clientId, json.id);
    await paused.api('POST', `/presets/${preset.id}/warm`, {});
    await paused.stop({ keepData: true });
    const again = await startServer({}, { dataDir: paused.dataDir, clientId: 'again' });
    try {
      // The original gone under the running server: delivery answers 404, a failure that will not pass.
      rmSync(join(paused.dataDir, 'originals', image.originalKey), { force: true });
      const until = Date.now() + 20_000;
      let progress = (await again.api('GET', `/presets/${preset.id}/warm`, undefined, paused.apiKey)).json;
      while (progress.pending > 0 && Date.now() < until) {
        await Bun.sleep(25);
        progress = (await again.api('GET', `/presets/${preset.id}/warm`, undefined, paused.apiKey)).json;
      }
      expect(progress).toEqual({ pending: 0, ready: 0, failed: 1 });
    } finally {
      await again.stop();
    }
  });

  test('priority: with a backlog of eager work, a miss is served before the backlog is done', async () => {
    // Four eager lanes on two slots: in one FIFO queue a miss would wait behind them.
    const busy = await startServer({ IMGAPI_CONCURRENCY: '2', IMGAPI_EAGER_CONCURRENCY: '4' });
    try {
      await createPreset(busy, { name: 'heavy', params: 'w_1600', widths: [400, 600, 800, 1000, 1200, 1400, 1600], eager: true, formats: ['avif'] });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await busy.upload(await halves(1600, 1200), `heavy-${i}.jpg`)).json.id);
      const signed = await busy.api('POST', '/sign', { imageId: ids[0], transform: 'w_500,f_jpeg,q_80' });
      const worker = busy.ctx.eagerWorker.stats;
      const doneBefore = worker.done;
      const miss = await cacheOf(signed.json.url);
      expect(miss).toMatchObject({ status: 200, cache: 'MISS' });
      // Eager work holds one slot at most and never queues ahead: the miss took the free slot at
      // once, so at most the one eager variant in flight finished meanwhile (in one FIFO queue it
      // would have waited for the lanes ahead of it: three variants or more).
      expect(worker.done - doneBefore).toBeLessThanOrEqual(1);
      const left = await Promise.all(ids.map((id) => variantsOf(busy, id)));
      expect(left.reduce((sum, v) => sum + v.pending, 0)).toBeGreaterThan(0);
    } finally {
      await busy.stop();
    }
  });
});
