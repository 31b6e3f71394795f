import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createContext } from '../../src/context';
import { signPath } from '../../src/core/signing';
import { createObservability } from '../../src/http/observability';
import { jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

const signedUrl = (s: TestServer, rest: string) => `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;

function cacheBytes(dataDir: string): number {
  const root = join(dataDir, 'cache');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('.tmp'))
    .map((f) => statSync(join(root, f)))
    .filter((st) => st.isFile())
    .reduce((sum, st) => sum + st.size, 0);
}

describe('delivery tiers and headers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.stop());

  test('X-Cache: MISS then HIT (from memory), and the metrics count both', async () => {
    const { id } = (await s.upload(await jpeg(300, 200), 'x.jpg')).json;
    const url = signedUrl(s, `w_120/${id}.webp`);
    expect((await fetch(url)).headers.get('x-cache')).toBe('MISS');
    const hit = await fetch(url);
    expect([hit.status, hit.headers.get('x-cache')]).toEqual([200, 'HIT']);
    const api = await fetch(`${s.url}/api/v1/folders`, { headers: { 'x-api-key': s.apiKey, 'x-request-id': 'trace-42' } });
    expect(api.headers.get('x-request-id')).toBe('trace-42');
    expect((await fetch(`${s.url}/healthz`)).headers.get('x-request-id')).toMatch(/^[a-z0-9]+-[a-z0-9]+$/);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    for (const name of [
      'imgapi_http_requests_total{route="/t/*",status="200"}',
      'imgapi_http_request_duration_seconds_bucket{kind="delivery_hit"',
      'imgapi_http_request_duration_seconds_bucket{kind="delivery_miss"',
      'imgapi_variant_cache_hits_total{tier="memory"}',
      'imgapi_variant_cache_hit_ratio',
      'imgapi_variant_cache_bytes{tier="disk"}',
      'imgapi_variant_cache_entries{tier="memory"}',
      'imgapi_variant_cache_evictions_total{tier="disk"}',
      'imgapi_variant_coalesced_total',
      'imgapi_transforms_queued',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(Number(/^imgapi_variant_cache_hits_total\{tier="memory"\} (\d+)$/m.exec(metrics)![1])).toBeGreaterThan(0);
  });

  test('a replaced image is never served from the memory tier', async () => {
    const { id } = (await s.upload(await jpeg(64, 64, { color: '#ff0000' }), 'swap.jpg')).json;
    const url = signedUrl(s, `w_32/${id}.png`);
    await fetch(url);
    const before = await fetch(url);
    expect(before.headers.get('x-cache')).toBe('HIT');
    const form = new FormData();
    form.append('file', new File([await png(40, 20)], 'new.png'));
    await s.api('PUT', `/images/${id}`, form);
    const after = await fetch(url);
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });
});

describe('overload', () => {
  test('beyond IMGAPI_CONCURRENCY + IMGAPI_QUEUE_MAX a miss gets 503 with Retry-After; hits keep flowing', async () => {
    const s = await startServer({ IMGAPI_CONCURRENCY: '1', IMGAPI_QUEUE_MAX: '1' });
    try {
      const { id } = (await s.upload(await jpeg(1600, 1200), 'big.jpg')).json;
      const hitUrl = signedUrl(s, `w_50/${id}.jpg`);
      await fetch(hitUrl);
      const misses = Array.from({ length: 8 }, (_, i) => fetch(signedUrl(s, `w_${700 + i},f_webp,q_90/${id}.webp`)));
      const hit = await fetch(hitUrl);
      expect([hit.status, hit.headers.get('x-cache')]).toEqual([200, 'HIT']);
      const responses = await Promise.all(misses);
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(2);
      const refused = responses.filter((r) => r.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]!.headers.get('retry-after')).toBe('1');
      expect(refused[0]!.headers.get('cache-control')).toBe('no-store');
      expect((await refused[0]!.json()).error.code).toBe('overloaded');
    } finally {
      await s.stop();
    }
  });
});

describe('variant cache budget', () => {
  test('IMGAPI_CACHE_MAX_BYTES evicts least recently used files, counts evictions, and survives a restart', async () => {
    const s = await startServer({ IMGAPI_CACHE_MAX_BYTES: '2500', IMGAPI_MEMORY_CACHE_MAX_BYTES: '0' });
    try {
      const { id } = (await s.upload(await jpeg(400, 300), 'c.jpg')).json;
      const first = signedUrl(s, `w_100/${id}.png`);
      for (let w = 100; w < 130; w += 2) expect((await fetch(signedUrl(s, `w_${w}/${id}.png`))).status).toBe(200);
      await s.ctx.variants.ready;
      expect(cacheBytes(s.dataDir)).toBeLessThanOrEqual(2500);
      expect(s.ctx.variants.stats.diskEvictions).toBeGreaterThan(0);
      expect((await fetch(first)).headers.get('x-cache')).toBe('MISS'); // the oldest went first
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(Number(/^imgapi_variant_cache_evictions_total\{tier="disk"\} (\d+)$/m.exec(metrics)![1])).toBeGreaterThan(0);

      // A new process on the same directory rebuilds its index from the files there.
      const again = await createContext(loadConfig({ IMGAPI_CACHE_MAX_BYTES: '2500', IMGAPI_LOG: 'off' }, { data: s.dataDir }));
      await again.variants.ready;
      expect(again.variants.tiers().diskBytes).toBe(cacheBytes(s.dataDir));
      expect(again.variants.tiers().diskEntries).toBeGreaterThan(0);
      await again.close();
    } finally {
      await s.stop();
    }
  });
});

describe('search index', () => {
  test('follows renames and deletes; FTS syntax in q is literal', async () => {
    const s = await startServer();
    try {
      const { id } = (await s.upload(await png(4, 4), 'Sunset Beach.png', 'trips/summer')).json;
      await s.upload(await png(4, 4), 'weird "quote" NEAR(x).png');
      const names = async (q: string) => (await s.api('GET', `/images?q=${encodeURIComponent(q)}`)).json.items.map((i: any) => i.originalName);
      expect(await names('beach')).toEqual(['Sunset Beach.png']);
      expect(await names('"quote"')).toEqual(['weird "quote" NEAR(x).png']);
      expect(await names('NEAR(')).toEqual(['weird "quote" NEAR(x).png']);
      expect(await names('*')).toEqual([]);
      await s.api('PATCH', `/images/${id}`, { originalName: 'Mountain.png' });
      expect(await names('beach')).toEqual([]);
      expect(await names('mountain')).toEqual(['Mountain.png']);
      expect((await s.api('GET', '/search?q=summ')).json.folders.map((f: any) => f.path)).toEqual(['trips/summer']);
      await s.api('DELETE', `/images/${id}`);
      expect(await names('mountain')).toEqual([]);
      expect((await s.api('GET', '/images?q=mountain')).json.total).toBe(0);
    } finally {
      await s.stop();
    }
  });
});

describe('request logs', () => {
  test('one JSON line per request with id, status, duration and cache outcome; readable lines for a terminal', () => {
    let out = '';
    const json = createObservability({ logFormat: 'json', write: (text) => (out += text) });
    json.record({ id: 'r-1', method: 'GET', route: '/t/*', status: 200, durationMs: 0.42, kind: 'delivery_hit', cache: 'memory' });
    json.record({ id: 'r-2', method: 'POST', route: '/api/v1/images', status: 201, durationMs: 12.345, kind: 'api' });
    json.flush();
    const lines = out.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ id: 'r-1', status: 200, route: '/t/*', durationMs: 0.42, cache: 'memory' });
    expect(lines[1]).toMatchObject({ id: 'r-2', method: 'POST', status: 201, durationMs: 12.35 });
    expect(Date.parse(lines[0].time)).toBeGreaterThan(0);
    let pretty = '';
    const tty = createObservability({ logFormat: 'pretty', write: (text) => (pretty += text) });
    tty.record({ id: 'r-3', method: 'GET', route: '/healthz', status: 200, durationMs: 1, kind: 'other' });
    tty.flush();
    expect(pretty).toMatch(/^\d\d:\d\d:\d\d\.\d{3} 200 GET \/healthz 1ms \[r-3\]\n$/);
  });
});
