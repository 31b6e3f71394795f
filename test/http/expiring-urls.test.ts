import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { signPath } from '../../src/core/signing';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
let photo: string;
beforeAll(async () => {
  s = await startServer();
  photo = (await s.upload(await jpeg(400, 300), 'photo.jpg')).json.id;
});
afterAll(() => s.stop());

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signed(rest: string, secret = s.secret): string {
  return `${s.url}/t/${s.clientId}/${signPath(secret, s.clientId, rest)}/${rest}`;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const body = await response.arrayBuffer();
  return { status: response.status, headers: response.headers, body, json: () => JSON.parse(new TextDecoder().decode(body)) };
}

const maxAge = (headers: Headers) => Number(/max-age=(\d+)/.exec(headers.get('cache-control') ?? '')?.[1]);

describe('exp_: a signed URL that stops working', () => {
  test('before: 200 for the seconds left, from every tier; after: 410 expired, no-store, never from memory', async () => {
    const exp = nowSeconds() + 2;
    const url = signed(`w_120,exp_${exp}/${photo}.webp`);
    const first = await get(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(maxAge(first.headers)).toBeLessThanOrEqual(2);
    const again = await get(url); // the in-memory hot path
    expect([again.status, again.headers.get('x-cache')]).toEqual([200, 'HIT']);
    expect(again.headers.get('cache-control')).not.toContain('immutable');
    expect(maxAge(again.headers)).toBeLessThanOrEqual(2);
    const revalidated = await get(url, { 'if-none-match': first.headers.get('etag')! });
    expect(revalidated.status).toBe(304);
    expect(maxAge(revalidated.headers)).toBeLessThanOrEqual(2);

    await sleep((exp - Date.now() / 1000) * 1000 + 50);
    for (let i = 0; i < 2; i++) {
      const gone = await get(url);
      expect(gone.status).toBe(410);
      expect(gone.headers.get('cache-control')).toBe('no-store');
      expect(gone.json()).toEqual({ error: { code: 'expired', message: expect.any(String) } });
    }
  });

  test('max-age counts down per response: later hits of one URL say fewer seconds', async () => {
    const url = signed(`w_121,exp_${nowSeconds() + 60}/${photo}.webp`);
    const first = maxAge((await get(url)).headers);
    expect(first).toBeGreaterThan(57);
    expect(first).toBeLessThanOrEqual(60);
    await sleep(1100);
    const later = await get(url);
    expect(later.headers.get('x-cache')).toBe('HIT');
    expect(maxAge(later.headers)).toBeLessThan(first);
  });

  test('the variant cache ignores exp: another expiry of a transform is a HIT, with the same ETag', async () => {
    const a = await get(signed(`w_130,exp_${nowSeconds() + 100}/${photo}.webp`));
    const b = await get(signed(`w_130,exp_${nowSeconds() + 200}/${photo}.webp`));
    const plain = await get(signed(`w_130/${photo}.webp`));
    expect([a.status, b.status, plain.status]).toEqual([200, 200, 200]);
    expect(b.headers.get('x-cache')).toBe('HIT');
    expect(plain.headers.get('x-cache')).toBe('HIT');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(new Set([a.headers.get('etag'), b.headers.get('etag'), plain.headers.get('etag')]).size).toBe(1);
  });

  test('stripping or changing exp breaks the signature: 403', async () => {
    const exp = nowSeconds() + 100;
    const signature = signPath(s.secret, s.clientId, `w_140,exp_${exp}/${photo}.webp`);
    const base = `${s.url}/t/${s.clientId}/${signature}`;
    expect((await get(`${base}/w_140,exp_${exp}/${photo}.webp`)).status).toBe(200);
    expect((await get(`${base}/w_140/${photo}.webp`)).status).toBe(403);
    expect((await get(`${base}/w_140,exp_${exp + 3600}/${photo}.webp`)).status).toBe(403);
  });

  test('a bad signature is 403 before an expiry is looked at; a bad exp value is 400', async () => {
    const past = `w_150,exp_${nowSeconds() - 10}/${photo}.webp`;
    expect((await get(signed(past))).status).toBe(410);
    expect((await get(signed(past, 'not-the-secret'))).status).toBe(403);
    expect((await get(signed(`w_150,exp_abc/${photo}.webp`))).status).toBe(400);
  });

  test('a preset cannot carry exp', async () => {
    const created = await s.api('POST', '/presets', { name: 'temporary', params: `w_100,exp_${nowSeconds() + 100}` });
    expect(created.status).toBe(400);
    expect(created.json.error.message).toContain('exp_');
  });
});

describe('POST /sign with expiresIn or expiresAt', () => {
  test('expiresIn adds exp_ to the signed transform; the URL works until then', async () => {
    const before = nowSeconds();
    const { status, json } = await s.api('POST', '/sign', { imageId: photo, transform: 'w_160,f_webp', expiresIn: 3600 });
    expect(status).toBe(200);
    const exp = Number(/exp_(\d+)/.exec(json.canonical)![1]);
    expect(exp - before).toBeGreaterThanOrEqual(3600);
    expect(exp - before).toBeLessThanOrEqual(3601);
    expect(json.canonical).toBe(`w_160,f_webp,exp_${exp}`);
    expect(json.expiresAt).toBe(new Date(exp * 1000).toISOString());
    const delivered = await get(json.url);
    expect(delivered.status).toBe(200);
    expect(maxAge(delivered.headers)).toBeLessThanOrEqual(3600);
    expect(maxAge(delivered.headers)).toBeGreaterThan(3590);
  });

  test('expiresAt (ISO) gives that second; srcset URLs expire too', async () => {
    const at = new Date((nowSeconds() + 7200) * 1000).toISOString();
    const { status, json } = await s.api('POST', '/sign', { imageId: photo, transform: 'w_200', expiresAt: at, widths: [100, 200] });
    expect(status).toBe(200);
    expect(json.canonical).toBe(`w_200,exp_${Date.parse(at) / 1000}`);
    expect(json.srcset.match(/exp_\d+/g)).toHaveLength(2);
    expect((await get(json.url)).status).toBe(200);
  });

  test('with no expiry the URL never expires (as before)', async () => {
    const { json } = await s.api('POST', '/sign', { imageId: photo, transform: 'w_170' });
    expect(json.canonical).toBe('w_170');
    expect(json.expiresAt).toBeUndefined();
  });

  const refused: [string, Record<string, unknown>][] = [
    ['both', { expiresIn: 60, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }],
    ['zero', { expiresIn: 0 }],
    ['negative', { expiresIn: -5 }],
    ['a fraction', { expiresIn: 1.5 }],
    ['over ten years', { expiresIn: 11 * 366 * 24 * 3600 }],
    ['a past time', { expiresAt: '2020-01-01T00:00:00Z' }],
    ['not a time', { expiresAt: 'tomorrow' }],
    ['a time without a zone', { expiresAt: '2099-01-01T00:00:00' }],
    ['with a preset', { preset: 'anything', expiresIn: 60 }],
    ['with exp_ in the transform', { transform: `w_10,exp_${nowSeconds() + 100}`, expiresIn: 60 }],
  ];
  for (const [name, body] of refused) {
    test(`${name} → 400`, async () => {
      const { status, json } = await s.api('POST', '/sign', { imageId: photo, ...(body.preset ? {} : { transform: 'w_100' }), ...body });
      expect(status).toBe(400);
      expect(json.error.code).toBe('invalid_input');
    });
  }
});
