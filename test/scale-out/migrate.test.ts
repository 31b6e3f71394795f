import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createS3BlobStore } from '../../src/storage/s3-blob-store';
import { parseStorageUrl } from '../../src/storage/s3-location';
import { apiRequest, fileForm } from '../helpers/api';
import { runCli, spawnServe } from '../helpers/cli';
import { decode, jpeg, png } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { logInCookie, sessionRequest } from '../helpers/sessions';
import { startBucket, type TestBucket } from '../helpers/s3';

/**
 * `imgapi migrate`: a single-node installation (SQLite + files) copied into PostgreSQL and a
 * bucket, then served from there by a node with an empty data directory.
 */
let bucket: TestBucket;
let source: string;
let apiKey = '';
let password = '';
const dirs: string[] = [];
const images: { id: string; url: string; width: number; placeholder: unknown }[] = [];
const LABELS = { tags: ['red shoes', 'summer sale'], alt: 'A red shoe on a white floor', meta: { sku: 'A-100', stock: 3 } };

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-migrate-'));
  dirs.push(dir);
  return dir;
};

const api = (base: string, method: string, path: string, body?: unknown) => apiRequest(base, apiKey, method, path, body);

const migrate = (args: string[]) => runCli(['migrate', '--data', source, '--json', ...args]);

beforeAll(async () => {
  bucket = await startBucket();
  source = tempDir();
  // A single node, used for a while: folders, images, a replaced one, a preset, a second key.
  const node = await spawnServe(source, 0, { IMGAPI_LOG: 'off' });
  try {
    apiKey = /API key:\s+(\S+)/.exec(node.output)![1]!;
    password = /password:\s+(\S+)/.exec(node.output)![1]!;
    for (const [i, folder] of ['clients/acme', 'clients/acme/2026', '', 'clients/zeta'].entries()) {
      const { json } = await api(node.url, 'POST', '/images', fileForm(await jpeg(400 + i * 10, 300), `photo-${i}.jpg`, folder));
      const signed = await api(node.url, 'POST', '/sign', { imageId: json.id, transform: 'f_png' });
      images.push({ id: json.id, url: signed.json.url, width: 400 + i * 10, placeholder: json.placeholder });
    }
    const replaced = (await api(node.url, 'PUT', `/images/${images[0]!.id}`, fileForm(await png(200, 100, { alpha: true }), 'new.png'))).json;
    expect(replaced.version).toBe(2);
    images[0]!.width = 200;
    images[0]!.placeholder = replaced.placeholder;
    expect((await api(node.url, 'PATCH', `/images/${images[1]!.id}`, { focalPoint: { x: 0.25, y: 0.75 } })).status).toBe(200);
    expect((await api(node.url, 'PATCH', `/images/${images[2]!.id}`, LABELS)).status).toBe(200);
    expect((await api(node.url, 'POST', '/presets', { name: 'thumb', params: 'w_50', eager: true, formats: ['jpeg', 'webp'] })).status).toBe(201);
    expect((await api(node.url, 'POST', '/keys', { name: 'second' })).status).toBe(201);
    // Added last, so no change of the setup queues a purge to it.
    const target = await api(node.url, 'POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'zone-m', apiToken: 'cf-token-migrated', apiBase: 'https://93.184.215.14/client/v4' });
    expect(target.status).toBe(201);
    // Users with roles: a member granted the client (by invitation), and an invitation still pending.
    const owner = await logInCookie(node.url, 'admin', password);
    const invite = await sessionRequest(node.url, owner, null, 'POST', '/api/v1/users/invites', { role: 'member', clientIds: ['default'] });
    const token = /#\/invite\/(\S+)$/.exec(invite.json.url)![1];
    expect((await sessionRequest(node.url, null, null, 'POST', '/api/v1/users/invites/accept', { token, username: 'mia', password: 'mia password' })).status).toBe(201);
    expect((await sessionRequest(node.url, owner, null, 'POST', '/api/v1/users/invites', { role: 'viewer' })).status).toBe(201);
  } finally {
    await node.stop();
  }
}, 60_000);

afterAll(async () => {
  await bucket?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('imgapi migrate', () => {
  test('copies rows and originals, verifies them, resumes, and a PostgreSQL + S3 node serves the same URLs', async () => {
    const database = await freshDatabase();
    const storageUrl = bucket.storageUrl('migrated');
    const first = await migrate(['--to-database', database, '--to-storage', storageUrl]);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.ok).toBe(true);
    const rows = Object.fromEntries(report.tables.map((t: { table: string; source: number; verified: number }) => [t.table, [t.source, t.verified]]));
    expect(rows).toMatchObject({ clients: [1, 1], users: [2, 2], user_clients: [1, 1], invites: [2, 2], api_keys: [2, 2], folders: [4, 4], images: [4, 4], presets: [1, 1], purge_targets: [1, 1], audit_log: [15, 15] });
    expect(report.originals).toMatchObject({ total: 4, copied: 4, skipped: 0, verified: 4, failures: [] });

    // An interrupted copy (one original missing in the bucket) resumes: only it is sent again.
    const originals = createS3BlobStore(parseStorageUrl(storageUrl), 'originals');
    const keys = await originals.list();
    expect(keys.length).toBe(4);
    await originals.delete(keys[0]!);
    const again = await migrate(['--to-database', database, '--to-storage', storageUrl]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).originals).toMatchObject({ copied: 1, skipped: 3, verified: 4 });

    // A node with an empty data directory serves everything from PostgreSQL and the bucket.
    const node = await spawnServe(tempDir(), 0, { IMGAPI_DATABASE_URL: database, IMGAPI_STORAGE_URL: storageUrl, IMGAPI_LOG: 'off' });
    try {
      expect(node.output).not.toContain('First start');
      for (const image of images) {
        const response = await fetch(`${node.url}${new URL(image.url).pathname}`);
        expect(response.status).toBe(200);
        expect((await decode(new Uint8Array(await response.arrayBuffer()))).width).toBe(image.width);
      }
      const thumb = await fetch(`${node.url}/t/default/preset:thumb/${images[1]!.id}.webp`);
      expect(await decode(new Uint8Array(await thumb.arrayBuffer()))).toMatchObject({ format: 'webp', width: 50 });
      expect((await api(node.url, 'GET', `/images/${images[1]!.id}`)).json.focalPoint).toEqual({ x: 0.25, y: 0.75 });
      expect((await api(node.url, 'GET', `/images/${images[2]!.id}`)).json.focalPoint).toBeNull();
      expect((await api(node.url, 'GET', '/purge-targets')).json.items).toMatchObject([
        { kind: 'cloudflare', zoneId: 'zone-m', apiBase: 'https://93.184.215.14/client/v4', secretHint: '••••ated' },
      ]);
      // The audit log came along (the first start's client and user, 4 uploads, a replace, 2 updates,
      // a preset, a key, a purge target, 2 invitations and one accepted),
      // and PostgreSQL's sequence goes on after it: a new entry is listed first.
      expect((await api(node.url, 'PATCH', `/images/${images[3]!.id}`, { alt: 'after the move' })).status).toBe(200);
      const audit = (await api(node.url, 'GET', '/audit?pageSize=100')).json;
      expect([audit.total, audit.items[0].action, audit.items[0].target.id, audit.items.at(-1).action]).toEqual([12, 'image.update', images[3]!.id, 'client.create']); // the key reads its client's: not the 4 about users
      for (const image of images) {
        expect(image.placeholder).not.toBeNull();
        expect((await api(node.url, 'GET', `/images/${image.id}`)).json.placeholder).toEqual(image.placeholder);
      }
      // Tags, alt text and metadata arrive, and the tag filter and text search of PostgreSQL find them.
      expect((await api(node.url, 'GET', `/images/${images[2]!.id}`)).json).toMatchObject(LABELS);
      expect((await api(node.url, 'GET', '/images?tag=summer%20sale')).json.items.map((i: { id: string }) => i.id)).toEqual([images[2]!.id]);
      expect((await api(node.url, 'GET', '/search?q=white%20floor')).json.images.map((i: { id: string }) => i.id)).toEqual([images[2]!.id]);
      const listed = await api(node.url, 'GET', '/images?folder=clients/acme&recursive=true');
      expect(listed.json.total).toBe(2);
      expect((await api(node.url, 'GET', '/search?q=photo-3')).json.images.map((i: { id: string }) => i.id)).toEqual([images[3]!.id]);
      const login = await fetch(`${node.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: node.url },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      // The member keeps their role and client; the pending invitation is still listed.
      const mia = await logInCookie(node.url, 'mia', 'mia password');
      expect((await sessionRequest(node.url, mia, null, 'GET', '/auth/me')).json).toEqual({ username: 'mia', role: 'member', clientIds: ['default'] });
      const owner = await logInCookie(node.url, 'admin', password);
      expect((await sessionRequest(node.url, owner, null, 'GET', '/api/v1/users')).json.invites.map((i: { role: string }) => i.role)).toEqual(['viewer']);
    } finally {
      await node.stop();
    }
  }, 60_000);

  test('an original that no longer matches its recorded hash is reported and the exit status is 1', async () => {
    const database = await freshDatabase();
    const storageUrl = bucket.storageUrl('damaged');
    // Damage the file behind one image (its key starts with the client and image id).
    const damaged = (await Array.fromAsync(new Bun.Glob(`default/${images[2]!.id}/*`).scan({ cwd: join(source, 'originals') })))[0]!;
    const path = join(source, 'originals', damaged);
    const original = await Bun.file(path).bytes();
    writeFileSync(path, new Uint8Array([...original.slice(0, 100), 0, 0, 0]));
    try {
      const result = await migrate(['--to-database', database, '--to-storage', storageUrl]);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report.ok).toBe(false);
      expect(report.originals.failures).toEqual([{ key: damaged, reason: 'the source does not match its recorded hash' }]);
      expect(report.originals.verified).toBe(3);
    } finally {
      writeFileSync(path, original);
    }
  }, 60_000);

  test('a database that already holds another installation is refused, and bad targets are usage errors', async () => {
    const database = await freshDatabase();
    const other = await spawnServe(tempDir(), 0, { IMGAPI_DATABASE_URL: database, IMGAPI_LOG: 'off' });
    await other.stop();
    const refused = await migrate(['--to-database', database]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds another installation');

    expect((await migrate([])).code).toBe(2);
    const badStorage = await migrate(['--to-storage', 'https://bucket/x']);
    expect(badStorage.code).toBe(2);
    expect(badStorage.stderr).toContain('--to-storage must start with s3://');
    expect((await migrate(['--to-database', 'mysql://x'])).code).toBe(2);
    const nowhere = await runCli(['migrate', '--data', join(tempDir(), 'none'), '--to-database', database]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('No installation');
  }, 60_000);
});
