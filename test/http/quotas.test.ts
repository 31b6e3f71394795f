import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { byteSize } from '../../src/core/byte-size';
import { signPath } from '../../src/core/signing';
import { jpeg, png } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { startServer, type TestServer } from '../helpers/server';

/** Every file under the data directory's originals: an upload refused must leave none behind. */
function originalFiles(s: TestServer): string[] {
  const root = join(s.dataDir, 'originals');
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name !== 'health').map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** A JPEG that does not compress away: its size is well above its few pixels' worth. */
const noisy = async (width: number, height: number) =>
  new Uint8Array(await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).jpeg().toBuffer());

const total = async (s: TestServer) => (await s.api('GET', '/images?pageSize=1')).json.total as number;

function expectQuotaError(answer: { status: number; json: any }, mentions: RegExp) {
  expect(answer.status).toBe(403);
  expect(Object.keys(answer.json)).toEqual(['error']);
  expect(Object.keys(answer.json.error).sort()).toEqual(['code', 'message']);
  expect(answer.json.error.code).toBe('quota_exceeded');
  expect(answer.json.error.message).toMatch(mentions);
}

async function replace(s: TestServer, id: string, bytes: Uint8Array) {
  const form = new FormData();
  form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], 'new.png'));
  return s.api('PUT', `/images/${id}`, form);
}

const backends: [string, () => Promise<Record<string, string>>][] = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ IMGAPI_DATABASE_URL: await freshDatabase() })],
];

for (const [backend, env] of backends) {
  describe(`quotas over HTTP (${backend})`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startServer(await env());
    }, 60_000);
    afterAll(() => s.stop());
    const setQuotas = (patch: Record<string, number | null>) => s.ctx.quotas.set(s.clientId, patch);
    const clear = () => setQuotas({ maxImages: null, maxBytes: null, maxUploadBytes: null, maxTransformsPerMinute: null });

    test('image limit: the upload past it is 403 quota_exceeded naming the limit, and nothing is stored', async () => {
      await setQuotas({ maxImages: 2 });
      for (let i = 0; i < 2; i++) expect((await s.upload(await jpeg(40 + i, 30), `ok${i}.jpg`)).status).toBe(201);
      const files = originalFiles(s);
      expect(files.length).toBe(2);
      const refused = await s.upload(await jpeg(50, 30), 'third.jpg', 'new-folder');
      expectQuotaError(refused, /^This client's image limit \(2\) is reached/);
      expect(await total(s)).toBe(2);
      expect(originalFiles(s)).toEqual(files);
      // No folder was made for the refused upload either.
      expect((await s.api('GET', '/folders')).json.folders.map((f: { path: string }) => f.path)).not.toContain('new-folder');
      // Cleared: the same upload goes through.
      await setQuotas({ maxImages: null });
      expect((await s.upload(await jpeg(50, 30), 'third.jpg')).status).toBe(201);
    });

    test('parallel uploads at the limit: exactly the room left passes, the rest 403, no orphan file', async () => {
      const before = await total(s);
      await setQuotas({ maxImages: before + 2 });
      const files = await Promise.all(Array.from({ length: 8 }, (_, i) => jpeg(60 + i, 40)));
      const answers = await Promise.all(files.map((file, i) => s.upload(file, `p${i}.jpg`)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, 201, 403, 403, 403, 403, 403, 403]);
      for (const refused of answers.filter((a) => a.status === 403)) expectQuotaError(refused, /image limit/);
      expect(await total(s)).toBe(before + 2);
      expect(originalFiles(s).length).toBe(before + 2);
      await clear();
    });

    test('storage limit: uploads and replaces that would pass it are refused; a smaller replace passes', async () => {
      const stored = (await s.api('GET', '/quotas')).json.usage.originalsBytes as number;
      const big = await png(300, 300);
      const small = await png(8, 8);
      await setQuotas({ maxBytes: stored + big.byteLength + small.byteLength });
      const first = await s.upload(big, 'big.png');
      expect(first.status).toBe(201);
      const files = originalFiles(s);
      const refused = await s.upload(big, 'big2.png');
      expectQuotaError(refused, /storage limit \(.+ of originals\) would be exceeded/);
      expect(originalFiles(s)).toEqual(files);
      const smallOne = await s.upload(small, 'small.png');
      expect(smallOne.status).toBe(201);
      // Replacing the small one with the big one grows past the limit: refused, version unchanged.
      const grow = await replace(s, smallOne.json.id, big);
      expectQuotaError(grow, /storage limit/);
      expect((await s.api('GET', `/images/${smallOne.json.id}`)).json.version).toBe(1);
      expect(originalFiles(s).length).toBe(files.length + 1);
      // Shrinking the big one always passes.
      const shrink = await replace(s, first.json.id, small);
      expect([shrink.status, shrink.json.version]).toEqual([200, 2]);
      await clear();
    });

    test('the storage limit says what the refused write would add: a new file, a replacement (its size and the one it replaces), a restored image', async () => {
      await clear();
      const small = await png(8, 8);
      const first = await s.upload(small, 'first-of-messages.png');
      expect(first.status).toBe(201);
      const stored = (await s.api('GET', '/quotas')).json.usage.originalsBytes as number;
      await setQuotas({ maxBytes: stored });
      const limit = `This client's storage limit (${byteSize(stored)} of originals) would be exceeded`;

      const other = await png(9, 9);
      const upload = await s.upload(other, 'second.png');
      expectQuotaError(upload, /storage limit/);
      expect(upload.json.error.message).toBe(`${limit}: ${byteSize(stored)} stored, this file adds ${byteSize(other.byteLength)}`);

      const larger = await png(40, 40);
      expect(larger.byteLength).toBeGreaterThan(small.byteLength);
      const replaced = await replace(s, first.json.id, larger);
      expectQuotaError(replaced, /storage limit/);
      expect(replaced.json.error.message).toBe(`${limit}: ${byteSize(stored)} stored, this file (${byteSize(larger.byteLength)}) replaces ${byteSize(small.byteLength)}`);

      expect((await s.api('DELETE', `/images/${first.json.id}`)).status).toBe(204);
      await setQuotas({ maxBytes: stored - 1 });
      const restore = await s.api('POST', `/images/${first.json.id}/restore`);
      expectQuotaError(restore, /storage limit/);
      expect(restore.json.error.message).toBe(
        `This client's storage limit (${byteSize(stored - 1)} of originals) would be exceeded: ${byteSize(stored - small.byteLength)} stored, restoring this image adds ${byteSize(small.byteLength)}`,
      );
      await setQuotas({ maxBytes: null, maxImages: await total(s) });
      const overImages = await s.api('POST', `/images/${first.json.id}/restore`);
      expect(overImages.json.error.message).toBe(`This client's image limit (${(await total(s)).toLocaleString('en-US')}) is reached; this image cannot be restored; delete images or ask an owner or admin to raise it`);
      await clear();
      expect((await s.api('POST', `/images/${first.json.id}/restore`)).status).toBe(200);
    });

    test('upload size limit: a larger file is refused before it is decoded, uploads and replaces alike', async () => {
      await setQuotas({ maxUploadBytes: 2000 });
      const large = await noisy(200, 200);
      expect(large.byteLength).toBeGreaterThan(2000);
      const files = originalFiles(s);
      const count = await total(s);
      expectQuotaError(await s.upload(large, 'large.png'), /^This file \(.+\) is larger than this client's upload size limit \(2 KB\)$/);
      const small = await s.upload(await png(4, 4), 'tiny.png');
      expect(small.status).toBe(201);
      expectQuotaError(await replace(s, small.json.id, large), /upload size limit \(2 KB\)/);
      expect(await total(s)).toBe(count + 1);
      expect(originalFiles(s).length).toBe(files.length + 1);
      await clear();
    });

    test('upload size limit: a body declared larger is refused from its headers, before it is sent', async () => {
      await setQuotas({ maxUploadBytes: 1000 });
      const port = Number(new URL(s.url).port);
      const declared = 5 * 1024 * 1024;
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        Bun.connect({
          hostname: '127.0.0.1',
          port,
          socket: {
            open(socket) {
              // Headers and the first bytes only: the server must answer without the other 5 MB.
              socket.write(
                `POST /api/v1/images HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Api-Key: ${s.apiKey}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${declared}\r\n\r\n--x\r\n`,
              );
            },
            data(socket, chunk) {
              text += new TextDecoder().decode(chunk);
              if (text.includes('\r\n\r\n') && text.includes('}}')) {
                socket.end();
                resolve(text);
              }
            },
            close: () => resolve(text),
            error: (_socket, error) => reject(error),
          },
        }).catch(reject);
        setTimeout(() => reject(new Error(`no answer before the body: ${text}`)), 10_000);
      });
      expect(answer).toStartWith('HTTP/1.1 403');
      const body = JSON.parse(answer.slice(answer.indexOf('{')));
      expect(body.error.code).toBe('quota_exceeded');
      expect(body.error.message).toBe("The request body (5 MB) is larger than this client's upload size limit (1000 B)");
      await clear();
    });

    test('transforms a minute: misses past the limit are 403 with Retry-After; hits keep being served', async () => {
      const id = (await s.upload(await jpeg(300, 200), 'src.jpg')).json.id as string;
      await setQuotas({ maxTransformsPerMinute: 2 });
      const url = (t: string) => `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, `${t}/${id}.webp`)}/${t}/${id}.webp`;
      for (const w of [101, 102]) {
        const response = await fetch(url(`w_${w}`));
        expect([response.status, response.headers.get('x-cache')]).toEqual([200, 'MISS']);
      }
      const refused = await fetch(url('w_103'));
      const json = (await refused.json()) as any;
      expectQuotaError({ status: refused.status, json }, /^This client's transform limit \(2 new variants per minute\) is reached; cached variants are still served, retry in \d+ s$/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const hit = await fetch(url('w_101'));
      expect([hit.status, hit.headers.get('x-cache')]).toEqual([200, 'HIT']);
      await clear();
      expect((await fetch(url('w_103'))).status).toBe(200);
    });

    test('eager variants and preset warm draw on the same transforms a minute: past it their jobs wait (not failed), and misses are refused', async () => {
      const variants = async (id: string) => (await s.api('GET', `/images/${id}`)).json.variants as { pending: number; ready: number };
      const until = async (check: () => Promise<boolean>, what: string) => {
        for (const end = Date.now() + 20_000; !(await check()); await Bun.sleep(50)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      };
      const preset = await s.api('POST', '/presets', { name: 'paced', params: 'w_40', widths: [41, 42, 43, 44], eager: true });
      expect(preset.status).toBe(201);
      await setQuotas({ maxTransformsPerMinute: 2 });
      const id = (await s.upload(await jpeg(120, 90), 'eager-paced.jpg')).json.id as string;
      // Two of the four computed at once (the minute's budget), then the other two held back:
      // the worker polls every second, so three seconds give it several chances to take them.
      await until(async () => (await variants(id)).ready === 2, 'two eager variants');
      await Bun.sleep(3000);
      expect(await variants(id)).toEqual({ pending: 2, ready: 2 });
      // The budget the eager work used is the one misses draw on.
      const miss = await fetch(`${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, `w_33/${id}.webp`)}/w_33/${id}.webp`);
      expectQuotaError({ status: miss.status, json: await miss.json() }, /transform limit \(2 new variants per minute\)/);
      // Cleared: the held jobs run, none of them failed.
      await clear();
      await until(async () => (await variants(id)).pending === 0, 'the held variants');
      expect(await variants(id)).toEqual({ pending: 0, ready: 4 });

      expect((await s.api('DELETE', `/presets/${preset.json.id}`)).status).toBe(204);

      // A warm over the limit is accepted and paced the same way.
      for (let i = 0; i < 3; i++) expect((await s.upload(await jpeg(60 + i, 40), `warm${i}.jpg`, 'warmed')).status).toBe(201);
      const warmer = await s.api('POST', '/presets', { name: 'warmer', params: 'w_30' });
      await setQuotas({ maxTransformsPerMinute: 1 });
      const warm = await s.api('POST', `/presets/${warmer.json.id}/warm`, { folder: 'warmed' });
      expect([warm.status, warm.json.variants]).toEqual([200, 3]);
      const progress = async () => (await s.api('GET', `/presets/${warmer.json.id}/warm?since=${encodeURIComponent(warm.json.since)}`)).json;
      await until(async () => (await progress()).ready === 1, 'the first warmed variant');
      await Bun.sleep(3000);
      expect(await progress()).toMatchObject({ pending: 2, ready: 1, failed: 0 });
      await clear();
      await until(async () => (await progress()).pending === 0, 'the rest of the warm');
      expect(await progress()).toMatchObject({ pending: 0, ready: 3, failed: 0 });
      expect((await s.api('DELETE', `/presets/${warmer.json.id}`)).status).toBe(204);
    }, 60_000);

    test('a restore from the trash counts as an upload: past the image limit it is 403 and the image stays in the trash', async () => {
      const id = (await s.upload(await jpeg(70, 50), 'trashed.jpg')).json.id as string;
      expect((await s.api('DELETE', `/images/${id}`)).status).toBe(204);
      await setQuotas({ maxImages: await total(s) });
      const refused = await s.api('POST', `/images/${id}/restore`);
      expectQuotaError(refused, /image limit/);
      expect((await s.api('GET', `/images/${id}`)).status).toBe(404);
      expect((await s.api('GET', '/trash')).json.items.map((t: { image?: { id: string }; id?: string }) => t.image?.id ?? t.id)).toContain(id);
      await clear();
      expect((await s.api('POST', `/images/${id}/restore`)).status).toBe(200);
    });

    test('GET /quotas: the limits (null: none) and what the client stores now', async () => {
      await setQuotas({ maxImages: 500, maxUploadBytes: 10_000_000 });
      const { status, json } = await s.api('GET', '/quotas');
      expect(status).toBe(200);
      expect(json.quotas).toEqual({ maxImages: 500, maxBytes: null, maxUploadBytes: 10_000_000, maxTransformsPerMinute: null });
      expect(json.usage.images).toBe(await total(s));
      expect(json.usage.originalsBytes).toBeGreaterThan(0);
      await clear();
    });
  });
}
