import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANONICAL_KEYS, placeholderStyle, presetSrcset, presetUrl, signedUrl } from 'imgapi/url';
import { OPS } from '../../src/core/transform/registry';
import { fileForm } from '../helpers/api';
import { decode, jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

const ROOT = join(import.meta.dir, '../..');
const WIDTHS = [320, 640, 960, 1200]; // the widths the examples name
const EXAMPLES = ['next-image-loader.mjs', 'responsive-img.mjs', 'express-signed-redirect.mjs'];

/** [transform as a caller writes it, format, which image, expected sharp format and width]. */
const SIGNED: [string | undefined, string | undefined, 'first' | 'replaced', string, number][] = [
  [undefined, undefined, 'first', 'webp', 1200],
  ['w_600,f_webp,q_80', undefined, 'first', 'webp', 600],
  ['q_80,f_webp,w_600', 'webp', 'replaced', 'webp', 600],
  ['g_north_east,c_cover,h_200,w_300,f_png', undefined, 'first', 'png', 300],
  ['q_auto,f_jpeg,w_400', 'jpeg', 'replaced', 'jpeg', 400],
  ['f_auto,w_128', undefined, 'first', 'webp', 128],
  ['w_256', 'webp', 'first', 'webp', 256],
  ['fr_1,e_grayscale,b_ff0000,dpr_2,h_50,f_avif', undefined, 'replaced', 'heif', 150],
  ['cr_0:0:600:400,w_200,f_gif', undefined, 'first', 'gif', 200],
];

let s: TestServer;
let first: { id: string; version: number };
let replaced: { id: string; version: number };
let urls: {
  signed: string[];
  wrongSecret: string;
  presets: string[];
  srcset: string;
  loader: string[];
  img: string;
  placeholder: string;
  redirect: { status: number; url: string };
};
const placeholder = { color: '#AABBCC', thumbhash: 'x', dataUri: 'data:image/webp;base64,UklGRg==' };

beforeAll(async () => {
  s = await startServer();
  first = (await s.upload(await jpeg(1200, 800), 'first.jpg')).json;
  const second = (await s.upload(await jpeg(600, 600), 'second.jpg')).json;
  replaced = (await s.api('PUT', `/images/${second.id}`, fileForm(await jpeg(1200, 800, { color: '#cc6633' }), 'b.jpg'))).json;
  expect([first.version, replaced.version]).toEqual([1, 2]);
  expect((await s.api('POST', '/presets', { name: 'thumb', params: 'w_240' })).status).toBe(201);
  expect((await s.api('POST', '/presets', { name: 'negotiated', params: 'w_200,f_auto' })).status).toBe(201);

  const input = {
    baseUrl: `${s.url}/`,
    clientId: s.clientId,
    secret: s.secret,
    imageId: first.id,
    signed: SIGNED.map(([transform, format, which]) => {
      const image = which === 'first' ? first : replaced;
      return { imageId: image.id, transform, format, version: image.version };
    }),
    presets: [
      { preset: 'thumb', format: 'webp' },
      { preset: 'thumb', format: 'jpeg' },
      { preset: 'thumb', format: 'png' },
      { preset: 'negotiated', format: 'webp' },
    ],
    widths: WIDTHS,
    image: { id: first.id, width: 1200, height: 800, placeholder },
  };
  // Plain Node, not Bun, with the working directory inside the package: `imgapi/url` resolves
  // through package.json's exports, as it would for a user's code.
  const run = Bun.spawn(['node', 'test/url/print-urls.mjs', JSON.stringify(input)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NEXT_PUBLIC_IMGAPI_URL: s.url,
      NEXT_PUBLIC_IMGAPI_CLIENT: s.clientId,
      IMGAPI_URL: s.url,
      IMGAPI_CLIENT: s.clientId,
      IMGAPI_SECRET: s.secret,
    },
    stderr: 'pipe',
  });
  const [out, err, code] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited]);
  if (code !== 0) throw new Error(`node print-urls.mjs exited ${code}: ${err}`);
  urls = JSON.parse(out);
});
afterAll(() => s.stop());

async function image(url: string): Promise<[string, number | undefined]> {
  const response = await fetch(url);
  const body = new Uint8Array(await response.arrayBuffer());
  expect(response.status).toBe(200);
  const meta = await decode(body);
  return [meta.format, meta.width];
}

/** Creates the width-set preset the examples use, once. Needs the w_<N> route (issue 15). */
let responsive: Promise<void> | undefined;
const responsivePreset = () =>
  (responsive ??= s.api('POST', '/presets', { name: 'responsive', params: 'f_webp,q_80', widths: WIDTHS }).then((r) => {
    expect(r.status).toBe(201);
  }));

describe('signedUrl (run in Node)', () => {
  test('equals the url /sign returns, and the server delivers it', async () => {
    for (const [i, [transform, , which, format, width]] of SIGNED.entries()) {
      const imageId = (which === 'first' ? first : replaced).id;
      const signed = await s.api('POST', '/sign', { imageId, ...(transform === undefined ? {} : { transform }) });
      expect(signed.status).toBe(200);
      expect(urls.signed[i]).toBe(signed.json.url);
      expect(await image(urls.signed[i]!)).toEqual([format, width]);
    }
    expect(urls.signed[2]).toEndWith('?v=2');
    expect(urls.signed[4]).toContain('.jpg?v=2');
  });

  test('a wrong secret gives 403', async () => {
    expect((await fetch(urls.wrongSecret)).status).toBe(403);
  });

  test('is the same in Bun, and its key order is the registry’s', async () => {
    const options = { baseUrl: s.url, clientId: s.clientId, secret: s.secret, imageId: first.id, version: 1 };
    expect(await signedUrl({ ...options, transform: SIGNED[3]![0] })).toBe(urls.signed[3]!);
    // Without f the format names the extension, which the server takes as the output format.
    expect(await image(await signedUrl({ ...options, transform: 'w_256', format: 'png' }))).toEqual(['png', 256]);
    expect([...CANONICAL_KEYS]).toEqual(OPS.map((op) => op.key));
  });
});

describe('signedUrl with expiresIn', () => {
  test('adds exp_ (now + expiresIn) in canonical place: 200 for the seconds left, then 410', async () => {
    const options = { baseUrl: s.url, clientId: s.clientId, secret: s.secret, imageId: first.id, version: 1 };
    const before = Math.floor(Date.now() / 1000);
    const url = await signedUrl({ ...options, transform: 'f_webp,w_90', expiresIn: 2 });
    const exp = Number(/\/w_90,f_webp,exp_(\d+)\//.exec(url)![1]);
    expect(exp - before).toBeGreaterThanOrEqual(2);
    expect(exp - before).toBeLessThanOrEqual(3);
    const live = await fetch(url);
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toMatch(/^public, max-age=[0-3]$/);
    await live.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    const gone = await fetch(url);
    expect([gone.status, (await gone.json()).error.code]).toEqual([410, 'expired']);
    // /sign with expiresIn signs the very same URL when both fall in one second.
    for (let attempt = 0; ; attempt++) {
      const helper = await signedUrl({ ...options, expiresIn: 3600 });
      const viaApi = (await s.api('POST', '/sign', { imageId: first.id, expiresIn: 3600 })).json.url;
      if (helper !== viaApi && attempt < 3) continue;
      expect(helper).toBe(viaApi);
      expect(helper).toMatch(/\/exp_\d+\/[^/]+\.webp\?v=1$/);
      break;
    }
  });
});

describe('presetUrl without width', () => {
  test('serves the preset in the format the extension names', async () => {
    expect(await Promise.all(urls.presets.map(image))).toEqual([
      ['webp', 240],
      ['jpeg', 240],
      ['png', 240],
      ['webp', 200],
    ]);
    const signed = await s.api('POST', '/sign', { imageId: first.id, preset: 'thumb' });
    expect(`${urls.presets[0]}?v=1`).toBe(signed.json.url);
  });

  test('a hostile preset name stays inside its path segment', async () => {
    const url = presetUrl({ baseUrl: s.url, clientId: s.clientId, imageId: first.id, preset: '../../x?y=1#z', format: 'webp' });
    expect(url).toBe(`${s.url}/t/${s.clientId}/preset:..%2F..%2Fx%3Fy%3D1%23z/${first.id}.webp`);
    expect((await fetch(url)).status).toBe(404);
  });
});

describe('width-set presets (w_<N>)', () => {
  test('the next/image loader example: every width of the preset', async () => {
    await responsivePreset();
    expect(urls.loader).toEqual(WIDTHS.map((w) => `${s.url}/t/${s.clientId}/preset:responsive/w_${w}/${first.id}.webp`));
    for (const [i, url] of urls.loader.entries()) expect(await image(url)).toEqual(['webp', WIDTHS[i]]);
  });

  test('presetSrcset: ascending, deduplicated, every URL served', async () => {
    await responsivePreset();
    const entries = urls.srcset.split(', ').map((entry) => entry.split(' '));
    expect(entries.map(([, w]) => w)).toEqual(WIDTHS.map((w) => `${w}w`));
    for (const [url, w] of entries) expect(await image(url!)).toEqual(['webp', Number.parseInt(w!, 10)]);
  });

  test('the responsive <img> example', async () => {
    await responsivePreset();
    const srcset = presetSrcset({ baseUrl: s.url, clientId: s.clientId, imageId: first.id, preset: 'responsive', widths: WIDTHS, format: 'webp' });
    expect(urls.img).toContain(` srcset="${srcset}" sizes="100vw" width="1200" height="800"`);
    expect(urls.img).toContain(' alt="A &quot;quoted&quot; &lt;alt>"');
    expect(urls.img).toContain(` style="background-color:#aabbcc;background-image:url(${placeholder.dataUri});background-size:cover"`);
    const src = /src="([^"]+)"/.exec(urls.img)![1]!;
    const all = [src, ...srcset.split(', ').map((entry) => entry.split(' ')[0]!)];
    for (const url of all) expect((await image(url))[0]).toBe('webp');
  });
});

test('the Express handler example redirects to a signed URL', async () => {
  expect(urls.redirect.status).toBe(302);
  const signed = await s.api('POST', '/sign', { imageId: first.id, transform: 'w_800,f_webp,q_80' });
  expect(`${urls.redirect.url}?v=1`).toBe(signed.json.url);
  expect(await image(urls.redirect.url)).toEqual(['webp', 800]);
});

test('README quotes each example file verbatim', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const quoted = (name: string) => readme.includes(`\`\`\`js\n${readFileSync(join(ROOT, 'examples', name), 'utf8')}\`\`\``);
  expect(EXAMPLES.filter((name) => !quoted(name))).toEqual([]);
});

describe('placeholderStyle', () => {
  test('null, undefined and empty objects give nothing', () => {
    expect([placeholderStyle(null), placeholderStyle(undefined), placeholderStyle({})]).toEqual(['', '', '']);
    expect(urls.placeholder).toBe(`background-color:#aabbcc;background-image:url(${placeholder.dataUri});background-size:cover`);
  });

  test('hostile values are dropped, never passed through', () => {
    const hostile = [
      { color: 'red' },
      { color: '#fff' },
      { color: '#aabbcc;background:url(https://evil.example)' },
      { color: '#aabbcc"><script>' },
      { dataUri: 'data:image/webp;base64,AAAA);background:url(https://evil.example' },
      { dataUri: 'data:image/svg+xml;base64,PHN2Zz4=' },
      { dataUri: 'data:image/webp;base64,AA AA' },
      { dataUri: 'https://evil.example/x.webp' },
      { dataUri: 'data:image/webp;base64,AAAA"' },
      { color: 42, dataUri: ['data:image/webp;base64,AAAA'] },
    ];
    for (const value of hostile) expect(placeholderStyle(value as never)).toBe('');
    expect(placeholderStyle({ color: '#123456', dataUri: 'javascript:alert(1)' })).toBe('background-color:#123456');
    expect(placeholderStyle({ color: 'x', dataUri: 'data:image/png;base64,iVBO+/=' })).toBe(
      'background-image:url(data:image/png;base64,iVBO+/=);background-size:cover',
    );
  });
});

describe('input validation', () => {
  const base = { baseUrl: 'https://img.example.com/', clientId: 'acme', imageId: 'abc', preset: 'card', format: 'webp' } as const;

  test('trailing slashes and jpeg are written as the server writes them', () => {
    expect(presetUrl({ ...base, format: 'jpeg', width: 640 })).toBe('https://img.example.com/t/acme/preset:card/w_640/abc.jpg');
    expect(presetSrcset({ ...base, widths: [640, 320, 640] })).toBe(
      'https://img.example.com/t/acme/preset:card/w_320/abc.webp 320w, https://img.example.com/t/acme/preset:card/w_640/abc.webp 640w',
    );
    // The image's version, as every URL the server hands out carries it.
    expect(presetUrl({ ...base, width: 640, version: 3 })).toBe('https://img.example.com/t/acme/preset:card/w_640/abc.webp?v=3');
    expect(presetSrcset({ ...base, widths: [320], version: 2 })).toBe('https://img.example.com/t/acme/preset:card/w_320/abc.webp?v=2 320w');
  });

  test('bad input is a TypeError naming the field', async () => {
    const bad: [() => unknown, RegExp][] = [
      [() => presetUrl({ ...base, width: 0 }), /integer between 1 and 8192 for width but received 0/],
      [() => presetUrl({ ...base, width: 8193 }), /width but received 8193/],
      [() => presetUrl({ ...base, width: 320.5 }), /width but received 320.5/],
      [() => presetUrl({ ...base, width: '320' as never }), /width but received "320"/],
      [() => presetUrl({ ...base, format: 'auto' as never }), /received "auto": a URL needs a real extension/],
      [() => presetUrl({ ...base, format: 'svg' as never }), /webp, jpeg, jpg, png, avif, gif for format but received "svg"/],
      [() => presetUrl({ ...base, preset: '' }), /non-empty string for preset/],
      [() => presetUrl({ ...base, baseUrl: undefined as never }), /non-empty string for baseUrl but received undefined/],
      [() => presetSrcset({ ...base, widths: [] }), /non-empty array of widths/],
      [() => presetSrcset({ ...base, widths: [320, -1] }), /width but received -1/],
      [() => presetUrl({ ...base, version: 1.5 }), /positive integer for version but received 1.5/],
    ];
    for (const [call, message] of bad) expect(call).toThrow(message);

    const signing = { ...base, secret: 's' };
    const badSigned: [Promise<string>, RegExp][] = [
      [signedUrl({ ...signing, transform: 'w_600,x_1' }), /transform key but received "x"/],
      [signedUrl({ ...signing, transform: 'w_600,w_300' }), /key once but received "w" twice/],
      [signedUrl({ ...signing, transform: 'w_600,' }), /key_value segments for transform but received ""/],
      [signedUrl({ ...signing, transform: 'w_600/../x' }), /key_value segments/],
      [signedUrl({ ...signing, transform: 'f_png', format: 'webp' }), /agree with the transform's f_png/],
      [signedUrl({ ...signing, format: 'auto' as never }), /real extension/],
      [signedUrl({ ...signing, version: 0 }), /positive integer for version/],
      [signedUrl({ ...signing, expiresIn: 0 }), /between 1 and \d+ for expiresIn but received 0/],
      [signedUrl({ ...signing, expiresIn: 1.5 }), /for expiresIn but received 1.5/],
      [signedUrl({ ...signing, expiresIn: '60' as never }), /for expiresIn but received "60"/],
      [signedUrl({ ...signing, transform: 'w_10,exp_1900000000', expiresIn: 60 }), /exp_ in the transform or expiresIn, not both/],
      [signedUrl({ ...signing, secret: '' }), /non-empty string for secret/],
    ];
    for (const [promise, message] of badSigned) await expect(promise).rejects.toThrow(message);
    expect(await signedUrl({ ...signing, transform: 'f_jpg', format: 'jpeg' })).toMatch(/\/t\/acme\/[A-Za-z0-9_-]{22}\/f_jpg\/abc\.jpg$/);
  });
});
