import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { loadConfig } from '../../src/config';
import { signPath } from '../../src/core/signing';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

const signed = (s: TestServer, rest: string) => `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;

describe('Cache-Tag and Surrogate-Key on delivery', () => {
  let s: TestServer;
  let id: string;
  beforeAll(async () => {
    s = await startServer();
    id = (await s.upload(await jpeg(300, 200), 'photo.jpg')).json.id;
    expect((await s.api('POST', '/presets', { name: 'thumb', params: 'w_100' })).status).toBe(201);
  });
  afterAll(() => s.stop());

  const expectTags = (response: Response) => {
    // Cloudflare reads comma-separated tags, Fastly space-separated keys.
    expect(response.headers.get('cache-tag')).toBe(`img-${id},client-${s.clientId}`);
    expect(response.headers.get('surrogate-key')).toBe(`img-${id} client-${s.clientId}`);
  };

  test('a miss, a disk hit and a memory hit, signed and preset URLs, GET and HEAD', async () => {
    for (const url of [signed(s, `w_120/${id}.webp`), `${s.url}/t/${s.clientId}/preset:thumb/${id}.webp`]) {
      const miss = await fetch(url);
      await miss.arrayBuffer();
      expect(miss.headers.get('x-cache')).toBe('MISS');
      expectTags(miss);
      const hit = await fetch(url);
      await hit.arrayBuffer();
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expectTags(hit);
      const head = await fetch(url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expectTags(head);
    }
  });

  test('a 304 carries them too; an error does not', async () => {
    const url = signed(s, `w_130/${id}.webp`);
    const first = await fetch(url);
    await first.arrayBuffer();
    const revalidated = await fetch(url, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
    expectTags(revalidated);
    const missing = await fetch(signed(s, `w_130/nosuchimage000000000000.webp`));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-tag')).toBeNull();
    expect(missing.headers.get('surrogate-key')).toBeNull();
  });
});

describe('IMGAPI_CDN_TAGS=0', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ IMGAPI_CDN_TAGS: '0' });
  });
  afterAll(() => s.stop());

  test('no tag headers on a miss, a hit or a 304', async () => {
    const id = (await s.upload(await jpeg(300, 200), 'photo.jpg')).json.id;
    const url = signed(s, `w_120/${id}.webp`);
    for (let i = 0; i < 2; i++) {
      const response = await fetch(url);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-tag')).toBeNull();
      expect(response.headers.get('surrogate-key')).toBeNull();
      const revalidated = await fetch(url, { headers: { 'if-none-match': response.headers.get('etag')! } });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.get('cache-tag')).toBeNull();
    }
  });

  test('the setting takes 1/0 and refuses anything else', () => {
    expect(loadConfig({}).cdnTags).toBe(true);
    expect(loadConfig({ IMGAPI_CDN_TAGS: '1' }).cdnTags).toBe(true);
    expect(loadConfig({ IMGAPI_CDN_TAGS: '0' }).cdnTags).toBe(false);
    expect(() => loadConfig({ IMGAPI_CDN_TAGS: 'maybe' })).toThrow('IMGAPI_CDN_TAGS must be 1 or 0');
  });
});
