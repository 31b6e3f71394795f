import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { startServer, type TestServer } from '../helpers/server';

// Width-set presets: unsigned URLs at a preset's listed widths, a signed srcset from /sign,
// and the <img>/<picture> markup of GET /images/:id/embed.

let s: TestServer;
let photoId: string;
let narrowId: string;

const WIDTHS = [160, 320, 640];

async function photo(width: number, height: number): Promise<Uint8Array> {
  // Left half red, right half blue: a crop or a stretch shows in the pixels.
  const half = await sharp({ create: { width: width / 2, height, channels: 3, background: '#0000ff' } }).png().toBuffer();
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: '#ff0000' } })
      .composite([{ input: half, left: width / 2, top: 0 }])
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
}

const createPreset = (body: Record<string, unknown>) => s.api('POST', '/presets', body);

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body, json: () => JSON.parse(new TextDecoder().decode(body)) };
}

beforeAll(async () => {
  s = await startServer();
  photoId = (await s.upload(await photo(1200, 800), 'photo.jpg')).json.id;
  narrowId = (await s.upload(await photo(200, 400), 'narrow.jpg')).json.id;
  expect((await createPreset({ name: 'card', params: 'w_1200,h_600,c_fill,q_70', widths: [640, 160, 320] })).status).toBe(201);
  expect((await createPreset({ name: 'plain', params: 'w_400,f_webp' })).status).toBe(201);
});
afterAll(() => s?.stop());

describe('width-set presets', () => {
  test('the preset object echoes its widths, ascending; one without has null; the CLI-free list shows both', async () => {
    const { json } = await s.api('GET', '/presets');
    const byName = Object.fromEntries(json.items.map((p: { name: string }) => [p.name, p]));
    expect(byName.card.widths).toEqual(WIDTHS);
    expect(byName.card.params).toBe('w_1200,h_600,c_fill,q_70');
    expect(byName.plain.widths).toBeNull();
  });

  test('bad widths are 400 naming the rule, and nothing is stored', async () => {
    const bad: unknown[] = [[], Array.from({ length: 21 }, (_, i) => 100 + i), [15], [8193], [320.5], ['320'], [320, 320], [null], [-320], [1e309], 'x', { 0: 320 }];
    for (const widths of bad) {
      const { status, json } = await createPreset({ name: 'bad', params: 'w_100', widths });
      expect([JSON.stringify(widths), status]).toEqual([JSON.stringify(widths), 400]);
      expect(json.error.code).toBe('invalid_input');
      expect(JSON.stringify(json)).not.toMatch(/\/work|\/tmp|at .*\.ts/);
    }
    expect((await createPreset({ name: 'bad', params: 'w_100,dpr_2', widths: [320] })).json.error.message).toContain('dpr');
    expect((await createPreset({ name: 'bad', params: 'h_600', widths: [320] })).json.error.message).toContain('needs w');
    expect((await createPreset({ name: 'bad', params: 'w_100,h_1000,c_fill', widths: [320, 1000] })).json.error.message).toContain('over 8192');
    const names = (await s.api('GET', '/presets')).json.items.map((p: { name: string }) => p.name);
    expect(names).not.toContain('bad');
  });

  test('w_<N> of a listed width: unsigned, the width replaced and the height in proportion, cached like any delivery', async () => {
    for (const width of WIDTHS) {
      const url = `${s.url}/t/${s.clientId}/preset:card/w_${width}/${photoId}.jpg`;
      const first = await get(url);
      expect(first.response.status).toBe(200);
      expect(first.response.headers.get('x-cache')).toBe('MISS');
      const meta = await sharp(first.body).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', width, width / 2]);
      expect(first.response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const etag = first.response.headers.get('etag')!;
      const again = await get(url);
      expect(again.response.headers.get('x-cache')).toBe('HIT');
      expect((await get(url, { 'if-none-match': etag })).response.status).toBe(304);
    }
    // The crop keeps the preset's box: red on the left, blue on the right, at every width.
    const { data, info } = await sharp((await get(`${s.url}/t/${s.clientId}/preset:card/w_320/${photoId}.png`)).body).raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[2]]).toEqual([255, 0].map((v) => expect.closeTo(v, -1.5)) as unknown as number[]);
    const right = ((info.height >> 1) * info.width + info.width - 1) * info.channels;
    expect(data[right + 2]).toBeGreaterThan(200);
  });

  test('AVIF and WebP by extension; preset%3A works too; HEAD answers the headers', async () => {
    for (const [ext, format] of [['avif', 'heif'], ['webp', 'webp']] as const) {
      const { response, body } = await get(`${s.url}/t/${s.clientId}/preset%3Acard/w_160/${photoId}.${ext}`);
      expect(response.status).toBe(200);
      expect((await sharp(body).metadata()).format).toBe(format);
    }
    const head = await fetch(`${s.url}/t/${s.clientId}/preset:card/w_160/${photoId}.webp`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'image/webp']);
  });

  test('a width not in the list is 400 naming the allowed ones; a preset without widths refuses the form; other segments are 400', async () => {
    const unlisted = await get(`${s.url}/t/${s.clientId}/preset:card/w_500/${photoId}.jpg`);
    expect(unlisted.response.status).toBe(400);
    expect(unlisted.json().error.message).toContain('160, 320, 640');
    expect(unlisted.response.headers.get('cache-control')).toBe('no-store');
    const plain = await get(`${s.url}/t/${s.clientId}/preset:plain/w_400/${photoId}.webp`);
    expect(plain.response.status).toBe(400);
    expect(plain.json().error.message).toContain('has no widths');
    for (const segment of ['w_0320', 'h_320', 'w_320,h_100', 'w_-1', 'w_99999999', 'w_320%2Cq_1', 'w_', 'w_320.5', 'W_320']) {
      const { response } = await get(`${s.url}/t/${s.clientId}/preset:card/${segment}/${photoId}.jpg`);
      expect([segment, response.status]).toEqual([segment, 400]);
    }
    expect((await get(`${s.url}/t/${s.clientId}/preset:nope/w_320/${photoId}.jpg`)).response.status).toBe(404);
    expect((await get(`${s.url}/t/${s.clientId}/preset:card/w_320/unknownImage.jpg`)).response.status).toBe(404);
  });

  test('a repeated width is a hit, and an unlisted one is still refused after a listed one was served', async () => {
    const url = `${s.url}/t/${s.clientId}/preset:card/w_640/${photoId}.webp`;
    await get(url);
    expect((await get(url)).response.headers.get('x-cache')).toBe('HIT');
    expect((await get(`${s.url}/t/${s.clientId}/preset:card/w_641/${photoId}.webp`)).response.status).toBe(400);
  });

  test('a preset deleted and made again with another box: every width serves the new box, none the old from memory', async () => {
    await createPreset({ name: 'swap', params: 'w_400,h_200,c_fill', widths: [100, 200] });
    const url = (width: number) => `${s.url}/t/${s.clientId}/preset:swap/w_${width}/${photoId}.webp`;
    for (const width of [100, 200]) {
      await get(url(width));
      expect((await get(url(width))).response.headers.get('x-cache')).toBe('HIT');
    }
    const { json } = await s.api('GET', '/presets');
    await s.api('DELETE', `/presets/${json.items.find((p: { name: string }) => p.name === 'swap').id}`);
    await createPreset({ name: 'swap', params: 'w_400,h_400,c_fill', widths: [100, 200] });
    // One width first (it loads the new preset), then the other, whose old resolution is in memory.
    for (const width of [100, 200]) {
      const meta = await sharp((await get(url(width))).body).metadata();
      expect([meta.width, meta.height]).toEqual([width, width]);
    }
  });
});

describe('POST /sign with widths', () => {
  test('a srcset of signed URLs, one per width with its w descriptor, each serving that width with h in proportion', async () => {
    const { data, error } = await s.client.v1.sign.post({ imageId: photoId, transform: 'w_600,h_300,c_fill,f_webp', widths: [300, 150] });
    if (error) throw new Error(JSON.stringify(error.value));
    const entries = data.srcset!.split(', ').map((entry) => entry.split(' '));
    expect(entries.map(([, descriptor]) => descriptor)).toEqual(['150w', '300w']);
    for (const [url, descriptor] of entries) {
      expect(url).toContain('?v=1');
      const { response, body } = await get(url!);
      expect(response.status).toBe(200);
      const meta = await sharp(body).metadata();
      expect([meta.format, `${meta.width}w`, meta.height]).toEqual(['webp', descriptor!, meta.width! / 2]);
    }
    expect(data.url).toContain('w_600,h_300');
  });

  test('described like an embed: by the width each URL delivers, a width past the image left out', async () => {
    const { data } = await s.client.v1.sign.post({ imageId: narrowId, transform: 'w_400', widths: [100, 200, 400] });
    const entries = data!.srcset!.split(', ').map((entry) => entry.split(' '));
    expect(entries.map(([url, d]) => [/\/(w_\d+)\//.exec(url!)?.[1], d])).toEqual([['w_100', '100w'], ['w_200', '200w']]);
  });

  test('bad widths, or widths with a preset, are 400', async () => {
    for (const body of [
      { imageId: photoId, transform: 'w_600', widths: [] },
      { imageId: photoId, transform: 'w_600', widths: [10] },
      { imageId: photoId, transform: 'w_600,dpr_2', widths: [300] },
      { imageId: photoId, preset: 'card', widths: [320] },
    ]) {
      const { status, json } = await s.api('POST', '/sign', body);
      expect([JSON.stringify(body), status, json.error.code]).toEqual([JSON.stringify(body), 400, 'invalid_input']);
    }
  });
});

describe('GET /images/:id/embed', () => {
  const embed = (id: string, query: string) => s.api('GET', `/images/${id}/embed?${query}`);

  test('srcsets per format, width/height of the largest with the preset aspect, and markup whose every URL serves what it says', async () => {
    const { status, json } = await embed(photoId, 'preset=card&sizes=' + encodeURIComponent('(min-width: 800px) 50vw, 100vw'));
    expect(status).toBe(200);
    expect([json.width, json.height]).toEqual([640, 320]);
    for (const [format, ext, sharpFormat] of [['avif', 'avif', 'heif'], ['webp', 'webp', 'webp'], ['jpeg', 'jpg', 'jpeg']] as const) {
      const entries = (json.srcset[format] as string).split(', ').map((entry) => entry.split(' '));
      expect(entries.map(([, d]) => d)).toEqual(['160w', '320w', '640w']);
      for (const [url, descriptor] of entries) {
        expect(url).toStartWith(`${s.url}/t/${s.clientId}/preset:card/w_`);
        expect(url).toEndWith(`/${photoId}.${ext}?v=1`);
        const { response, body } = await get(url!);
        const meta = await sharp(body).metadata();
        expect([response.status, meta.format, `${meta.width}w`]).toEqual([200, sharpFormat, descriptor!]);
      }
    }
    const img = json.img as string;
    for (const attribute of ['width="640"', 'height="320"', 'loading="lazy"', 'decoding="async"', 'alt=""', 'sizes="(min-width: 800px) 50vw, 100vw"']) {
      expect(img).toContain(attribute);
    }
    expect(img).toContain(`srcset="${json.srcset.jpeg}"`);
    // The placeholder colour, painted until the image arrives: the photo is half red, half blue.
    const { json: image } = await s.api('GET', `/images/${photoId}`);
    expect(image.placeholder.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(img).toContain(`style="background-color:${image.placeholder.color}"`);
    expect(json.picture).toBe(
      `<picture><source type="image/avif" srcset="${json.srcset.avif}" sizes="(min-width: 800px) 50vw, 100vw">` +
        `<source type="image/webp" srcset="${json.srcset.webp}" sizes="(min-width: 800px) 50vw, 100vw">${img}</picture>`,
    );
  });

  test('a hostile sizes value is escaped, not refused: the markup parses to the same attributes', async () => {
    const hostile = `100vw" onerror="alert(1)"><script>alert(2)</script><img src='x`;
    const { status, json } = await embed(photoId, `preset=card&sizes=${encodeURIComponent(hostile)}`);
    expect(status).toBe(200);
    expect(json.picture).not.toContain('<script');
    expect(json.picture).not.toContain('" onerror');
    expect(json.img).toContain('sizes="100vw&quot; onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;img src=&#39;x"');
    // Exactly the tags we wrote: two sources and one img.
    expect(json.picture.match(/<[a-z]+/g)).toEqual(['<picture', '<source', '<source', '<img']);
  });

  test('an image narrower than the widths lists each output once, at its own size; the default sizes is 100vw', async () => {
    const { json } = await embed(narrowId, 'preset=card');
    // 200×400 under a 2:1 box: 160 → 160×80; 320 and 640 → the image is never enlarged: 200×100.
    expect(json.srcset.webp.split(', ').map((e: string) => e.split(' ')[1])).toEqual(['160w', '200w']);
    expect([json.width, json.height]).toEqual([200, 100]);
    expect(json.img).toContain('sizes="100vw"');
  });

  test('unknown preset or image 404; a preset without widths or with a fixed format 400; no preset 400', async () => {
    expect((await embed(photoId, 'preset=nope')).status).toBe(404);
    expect((await embed('unknownImage', 'preset=card')).status).toBe(404);
    expect((await embed(photoId, 'preset=plain')).json.error.message).toContain('has no widths');
    await createPreset({ name: 'fixed', params: 'w_800,f_webp', widths: [400, 800] });
    const fixed = await embed(photoId, 'preset=fixed');
    expect([fixed.status, fixed.json.error.message]).toEqual([400, expect.stringContaining('f_webp')]);
    expect((await embed(photoId, '')).status).toBe(400);
    const other = await startServer();
    try {
      const { status } = await other.api('GET', `/images/${photoId}/embed?preset=card`);
      expect(status).toBe(404); // another installation's client: nothing to see
    } finally {
      await other.stop();
    }
  });
});
