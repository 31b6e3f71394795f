import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { isolatedHome, runCli } from '../helpers/cli';
import { halves } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { startReceiver } from '../helpers/webhook-receiver';

// PATCH /api/v1/presets/:id: a preset edited in place. Its URLs deliver the new transform at
// once (on this node and on another one sharing the database), its eager variants are planned
// again, and webhooks hear preset.updated.

const FAST = { IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100' };

let s: TestServer;
let imageId: string;

async function fetchImage(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const body = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200) return { status: response.status, cache: null, meta: null, body };
  const meta = await sharp(body).metadata();
  return { status: 200, cache: response.headers.get('x-cache'), meta: { width: meta.width, height: meta.height, format: meta.format }, body };
}

const presetUrl = (server: TestServer, name: string, ext = 'webp', width?: number) =>
  `${server.url}/t/${server.clientId}/preset:${name}/${width === undefined ? '' : `w_${width}/`}${imageId}.${ext}`;

const create = async (body: Record<string, unknown>) => {
  const made = await s.api('POST', '/presets', body);
  expect(made.status).toBe(201);
  return made.json as { id: string; name: string };
};
const patch = (id: string, body: unknown) => s.api('PATCH', `/presets/${id}`, body);

beforeAll(async () => {
  s = await startServer(FAST);
  imageId = (await s.upload(await halves(400, 200), 'halves.png')).json.id;
});
afterAll(() => s?.stop());

describe('PATCH /presets/:id', () => {
  test('the preset URL serves the new params at once, even after its old variant was a memory hit', async () => {
    const preset = await create({ name: 'card', params: 'w_200,h_100,c_fill' });
    const url = presetUrl(s, 'card');
    expect((await fetchImage(url)).meta).toEqual({ width: 200, height: 100, format: 'webp' });
    expect((await fetchImage(url)).cache).toBe('HIT');

    const edited = await patch(preset.id, { params: 'c_fill,h_90,w_90,q_70' });
    expect(edited.status).toBe(200);
    // Stored canonical; what was not sent stays.
    expect(edited.json).toMatchObject({ id: preset.id, name: 'card', params: 'w_90,h_90,c_fill,q_70', widths: null, eager: false, formats: ['webp'] });
    const after = await fetchImage(url);
    expect([after.status, after.cache, after.meta]).toEqual([200, 'MISS', { width: 90, height: 90, format: 'webp' }]);
    // The left half of the source is red, the right blue: a centre crop keeps both.
    const { data } = await sharp(after.body).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]! > 200 && data[2]! < 60).toBe(true);
    expect((await s.api('GET', '/presets')).json.items.find((p: { id: string }) => p.id === preset.id).params).toBe('w_90,h_90,c_fill,q_70');
  });

  test('widths: a new list is served at its widths and a dropped width is refused; null makes a preset without widths', async () => {
    const preset = await create({ name: 'resp', params: 'w_400,h_200,c_fill', widths: [100, 200] });
    expect((await fetchImage(presetUrl(s, 'resp', 'webp', 100))).meta).toEqual({ width: 100, height: 50, format: 'webp' });
    expect((await patch(preset.id, { widths: [150, 300] })).json.widths).toEqual([150, 300]);
    expect((await fetchImage(presetUrl(s, 'resp', 'webp', 100))).status).toBe(400);
    expect((await fetchImage(presetUrl(s, 'resp', 'webp', 150))).meta).toEqual({ width: 150, height: 75, format: 'webp' });
    expect((await patch(preset.id, { widths: null })).json.widths).toBeNull();
    expect((await fetchImage(presetUrl(s, 'resp', 'webp', 150))).status).toBe(400);
    expect((await fetchImage(presetUrl(s, 'resp'))).meta).toEqual({ width: 400, height: 200, format: 'webp' });
  });

  test('a rename: the old name answers 404, the new one the preset; a taken name is 409 and changes nothing', async () => {
    const preset = await create({ name: 'old-name', params: 'w_64,f_png' });
    await create({ name: 'taken', params: 'w_10' });
    expect((await fetchImage(presetUrl(s, 'old-name', 'png'))).meta).toEqual({ width: 64, height: 32, format: 'png' });
    const clash = await patch(preset.id, { name: 'taken' });
    expect([clash.status, clash.json.error.code]).toEqual([409, 'conflict']);
    expect(clash.json.error.message).toContain('taken');
    const renamed = await patch(preset.id, { name: 'new-name' });
    expect(renamed.json).toMatchObject({ id: preset.id, name: 'new-name', params: 'w_64,f_png' });
    expect((await fetchImage(presetUrl(s, 'old-name', 'png'))).status).toBe(404);
    expect((await fetchImage(presetUrl(s, 'new-name', 'png'))).meta).toEqual({ width: 64, height: 32, format: 'png' });
  });

  test('bad input is a 400 in the error shape and changes nothing; an unknown or another client\'s preset is 404', async () => {
    const preset = await create({ name: 'steady', params: 'w_120,f_jpeg', widths: null });
    const bad: unknown[] = [
      { params: 'w_abc' },
      { params: 'nonsense_1' },
      { params: 'w_100,exp_4102444800' },
      { params: 42 },
      { name: 'Bad Name!' },
      { name: '' },
      { widths: [] },
      { widths: [15] },
      { widths: ['320'] },
      { widths: 'x' },
      { widths: [320, 320] },
      { eager: 'yes' },
      { formats: ['tiff'] },
      { formats: ['webp'] }, // f_jpeg delivers jpeg only
      { formats: [] },
      { params: 'w_100,dpr_2', widths: [100] },
      {},
      'not an object',
      [1, 2],
      7,
    ];
    for (const body of bad) {
      const { status, json } = await patch(preset.id, body);
      expect([JSON.stringify(body), status, json.error?.code]).toEqual([JSON.stringify(body), 400, expect.stringMatching(/^invalid_/)]);
      expect(typeof json.error.message).toBe('string');
      expect(JSON.stringify(json)).not.toMatch(/\/work|\/tmp|at .*\.ts/);
    }
    const raw = await fetch(`${s.url}/api/v1/presets/${preset.id}`, { method: 'PATCH', headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json' }, body: '{"params":' });
    expect(raw.status).toBe(400);
    expect((await raw.json()).error.code).toMatch(/^invalid_/);
    const stored = (await s.api('GET', '/presets')).json.items.find((p: { id: string }) => p.id === preset.id);
    expect(stored).toMatchObject({ name: 'steady', params: 'w_120,f_jpeg', widths: null, eager: false, formats: ['jpeg'] });
    expect((await fetchImage(presetUrl(s, 'steady', 'jpeg'))).meta).toEqual({ width: 120, height: 60, format: 'jpeg' });

    expect((await patch('no-such-preset', { params: 'w_10' })).status).toBe(404);
    // Another client's key does not reach this client's preset.
    const other = await s.ctx.accounts.createClient('Other tenant', 'other-tenant');
    const foreign = await s.api('PATCH', `/presets/${preset.id}`, { params: 'w_10' }, other.apiKey.apiKey);
    expect([foreign.status, foreign.json.error.code]).toEqual([404, 'not_found']);
    const empty = await patch(preset.id, {});
    expect(empty.json.error.message).toBe("Invalid input: Expected object to have at least 1 properties");
    // A patch that would change nothing but names a field answers the preset as it is.
    const same = await patch(preset.id, { params: 'f_jpeg,w_120' });
    expect([same.status, same.json.params]).toEqual([200, 'w_120,f_jpeg']);
  });

  test('eager: an edit of an eager preset queues its variants again with the new params (each computed, then a hit); turning eager off drops them', async () => {
    const preset = await create({ name: 'ahead', params: 'w_80', widths: [40, 80], eager: true, formats: ['webp', 'jpeg'] });
    const progress = async () => (await s.api('GET', `/presets/${preset.id}/warm`)).json as { pending: number; ready: number; failed: number };
    const settle = async () => {
      const until = Date.now() + 20_000;
      let p = await progress();
      while (p.pending > 0 && Date.now() < until) {
        await Bun.sleep(25);
        p = await progress();
      }
      return p;
    };
    // Made after the upload: nothing queued yet.
    expect(await progress()).toEqual({ pending: 0, ready: 0, failed: 0 });
    const edited = await patch(preset.id, { params: 'w_80,h_80,c_fill', widths: [40, 80, 120], formats: ['avif', 'webp'] });
    expect(edited.status).toBe(200);
    // One image × 3 widths × 2 formats, with the new params.
    expect(await settle()).toEqual({ pending: 0, ready: 6, failed: 0 });
    for (const width of [40, 80, 120]) {
      for (const ext of ['avif', 'webp']) {
        const got = await fetchImage(presetUrl(s, 'ahead', ext, width));
        expect([width, ext, got.cache, got.meta?.width, got.meta?.height]).toEqual([width, ext, 'HIT', width, width]);
      }
    }
    expect((await s.api('GET', `/images/${imageId}`)).json.variants).toEqual({ pending: 0, ready: 6 });
    expect((await patch(preset.id, { eager: false })).json.eager).toBe(false);
    expect(await progress()).toEqual({ pending: 0, ready: 0, failed: 0 });
    expect((await s.api('GET', `/images/${imageId}`)).json.variants).toEqual({ pending: 0, ready: 0 });
  });

  test('webhooks hear preset.updated with the preset as it is now', async () => {
    const receiver = await startReceiver();
    const hook = await s.api('POST', '/webhooks', { url: receiver.url, events: ['preset.updated'] });
    expect(hook.status).toBe(201);
    receiver.secret = hook.json.secret;
    const preset = await create({ name: 'hooked', params: 'w_50' });
    await patch(preset.id, { params: 'w_60', widths: [30, 60] });
    // Earlier edits' events may still be on their way: this preset's is the one looked at.
    const until = Date.now() + 15_000;
    const mine = () => [...receiver.events.values()].find((e) => e.json.data?.id === preset.id);
    while (!mine() && Date.now() < until) await Bun.sleep(25);
    const event = mine();
    expect(event!.json.type).toBe('preset.updated');
    expect(event!.json.data).toMatchObject({ id: preset.id, name: 'hooked', params: 'w_60', widths: [30, 60] });
    await receiver.down();
  });
});

test('another node sharing the database serves the new params once the change reaches it', async () => {
  const b = await startServer(FAST, { dataDir: s.dataDir, clientId: 'node-b' });
  try {
    const preset = await create({ name: 'shared', params: 'w_100,h_50,c_fill' });
    const onB = `${b.url}/t/${s.clientId}/preset:shared/${imageId}.webp`;
    expect((await fetchImage(onB)).meta).toEqual({ width: 100, height: 50, format: 'webp' });
    expect((await fetchImage(onB)).cache).toBe('HIT');
    expect((await patch(preset.id, { params: 'w_30,h_30,c_fill' })).status).toBe(200);
    const until = Date.now() + 5_000;
    let meta = (await fetchImage(onB)).meta;
    while (meta?.width !== 30 && Date.now() < until) {
      await Bun.sleep(50);
      meta = (await fetchImage(onB)).meta;
    }
    expect(meta).toEqual({ width: 30, height: 30, format: 'webp' });
  } finally {
    await b.stop({ keepData: true });
  }
});

test('the CLI edits a preset by name or id, locally and against a server', async () => {
  const preset = await create({ name: 'clied', params: 'w_70', widths: [35, 70] });
  const remote = { env: { HOME: isolatedHome(), IMGAPI_URL: s.url, IMGAPI_KEY: s.apiKey } };
  const first = await runCli(['preset', 'update', 'clied', '--params', 'w_50,h_50,c_fill', '--widths', '25,50', '--eager', '--formats', 'webp,avif', '--json'], remote);
  expect([first.code, first.stderr]).toEqual([0, '']);
  expect(JSON.parse(first.stdout)).toMatchObject({ id: preset.id, params: 'w_50,h_50,c_fill', widths: [25, 50], eager: true, formats: ['webp', 'avif'] });
  expect((await fetchImage(presetUrl(s, 'clied', 'webp', 50))).meta).toEqual({ width: 50, height: 50, format: 'webp' });
  const second = await runCli(['preset', 'update', preset.id, '--no-widths', '--no-eager', '--no-formats'], remote);
  expect([second.code, second.stderr, second.stdout.trim()]).toEqual([0, '', 'clied\tw_50,h_50,c_fill']);
  const bad = await runCli(['preset', 'update', 'clied', '--params', 'w_zz'], remote);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('w_zz');
  expect((await runCli(['preset', 'update', 'missing', '--params', 'w_10'], remote)).stderr).toContain('Preset "missing"');

  // Local mode, on the running server's data directory: the server hears the change (SQLite's data_version).
  const local = { env: { HOME: isolatedHome(), IMGAPI_DATA: s.dataDir, IMGAPI_CLIENT: s.clientId } };
  const offline = await runCli(['preset', 'update', 'clied', '--params', 'w_44,h_22,c_fill', '--json'], local);
  expect([offline.code, offline.stderr]).toEqual([0, '']);
  expect(JSON.parse(offline.stdout)).toMatchObject({ name: 'clied', params: 'w_44,h_22,c_fill', widths: null, eager: false });
  const until = Date.now() + 5_000;
  let meta = (await fetchImage(presetUrl(s, 'clied'))).meta;
  while (meta?.width !== 44 && Date.now() < until) {
    await Bun.sleep(50);
    meta = (await fetchImage(presetUrl(s, 'clied'))).meta;
  }
  expect(meta).toEqual({ width: 44, height: 22, format: 'webp' });
});
