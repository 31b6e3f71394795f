import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDuringChanges, expectRestored, type Churned } from '../helpers/backup-churn';
import { isolatedHome, runCli, spawnServe } from '../helpers/cli';
import { startBucket, type TestBucket } from '../helpers/s3';
import { startServer, type TestServer } from '../helpers/server';

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());

describe('imgapi backup and restore', () => {
  const work = mkdtempSync(join(tmpdir(), 'imgapi-backup-'));
  const home = isolatedHome();
  let server: TestServer | undefined;
  let restored: Awaited<ReturnType<typeof spawnServe>> | undefined;
  let fromBucket: Awaited<ReturnType<typeof spawnServe>> | undefined;
  let bucket: TestBucket | undefined;
  let before: Churned<{ code: number; stderr: string }> | undefined;
  afterAll(async () => {
    await fromBucket?.stop();
    await restored?.stop();
    await bucket?.stop();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { HOME: home, ...env } });

  test('an online backup during uploads, replaces and deletes restores every change acknowledged before it began; signed and preset URLs still work', async () => {
    const s = (server = await startServer());
    const backupDir = join(work, 'backup');
    const churned = (before = await backupDuringChanges(s, () => cli(['backup', backupDir, '--data', s.dataDir, '--json'])));
    expect(churned.result.stderr).toBe('');
    expect(churned.result.code).toBe(0);

    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
    const keys = Object.keys(manifest.originals);
    expect(manifest.database).toMatchObject({ kind: 'sqlite', tool: 'VACUUM INTO' });
    expect(keys.some((key) => key.startsWith(`${s.clientId}/${churned.heicId}/`) && key.endsWith('.master'))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${s.clientId}/${churned.trashedId}/`))).toBe(true);

    // Restore into a new directory and serve it with `imgapi serve`.
    const dataDir = join(work, 'restored');
    const restore = await cli(['restore', backupDir, '--data', dataDir]);
    expect([restore.code, restore.stderr]).toEqual([0, '']);
    expect(restore.stdout).toMatch(new RegExp(`^Restored the database into ${join(dataDir, 'imgapi.db')} and \\d+ original file\\(s\\), \\d+ bytes, into ${join(dataDir, 'originals')}\n$`));
    restored = await spawnServe(dataDir, 0, { HOME: home, IMGAPI_LOG: 'off' });
    await expectRestored(restored.url, s.apiKey, churned, keys, s.clientId);
  }, 60_000);

  test('a second backup of unchanged data writes no content file again', async () => {
    const s = server!;
    const backupDir = join(work, 'backup');
    const again = await cli(['backup', backupDir, '--data', s.dataDir, '--json']);
    expect(again.code).toBe(0);
    const blobs = filesUnder(join(backupDir, 'blobs'));
    const mtimes = new Map(blobs.map((f) => [f, statSync(join(backupDir, 'blobs', f)).mtimeMs]));
    const third = await cli(['backup', backupDir, '--data', s.dataDir, '--json']);
    expect(third.code).toBe(0);
    const report = JSON.parse(third.stdout);
    expect(report).toMatchObject({ written: 0, bytesWritten: 0 });
    expect(report.kept).toBeGreaterThan(0);
    expect(filesUnder(join(backupDir, 'blobs')).map((f) => [f, statSync(join(backupDir, 'blobs', f)).mtimeMs])).toEqual([...mtimes]);
    expect((await cli(['backup', '--verify', backupDir])).code).toBe(0);
    // Each run's snapshot is its own file; the one the manifest no longer names is gone.
    expect(readdirSync(join(backupDir, 'database'))).toEqual([JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')).database.path.slice('database/'.length)]);
  }, 60_000);

  test('into a bucket URL (credentials from the environment): the same layout, a second run writes nothing, --verify, and a restore from it serves the old URLs', async () => {
    const s = server!;
    bucket = await startBucket('backups');
    const url = `s3://backups/nightly/imgapi?endpoint=${encodeURIComponent(bucket.endpoint)}&region=us-east-1`;
    const keys = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    const first = await cli(['backup', url, '--data', s.dataDir, '--json'], keys);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(JSON.parse(first.stdout).written).toBeGreaterThan(20);
    const object = (path: string) => fetch(`${bucket!.endpoint}/backups/nightly/imgapi/${path}`);
    const manifest = await (await object('manifest.json')).json();
    expect(manifest.database.kind).toBe('sqlite');
    for (const file of manifest.files.slice(0, 5)) {
      const data = new Uint8Array(await (await object(file.path)).arrayBuffer());
      expect(new Bun.CryptoHasher('sha256').update(data).digest('hex')).toBe(file.sha256);
    }

    const again = await cli(['backup', url, '--data', s.dataDir, '--json'], keys);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, bytesWritten: 0 });
    const verify = await cli(['backup', '--verify', url], keys);
    expect([verify.code, verify.stdout]).toEqual([0, expect.stringMatching(/^Verified: \d+ files/)]);
    // The secret is named by its variable, never printed.
    expect(first.stdout + again.stdout + verify.stdout + verify.stderr).not.toContain('S3RVER');

    const dataDir = join(work, 'from-bucket');
    const restore = await cli(['restore', url, '--data', dataDir], keys);
    expect([restore.code, restore.stderr]).toEqual([0, '']);
    fromBucket = await spawnServe(dataDir, 0, { HOME: home, IMGAPI_LOG: 'off' });
    for (const path of [before!.signedPath, before!.presetPath]) expect((await fetch(fromBucket.url + path)).status).toBe(200);
  }, 60_000);

  test('bad backup locations are refused (exit 2) with what is wrong, and nothing is written', async () => {
    const endpoint = encodeURIComponent(bucket!.endpoint);
    const keys = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    const cases: [string, RegExp, Record<string, string>][] = [
      ['https://example.com/backups', /directory or an s3:\/\/bucket\/prefix URL/, keys],
      ['gs://bucket/prefix', /directory or an s3:\/\/bucket\/prefix URL/, keys],
      ['s3://', /not a URL|names no bucket/, keys],
      ['s3:///prefix', /names no bucket/, keys],
      [`s3://backups?endpoint=${endpoint}`, /names no prefix/, keys],
      [`s3://backups/a%2F..%2Fb?endpoint=${endpoint}`, /"\.\."/, keys],
      [`s3://backups/p?endpoint=${endpoint}&acl=public`, /unknown option "acl"/, keys],
      ['s3://backups/p?endpoint=ftp://127.0.0.1:1', /endpoint must be an http/, keys],
      [`s3://backups/p?endpoint=${endpoint}`, /no credentials.*AWS_ACCESS_KEY_ID/, {}],
    ];
    for (const [index, [location, message, env]] of cases.entries()) {
      // One parser serves all three commands: each is tried on a few of the cases.
      const commands = [['backup', location, '--data', server!.dataDir], ['backup', '--verify', location], ['restore', location, '--data', join(work, 'never')]];
      for (const args of index % 3 === 0 ? commands : [commands[index % 3]!]) {
        const run = await cli(args, env);
        expect([args.join(' '), run.code, run.stderr]).toEqual([args.join(' '), 2, expect.stringMatching(message)]);
      }
    }
    expect(existsSync(join(work, 'never'))).toBe(false);
    expect(readdirSync(process.cwd()).some((name) => /^(https?|gs|s3):?$/.test(name))).toBe(false);
    // A bucket that does not exist: the service's answer, exit 1, no credentials shown.
    const noBucket = await cli(['backup', `s3://no-such-bucket/p?endpoint=${endpoint}&region=us-east-1`, '--data', server!.dataDir], keys);
    expect([noBucket.code, noBucket.stderr]).toEqual([1, expect.stringContaining('The object store failed')]);
    expect(noBucket.stderr).not.toContain('S3RVER');
    // The data directory, anything inside it (through a symbolic link too) and a directory holding it are no place for its backup.
    const dataDir = server!.dataDir;
    const link = join(work, 'link-to-data');
    symlinkSync(dataDir, link);
    const before = filesUnder(dataDir).sort();
    const misplaced: [string, string][] = [
      [dataDir, 'is the data directory itself'],
      [`${dataDir}/`, 'is the data directory itself'],
      [join(dataDir, 'bk'), 'is inside the data directory'],
      [join(dataDir, 'originals', 'bk'), 'is inside the data directory'],
      [join(link, 'bk'), 'is inside the data directory'],
      [join(dataDir, '..'), 'holds the data directory'],
    ];
    for (const [location, message] of misplaced) {
      const run = await cli(['backup', location, '--data', dataDir]);
      expect([location, run.code, run.stderr]).toEqual([location, 2, expect.stringContaining(message)]);
    }
    expect(filesUnder(dataDir).sort()).toEqual(before);
    expect(existsSync(join(dataDir, 'bk'))).toBe(false);
    expect(existsSync(join(dataDir, '..', 'manifest.json'))).toBe(false);
    // A bucket prefix that holds no backup: restore says so and writes nothing.
    const empty = await cli(['restore', `s3://backups/nothing-here?endpoint=${endpoint}&region=us-east-1`, '--data', join(work, 'never')], keys);
    expect([empty.code, empty.stderr]).toEqual([1, expect.stringContaining('manifest.json: missing')]);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  test('a manifest pointing outside the backup or the data directory is refused; nothing is written anywhere', async () => {
    const backupDir = join(work, 'backup');
    const hostile = join(work, 'hostile');
    mkdirSync(hostile);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
    const blob = manifest.files.find((f: { path: string }) => f.path.startsWith('blobs/'));
    for (const file of manifest.files) {
      mkdirSync(join(hostile, file.path, '..'), { recursive: true });
      writeFileSync(join(hostile, file.path), readFileSync(join(backupDir, file.path)));
    }
    const cases: [string, object][] = [
      ['originals key out of the data directory', { ...manifest, originals: { ...manifest.originals, '../../escaped': blob.sha256 } }],
      ['file path out of the backup', { ...manifest, files: [...manifest.files, { ...blob, path: '../backup/manifest.json' }] }],
      ['absolute database path', { ...manifest, database: { ...manifest.database, path: '/etc/passwd' } }],
      ['hash that is not hex', { ...manifest, originals: { ...manifest.originals, [Object.keys(manifest.originals)[0]!]: 'not-hex' } }],
    ];
    for (const [name, edited] of cases) {
      writeFileSync(join(hostile, 'manifest.json'), JSON.stringify(edited));
      const verify = await cli(['backup', '--verify', hostile]);
      expect([name, verify.code]).toEqual([name, 1]);
      const dataDir = join(work, 'hostile-restore');
      const restore = await cli(['restore', hostile, '--data', dataDir]);
      expect([name, restore.code, restore.stderr]).toEqual([name, 1, expect.stringContaining('nothing was restored')]);
      expect(existsSync(dataDir)).toBe(false);
      expect(existsSync(join(work, 'escaped'))).toBe(false);
    }
  }, 60_000);

  test('--verify names a flipped byte; restore refuses a backup that does not verify and a non-empty data directory, writing nothing', async () => {
    const backupDir = join(work, 'backup');
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
    const victim = manifest.files.find((f: { path: string }) => f.path.startsWith('blobs/')).path as string;
    const bytes = readFileSync(join(backupDir, victim));
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(join(backupDir, victim), bytes);

    const verify = await cli(['backup', backupDir, '--verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`MISMATCH ${victim}`);

    const fresh = join(work, 'never-restored');
    const refused = await cli(['restore', backupDir, '--data', fresh]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(victim);
    expect(existsSync(fresh)).toBe(false);

    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(join(backupDir, victim), bytes);
    expect((await cli(['backup', backupDir, '--verify'])).code).toBe(0);
    const busy = join(work, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'keep.txt'), 'mine');
    const nonEmpty = await cli(['restore', backupDir, '--data', busy]);
    expect(nonEmpty.code).toBe(1);
    expect(nonEmpty.stderr).toContain('not empty');
    expect(readdirSync(busy)).toEqual(['keep.txt']);
  }, 60_000);
});
