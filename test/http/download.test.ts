import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { fileForm } from '../helpers/api';
import { decode, jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { attachment } from '../../src/http/content-disposition';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

/** The download URL with one part changed. */
const withSignature = (url: string, signature: string) => url.replace(/\/d\/([^/]+)\/[^/]+\//, `/d/$1/${signature}/`);
const expectError = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect((await res.json()).error.code).toBe(code);
};

describe('downloadUrl: the original, signed', () => {
  test('without key or cookie: the bytes as uploaded, their type, an attachment named after the image (UTF-8 too), ETag and 304', async () => {
    const bytes = await jpeg(64, 48, { color: '#336699' });
    const { json: image } = await s.upload(bytes, 'Été photo.jpg');
    expect(image.downloadUrl).toBe(`${s.url}/d/${s.clientId}/${image.downloadUrl.split('/')[5]}/${image.id}?v=1`);
    const res = await fetch(image.downloadUrl);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="_t_ photo.jpg"; filename*=UTF-8''%C3%89t%C3%A9%20photo.jpg`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(`"${image.contentHash}"`);
    const again = await fetch(image.downloadUrl, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // The same object from GET and from a listing carries the same URL.
    expect((await s.api('GET', `/images/${image.id}`)).json.downloadUrl).toBe(image.downloadUrl);
  });

  test('a replace in another format keeps the name but not its extension: logo.png replaced by a JPEG downloads as logo.jpg', async () => {
    const { json: image } = await s.upload(await png(20, 20), 'logo.png');
    const replaced = await s.api('PUT', `/images/${image.id}`, fileForm(await jpeg(20, 20), 'new.jpg'));
    expect([replaced.status, replaced.json.originalName, replaced.json.format]).toEqual([200, 'logo.png', 'jpeg']);
    const res = await fetch(replaced.json.downloadUrl);
    expect([res.headers.get('content-type'), res.headers.get('content-disposition')]).toEqual(['image/jpeg', attachment('logo.jpg')]);
  });

  test('a tampered signature, another image, another version: 403; no or a malformed v: 400; an unknown client: 404', async () => {
    const a = (await s.upload(await png(20, 20), 'a.png')).json;
    const b = (await s.upload(await png(20, 20), 'b.png')).json;
    const signature = a.downloadUrl.split('/')[5];
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    await expectError(await fetch(withSignature(a.downloadUrl, flipped)), 403, 'forbidden');
    await expectError(await fetch(withSignature(a.downloadUrl, 'x'.repeat(300))), 403, 'forbidden');
    await expectError(await fetch(a.downloadUrl.replace(a.id, b.id)), 403, 'forbidden');
    await expectError(await fetch(a.downloadUrl.replace('?v=1', '?v=2')), 403, 'forbidden');
    for (const v of ['', '?v=', '?v=abc', '?v=0', '?v=1e3', '?v=-1']) {
      await expectError(await fetch(a.downloadUrl.replace('?v=1', v)), 400, 'invalid_input');
    }
    await expectError(await fetch(a.downloadUrl.replace(`/d/${s.clientId}/`, '/d/nosuchclient/')), 404, 'not_found');
    // A delivery signature is not a download signature, nor the other way round.
    const thumbSignature = a.thumbnailUrl.split('/')[5];
    await expectError(await fetch(withSignature(a.downloadUrl, thumbSignature)), 403, 'forbidden');
    expect((await fetch(`${s.url}/t/${s.clientId}/${signature}/${a.id}.png`)).status).toBe(403);
    // Path tricks in the id segment.
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '%00', '.']) expect([403, 404]).toContain((await fetch(a.downloadUrl.replace(a.id, id))).status);
    // Read-only.
    expect((await fetch(a.downloadUrl, { method: 'POST' })).status).toBe(405);
  });

  test('tied to its version and to the trash: a replace or a trash makes it 404 at once; the new version and a restore download again', async () => {
    const { json: image } = await s.upload(await png(30, 20), 'versioned.png');
    const first = image.downloadUrl;
    expect((await fetch(first)).status).toBe(200);
    const form = new FormData();
    const next = await jpeg(40, 30);
    form.append('file', new File([next], 'v2.jpg'));
    const replaced = (await s.api('PUT', `/images/${image.id}`, form)).json;
    expect(replaced.downloadUrl).toEndWith('?v=2');
    await expectError(await fetch(first), 404, 'not_found');
    const second = await fetch(replaced.downloadUrl);
    expect(second.headers.get('content-type')).toBe('image/jpeg');
    expect((await decode(await second.arrayBuffer())).width).toBe(40);

    expect((await s.api('DELETE', `/images/${image.id}`)).status).toBe(204);
    await expectError(await fetch(replaced.downloadUrl), 404, 'not_found');
    expect((await s.api('POST', `/images/${image.id}/restore`)).status).toBe(200);
    expect((await fetch(replaced.downloadUrl)).status).toBe(200);
  });

  test('an SVG original downloads as an attachment that can never run as a page (nosniff, sandbox CSP)', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="red"/></svg>');
    const { json: image } = await s.upload(svg, 'logo.svg');
    const res = await fetch(image.downloadUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('content-disposition')).toStartWith('attachment; filename="logo.svg"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(await res.text()).toContain('<svg');
  });

  test('URLs signed before a rotation keep working during its grace; the new object carries a URL with the new secret', async () => {
    const other = await startServer();
    try {
      const { json: image } = await other.upload(await png(20, 20), 'rotated.png');
      expect((await other.api('POST', '/signing-secret/rotate', { graceSeconds: 3600 })).status).toBe(200);
      expect((await fetch(image.downloadUrl)).status).toBe(200);
      const fresh = (await other.api('GET', `/images/${image.id}`)).json.downloadUrl;
      expect(fresh).not.toBe(image.downloadUrl);
      expect((await fetch(fresh)).status).toBe(200);
      expect((await other.api('POST', '/signing-secret/rotate', { graceSeconds: 0 })).status).toBe(200);
      await expectError(await fetch(image.downloadUrl), 403, 'forbidden');
    } finally {
      await other.stop();
    }
  });

  test('hostile names: the header stays one attachment with a plain file name, whatever the image is called', async () => {
    const { json: image } = await s.upload(await png(10, 10), 'plain.png');
    const names = ['../../etc/passwd', 'a"; filename="evil.exe', 'x\r\nSet-Cookie: a=b.png', 'C:\\Windows\\win.ini', '日本語 (1)*.png', "it's 100%.png"];
    for (const name of names) {
      const patched = await s.api('PATCH', `/images/${image.id}`, { originalName: name });
      expect(patched.status).toBe(200);
      const res = await fetch(patched.json.downloadUrl);
      expect(res.status).toBe(200);
      const header = res.headers.get('content-disposition')!;
      expect(header).toBe(attachment(patched.json.originalName));
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    // The header itself, for names the API would already have cleaned up.
    for (const name of names) {
      const header = attachment(name);
      const [, ascii, encoded] = /^attachment; filename="([^"]*)"; filename\*=UTF-8''(\S+)$/.exec(header)!;
      expect(ascii).toMatch(/^[\x20-\x7e]+$/);
      expect(ascii).not.toMatch(/[\\/"%;]/);
      expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
      expect(decodeURIComponent(encoded!)).not.toMatch(/[\\/\r\n]/);
    }
    expect(attachment('日本語 (1)*.png')).toBe(`attachment; filename="___ (1)*.png"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E%20%281%29%2A.png`);
    expect(attachment('')).toBe(`attachment; filename="image"; filename*=UTF-8''image`);
  });
});
