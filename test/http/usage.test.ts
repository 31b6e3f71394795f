import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { signPath } from '../../src/core/signing';
import { decode, jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

// GET /api/v1/usage: what the calling client stores and its traffic per UTC day.

const today = () => new Date().toISOString().slice(0, 10);
const zeroDay = { deliveries: 0, bytesServed: 0, hits: 0, misses: 0, transforms: 0, uploads: 0 };

/** Bytes of every file below a directory (the variant cache of one client). */
function bytesBelow(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const info = statSync(join(dir, entry));
    if (info.isFile()) total += info.size;
  }
  return total;
}

describe('stored', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s?.stop());

  test("images and their originals' bytes, of the calling client only, following uploads, replaces and deletes", async () => {
    expect((await s.api('GET', '/usage')).json).toMatchObject({ images: 0, originalsBytes: 0, variantBytes: 0 });
    const a = await jpeg(300, 200);
    const b = await png(40, 40);
    const first = (await s.upload(a, 'a.jpg', 'x')).json;
    await s.upload(b, 'b.png');
    expect((await s.api('GET', '/usage')).json).toMatchObject({ images: 2, originalsBytes: a.length + b.length });

    const smaller = await jpeg(20, 10);
    const form = new FormData();
    form.append('file', new File([smaller as Uint8Array<ArrayBuffer>], 'c.jpg'));
    expect((await s.api('PUT', `/images/${first.id}`, form)).status).toBe(200);
    expect((await s.api('GET', '/usage')).json).toMatchObject({ images: 2, originalsBytes: smaller.length + b.length });

    const other = await s.ctx.accounts.createClient('Usage neighbour', 'neighbour');
    expect((await s.api('GET', '/usage', undefined, other.apiKey.apiKey)).json).toMatchObject({ images: 0, originalsBytes: 0, deliveries: 0 });

    expect((await s.api('DELETE', `/images/${first.id}?permanent=true`)).status).toBe(204);
    expect((await s.api('GET', '/usage')).json).toMatchObject({ images: 1, originalsBytes: b.length });
    expect((await s.api('GET', '/usage', undefined, 'isk_wrong')).status).toBe(401);
    expect((await s.api('POST', '/usage', {})).status).toBe(405);
  });

  test('the range: 30 days up to today by default, one entry per day with zero days, from/to inclusive', async () => {
    const { status, json } = await s.api('GET', '/usage');
    expect(status).toBe(200);
    expect(json.days.length).toBe(30);
    expect(json.days[29].date).toBe(today());
    expect(json.days[0].date).toBe(new Date(Date.parse(`${today()}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10));
    expect(json.days[0]).toEqual({ date: json.days[0].date, ...zeroDay });
    // Uploads made by the test above are today's.
    expect(json.days[29].uploads).toBe(3);

    const leap = (await s.api('GET', '/usage?from=2024-02-27&to=2024-03-01')).json;
    expect(leap.days).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'].map((date) => ({ date, ...zeroDay })));
    expect(leap).toMatchObject({ deliveries: 0, bytesServed: 0, images: 1 });
    expect((await s.api('GET', '/usage?from=2024-01-01&to=2024-12-31')).json.days.length).toBe(366);
    expect((await s.api('GET', `/usage?from=${today()}&to=${today()}`)).json.days.map((d: { date: string }) => d.date)).toEqual([today()]);
  });

  test('bad ranges are a 400 in the error shape, nothing else', async () => {
    const refused = async (query: string, message: RegExp) => {
      const { status, json } = await s.api('GET', `/usage?${query}`);
      expect(status).toBe(400);
      expect(json.error.code).toBe('invalid_input');
      expect(json.error.message).toMatch(message);
      expect(Object.keys(json)).toEqual(['error']);
    };
    await refused('from=2026-02-30', /^from must be a date \(2026-03-01\), not "2026-02-30"$/);
    await refused('to=yesterday', /^to must be a date \(2026-03-01\), not "yesterday"$/);
    await refused('from=2026-1-1', /^from must be a date/);
    await refused(`from=${'9'.repeat(5000)}`, /^from must be a date \(2026-03-01\), not "9{40}"$/);
    await refused('from=2026-03-02&to=2026-03-01', /^from \(2026-03-02\) must not be after to \(2026-03-01\)$/);
    await refused('from=2024-01-01&to=2025-01-01', /at most 366 days/);
  });
});

describe('traffic', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s?.stop());

  const url = (rest: string) => `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;

  test('deliveries, bytes served, hits, misses, transforms and uploads, counted per client and read back at once', async () => {
    const { id } = (await s.upload(await jpeg(400, 300), 'p.jpg')).json;
    const first = await fetch(url(`w_100/${id}.webp`));
    expect(first.headers.get('x-cache')).toBe('MISS');
    const small = new Uint8Array(await first.arrayBuffer());
    expect((await decode(small)).width).toBe(100);
    // Hits: from memory (the hot path), twice.
    for (let i = 0; i < 2; i++) {
      const again = await fetch(url(`w_100/${id}.webp`));
      expect(again.headers.get('x-cache')).toBe('HIT');
      expect((await again.arrayBuffer()).byteLength).toBe(small.length);
    }
    // A second variant: one more miss and transform.
    const wide = new Uint8Array(await (await fetch(url(`w_200/${id}.png`))).arrayBuffer());
    expect((await decode(wide)).format).toBe('png');
    // Revalidated (304) and HEAD: deliveries without body bytes.
    const notModified = await fetch(url(`w_100/${id}.webp`), { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(notModified.status).toBe(304);
    expect((await fetch(url(`w_100/${id}.webp`), { method: 'HEAD' })).status).toBe(200);
    // Refused requests count nothing: a bad signature, an unknown image, an expired URL.
    expect((await fetch(`${s.url}/t/${s.clientId}/AAAAAAAAAAAAAAAAAAAAAA/w_100/${id}.webp`)).status).toBe(403);
    expect((await fetch(url('w_100/nope.webp'))).status).toBe(404);

    const usage = (await s.api('GET', '/usage')).json;
    const day = usage.days.at(-1);
    expect(day).toEqual({ date: today(), deliveries: 6, bytesServed: 3 * small.length + wide.length, hits: 4, misses: 2, transforms: 2, uploads: 1 });
    expect(usage.deliveries).toBe(6);
    expect(usage.bytesServed).toBe(3 * small.length + wide.length);
    // Variant bytes: what the cache directory holds for this client (both variants, with their trailers).
    const cached = bytesBelow(join(s.dataDir, 'cache', s.clientId));
    expect(cached).toBeGreaterThanOrEqual(small.length + wide.length);
    expect(usage.variantBytes).toBe(cached);
    expect(usage.originalsBytes).toBeGreaterThan(0);

    // Another client sees none of it.
    const other = await s.ctx.accounts.createClient('Traffic neighbour', 'traffic-neighbour');
    expect((await s.api('GET', '/usage', undefined, other.apiKey.apiKey)).json).toMatchObject({ deliveries: 0, bytesServed: 0, variantBytes: 0, images: 0 });
  });

  test('counts reach the database on their own every IMGAPI_USAGE_FLUSH_MS, and at stop, with no read flushing them', async () => {
    // The table the flusher writes, read directly (the report would flush first).
    const stored = (dataDir: string) => {
      const db = new Database(join(dataDir, 'imgapi.db'), { readonly: true });
      try {
        return db.query<{ uploads: number; deliveries: number }, []>('SELECT SUM(uploads) AS uploads, SUM(deliveries) AS deliveries FROM usage_days').get()!;
      } finally {
        db.close();
      }
    };
    const ticking = await startServer({ IMGAPI_USAGE_FLUSH_MS: '50' });
    try {
      await ticking.upload(await png(10, 10), 'a.png');
      const deadline = Date.now() + 10_000;
      while (stored(ticking.dataDir).uploads !== 1 && Date.now() < deadline) await Bun.sleep(20);
      expect(stored(ticking.dataDir).uploads).toBe(1);
    } finally {
      await ticking.stop();
    }

    // An hour between flushes: only the stop writes them.
    const idle = await startServer({ IMGAPI_USAGE_FLUSH_MS: '3600000' });
    const { id } = (await idle.upload(await png(10, 10), 'b.png')).json;
    const rest = `w_5/${id}.png`;
    expect((await fetch(`${idle.url}/t/${idle.clientId}/${signPath(idle.secret, idle.clientId, rest)}/${rest}`)).status).toBe(200);
    expect(stored(idle.dataDir)).toEqual({ uploads: null, deliveries: null } as never);
    await idle.stop({ keepData: true });
    try {
      expect(stored(idle.dataDir)).toEqual({ uploads: 1, deliveries: 1 });
    } finally {
      rmSync(idle.dataDir, { recursive: true, force: true });
    }
  });
});
