import { afterAll, beforeAll, expect, test } from 'bun:test';
import { SQL } from 'bun';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDuringChanges, expectRestored, type Churned } from '../helpers/backup-churn';
import { isolatedHome, runCli, spawnServe } from '../helpers/cli';
import { freshDatabase } from '../helpers/postgres';
import { startBucket, type TestBucket } from '../helpers/s3';
import { startServer, type TestServer } from '../helpers/server';

/**
 * PostgreSQL and S3, both real: `imgapi backup` dumps the database with pg_dump in the very
 * snapshot it lists the originals in, copies those originals out of the bucket (into another
 * bucket prefix or a directory), and `imgapi restore` puts them into an empty database and an
 * empty bucket prefix, from which a new node serves everything acknowledged before the backup.
 */
let work: string;
let home: string;
let bucket: TestBucket;
let databaseUrl: string;
let server: TestServer;
let live: Record<string, string>;
const nodes: { stop(): Promise<unknown> }[] = [];
let churned: Churned<{ code: number; stdout: string; stderr: string }>;

const cli = (args: string[], env: Record<string, string>) => runCli(args, { env: { HOME: home, ...env } });
const objectUrl = (path: string) => `${bucket.endpoint}/${bucket.bucket}/${path}`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'imgapi-pg-backup-'));
  home = isolatedHome();
  bucket = await startBucket();
  databaseUrl = await freshDatabase();
  live = { IMGAPI_DATABASE_URL: databaseUrl, IMGAPI_STORAGE_URL: bucket.storageUrl('live') };
  server = await startServer(live);
}, 60_000);

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await server?.stop();
  await bucket?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

test('a backup into a bucket during uploads, replaces and deletes, restored into an empty database and bucket prefix, has every change acknowledged before it began; old signed and preset URLs work', async () => {
  const target = bucket.storageUrl('backups/pg');
  churned = await backupDuringChanges(server, () => cli(['backup', target, '--data', join(work, 'cli'), '--json'], live));
  expect([churned.result.code, churned.result.stderr]).toEqual([0, '']);
  const manifest = await (await fetch(objectUrl('backups/pg/manifest.json'))).json();
  const { kind, path, tool } = manifest.database;
  expect([kind, path, tool]).toEqual(['postgresql', expect.stringMatching(/^database\/[0-9a-f]{64}\.dump$/), expect.stringMatching(/^pg_dump \d+/)]);
  const keys = Object.keys(manifest.originals);
  expect(keys.some((key) => key.startsWith(`${server.clientId}/${churned.heicId}/`) && key.endsWith('.master'))).toBe(true);
  expect(keys.some((key) => key.startsWith(`${server.clientId}/${churned.trashedId}/`))).toBe(true);
  // The dump is a pg_dump custom archive (it starts with PGDMP).
  const dump = new Uint8Array(await (await fetch(objectUrl(`backups/pg/${path}`))).arrayBuffer());
  expect(new TextDecoder().decode(dump.slice(0, 5))).toBe('PGDMP');

  const restoredEnv = { IMGAPI_DATABASE_URL: await freshDatabase(), IMGAPI_STORAGE_URL: bucket.storageUrl('restored') };
  const restore = await cli(['restore', target, '--data', join(work, 'restore-cli')], restoredEnv);
  expect([restore.code, restore.stderr]).toEqual([0, '']);
  const node = await spawnServe(join(work, 'node2'), 0, { ...restoredEnv, HOME: home, IMGAPI_LOG: 'off' });
  nodes.push(node);
  await expectRestored(node.url, server.apiKey, churned, keys, server.clientId);
}, 120_000);

test('into a directory: a second backup writes no original again; --verify; restore refuses a database or a bucket prefix that is not empty (exit 1, nothing written)', async () => {
  const dir = join(work, 'pg-backup');
  const first = await cli(['backup', dir, '--data', join(work, 'cli'), '--json'], live);
  expect([first.code, first.stderr]).toEqual([0, '']);
  const second = await cli(['backup', dir, '--data', join(work, 'cli'), '--json'], live);
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ written: 0, bytesWritten: 0, kept: JSON.parse(first.stdout).written });
  expect((await cli(['backup', '--verify', dir], {})).code).toBe(0);

  // Without pg_dump the backup says what to install and writes no manifest.
  const noTools = await cli(['backup', join(work, 'no-tools'), '--data', join(work, 'cli')], { ...live, PATH: '/nonexistent' });
  expect([noTools.code, noTools.stderr]).toEqual([1, expect.stringContaining('pg_dump is not on PATH: install the PostgreSQL client tools')]);
  expect(existsSync(join(work, 'no-tools', 'manifest.json'))).toBe(false);

  // A database that already has tables: refused before the bucket is touched.
  const busyDatabase = await freshDatabase();
  const sql = new SQL(busyDatabase);
  await sql`CREATE TABLE mine (id int)`;
  await sql.close();
  const intoBusyDatabase = await cli(['restore', dir, '--data', join(work, 'never')], { IMGAPI_DATABASE_URL: busyDatabase, IMGAPI_STORAGE_URL: bucket.storageUrl('never') });
  expect([intoBusyDatabase.code, intoBusyDatabase.stderr]).toEqual([1, expect.stringContaining('is not empty (public.mine)')]);
  expect((await fetch(objectUrl('never/originals/'))).status).not.toBe(200);

  // A bucket prefix that already holds originals (the live one): refused, the empty database left empty.
  const emptyDatabase = await freshDatabase();
  const intoLiveBucket = await cli(['restore', dir, '--data', join(work, 'never')], { IMGAPI_DATABASE_URL: emptyDatabase, IMGAPI_STORAGE_URL: bucket.storageUrl('live') });
  expect([intoLiveBucket.code, intoLiveBucket.stderr]).toEqual([1, expect.stringContaining('already holds originals')]);
  const check = new SQL(emptyDatabase);
  expect((await check`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)[0].n).toBe(0);
  await check.close();

  // Without pg_restore: refused before any original is written, so the same target takes the next try.
  const withoutTools = { IMGAPI_DATABASE_URL: emptyDatabase, IMGAPI_STORAGE_URL: bucket.storageUrl('untouched') };
  const noRestoreTool = await cli(['restore', dir, '--data', join(work, 'never')], { ...withoutTools, PATH: '/nonexistent' });
  expect([noRestoreTool.code, noRestoreTool.stderr]).toEqual([1, expect.stringContaining('pg_restore is not on PATH')]);
  const listing = (prefix: string) => fetch(`${bucket.endpoint}/${bucket.bucket}?list-type=2&prefix=${prefix}`).then((r) => r.text());
  expect([(await listing('live/')).includes('<Key>'), (await listing('untouched/')).includes('<Key>')]).toEqual([true, false]);

  // Originals from the bucket restored into a data directory instead (PostgreSQL and files): every key, byte for byte.
  const onDisk = join(work, 'on-disk');
  const toFiles = await cli(['restore', dir, '--data', onDisk], { IMGAPI_DATABASE_URL: await freshDatabase() });
  expect([toFiles.code, toFiles.stderr]).toEqual([0, '']);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  for (const [key, hash] of Object.entries(manifest.originals)) {
    expect(new Bun.CryptoHasher('sha256').update(readFileSync(join(onDisk, 'originals', key))).digest('hex')).toBe(hash as string);
  }

  // A PostgreSQL backup into a SQLite data directory: refused, nothing written.
  const intoSqlite = await cli(['restore', dir, '--data', join(work, 'sqlite')], {});
  expect([intoSqlite.code, intoSqlite.stderr]).toEqual([1, expect.stringContaining('holds a postgresql database')]);
  expect(existsSync(join(work, 'sqlite', 'imgapi.db'))).toBe(false);
  expect(existsSync(join(work, 'never'))).toBe(false);
}, 120_000);
