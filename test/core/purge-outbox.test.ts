import { Database } from 'bun:sqlite';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import type { ImageRecord, PresetRecord } from '../../src/core/ports';
import { createPurgeTargetService, parseTargetConfig, PURGE_CHANGE, PURGE_TARGET, secretHint } from '../../src/core/purge/purge-targets';
import { fetchSender, guardedSender, type PurgeSender } from '../../src/core/purge/requests';
import { createSqliteOutboxRepository } from '../../src/db/sqlite-outbox';
import { createSqlitePurgeTargetRepository } from '../../src/db/sqlite-purge-targets';

const migration = (name: string) => readFileSync(new URL(`../../src/db/migrations/${name}`, import.meta.url), 'utf8');

/** A loopback provider: records requests; answers the statuses queued, then 200. */
let provider: ReturnType<typeof Bun.serve>;
let base: string;
const seen: { method: string; path: string; headers: Headers; body: string }[] = [];
const statuses: number[] = [];
beforeAll(() => {
  provider = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      seen.push({ method: request.method, path: url.pathname + url.search, headers: request.headers, body: await request.text() });
      return new Response('{}', { status: statuses.shift() ?? 200 });
    },
  });
  base = `http://127.0.0.1:${provider.port}`;
});
afterAll(() => provider.stop(true));

function setup(checked: string[] = [], send: PurgeSender = fetchSender()) {
  const db = new Database(':memory:', { strict: true });
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(migration('001_init.sql'));
  db.exec(migration('010_outbox_webhooks.sql'));
  db.exec(migration('011_purge_targets.sql'));
  db.query("INSERT INTO clients (id, name, signing_secret, created_at) VALUES ('acme', 'Acme', 's', '2026-01-01T00:00:00Z')").run();
  const outbox = createSqliteOutboxRepository(db);
  const presets: PresetRecord[] = [{ id: 'p1', clientId: 'acme', name: 'thumb', params: 'w_100,f_webp', widths: null, eager: false, formats: null, createdAt: '' }];
  const service = createPurgeTargetService({
    repo: createSqlitePurgeTargetRepository(db),
    presets: { list: async () => presets },
    outbox,
    checkTarget: async (url) => void checked.push(url),
    send,
    publicBase: 'https://img.example.com',
    now: () => new Date(),
  });
  const dispatcher = createOutboxDispatcher({ repo: outbox, retryBaseMs: 20, pollMs: 10, onError: () => {} });
  for (const [kind, send] of Object.entries(service.senders)) dispatcher.register(kind, send);
  return { db, outbox, service, dispatcher };
}

const image = (over: Partial<ImageRecord> = {}): ImageRecord => ({
  id: 'IMG1', clientId: 'acme', folderId: null, folderPath: '', originalName: 'a.jpg', format: 'jpeg', width: 10, height: 10, bytes: 1,
  hasAlpha: false, frames: 1, contentHash: 'h', originalKey: 'k', version: 1, focalPoint: null, placeholder: null, tags: [], alt: '', meta: {}, createdAt: '', updatedAt: '', ...over,
});

beforeEach(() => {
  seen.length = 0;
  statuses.length = 0;
});

describe('purge targets', () => {
  test('configuration is checked per kind; the API base or hook URL goes through the target check', async () => {
    const checked: string[] = [];
    const { service } = setup(checked);
    expect(() => parseTargetConfig({ kind: 'akamai' })).toThrow('Expected cloudflare, fastly, bunny or http for kind');
    expect(() => parseTargetConfig({ kind: 'cloudflare', zoneId: 'z' })).toThrow('apiToken');
    expect(() => parseTargetConfig({ kind: 'http', url: 'ftp://x' })).toThrow('Expected an http(s) URL for url');
    await service.create('acme', { kind: 'cloudflare', zoneId: 'z', apiToken: 'abcdefghijklmnop', apiBase: `${base}/cf` });
    await service.create('acme', { kind: 'http', url: `${base}/hook` });
    await service.create('acme', { kind: 'fastly', serviceId: 's', apiToken: 't' });
    expect(checked).toEqual([`${base}/cf`, `${base}/hook`]);
    expect((await service.list('acme')).map((t) => t.config.kind).sort()).toEqual(['cloudflare', 'fastly', 'http']);
    expect(secretHint('abcdefghijklmnop')).toBe('••••mnop');
    expect(secretHint('short')).toBe('••••');
  });

  test('a change becomes one purge row; working it off writes one row per target, each sent as its provider documents', async () => {
    const { service, dispatcher, outbox, db } = setup();
    const cf = await service.create('acme', { kind: 'cloudflare', zoneId: 'Z', apiToken: 'tok', apiBase: `${base}/client/v4` });
    const fastly = await service.create('acme', { kind: 'fastly', serviceId: 'S', apiToken: 'ftok', apiBase: base });
    const messages = service.subscriber({ type: 'image.replaced', clientId: 'acme', at: '', image: image({ version: 2 }), previous: image() });
    expect(messages.map((m) => m.kind)).toEqual([PURGE_CHANGE]);
    await outbox.enqueue(messages, Date.now());
    await dispatcher.runOnce();
    const kinds = db.query<{ kind: string }, []>('SELECT kind FROM outbox').all();
    expect(kinds).toEqual([]);
    expect(seen.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['POST /client/v4/zones/Z/purge_cache', 'POST /client/v4/zones/Z/purge_cache', 'POST /service/S/purge'].sort());
    const fastlyCall = seen.find((r) => r.path === '/service/S/purge')!;
    expect(fastlyCall.headers.get('surrogate-key')).toBe('img-IMG1');
    expect(fastlyCall.headers.get('fastly-key')).toBe('ftok');
    const cfBodies = seen.filter((r) => r.path.includes('purge_cache')).map((r) => JSON.parse(r.body));
    expect(cfBodies[0]).toEqual({ tags: ['img-IMG1'] });
    expect(cfBodies[1]).toEqual({ files: ['https://img.example.com/t/acme/preset:thumb/IMG1.webp', 'https://img.example.com/t/acme/preset:thumb/IMG1.webp?v=1'] });
    const log = await outbox.attempts(cf.id, 10);
    expect(log.map((a) => [a.ok, a.status, a.event, a.attempt])).toEqual([[true, 200, 'image.replaced', 1]]);
    expect((await outbox.attempts(fastly.id, 10)).length).toBe(1);
  });

  test('a 5xx is retried by the outbox until the provider answers, and each attempt is logged', async () => {
    const { service, dispatcher, outbox } = setup();
    const bunny = await service.create('acme', { kind: 'bunny', accessKey: 'bk', apiBase: base });
    statuses.push(500, 502);
    await outbox.enqueue(service.subscriber({ type: 'preset.deleted', clientId: 'acme', at: '', preset: { id: 'p1', clientId: 'acme', name: 'thumb', params: 'w_100', widths: null, eager: false, formats: null, createdAt: '' } }), Date.now());
    dispatcher.start();
    const deadline = Date.now() + 5_000;
    while ((await outbox.attempts(bunny.id, 10)).filter((a) => a.ok).length === 0 && Date.now() < deadline) await Bun.sleep(10);
    await dispatcher.stop();
    const log = (await outbox.attempts(bunny.id, 10)).reverse();
    expect(log.map((a) => [a.attempt, a.ok, a.status])).toEqual([[1, false, 500], [2, false, 502], [3, true, 200]]);
    expect(log[0]!.error).toContain('answered 500');
    const wildcard = encodeURIComponent('https://img.example.com/t/acme/preset:thumb/*');
    expect(seen.map((r) => `${r.method} ${r.path} ${r.headers.get('accesskey')}`)).toEqual(Array(3).fill(`POST /purge?url=${wildcard} bk`));
    expect(await outbox.pending()).toBe(0);
  });

  test('a large change (a folder of 300 images: 600 URLs, 300 tags) is purged whole, in rows of at most 30 URLs and 30 tags', async () => {
    const { service, dispatcher, outbox } = setup();
    const rows: { id: string; targetId: string; tags: number; urls: number }[] = [];
    const enqueue = outbox.enqueue.bind(outbox);
    outbox.enqueue = async (messages, now) => {
      for (const m of messages) if (m.kind === PURGE_TARGET) {
        const { targetId, scope } = m.payload as { targetId: string; scope: { tags: string[]; urls: string[] } };
        rows.push({ id: m.id, targetId, tags: scope.tags.length, urls: scope.urls.length });
      }
      return enqueue(messages, now);
    };
    const cf = await service.create('acme', { kind: 'cloudflare', zoneId: 'Z', apiToken: 'tok', apiBase: base });
    const fastly = await service.create('acme', { kind: 'fastly', serviceId: 'S', apiToken: 'ftok', apiBase: base });
    const bunny = await service.create('acme', { kind: 'bunny', accessKey: 'bk', apiBase: base });
    const hook = await service.create('acme', { kind: 'http', url: `${base}/hook` });
    const images = Array.from({ length: 300 }, (_, i) => image({ id: `IMG${String(i).padStart(3, '0')}`, version: 1 }));
    const folder = { id: 'F1', clientId: 'acme', path: 'big', name: 'big', parentId: null, createdAt: '' };
    await outbox.enqueue(service.subscriber({ type: 'folder.deleted', clientId: 'acme', at: '', folder: folder as never, images }), Date.now());
    await dispatcher.runOnce();
    expect(await outbox.pending()).toBe(0);

    const allUrls = images.flatMap((i) => [`https://img.example.com/t/acme/preset:thumb/${i.id}.webp`, `https://img.example.com/t/acme/preset:thumb/${i.id}.webp?v=1`]);
    const allTags = images.map((i) => `img-${i.id}`);
    for (const row of rows) expect([row.tags <= 30, row.urls <= 30]).toEqual([true, true]);
    const perTarget = (id: string) => rows.filter((r) => r.targetId === id);
    expect([cf, fastly, bunny, hook].map((t) => perTarget(t.id).length)).toEqual([20, 10, 20, 20]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);

    const bunnyUrls = seen.filter((r) => r.path.startsWith('/purge?url=')).map((r) => new URLSearchParams(r.path.split('?')[1]).get('url'));
    expect(bunnyUrls.sort()).toEqual([...allUrls].sort());
    const cfBodies = seen.filter((r) => r.path === '/zones/Z/purge_cache').map((r) => JSON.parse(r.body));
    expect(cfBodies.flatMap((b) => b.files ?? []).sort()).toEqual([...allUrls].sort());
    expect(cfBodies.flatMap((b) => b.tags ?? []).sort()).toEqual(allTags);
    expect(cfBodies.every((b) => (b.files ?? b.tags).length <= 30)).toBe(true);
    expect(seen.filter((r) => r.path === '/service/S/purge').flatMap((r) => r.headers.get('surrogate-key')!.split(' ')).sort()).toEqual(allTags);
    const hookBodies = seen.filter((r) => r.path === '/hook').map((r) => JSON.parse(r.body));
    expect(hookBodies.flatMap((b) => b.urls).sort()).toEqual([...allUrls].sort());
    expect(hookBodies.flatMap((b) => b.tags).sort()).toEqual(allTags);
    expect(hookBodies.every((b) => b.event === 'image.deleted' && b.imageId === null && b.urls.length <= 30 && b.tags.length <= 30)).toBe(true);
    for (const t of [cf, fastly, bunny, hook]) expect((await outbox.attempts(t.id, 100)).every((a) => a.ok)).toBe(true);
  });

  test('what does not change delivered bytes purges nothing; a target deleted meanwhile is dropped', async () => {
    const { service, dispatcher, outbox } = setup();
    expect(service.subscriber({ type: 'image.updated', clientId: 'acme', at: '', image: image({ originalName: 'b.jpg' }), previous: image() })).toEqual([]);
    expect(service.subscriber({ type: 'image.updated', clientId: 'acme', at: '', image: image({ focalPoint: { x: 0.2, y: 0.3 } }), previous: image() })).toHaveLength(1);
    expect(service.subscriber({ type: 'image.created', clientId: 'acme', at: '', image: image() })).toEqual([]);
    const target = await service.create('acme', { kind: 'http', url: `${base}/hook` });
    await outbox.enqueue([{ id: 'msg_x.' + target.id, kind: PURGE_TARGET, clientId: 'acme', payload: { targetId: target.id, scope: { event: 'image.deleted', clientId: 'acme', imageId: 'IMG1', tags: [], urls: [] } } }], Date.now());
    await service.delete('acme', target.id);
    await expect(service.delete('acme', target.id)).rejects.toThrow('Purge target not found');
    await dispatcher.runOnce();
    expect(seen).toEqual([]);
    expect(await outbox.pending()).toBe(0);
  });

  test('a target the SSRF guard refuses at send time (it resolves to a private address now) is given up after one logged attempt, not retried', async () => {
    const { service, dispatcher, outbox } = setup([], guardedSender({ allowPrivate: false }));
    const target = await service.create('acme', { kind: 'http', url: `${base}/hook` });
    await outbox.enqueue(service.subscriber({ type: 'image.deleted', clientId: 'acme', at: '', image: image() }), Date.now());
    await dispatcher.runOnce();
    expect(seen).toEqual([]);
    expect(await outbox.pending()).toBe(0);
    const log = await outbox.attempts(target.id, 10);
    expect(log.map((a) => [a.attempt, a.ok, a.status])).toEqual([[1, false, null]]);
    expect(log[0]!.error).toContain('is a private, loopback, link-local or metadata address');
  });
});
