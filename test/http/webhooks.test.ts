import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { until } from '../helpers/until';
import { startReceiver } from '../helpers/webhook-receiver';

const ALL_EVENTS = [
  'image.created', 'image.replaced', 'image.updated', 'image.deleted',
  'folder.created', 'folder.renamed', 'folder.deleted', 'preset.created', 'preset.deleted',
];
const FAST = { IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100' };

describe('webhooks on a real server and receiver', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(FAST);
  });
  afterAll(() => server.stop());

  test('every change arrives signed (Standard Webhooks), with { type, timestamp, data } as the API presents it; each endpoint gets its events only', async () => {
    const receiver = await startReceiver();
    const onlyDeletes = await startReceiver();
    const created = await server.api('POST', '/webhooks', { url: receiver.url, events: ALL_EVENTS });
    expect(created.status).toBe(201);
    // The answer holds the secret: never cached.
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(created.json)).toEqual(expect.arrayContaining(['id', 'url', 'events', 'secret', 'enabled']));
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(created.json.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(created.json).toMatchObject({ url: receiver.url, events: ALL_EVENTS, enabled: true });
    receiver.secret = created.json.secret;
    const second = await server.api('POST', '/webhooks', { url: onlyDeletes.url, events: ['image.deleted'] });
    onlyDeletes.secret = second.json.secret;

    const listed = await server.api('GET', '/webhooks');
    expect(listed.json.items.map((w: any) => w.id)).toEqual([created.json.id, second.json.id]);
    expect(listed.json.items[0].secret).toBeUndefined();

    const upload = await server.upload(await jpeg(40, 30), 'a.jpg', 'shop');
    const imageId = upload.json.id;
    await server.api('PATCH', `/images/${imageId}`, { originalName: 'b.jpg' });
    const form = new FormData();
    form.append('file', new File([(await jpeg(20, 10)) as Uint8Array<ArrayBuffer>], 'c.jpg'));
    await server.api('PUT', `/images/${imageId}`, form);
    const folder = (await server.api('GET', '/folders')).json.folders[0];
    await server.api('PATCH', `/folders/${folder.id}`, { name: 'store' });
    const preset = await server.api('POST', '/presets', { name: 'thumb', params: 'w_100' });
    await server.api('DELETE', `/presets/${preset.json.id}`);
    await server.api('DELETE', `/images/${imageId}?permanent=true`);
    await server.api('DELETE', `/folders/${folder.id}`);

    const events = await receiver.waitFor(9);
    expect(events.map((e) => e.json.type).sort()).toEqual([...ALL_EVENTS].sort());
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    for (const event of events) {
      expect(Object.keys(event.json).sort()).toEqual(['data', 'timestamp', 'type']);
      expect(event.id).toMatch(/^msg_/);
      expect(new Date(event.json.timestamp).toISOString()).toBe(event.json.timestamp);
    }
    const byType = Object.fromEntries(events.map((e) => [e.json.type, e.json.data]));
    expect(byType['image.created']).toMatchObject({ id: imageId, originalName: 'a.jpg', folder: 'shop', version: 1, deliveryBase: `/t/${server.clientId}` });
    expect(byType['image.created'].thumbnailUrl).toContain(`/${imageId}.webp`);
    expect(byType['image.updated']).toMatchObject({ id: imageId, originalName: 'b.jpg' });
    expect(byType['image.replaced']).toMatchObject({ id: imageId, version: 2, width: 20 });
    expect(byType['image.deleted']).toMatchObject({ id: imageId });
    expect(byType['folder.created']).toEqual({ id: folder.id, name: 'shop', path: 'shop', parentId: null });
    expect(byType['folder.renamed']).toMatchObject({ id: folder.id, name: 'store', path: 'store' });
    expect(byType['folder.deleted']).toMatchObject({ id: folder.id });
    expect(byType['preset.created']).toMatchObject({ id: preset.json.id, name: 'thumb', params: 'w_100' });
    expect(byType['preset.deleted']).toMatchObject({ name: 'thumb' });

    const deletes = await onlyDeletes.waitFor(1);
    expect(deletes.map((e) => e.json.type)).toEqual(['image.deleted']);
    // The same event carries the same webhook-id to every endpoint.
    expect(deletes[0]!.id).toBe(events.find((e) => e.json.type === 'image.deleted')!.id);

    const log = await server.api('GET', `/webhooks/${created.json.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.json.items.length).toBe(9);
    expect(log.json.items[0]).toMatchObject({ ok: true, status: 200, error: null, attempt: 1 });
    expect(typeof log.json.items[0].latencyMs).toBe('number');

    const sent = await server.api('POST', `/webhooks/${created.json.id}/test`);
    expect(sent.status).toBe(202);
    const tested = await receiver.waitFor(10);
    expect(tested.find((e) => e.id === sent.json.id)!.json).toMatchObject({ type: 'webhook.test', data: { webhookId: created.json.id } });

    expect((await server.api('DELETE', `/webhooks/${second.json.id}`)).status).toBe(204);
    expect((await server.api('DELETE', `/webhooks/${second.json.id}`)).status).toBe(404);
    expect((await server.api('GET', `/webhooks/${second.json.id}/deliveries`)).status).toBe(404);
    await server.api('DELETE', `/webhooks/${created.json.id}`);
    await receiver.down();
    await onlyDeletes.down();
  });

  test('an image in an event is presented as the API presents it, its variants counts included', async () => {
    const receiver = await startReceiver();
    const created = await server.api('POST', '/webhooks', { url: receiver.url, events: ['image.created'] });
    receiver.secret = created.json.secret;
    const preset = await server.api('POST', '/presets', { name: 'hookeager', params: 'w_20', eager: true, formats: ['webp', 'avif'] });
    expect(preset.status).toBe(201);
    const upload = await server.upload(await jpeg(30, 20), 'eager.jpg');
    expect(upload.json.variants.pending + upload.json.variants.ready).toBe(2);
    const [event] = await receiver.waitFor(1);
    expect(event!.json.data.variants.pending + event!.json.data.variants.ready).toBe(2);
    // Counts change as the jobs run, and the API's thumbnailUrl starts with the request's origin
    // (an event's with IMGAPI_PUBLIC_URL, unset here): the rest is the same object.
    const { variants: _sent, thumbnailUrl: sentThumb, thumbnailUrl2x: sentThumb2x, downloadUrl: sentDownload, ...sent } = event!.json.data;
    const { variants: _now, thumbnailUrl: apiThumb, thumbnailUrl2x: apiThumb2x, downloadUrl: apiDownload, ...api } = (await server.api('GET', `/images/${upload.json.id}`)).json;
    expect(sent).toEqual(api);
    expect(apiThumb).toBe(`${server.url}${sentThumb}`);
    expect(apiThumb2x).toBe(`${server.url}${sentThumb2x}`);
    expect(apiDownload).toBe(`${server.url}${sentDownload}`);
    await server.api('DELETE', `/presets/${preset.json.id}`);
    await server.api('DELETE', `/images/${upload.json.id}`);
    await server.api('DELETE', `/webhooks/${created.json.id}`);
    await receiver.down();
  });

  test('an endpoint that hangs does not hold up the others: their events still arrive at once', async () => {
    const slow = await startReceiver();
    const fast = await startReceiver();
    slow.delay = 8_000;
    const hooks = [];
    for (const receiver of [slow, fast]) {
      const created = await server.api('POST', '/webhooks', { url: receiver.url, events: ['image.created'] });
      receiver.secret = created.json.secret;
      hooks.push(created.json.id);
    }
    await server.upload(await jpeg(11, 10), 'slow-1.jpg');
    await fast.waitFor(1, 3_000);
    for (let i = 0; i < 3; i++) await server.upload(await jpeg(12 + i, 10), `slow-${i + 2}.jpg`);
    const started = Date.now();
    await fast.waitFor(4, 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(slow.events.size).toBe(0); // still hanging on the first
    for (const id of hooks) await server.api('DELETE', `/webhooks/${id}`);
    await slow.down();
    await fast.down();
  }, 20_000);

  test('the trash: image.trashed when an image moves there, image.restored when it comes back, image.deleted once it is gone for good', async () => {
    const receiver = await startReceiver();
    const created = await server.api('POST', '/webhooks', { url: receiver.url, events: ['image.trashed', 'image.restored', 'image.deleted'] });
    receiver.secret = created.json.secret;
    const { id } = (await server.upload(await jpeg(12, 10), 'trash-hook.jpg', 'hooked')).json;
    expect((await server.api('DELETE', `/images/${id}`)).status).toBe(204);
    expect((await server.api('POST', `/images/${id}/restore`)).status).toBe(200);
    expect((await server.api('DELETE', `/images/${id}`)).status).toBe(204);
    expect((await server.api('DELETE', `/images/${id}?permanent=true`)).status).toBe(204);
    const events = await receiver.waitFor(4);
    const sorted = events.sort((a, b) => a.json.timestamp.localeCompare(b.json.timestamp));
    expect(sorted.map((e) => e.json.type)).toEqual(['image.trashed', 'image.restored', 'image.trashed', 'image.deleted']);
    expect(sorted.every((e) => e.json.data.id === id && e.json.data.folder === 'hooked')).toBe(true);
    await server.api('DELETE', `/webhooks/${created.json.id}`);
    await receiver.down();
  });

  test('a receiver down for a while gets every event once when it comes back (deduplicated by webhook-id)', async () => {
    const receiver = await startReceiver({ up: false });
    const created = await server.api('POST', '/webhooks', { url: receiver.url, events: ['image.created', 'image.deleted'] });
    receiver.secret = created.json.secret;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await server.upload(await jpeg(10 + i, 10), `d${i}.jpg`)).json.id);
    await server.api('DELETE', `/images/${ids[0]}?permanent=true`);
    // Several failed attempts meanwhile: one at least for each of the 5 events (a loaded machine takes longer).
    const attempts = () => server.api('GET', `/webhooks/${created.json.id}/deliveries`).then((r) => r.json.items);
    const failed = await until(attempts, (items) => items.length >= 5, 10_000);
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(failed.every((a: any) => !a.ok && a.status === null && a.error)).toBe(true);
    receiver.up();
    const events = await receiver.waitFor(5);
    await Bun.sleep(500);
    expect(receiver.events.size).toBe(5);
    expect(events.filter((e) => e.json.type === 'image.created').map((e) => e.json.data.id).sort()).toEqual([...ids].sort());
    expect(events.filter((e) => e.json.type === 'image.deleted').map((e) => e.json.data.id)).toEqual([ids[0]]);
    // Delivered once each: no id was accepted twice.
    const accepted = receiver.requests.filter((r) => r.verified).map((r) => r.id);
    expect(new Set(accepted).size).toBe(accepted.length);
    expect((await server.api('GET', '/webhooks')).json.items.find((w: any) => w.id === created.json.id).enabled).toBe(true);
    await server.api('DELETE', `/webhooks/${created.json.id}`);
    await receiver.down();
  });
});

test('an endpoint failing for the whole window is retried with growing back-off, then disabled; a test event that gets through enables it again', async () => {
  const server = await startServer({ ...FAST, IMGAPI_WEBHOOK_DISABLE_AFTER_MS: '2500' });
  try {
    const receiver = await startReceiver();
    receiver.answer = 500;
    const created = await server.api('POST', '/webhooks', { url: receiver.url, events: ['image.created'] });
    receiver.secret = created.json.secret;
    await server.upload(await jpeg(10, 10), 'x.jpg');
    const deadline = Date.now() + 15_000;
    let hook: any;
    do {
      await Bun.sleep(100);
      hook = (await server.api('GET', '/webhooks')).json.items[0];
    } while (hook.enabled && Date.now() < deadline);
    expect(hook).toMatchObject({ enabled: false });
    expect(hook.disabledAt).toBeString();
    expect(hook.failingSince).toBeString();
    const times = receiver.requests.map((r) => r.at);
    expect(times.length).toBeGreaterThanOrEqual(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 100, 200, 400, 800 ms…: each wait at least its scheduled back-off (a busy machine only
    // lengthens a wait), and each clearly longer than the one before up to 100 ms of scheduling
    // noise (a loaded machine once gave 157 ms then 205 ms). Together they rule out a wait that does not grow.
    for (let i = 0; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(100 * 2 ** i);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]! * 1.5 - 100);
    const log = (await server.api('GET', `/webhooks/${created.json.id}/deliveries`)).json.items;
    expect(log[0]).toMatchObject({ ok: false, status: 500, event: 'image.created' });
    expect(log[0].error).toContain('HTTP 500');
    expect(log.map((a: any) => a.attempt)).toEqual(times.map((_, i) => times.length - i));

    // Disabled: new events are not attempted.
    const before = receiver.requests.length;
    await server.upload(await jpeg(11, 10), 'y.jpg');
    await Bun.sleep(600);
    expect(receiver.requests.length).toBe(before);

    receiver.answer = 200;
    const sent = await server.api('POST', `/webhooks/${created.json.id}/test`);
    await receiver.waitFor(1);
    expect([...receiver.events.keys()]).toEqual([sent.json.id]);
    await Bun.sleep(100);
    expect((await server.api('GET', '/webhooks')).json.items[0]).toMatchObject({ enabled: true, disabledAt: null, failingSince: null });
    await receiver.down();
  } finally {
    await server.stop();
  }
});

describe('SSRF: targets on private addresses are refused without IMGAPI_WEBHOOK_ALLOW_PRIVATE', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  const hostile = [
    'http://127.0.0.1/hook', 'http://127.1.2.3:8080/', 'http://localhost/hook', 'http://api.localhost/', 'http://0.0.0.0/',
    'http://[::1]/', 'http://[::]/', 'http://169.254.169.254/latest/meta-data/', 'http://metadata.google.internal/',
    'http://10.0.0.1/', 'http://172.16.5.4/', 'http://172.31.255.255/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://100.127.255.254/',
    'http://[fd00::1]/', 'http://[fd00:ec2::254]/', 'http://[fc00::1]/', 'http://[fe80::1]/', 'http://[febf::1]/',
    'http://[::ffff:127.0.0.1]/', 'http://[::ffff:169.254.169.254]/', 'http://[::ffff:a00:1]/', 'http://[64:ff9b::7f00:1]/',
    'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.0.0.1.nip.io.localhost/', 'https://[ff02::1]/',
  ];
  test.each(hostile)('%s → 400 forbidden_target', async (url) => {
    const answer = await server.api('POST', '/webhooks', { url, events: ['image.created'] });
    expect([url, answer.status, answer.json.error?.code]).toEqual([url, 400, 'forbidden_target']);
  });

  test('not http(s), or with credentials: 400 invalid_input; unknown events: 400; a public address is registered without a connection', async () => {
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'http://user:pass@example.com/', 'not a url']) {
      const answer = await server.api('POST', '/webhooks', { url, events: ['image.created'] });
      expect([url, answer.status, answer.json.error.code]).toEqual([url, 400, 'invalid_input']);
    }
    expect((await server.api('POST', '/webhooks', { url: 'https://93.184.215.14/hook', events: ['image.nope'] })).status).toBe(400);
    expect((await server.api('POST', '/webhooks', { url: 'https://93.184.215.14/hook', events: [] })).status).toBe(400);
    const ok = await server.api('POST', '/webhooks', { url: 'https://93.184.215.14/hook', events: ['image.created'] });
    expect(ok.status).toBe(201);
    expect((await server.api('GET', `/webhooks/${ok.json.id}/deliveries`)).json.items).toEqual([]);
  });
});
