import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveNames, createImageArchive } from '../../src/core/image-archive';
import { createFsBlobStore } from '../../src/storage/fs-blob-store';
import { jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
let dir: string;
beforeAll(async () => {
  s = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'imgapi-zip-'));
});
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const zipOf = (body: unknown, key = s.apiKey) =>
  fetch(`${s.url}/api/v1/images/zip`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Unpacked by Info-ZIP's unzip, not by the library that wrote it. */
function unzip(archive: Uint8Array, name: string): { files: Map<string, Buffer>; listing: string } {
  const path = join(dir, `${name}.zip`);
  const out = join(dir, name);
  writeFileSync(path, archive);
  // A UTF-8 locale: unzip then writes names flagged UTF-8 as they are.
  const run = Bun.spawnSync(['unzip', '-o', path, '-d', out], { stdout: 'pipe', stderr: 'pipe', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  expect(run.exitCode).toBe(0);
  const listing = Bun.spawnSync(['unzip', '-Z', '-v', path], { stdout: 'pipe' }).stdout.toString();
  return { files: new Map(readdirSync(out).map((file) => [file, readFileSync(join(out, file))])), listing };
}

describe('POST /images/zip', () => {
  test('the originals, byte for byte, named by originalName (with the extension of their format) made distinct; streamed as an attachment', async () => {
    const uploads: [Uint8Array, string][] = [
      [await jpeg(40, 30), 'a.jpg'],
      [await png(20, 10), 'a.jpg'],
      [await jpeg(12, 12), 'A.JPG'],
      [await png(5, 5), 'photo'],
      [await png(6, 6), 'photo'],
      [await png(7, 7), 'crème brûlée.png'],
    ];
    const ids: string[] = [];
    for (const [bytes, name] of uploads) ids.push((await s.upload(bytes, name, 'zip')).json.id);
    const response = await zipOf({ ids });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="images.zip"');
    // Streamed: no length known up front.
    expect(response.headers.get('content-length')).toBeNull();
    const { files, listing } = unzip(new Uint8Array(await response.arrayBuffer()), 'names');
    // The PNG uploaded as a.jpg is named for what it is (a.png); names are then made distinct.
    const expected = ['a.jpg', 'a.png', 'A (2).JPG', 'photo', 'photo (2)', 'crème brûlée.png'];
    expect([...files.keys()].sort()).toEqual([...expected].sort());
    expected.forEach((name, i) => expect(Buffer.compare(files.get(name)!, Buffer.from(uploads[i]![0]))).toBe(0));
    // Stored, not deflated again: images are compressed already.
    expect(listing).toContain('compression method:                             none (stored)');
  });

  test('hostile names cannot leave the directory unpacked into', async () => {
    const id = (await s.upload(await png(4, 4), 'x.png', 'zip')).json.id;
    const hostile = ['../../etc/passwd', '..\\..\\windows\\win.ini', '/abs/path.png', 'C:\\evil.png', '..', 'con.png', 'a:b?.png', '.hidden', 'dots...'];
    const ids: string[] = [];
    for (const name of hostile) {
      const copy = (await s.upload(await png(4, 4), 'copy.png', 'zip')).json.id;
      await s.api('PATCH', `/images/${copy}`, { originalName: name });
      ids.push(copy);
    }
    const response = await zipOf({ ids: [id, ...ids] });
    const { files } = unzip(new Uint8Array(await response.arrayBuffer()), 'hostile');
    expect([...files.keys()].sort()).toEqual(['_con.png', 'a_b_.png', 'dots', 'evil.png', 'hidden', 'image', 'passwd', 'path.png', 'win.ini', 'x.png'].sort());
    // Nothing was written outside.
    expect(readdirSync(dir).filter((f) => !/^(names|hostile)(\.zip)?$/.test(f))).toEqual([]);
  });

  test('an unknown id or another client’s is a 404 before any byte; bad bodies are 400', async () => {
    const other = (await s.ctx.accounts.createClient('Zip other', 'zip-other')).apiKey.apiKey;
    const theirs = (await s.upload(await png(4, 4), 't.png', undefined, other)).json.id;
    const mine = (await s.upload(await png(4, 4), 'm.png')).json.id;
    for (const ids of [[mine, 'missing'], [mine, theirs]]) {
      const response = await zipOf({ ids });
      expect(response.status).toBe(404);
      expect((await response.json()).error).toEqual({ code: 'not_found', message: `Image ${ids[1]} not found` });
    }
    for (const body of [{ ids: [] }, { ids: mine }, { ids: Array.from({ length: 501 }, () => mine) }, {}]) {
      const response = await zipOf(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('invalid_input');
    }
  });

  test('past the size limit: 413 with the sizes named', async () => {
    const a = (await s.upload(await jpeg(200, 200), 'big.jpg')).json;
    const archive = createImageArchive({ images: s.ctx.images, originals: createFsBlobStore({ root: join(s.dataDir, 'originals') }), maxBytes: a.bytes - 1 });
    const refused = await archive.zip(s.clientId, [a.id]).catch((error) => error);
    expect([refused.code, refused.status]).toEqual(['too_large', 413]);
    expect(refused.message).toMatch(/add up to .*one ZIP holds at most .*download them in parts/);
  });
});

test('the OpenAPI document gives the ZIP as application/zip and the bulk request its schema', async () => {
  const document = await (await fetch(`${s.url}/docs/json`)).json();
  const zip = document.paths['/api/v1/images/zip'].post;
  expect(zip.responses['200'].content).toEqual({ 'application/zip': { schema: { type: 'string', format: 'binary', description: 'The ZIP archive, streamed' } } });
  expect(Object.keys(zip.responses)).toEqual(expect.arrayContaining(['400', '404', '413']));
  const bulk = document.paths['/api/v1/images/bulk'].post;
  expect(bulk.operationId).toBe('bulkImages');
  expect(bulk.requestBody.content['application/json'].schema.properties.ids.maxItems).toBe(500);
});

test('archiveNames: distinct ignoring case, extensions kept', () => {
  expect(archiveNames(['a.jpg', 'A.jpg', 'a.jpg', 'a (2).jpg', 'b.tar.gz', 'b.tar.gz'])).toEqual(['a.jpg', 'A (2).jpg', 'a (3).jpg', 'a (2) (2).jpg', 'b.tar.gz', 'b.tar (2).gz']);
});
