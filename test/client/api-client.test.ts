import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createRemoteBackend } from '../../cli/backend/remote';
import { unwrap } from '../../src/client/api-client';
import { AppError } from '../../src/core/errors';
import { decode, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

describe('the typed client (Eden Treaty over the app)', () => {
  test('uploads, lists, signs and deletes with typed answers', async () => {
    const { v1 } = s.client;
    const image = await unwrap(v1.images.post({ file: new File([await png(64, 32)], 'typed.png'), folder: 'typed' }));
    expect([image.width, image.height, image.folder, image.version]).toEqual([64, 32, 'typed', 1]);
    const page = await unwrap(v1.images.get({ query: { folder: 'typed' } }));
    expect([page.total, page.pageSize, page.items.map((i) => i.id)]).toEqual([1, 24, [image.id]]);
    const tree = await unwrap(v1.folders.get());
    expect(tree.folders.map((f) => [f.path, f.imageCount, f.children.length])).toEqual([['typed', 1, 0]]);
    const signed = await unwrap(v1.sign.post({ imageId: image.id, transform: 'w_16,f_png' }));
    expect((await decode(await (await fetch(signed.url)).arrayBuffer())).width).toBe(16);
    expect(await unwrap(v1.images({ id: image.id }).delete())).toBeFalsy();
    expect((await v1.images({ id: image.id }).get()).status).toBe(404);
  });

  test('an error answer becomes the AppError the server raised', async () => {
    const error = await unwrap(s.client.v1.presets.post({ name: 'Bad Name', params: 'w_10' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'invalid_input', status: 400, message: expect.stringContaining('Preset name') });
  });

  test("the CLI's remote backend keeps an id inside its own path", async () => {
    const backend = createRemoteBackend({ url: s.url, apiKey: s.apiKey });
    const keys = await backend.listKeys();
    expect(keys.length).toBeGreaterThan(0);
    // Unencoded, "../keys" would have been GET /api/v1/keys.
    await expect(backend.getImage('../keys')).rejects.toMatchObject({ code: 'not_found' });
    await expect(backend.deleteImage('x/../../keys')).rejects.toMatchObject({ code: 'not_found' });
    expect((await backend.listKeys()).length).toBe(keys.length);
  });
});
