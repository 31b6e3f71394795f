import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { jpeg, png, webp } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
/** name → image object, as uploaded. */
const uploaded: Record<string, any> = {};

beforeAll(async () => {
  s = await startServer();
  // Uploaded in this order (oldest first); sizes in bytes follow from the pixels.
  const files: [string, Uint8Array, string?][] = [
    ['beach.jpg', await jpeg(1200, 800)],
    ['Apple.png', await png(500, 500)],
    ['zebra.webp', await webp(400, 900), 'album'],
    ['apple.png', await png(3000, 2000), 'album/2026'],
    ['Cliff.JPG', await jpeg(1600, 1600), 'album'],
  ];
  for (const [name, bytes, folder] of files) {
    const { status, json } = await s.upload(bytes, name, folder);
    expect(status).toBe(201);
    uploaded[name] = json;
  }
});
afterAll(() => s.stop());

const list = async (query: string) => {
  const { status, json } = await s.api('GET', `/images?${query}`);
  expect([query, status]).toEqual([query, 200]);
  return json as { items: any[]; total: number; page: number; pageSize: number };
};
const names = async (query: string) => (await list(query)).items.map((i) => i.originalName);

describe('GET /images: sort', () => {
  test('newest (the default), oldest, name (A to Z ignoring case, ties by id), size (largest first), width (widest first)', async () => {
    expect(await names('')).toEqual(['Cliff.JPG', 'apple.png', 'zebra.webp', 'Apple.png', 'beach.jpg']);
    expect(await names('sort=newest')).toEqual(['Cliff.JPG', 'apple.png', 'zebra.webp', 'Apple.png', 'beach.jpg']);
    expect(await names('sort=oldest')).toEqual(['beach.jpg', 'Apple.png', 'zebra.webp', 'apple.png', 'Cliff.JPG']);
    const apples = [uploaded['Apple.png'], uploaded['apple.png']].sort((a, b) => (a.id < b.id ? -1 : 1)).map((i) => i.originalName);
    expect(await names('sort=name')).toEqual([...apples, 'beach.jpg', 'Cliff.JPG', 'zebra.webp']);
    const bySize = Object.values(uploaded).sort((a, b) => b.bytes - a.bytes).map((i) => i.originalName);
    expect(await names('sort=size')).toEqual(bySize);
    expect(await names('sort=width')).toEqual(['apple.png', 'Cliff.JPG', 'beach.jpg', 'Apple.png', 'zebra.webp']);
  });

  test('every order pages without gaps or repeats, with a folder, recursive and q', async () => {
    for (const sort of ['newest', 'oldest', 'name', 'size', 'width']) {
      const whole = await names(`sort=${sort}&folder=album&recursive=true`);
      expect(whole.length).toBe(3);
      const paged: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const one = await list(`sort=${sort}&folder=album&recursive=true&page=${page}&pageSize=1`);
        expect([one.total, one.page, one.pageSize]).toEqual([3, page, 1]);
        paged.push(...one.items.map((i) => i.originalName));
      }
      expect([sort, paged]).toEqual([sort, whole]);
    }
    expect(await names('sort=name&q=APPLE')).toEqual((await names('sort=name')).filter((n) => n.toLowerCase().includes('apple')));
    expect(await names('sort=width&folder=album')).toEqual(['Cliff.JPG', 'zebra.webp']);
  });
});

describe('GET /images: filters', () => {
  test('format, orientation and minWidth, alone and together with folder, q and sort', async () => {
    expect(await names('format=png')).toEqual(['apple.png', 'Apple.png']);
    expect(await names('format=jpeg&sort=name')).toEqual(['beach.jpg', 'Cliff.JPG']);
    expect((await list('format=gif')).total).toBe(0);
    expect(await names('orientation=landscape')).toEqual(['apple.png', 'beach.jpg']);
    expect(await names('orientation=portrait')).toEqual(['zebra.webp']);
    expect(await names('orientation=square')).toEqual(['Cliff.JPG', 'Apple.png']);
    expect(await names('minWidth=1200')).toEqual(['Cliff.JPG', 'apple.png', 'beach.jpg']);
    expect(await names('minWidth=1201&sort=width')).toEqual(['apple.png', 'Cliff.JPG']);
    expect(await names('folder=album&recursive=true&format=png&orientation=landscape&minWidth=2000&q=app')).toEqual(['apple.png']);
    const combined = await list('orientation=square&sort=size&pageSize=1&page=2');
    expect([combined.total, combined.items.map((i) => i.originalName)]).toEqual([2, [uploaded['Cliff.JPG'].bytes > uploaded['Apple.png'].bytes ? 'Apple.png' : 'Cliff.JPG']]);
  });

  test('from and to: dates take in whole UTC days, date-times are exact and inclusive, with any zone', async () => {
    const times = Object.values(uploaded).map((i) => i.createdAt as string).sort();
    const today = times[0]!.slice(0, 10);
    expect((await list(`from=${today}&to=${times.at(-1)!.slice(0, 10)}`)).total).toBe(5);
    expect((await list('to=2000-01-01')).total).toBe(0);
    expect((await list('from=9999-12-31')).total).toBe(0);
    const cliff = uploaded['Cliff.JPG'];
    const exactly = await list(`from=${encodeURIComponent(cliff.createdAt)}&to=${encodeURIComponent(cliff.createdAt)}`);
    expect(exactly.items.map((i) => i.id)).toContain(cliff.id);
    expect(exactly.items.every((i) => i.createdAt === cliff.createdAt)).toBe(true);
    // The same instant written in another zone.
    const at = new Date(cliff.createdAt);
    const shifted = new Date(at.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    expect((await list(`from=${encodeURIComponent(shifted)}`)).items.map((i) => i.id)).toContain(cliff.id);
    const beach = uploaded['beach.jpg'];
    const untilBeach = await list(`to=${encodeURIComponent(beach.createdAt)}&sort=oldest`);
    expect(untilBeach.items[0].id).toBe(beach.id);
  });
});

describe('GET /images: hostile order and filters → 400 with the error shape, naming the parameter', () => {
  const cases: [string, string][] = [
    ['sort=drop%20table%20images', 'sort'],
    ['sort=name;--', 'sort'],
    ['sort=NAME', 'sort'],
    ['sort=', 'sort'],
    ['sort=__proto__', 'sort'],
    ['format=..%2F', 'format'],
    ['format=../', 'format'],
    ['format=JPEG', 'format'],
    ['format=heif', 'format'],
    ['format=jpeg%00', 'format'],
    ['orientation=diagonal', 'orientation'],
    ['minWidth=-1', 'minWidth'],
    ['minWidth=0', 'minWidth'],
    ['minWidth=1e3', 'minWidth'],
    ['minWidth=01', 'minWidth'],
    ['minWidth=%205', 'minWidth'],
    ['minWidth=1.5', 'minWidth'],
    ['minWidth=0x10', 'minWidth'],
    ['minWidth=99999999999999999999999', 'minWidth'],
    ['minWidth=1000000', 'minWidth'],
    ['minWidth=', 'minWidth'],
    ['from=', 'from'],
    ['from=garbage', 'from'],
    ['from=2026-02-30', 'from'],
    ['from=2026-13-01', 'from'],
    ['from=2026-1-1', 'from'],
    ['from=2026-01-01T25:00Z', 'from'],
    ['from=2026-01-01T12:00', 'from'],
    ['from=2026-01-01T12:00:00%2B24:00', 'from'],
    ['to=1%3D1', 'to'],
    ['to=2026-01-01T00:00:60Z', 'to'],
    ['from=2026-03-02&to=2026-03-01', 'from'],
    ['from=2026-03-01T00:00:00.001Z&to=2026-02-28T23:59:59.999Z', 'from'],
  ];
  for (const [query, parameter] of cases) {
    test(query, async () => {
      const { status, json, headers } = await s.api('GET', `/images?${query}`);
      expect(status).toBe(400);
      expect(headers.get('content-type')).toContain('application/json');
      expect(json.error.code).toBe('invalid_input');
      expect(json.error.message).toContain(parameter);
      expect(Object.keys(json)).toEqual(['error']);
    });
  }

  test('a date-only range of one day is fine, from equal to to included', async () => {
    expect((await s.api('GET', '/images?from=2026-03-01&to=2026-03-01')).status).toBe(200);
  });
});
