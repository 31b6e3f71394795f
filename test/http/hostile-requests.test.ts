import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createCore } from '../../src/core-services';
import { newId } from '../../src/core/ids';
import { signPath } from '../../src/core/signing';
import { decode, jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ IMGAPI_MAX_FOLDERS: '60' });
});
afterAll(() => s.stop());

const signed = (rest: string) => `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;
const folderPaths = async () => {
  const paths: string[] = [];
  const walk = (nodes: { path: string; children: unknown[] }[]) => nodes.forEach((n) => (paths.push(n.path), walk(n.children as never)));
  walk((await s.api('GET', '/folders')).json.folders);
  return paths;
};
const expectCleanError = (json: unknown) => expect(JSON.stringify(json)).not.toMatch(/\/tmp|\/work|node_modules|at .*\.ts|TypeError/);

/** A raw multipart body, as a browser sends it for an unnamed file part. */
function rawMultipart(bytes: Uint8Array, disposition: string): { body: Uint8Array<ArrayBuffer>; type: string } {
  const boundary = 'imgapiBoundary7MA4YWxk';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  return { body: new Uint8Array(Buffer.concat([Buffer.from(head), bytes, Buffer.from(tail)])), type: `multipart/form-data; boundary=${boundary}` };
}

/** A JSON body sent in 64 KB chunks with no Content-Length, as a streaming client sends it. */
function postChunked(path: string, text: string): Promise<Response> {
  const body = new ReadableStream({
    start(controller) {
      for (let i = 0; i < text.length; i += 64 * 1024) controller.enqueue(new TextEncoder().encode(text.slice(i, i + 64 * 1024)));
      controller.close();
    },
  });
  return fetch(`${s.url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit);
}

/** Sends request bytes over a raw socket and returns what the server answered first. */
function rawExchange(text: string, keepOpenMs = 1500): Promise<string> {
  const { port } = new URL(s.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => (socket.destroy(), resolve(answer)), keepOpenMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n\r\n') && /}\s*$/.test(answer)) (clearTimeout(timer), socket.destroy(), resolve(answer));
    });
    socket.on('error', (error) => (clearTimeout(timer), reject(error)));
    socket.write(text);
  });
}

describe('an upload whose file part has an empty file name', () => {
  test('is stored under a sanitized default name (201), and a replace with one works too', async () => {
    const { body, type } = rawMultipart(await png(20, 10), 'filename=""');
    const response = await fetch(`${s.url}/api/v1/images`, { method: 'POST', headers: { 'x-api-key': s.apiKey, 'content-type': type }, body });
    const json = (await response.json()) as any;
    expect([response.status, json.originalName, json.width]).toEqual([201, 'image.png', 20]);
    const replace = rawMultipart(await jpeg(30, 10), 'filename=""');
    const replaced = await fetch(`${s.url}/api/v1/images/${json.id}`, { method: 'PUT', headers: { 'x-api-key': s.apiKey, 'content-type': replace.type }, body: replace.body });
    expect([replaced.status, ((await replaced.json()) as any).version]).toEqual([200, 2]);
  });
});

describe('folder paths are bounded in depth, length and count', () => {
  test('33 levels or 1025 characters are refused with nothing created; 32 levels are fine and the tree stays small', async () => {
    const deep = Array.from({ length: 33 }, (_, n) => `d${n}`).join('/');
    const refused = await s.api('POST', '/folders', { path: deep });
    expect([refused.status, refused.json.error.code]).toEqual([400, 'invalid_input']);
    expect(refused.json.error.message).toContain('at most 32');
    const tooLong = await s.api('POST', '/folders', { path: `${'x'.repeat(100)}/`.repeat(10) + 'y'.repeat(20) });
    expect([tooLong.status, tooLong.json.error.message]).toEqual([400, expect.stringContaining('at most 1024 characters')]);
    // A 10 000-level path in one 20 KB request: refused at once, also through an upload.
    const huge = Array.from({ length: 10_000 }, () => 'a').join('/');
    expect((await s.api('POST', '/folders', { path: huge })).status).toBe(400);
    expect((await s.upload(await png(4, 4), 'deep.png', huge)).status).toBe(400);
    expect(await folderPaths()).toEqual([]);

    const ok = await s.api('POST', '/folders', { path: Array.from({ length: 32 }, (_, n) => `level-${n}`).join('/') });
    expect(ok.status).toBe(201);
    const tree = await fetch(`${s.url}/api/v1/folders`, { headers: { 'x-api-key': s.apiKey } });
    expect((await tree.text()).length).toBeLessThan(32 * 1024);
  });

  test('a rename that would push a path below past 1024 characters is refused and changes nothing', async () => {
    const path = ['r', ...Array.from({ length: 10 }, () => 'm'.repeat(100))].join('/');
    const leaf = (await s.api('POST', '/folders', { path })).json;
    const top = (await s.api('POST', '/folders', { path: 'r' })).json;
    const renamed = await s.api('PATCH', `/folders/${top.id}`, { name: 'r'.repeat(20) });
    expect([renamed.status, renamed.json.error.message]).toEqual([400, expect.stringContaining('at most 1024')]);
    expect(await folderPaths()).toContain(leaf.path);
  });

  test('the folder count of a client is bounded (IMGAPI_MAX_FOLDERS): 409, and no level of the refused path is created', async () => {
    const before = (await folderPaths()).length;
    for (let n = before; n < 58; n++) expect((await s.api('POST', '/folders', { path: `count/f${n}` })).status).toBe(201);
    const total = (await folderPaths()).length;
    const refused = await s.api('POST', '/folders', { path: 'count/new/one/two' });
    expect([refused.status, refused.json.error.code, refused.json.error.message]).toEqual([409, 'conflict', expect.stringContaining('limit of 60 folders')]);
    expect(await folderPaths()).not.toContain('count/new');
    const upload = await s.upload(await png(4, 4), 'x.png', 'count/other/deeper');
    expect(upload.status).toBe(409);
    expect((await folderPaths()).length).toBe(total);
    // Existing folders are still usable at the limit, and deleting some makes room again.
    expect((await s.upload(await png(4, 4), 'x.png', 'count/f58')).status).toBe(201);
    const count = (await s.api('POST', '/folders', { path: 'count' })).json;
    expect((await s.api('DELETE', `/folders/${count.id}`)).status).toBe(204);
    expect((await s.api('POST', '/folders', { path: 'count/new/one/two' })).status).toBe(201);
  });
});

describe('folder names: no bidi or invisible characters, no blank names', () => {
  test('a right-to-left override is dropped; blank and invisible-only names are 400', async () => {
    const spoof = await s.api('POST', '/folders', { path: 'names/\u202egnp.exe' });
    expect([spoof.status, spoof.json.name, spoof.json.path]).toEqual([201, 'gnp.exe', 'names/gnp.exe']);
    const zeroWidth = await s.api('POST', '/folders', { path: 'names/in\u200bvoice\u2066s\u2069\ufeff' });
    expect(zeroWidth.json.name).toBe('invoices');
    const uploaded = await s.upload(await png(4, 4), 'a.png', '\u202enames/\u200eshots');
    expect([uploaded.status, uploaded.json.folder]).toEqual([201, 'names/shots']);
    for (const path of ['  ', 'names/   ', 'names/\u200b\u200d', 'names/\u202e', '\u3164']) {
      const blank = await s.api('POST', '/folders', { path });
      expect([JSON.stringify(path), blank.status, blank.json.error.code]).toEqual([JSON.stringify(path), 400, 'invalid_input']);
    }
    const renamed = await s.api('PATCH', `/folders/${spoof.json.id}`, { name: ' \u2067 ' });
    expect(renamed.status).toBe(400);
  });

  test('one spelling per name: invisible marks cannot split café in two; ignorable-only and broken names are 400; length counts characters', async () => {
    const composed = await s.api('POST', '/folders', { path: 'spell/caf\u00e9' });
    for (const variant of ['spell/cafe\u0301', 'spell/cafe\u200b\u0301', 'spell/caf\u00e9\ufe0f']) {
      const again = await s.api('POST', '/folders', { path: variant });
      expect([JSON.stringify(variant), again.status, again.json.id]).toEqual([JSON.stringify(variant), 200, composed.json.id]);
    }
    for (const name of ['\u034f', '\ufe0f', '\u17b4\u17b5', '\u{e0100}', '\u2800', 'a\ud800b']) {
      const refused = await s.api('POST', '/folders', { path: `spell/${name}` });
      expect([JSON.stringify(name), refused.status]).toEqual([JSON.stringify(name), 400]);
    }
    const emoji = '\u{1f5bc}'.repeat(60);
    expect((await s.api('POST', '/folders', { path: `spell/${emoji}` })).status).toBe(201);
  });

  test('a folder made before these rules is still found by the path it was made with', async () => {
    // As the earlier code stored it: a leading space, a zero-width space inside.
    const core = await createCore(loadConfig({ IMGAPI_LOG: 'off' }, { data: s.dataDir }));
    const { folder } = await core.repos.folders.ensurePath(s.clientId, [' lead', 'zw\u200bname'], newId, new Date().toISOString(), 1000);
    await core.close();
    const uploaded = await s.upload(await png(4, 4), 'old.png', ' lead/zw\u200bname');
    expect([uploaded.status, uploaded.json.folderId]).toEqual([201, folder.id]);
    const listed = await s.api('GET', `/images?folder=${encodeURIComponent(' lead/zw\u200bname')}`);
    expect([listed.status, listed.json.items.map((i: { id: string }) => i.id)]).toEqual([200, [uploaded.json.id]]);
    expect((await folderPaths()).filter((p) => p.includes('lead'))).toEqual([' lead', ' lead/zw\u200bname']);
  });
});

describe('a wrong method is 405 with Allow, everywhere', () => {
  test('delivery answers only GET and HEAD', async () => {
    const { id } = (await s.upload(await png(40, 20), 'm.png')).json;
    const url = signed(`w_20/${id}.png`);
    expect((await fetch(url)).status).toBe(200);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const response = await fetch(url, { method });
      expect([method, response.status, response.headers.get('allow'), response.headers.get('cache-control')]).toEqual([method, 405, 'GET, HEAD', 'no-store']);
      expect(((await response.json()) as any).error.code).toBe('method_not_allowed');
    }
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'image/png']);
  });

  test('API and other routes: 405 naming the methods the path does answer; unknown paths stay 404', async () => {
    const { id } = (await s.upload(await png(8, 8), 'n.png')).json;
    const cases: [string, string, string][] = [
      ['POST', `/api/v1/images/${id}`, 'GET, HEAD, PUT, PATCH, DELETE'],
      ['DELETE', '/api/v1/images', 'GET, HEAD, POST'],
      ['PUT', '/api/v1/sign', 'POST'],
      ['DELETE', '/healthz', 'GET, HEAD'],
      ['POST', '/metrics', 'GET, HEAD'],
      ['GET', '/auth/login', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${s.url}${path}`, { method, headers: { 'x-api-key': s.apiKey } });
      const json = (await response.json()) as any;
      expect([method, path, response.status, response.headers.get('allow'), json.error.code]).toEqual([method, path, 405, allow, 'method_not_allowed']);
    }
    const unknown = await fetch(`${s.url}/api/v1/nothing-here`, { method: 'POST', headers: { 'x-api-key': s.apiKey } });
    expect([unknown.status, unknown.headers.get('allow')]).toEqual([404, null]);
  });
});

describe('an original missing from the store', () => {
  test('delivery answers 404, logs the image id, counts it in /metrics, and /healthz stays 200', async () => {
    const { id } = (await s.upload(await jpeg(64, 48), 'lost.jpg')).json;
    const image = await s.ctx.images.get(s.clientId, id);
    rmSync(join(s.dataDir, 'originals', image.originalKey));
    const logged: string[] = [];
    const write = console.error;
    console.error = (...parts: unknown[]) => logged.push(parts.join(' '));
    let response: Response;
    try {
      response = await fetch(signed(`w_32/${id}.webp`));
    } finally {
      console.error = write;
    }
    const json = (await response.json()) as any;
    expect([response.status, json.error.code]).toEqual([404, 'not_found']);
    const line = JSON.parse(logged.find((l) => l.includes(id))!);
    expect(line).toMatchObject({ level: 'error', imageId: id, clientId: s.clientId });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^imgapi_originals_missing_total 1$/m);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    // Another image still delivers.
    const other = (await s.upload(await png(10, 10), 'fine.png')).json;
    expect((await fetch(signed(`${other.id}.png`))).status).toBe(200);
  });
});

describe('JSON bodies are bounded at 1 MB, uploads keep their own limit', () => {
  test('an anonymous upload is refused from its headers, before its body is sent', async () => {
    const answer = await rawExchange(
      `POST /api/v1/images HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${40 * 1024 * 1024}\r\n\r\n--x`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(answer).toContain('"unauthorized"');
  });

  test('a declared 20 MB JSON body is refused from its header, before the body is sent', async () => {
    const answer = await rawExchange(
      `POST /api/v1/presets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: ${s.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n{"name":`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"too_large"');
  });

  test('a 2 MB JSON body → 413 whether its length is declared or it comes chunked; a 900 KB one is read', async () => {
    const big = JSON.stringify({ name: 'big', params: 'w_10', pad: 'x'.repeat(2 * 1024 * 1024) });
    const declared = await s.api('POST', '/presets', JSON.parse(big));
    expect([declared.status, declared.json.error.code]).toEqual([413, 'too_large']);
    // A body whose size is not declared could only be refused after reading it: 411, unread.
    for (const text of [big, JSON.stringify({ name: 'streamed', params: 'w_12' })]) {
      const chunked = await postChunked('/presets', text);
      expect([chunked.status, ((await chunked.json()) as any).error.code]).toEqual([411, 'length_required']);
    }
    // 900 KB of JSON whitespace around the fields the route takes (an unknown field would be a 400).
    const fine = await fetch(`${s.url}/api/v1/presets`, {
      method: 'POST',
      headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json' },
      body: `${JSON.stringify({ name: 'fine', params: 'w_10' })}${' '.repeat(900 * 1024)}`,
    });
    expect(fine.status).toBe(201);
    expect((await s.api('GET', '/presets')).json.items.map((p: { name: string }) => p.name)).toEqual(['fine']);
    // An upload of 3 MB (over the JSON limit) is still an upload.
    const photo = new Uint8Array(await (await import('sharp')).default({ create: { width: 1500, height: 1000, channels: 3, background: '#123456' } }).png({ compressionLevel: 0 }).toBuffer());
    expect(photo.byteLength).toBeGreaterThan(3 * 1024 * 1024);
    const uploaded = await s.upload(photo, 'big.png');
    expect([uploaded.status, (await decode(await (await fetch(signed(`w_100/${uploaded.json.id}.png`))).arrayBuffer())).width]).toEqual([201, 100]);
  });
});

describe('over-long URLs get the JSON error shape', () => {
  test('a path over 8 KB is 414 with nosniff and no-store, on delivery and the API alike', async () => {
    for (const path of [`/t/${s.clientId}/${'a'.repeat(9000)}/x.webp`, `/api/v1/images/${'b'.repeat(9000)}`, `/${'c'.repeat(12_000)}`]) {
      const response = await fetch(`${s.url}${path}`, { headers: { 'x-api-key': s.apiKey } });
      const json = (await response.json()) as any;
      expect([response.status, json.error.code]).toEqual([414, 'uri_too_long']);
      expect([response.headers.get('x-content-type-options'), response.headers.get('cache-control')]).toEqual(['nosniff', 'no-store']);
      expectCleanError(json);
    }
    expect((await fetch(`${s.url}/api/v1/images?q=${'d'.repeat(7000)}`, { headers: { 'x-api-key': s.apiKey } })).status).toBe(400);
  });
});

describe('requests without a usable Host, odd bodies', () => {
  test('HTTP/1.0 without Host, an empty or malformed Host: JSON answers, never a bare 500', async () => {
    const { id } = (await s.upload(await png(10, 10), 'host.png')).json;
    const rest = `${id}.png`;
    const cases: [string, RegExp, string][] = [
      ['GET /nothing HTTP/1.0\r\n\r\n', /^HTTP\/1\.1 404/, '"not_found"'],
      ['DELETE /healthz HTTP/1.0\r\n\r\n', /^HTTP\/1\.1 405/, '"method_not_allowed"'],
      [`GET /api/v1/images HTTP/1.1\r\nHost: a b\r\nX-Api-Key: ${s.apiKey}\r\nConnection: close\r\n\r\n`, /^HTTP\/1\.1 400/, 'no valid Host'],
      [`GET /api/v1/images HTTP/1.1\r\nHost:\r\nX-Api-Key: ${s.apiKey}\r\nConnection: close\r\n\r\n`, /^HTTP\/1\.1 400/, 'no valid Host'],
      [`GET /t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest} HTTP/1.0\r\n\r\n`, /^HTTP\/1\.1 200/, 'image/png'],
      [`GET /t/${s.clientId}/AAAAAAAAAAAAAAAAAAAAAA/${rest} HTTP/1.0\r\n\r\n`, /^HTTP\/1\.1 403/, '"forbidden"'],
    ];
    for (const [request, status, text] of cases) {
      const answer = await rawExchange(request, 800);
      expect([request.split('\r\n')[0], status.test(answer), answer.includes(text)]).toEqual([request.split('\r\n')[0], true, true]);
    }
  });

  test('form-encoded bodies work as they always did; deeply nested JSON is a 400', async () => {
    const form = (body: string, path: string) =>
      fetch(`${s.url}${path}`, { method: 'POST', headers: { 'x-api-key': s.apiKey, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const preset = await form('name=formed&params=w_20', '/api/v1/presets');
    expect([preset.status, ((await preset.json()) as any).params]).toEqual([201, 'w_20']);
    const login = await fetch(`${s.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: 'username=nobody&password=wrong-password',
    });
    expect([login.status, ((await login.json()) as any).error.code]).toEqual([401, 'unauthorized']);
    const nested = `{"path":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    for (const path of ['/api/v1/folders', '/api/v1/presets', '/auth/login']) {
      const response = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json', origin: s.url }, body: nested });
      expect([path, response.status]).toEqual([path, 400]);
    }
  });
});

describe('JSON bodies that are not objects', () => {
  test('an array, a string or a number as the whole body is a 400 and changes nothing', async () => {
    const up = await s.upload(await png(4, 4), 'whole-body.png');
    expect(up.status).toBe(201);
    const id = up.json.id as string;
    const before = (await s.api('GET', `/images/${id}`)).json;
    for (const body of [['a'], [{ alt: 'x' }], 'alt', 42, true]) {
      for (const [method, path] of [['PATCH', `/images/${id}`], ['POST', '/images/bulk'], ['POST', '/folders'], ['POST', '/presets'], ['POST', '/sign']] as const) {
        const answer = await s.api(method, path, body);
        expect({ method, path, body, status: answer.status }).toEqual({ method, path, body, status: 400 });
        expect(answer.json.error.code).toBe('invalid_input');
        expectCleanError(answer.json);
      }
    }
    const after = (await s.api('GET', `/images/${id}`)).json;
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(after.version).toBe(before.version);
  });
});
