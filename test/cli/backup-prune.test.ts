import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noise } from '../helpers/backup-churn';
import { isolatedHome, runCli, spawnServe } from '../helpers/cli';
import { startBucket, type TestBucket } from '../helpers/s3';
import { startServer, type TestServer } from '../helpers/server';

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
const sha256 = (data: Uint8Array) => new Bun.CryptoHasher('sha256').update(data).digest('hex');
const blobOf = (hash: string) => `blobs/sha256/${hash.slice(0, 2)}/${hash}`;

interface Manifest {
  database: { path: string };
  files: { path: string; sha256: string; size: number }[];
  originals: Record<string, string>;
}

describe('imgapi backup --prune', () => {
  const work = mkdtempSync(join(tmpdir(), 'imgapi-backup-prune-'));
  const home = isolatedHome();
  let server: TestServer | undefined;
  let bucket: TestBucket | undefined;
  let served: Awaited<ReturnType<typeof spawnServe>> | undefined;
  afterAll(async () => {
    await served?.stop();
    await bucket?.stop();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { HOME: home, ...env } });

  /** Three images, the id of each; the one to delete is the first. */
  async function seed(s: TestServer, from: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { status, json } = await s.upload(await noise(from + i), `p${i}.png`);
      expect(status).toBe(201);
      ids.push(json.id);
    }
    return ids;
  }
  /** The content file(s) of one image's originals in a manifest. */
  const contentOf = (manifest: Manifest, clientId: string, id: string) =>
    Object.entries(manifest.originals)
      .filter(([key]) => key.startsWith(`${clientId}/${id}/`))
      .map(([, hash]) => blobOf(hash));

  test('into a directory: the first --prune removes nothing; a deleted image’s content stays without --prune and goes with it; the rest, unrelated files and the current snapshot stay; verify and restore pass', async () => {
    const s = (server = await startServer());
    const [gone, ...kept] = await seed(s, 7);
    const backupDir = join(work, 'backup');
    mkdirSync(backupDir);

    const first = await cli(['backup', backupDir, '--data', s.dataDir, '--prune', '--json']);
    expect([first.code, first.stderr]).toEqual([0, '']);
    const firstReport = JSON.parse(first.stdout);
    expect(firstReport.written).toBeGreaterThanOrEqual(3);
    expect(firstReport.pruned).toEqual({ files: 0, bytes: 0 });
    const before = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as Manifest;
    const goneFiles = contentOf(before, s.clientId, gone!);
    expect(goneFiles.length).toBe(1);
    const goneBytes = statSync(join(backupDir, goneFiles[0]!)).size;

    // What a user keeps beside the backup, and files in its folders not named as its content.
    const someHash = before.files.find((f) => f.path.startsWith('blobs/'))!.sha256;
    const unrelated = {
      'notes.txt': 'my notes',
      'blobs/sha256/README': 'content by hash',
      [`blobs/${someHash}`]: 'named by a hash, outside the layout',
      [`blobs/sha256/zz/${someHash}`]: 'in the wrong fan-out folder',
      [`${blobOf(someHash)}.copy`]: 'a copy the user made',
      'database/keep-me.db': 'an older copy the user made',
    };
    for (const [path, text] of Object.entries(unrelated)) {
      mkdirSync(join(backupDir, path, '..'), { recursive: true });
      writeFileSync(join(backupDir, path), text);
    }
    // A snapshot an earlier run left (cut short after its manifest moved on): content of the layout, unused.
    const staleSnapshot = `database/${'e'.repeat(64)}.db`;
    writeFileSync(join(backupDir, staleSnapshot), 'stale snapshot');

    expect((await s.api('DELETE', `/images/${gone}?permanent=true`)).status).toBe(204);
    const plain = await cli(['backup', backupDir, '--data', s.dataDir, '--json']);
    expect([plain.code, plain.stderr]).toEqual([0, '']);
    expect(JSON.parse(plain.stdout).pruned).toBeUndefined();
    expect(existsSync(join(backupDir, goneFiles[0]!))).toBe(true);
    expect(existsSync(join(backupDir, staleSnapshot))).toBe(true);

    const blobsBefore = filesUnder(join(backupDir, 'blobs')).map((f) => [f, statSync(join(backupDir, 'blobs', f)).mtimeMs]);
    const pruning = await cli(['backup', backupDir, '--data', s.dataDir, '--prune']);
    expect([pruning.code, pruning.stderr]).toEqual([0, '']);
    const staleBytes = 'stale snapshot'.length;
    expect(pruning.stdout).toContain(`; pruned 2 file(s) the manifest no longer lists (${goneBytes + staleBytes} bytes)\n`);
    const after = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(existsSync(join(backupDir, goneFiles[0]!))).toBe(false);
    expect(existsSync(join(backupDir, staleSnapshot))).toBe(false);
    // Everything else under blobs/ is untouched (not rewritten either), unrelated files included.
    expect(filesUnder(join(backupDir, 'blobs')).map((f) => [f, statSync(join(backupDir, 'blobs', f)).mtimeMs])).toEqual(
      blobsBefore.filter(([f]) => `blobs/${f}` !== goneFiles[0]),
    );
    for (const [path, text] of Object.entries(unrelated)) expect([path, readFileSync(join(backupDir, path), 'utf8')]).toEqual([path, text]);
    expect(existsSync(join(backupDir, after.database.path))).toBe(true);
    for (const id of kept) expect(contentOf(after, s.clientId, id).every((path) => existsSync(join(backupDir, path)))).toBe(true);
    // Every content file left is one the manifest lists.
    const listed = new Set(after.files.map((f) => f.path));
    const contentLeft = filesUnder(backupDir).filter((f) => /^blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$|^database\/[0-9a-f]{64}\.(db|dump)$/.test(f));
    expect(contentLeft.filter((f) => !listed.has(f))).toEqual([]);

    const verify = await cli(['backup', '--verify', backupDir]);
    expect([verify.code, verify.stdout]).toEqual([0, expect.stringMatching(/^Verified: \d+ files/)]);
    const again = await cli(['backup', backupDir, '--data', s.dataDir, '--prune', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, pruned: { files: 0, bytes: 0 } });

    const dataDir = join(work, 'restored');
    const restore = await cli(['restore', backupDir, '--data', dataDir]);
    expect([restore.code, restore.stderr]).toEqual([0, '']);
    for (const [key, hash] of Object.entries(after.originals)) expect([key, sha256(readFileSync(join(dataDir, 'originals', key)))]).toEqual([key, hash]);
    served = await spawnServe(dataDir, 0, { HOME: home, IMGAPI_LOG: 'off' });
    for (const id of kept) {
      const image = await fetch(`${served.url}/api/v1/images/${id}`, { headers: { 'x-api-key': s.apiKey } });
      expect(image.status).toBe(200);
      const thumb = (await image.json()).thumbnailUrl as string;
      expect((await fetch(served.url + new URL(thumb).pathname + new URL(thumb).search)).status).toBe(200);
    }
    expect((await fetch(`${served.url}/api/v1/images/${gone}`, { headers: { 'x-api-key': s.apiKey } })).status).toBe(404);
  }, 60_000);

  test('--prune with --verify is refused (exit 2), nothing removed', async () => {
    const backupDir = join(work, 'backup');
    const files = filesUnder(backupDir);
    const run = await cli(['backup', backupDir, '--verify', '--prune']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('--verify writes nothing and --prune removes files')]);
    expect(filesUnder(backupDir)).toEqual(files);
  });

  test('into a bucket prefix: the deleted image’s object goes, the other objects and unrelated ones stay; verify and restore pass', async () => {
    const s = server!;
    bucket = await startBucket('backups');
    const url = `s3://backups/nightly/imgapi?endpoint=${encodeURIComponent(bucket.endpoint)}&region=us-east-1`;
    const keys = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    const object = (path: string, init?: RequestInit) => fetch(`${bucket!.endpoint}/backups/nightly/imgapi/${path}`, init);
    const [gone] = await seed(s, 40);

    const first = await cli(['backup', url, '--data', s.dataDir, '--prune', '--json'], keys);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(JSON.parse(first.stdout).pruned).toEqual({ files: 0, bytes: 0 });
    const before = (await (await object('manifest.json')).json()) as Manifest;
    const goneFiles = contentOf(before, s.clientId, gone!);
    expect(goneFiles.length).toBe(1);
    const goneBytes = before.files.find((f) => f.path === goneFiles[0])!.size;
    const unrelated = ['notes.txt', 'blobs/sha256/README', `blobs/sha256/zz/${before.files.at(-1)!.sha256}`];
    for (const path of unrelated) expect((await object(path, { method: 'PUT', body: `user's ${path}` })).status).toBe(200);
    // Beside the prefix, not under it: another backup's, never listed.
    const neighbour = `${bucket.endpoint}/backups/nightly/imgapi2/${blobOf(before.files.at(-1)!.sha256)}`;
    expect((await fetch(neighbour, { method: 'PUT', body: 'neighbour' })).status).toBe(200);

    expect((await s.api('DELETE', `/images/${gone}?permanent=true`)).status).toBe(204);
    const plain = await cli(['backup', url, '--data', s.dataDir, '--json'], keys);
    expect(plain.code).toBe(0);
    expect((await object(goneFiles[0]!)).status).toBe(200);

    const pruning = await cli(['backup', url, '--data', s.dataDir, '--prune', '--json'], keys);
    expect([pruning.code, pruning.stderr]).toEqual([0, '']);
    expect(JSON.parse(pruning.stdout).pruned).toEqual({ files: 1, bytes: goneBytes });
    expect((await object(goneFiles[0]!)).status).toBe(404);
    const after = (await (await object('manifest.json')).json()) as Manifest;
    for (const file of after.files) expect([file.path, (await object(file.path)).status]).toEqual([file.path, 200]);
    for (const path of unrelated) expect(await (await object(path)).text()).toBe(`user's ${path}`);
    expect(await (await fetch(neighbour)).text()).toBe('neighbour');

    const verify = await cli(['backup', '--verify', url], keys);
    expect([verify.code, verify.stdout]).toEqual([0, expect.stringMatching(/^Verified: \d+ files/)]);
    const dataDir = join(work, 'from-bucket');
    const restore = await cli(['restore', url, '--data', dataDir], keys);
    expect([restore.code, restore.stderr]).toEqual([0, '']);
    expect(Object.keys(after.originals).length).toBeGreaterThan(0);
    for (const [key, hash] of Object.entries(after.originals)) expect([key, sha256(readFileSync(join(dataDir, 'originals', key)))]).toEqual([key, hash]);
  }, 60_000);
});
