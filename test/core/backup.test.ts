import { expect, test } from 'bun:test';
import { runBackup } from '../../src/core/backup/backup';
import { blobPath, parseManifest, sha256 } from '../../src/core/backup/manifest';
import type { BackupDirectory, MetadataSnapshotter } from '../../src/core/backup/ports';
import { restoreBackup } from '../../src/core/backup/restore';
import { verifyBackup } from '../../src/core/backup/verify';
import type { BlobStore } from '../../src/core/ports';

const bytes = (text: string) => new TextEncoder().encode(text);

function memoryDirectory(): BackupDirectory & { files: Map<string, Uint8Array>; writes: string[] } {
  const files = new Map<string, Uint8Array>();
  const writes: string[] = [];
  return {
    files,
    writes,
    size: async (path) => files.get(path)?.byteLength ?? null,
    read: async (path) => files.get(path) ?? null,
    write: async (path, data) => {
      writes.push(path);
      files.set(path, data);
    },
    remove: async (path) => {
      files.delete(path);
    },
    list: async (prefix) => [...files].filter(([path]) => path.startsWith(`${prefix}/`)).map(([path, data]) => ({ path, size: data.byteLength })),
  };
}

function memoryStore(initial: Record<string, string> = {}): BlobStore & { blobs: Map<string, Uint8Array> } {
  const blobs = new Map<string, Uint8Array>(Object.entries(initial).map(([key, text]) => [key, bytes(text)]));
  const unused = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    blobs,
    put: async (key, data) => void blobs.set(key, data),
    get: async (key) => blobs.get(key) ?? null,
    localPath: () => null,
    exists: async (key) => blobs.has(key),
    delete: async (key) => void blobs.delete(key),
    deletePrefix: unused,
    list: unused,
    listWithSizes: unused,
    sweepTemp: unused,
  };
}

test('an original replaced between the snapshot and its copy: a fresh snapshot, only the new key read, nothing lost', async () => {
  const originals = memoryStore({ 'c/a/1': 'A1', 'c/b/1': 'B', 'c/b/1.master': 'B-master' });
  const rows = { a: 'c/a/1', b: 'c/b/1' };
  const reads: string[] = [];
  const get = originals.get;
  originals.get = async (key) => {
    reads.push(key);
    return get(key);
  };
  const dir = memoryDirectory();
  let snapshots = 0;
  const metadata: MetadataSnapshotter = {
    kind: 'sqlite',
    async snapshot() {
      snapshots++;
      const data = bytes(`db ${JSON.stringify(rows)}`);
      const keys = Object.values(rows);
      if (snapshots === 1) {
        // A replace commits right after the snapshot: the new file, the row, then the old file goes.
        await originals.put('c/a/2', bytes('A2'));
        rows.a = 'c/a/2';
        await originals.delete('c/a/1');
      }
      return { data: Promise.resolve(data), keys, tool: 'test' };
    },
  };
  const report = await runBackup({ dir, metadata, originals, now: () => new Date('2026-01-01T00:00:00Z') });
  expect(report).toMatchObject({ snapshots: 2, originals: 3, written: 3, kept: 0 });
  // b's original and master were read once, in the first pass; the second read only the new key.
  expect(reads.filter((key) => key.startsWith('c/b/'))).toEqual(['c/b/1.master', 'c/b/1']);
  const manifest = parseManifest(new TextDecoder().decode(dir.files.get('manifest.json')!));
  expect(manifest.originals).toEqual({ 'c/a/2': sha256(bytes('A2')), 'c/b/1': sha256(bytes('B')), 'c/b/1.master': sha256(bytes('B-master')) });
  expect(new TextDecoder().decode(dir.files.get(manifest.database.path)!)).toBe('db {"a":"c/a/2","b":"c/b/1"}');
  expect((await verifyBackup(dir)).problems).toEqual([]);

  const target = memoryStore();
  let database: Uint8Array | null = null;
  await restoreBackup({ dir, originals: target, databaseKind: 'sqlite', writeDatabase: async (data) => void (database = data) });
  expect([...target.blobs.keys()].sort()).toEqual(['c/a/2', 'c/b/1', 'c/b/1.master']);
  expect(database).not.toBeNull();
});

test('originals that keep vanishing under every snapshot: it gives up rather than write a backup missing one', async () => {
  const dir = memoryDirectory();
  const originals = memoryStore({ 'c/a/1': 'A1' });
  const metadata: MetadataSnapshotter = {
    kind: 'sqlite',
    snapshot: async () => ({ data: Promise.resolve(bytes('db')), keys: ['c/a/gone'], tool: 'test' }),
  };
  await expect(runBackup({ dir, metadata, originals, maxSnapshots: 3 })).rejects.toThrow(/3 snapshots/);
  expect(dir.files.has('manifest.json')).toBe(false);
});

test('verify names a missing file, a wrong size and a wrong hash; restore then writes nothing', async () => {
  const dir = memoryDirectory();
  const originals = memoryStore({ 'c/a/1': 'one', 'c/b/1': 'two', 'c/c/1': 'three' });
  const metadata: MetadataSnapshotter = {
    kind: 'sqlite',
    snapshot: async () => ({ data: Promise.resolve(bytes('db')), keys: ['c/a/1', 'c/b/1', 'c/c/1'], tool: 'test' }),
  };
  await runBackup({ dir, metadata, originals });
  dir.files.delete(blobPath(sha256(bytes('one'))));
  dir.files.set(blobPath(sha256(bytes('two'))), bytes('two!'));
  dir.files.set(blobPath(sha256(bytes('three'))), bytes('thref'));
  const { problems } = await verifyBackup(dir);
  expect([...problems].sort()).toEqual(
    [
      `${blobPath(sha256(bytes('one')))}: missing`,
      `${blobPath(sha256(bytes('three')))}: SHA-256 differs from the manifest`,
      `${blobPath(sha256(bytes('two')))}: 4 bytes, the manifest says 3`,
    ].sort(),
  );
  const target = memoryStore();
  await expect(restoreBackup({ dir, originals: target, databaseKind: 'sqlite', writeDatabase: async () => {} })).rejects.toThrow(/nothing was restored/);
  expect(target.blobs.size).toBe(0);
});

/** A whole, verifying backup of one original, as a base for hostile edits of its manifest. */
async function oneOriginalBackup() {
  const dir = memoryDirectory();
  const originals = memoryStore({ 'c/a/1': 'one' });
  await runBackup({ dir, metadata: { kind: 'sqlite', snapshot: async () => ({ data: Promise.resolve(bytes('db')), keys: ['c/a/1'], tool: 'test' }) }, originals });
  const manifest = JSON.parse(new TextDecoder().decode(dir.files.get('manifest.json')!));
  const edit = (change: (m: any) => void) => {
    const copy = structuredClone(manifest);
    change(copy);
    dir.files.set('manifest.json', bytes(JSON.stringify(copy)));
  };
  return { dir, manifest, edit };
}

test('a hostile manifest (paths out of the backup, absolute, not by hash, hashes not hex, unsafe keys, another database path) is refused; restore writes nothing', async () => {
  const { dir, manifest, edit } = await oneOriginalBackup();
  const blob = manifest.files[1];
  const cases: [string, (m: any) => void, RegExp][] = [
    ['a path with ..', (m) => m.files.push({ ...blob, path: '../../etc/passwd' }), /not a file of a backup/],
    ['an absolute path', (m) => m.files.push({ ...blob, path: '/etc/passwd' }), /not a file of a backup/],
    ['a path not named by its hash', (m) => m.files.push({ ...blob, path: 'blobs/sha256/00/x' }), /not a file of a backup/],
    ['a blob path under another hash', (m) => (m.files[1].path = blobPath('f'.repeat(64))), /not a file of a backup/],
    ['a hash that is not hex', (m) => (m.files[1].sha256 = 'z'.repeat(64)), /bad file entry/],
    ['an uppercase hash', (m) => (m.files[1].sha256 = m.files[1].sha256.toUpperCase()), /bad file entry/],
    ['a negative size', (m) => (m.files[1].size = -1), /bad file entry/],
    ['an originals key with ..', (m) => (m.originals['../../etc/cron.d/x'] = blob.sha256), /bad originals key/],
    ['an absolute originals key', (m) => (m.originals['/etc/x'] = blob.sha256), /bad originals key/],
    ['an originals hash not hex', (m) => (m.originals['c/a/1'] = '../../etc'), /bad hash/],
    ['a database outside database/', (m) => (m.database.path = '../imgapi.db'), /database/],
    ['an unknown database kind', (m) => (m.database.kind = 'mysql'), /unknown database kind/],
    ['originals as a list', (m) => (m.originals = []), /lacks/],
  ];
  for (const [name, change, message] of cases) {
    edit(change);
    const { problems } = await verifyBackup(dir);
    expect([name, problems.join('\n')]).toEqual([name, expect.stringMatching(message)]);
    const target = memoryStore();
    let database: Uint8Array | null = null;
    await expect(restoreBackup({ dir, originals: target, databaseKind: 'sqlite', writeDatabase: async (data) => void (database = data) })).rejects.toThrow(/nothing was restored/);
    expect([name, target.blobs.size, database]).toEqual([name, 0, null]);
  }
  expect(() => parseManifest('[[[[')).toThrow(/not JSON/);
  expect(() => parseManifest('['.repeat(100_000) + ']'.repeat(100_000))).toThrow(/not JSON|not an imgapi backup manifest/);
});

test('a manifest larger than any backup needs is refused by its size, never read', async () => {
  const { dir } = await oneOriginalBackup();
  const size = dir.size;
  dir.size = async (path) => (path === 'manifest.json' ? 2 ** 40 : size(path));
  dir.read = async (path) => {
    throw new Error(`read ${path}`);
  };
  const { problems } = await verifyBackup(dir);
  expect(problems).toEqual([expect.stringMatching(/^manifest\.json: 1099511627776 bytes, more than any backup's manifest/)]);
  await expect(restoreBackup({ dir, originals: memoryStore(), databaseKind: 'sqlite', writeDatabase: async () => {} })).rejects.toThrow(/nothing was restored/);
});

test('a file far larger than its manifest entry is named without being read', async () => {
  const { dir, manifest } = await oneOriginalBackup();
  const path = manifest.files[1].path;
  const size = dir.size;
  const read = dir.read;
  dir.size = async (p) => (p === path ? 2 ** 40 : size(p));
  dir.read = async (p) => {
    if (p === path) throw new Error('read the huge file');
    return read(p);
  };
  expect((await verifyBackup(dir)).problems).toEqual([`${path}: 1099511627776 bytes, the manifest says 3`]);
});

test('a PostgreSQL backup is not restored into SQLite (nor the reverse): refused before anything is written', async () => {
  const { dir } = await oneOriginalBackup();
  const target = memoryStore();
  await expect(restoreBackup({ dir, originals: target, databaseKind: 'postgresql', writeDatabase: async () => {} })).rejects.toThrow(/holds a sqlite database.*without IMGAPI_DATABASE_URL/);
  expect(target.blobs.size).toBe(0);
});

test('originals are copied while the dump is still being made: a replace committed during a long pg_dump, after its key was copied, costs no second snapshot', async () => {
  const originals = memoryStore({ 'c/a/1': 'A1', 'c/b/1': 'B' });
  const events: string[] = [];
  const get = originals.get;
  originals.get = async (key) => {
    events.push(`get ${key}`);
    return get(key);
  };
  const dump = Promise.withResolvers<Uint8Array>();
  const dir = memoryDirectory();
  const backup = runBackup({ dir, metadata: { kind: 'postgresql', snapshot: async () => ({ keys: ['c/a/1', 'c/b/1'], data: dump.promise, tool: 'test' }) }, originals });
  while (!events.includes('get c/b/1')) await Bun.sleep(1);
  // The dump is still running; a replace commits and removes the old file.
  await originals.put('c/a/2', bytes('A2'));
  await originals.delete('c/a/1');
  events.push('dump done');
  dump.resolve(bytes('PGDMP…'));
  const report = await backup;
  expect(report).toMatchObject({ snapshots: 1, originals: 2 });
  expect(events.indexOf('get c/a/1')).toBeLessThan(events.indexOf('dump done'));
  const manifest = parseManifest(new TextDecoder().decode(dir.files.get('manifest.json')!));
  expect(manifest.database).toEqual({ kind: 'postgresql', path: `database/${sha256(bytes('PGDMP…'))}.dump`, tool: 'test' });
  expect((await verifyBackup(dir)).problems).toEqual([]);
});

test('a dump that fails fails the backup and writes no manifest', async () => {
  const dir = memoryDirectory();
  const originals = memoryStore({ 'c/a/1': 'A1' });
  const failing = { kind: 'postgresql' as const, snapshot: async () => ({ keys: ['c/a/1'], data: Promise.reject(new Error('pg_dump failed (exit 1): permission denied')), tool: 'test' }) };
  await expect(runBackup({ dir, metadata: failing, originals })).rejects.toThrow(/permission denied/);
  expect(dir.files.has('manifest.json')).toBe(false);
});

test('a database copy the target cannot take (checkDatabase throws) is refused before any original is written', async () => {
  const { dir } = await oneOriginalBackup();
  const target = memoryStore();
  const restore = restoreBackup({
    dir,
    originals: target,
    databaseKind: 'sqlite',
    checkDatabase: async () => {
      throw new Error('pg_restore is not on PATH');
    },
    writeDatabase: async () => {},
  });
  await expect(restore).rejects.toThrow(/pg_restore is not on PATH/);
  expect(target.blobs.size).toBe(0);
});

test('a second backup reads from the source only keys new since the first; one whose content left the backup is read and written again', async () => {
  const originals = memoryStore({ 'c/a/1': 'A', 'c/b/1': 'B', 'c/b/1.master': 'B-master', 'c/c/1': 'C' });
  const reads: string[] = [];
  const get = originals.get;
  originals.get = async (key) => {
    reads.push(key);
    return get(key);
  };
  const dir = memoryDirectory();
  let keys = ['c/a/1', 'c/b/1', 'c/c/1'];
  const metadata: MetadataSnapshotter = { kind: 'sqlite', snapshot: async () => ({ keys, data: Promise.resolve(bytes(keys.join())), tool: 'test' }) };
  await runBackup({ dir, metadata, originals });
  reads.length = 0;

  await originals.put('c/d/1', bytes('D'));
  keys = [...keys, 'c/d/1'];
  dir.files.delete(blobPath(sha256(bytes('C'))));
  const report = await runBackup({ dir, metadata, originals });
  expect(reads.sort()).toEqual(['c/c/1', 'c/c/1.master', 'c/d/1', 'c/d/1.master']);
  expect(report).toMatchObject({ originals: 5, written: 2, kept: 3 });
  const manifest = parseManifest(new TextDecoder().decode(dir.files.get('manifest.json')!));
  expect(Object.keys(manifest.originals).sort()).toEqual(['c/a/1', 'c/b/1', 'c/b/1.master', 'c/c/1', 'c/d/1']);
  expect((await verifyBackup(dir)).problems).toEqual([]);
});

test('--prune removes unlisted content only after the new manifest is written; a run that fails before it removes nothing', async () => {
  const originals = memoryStore({ 'c/a/1': 'A', 'c/b/1': 'B', 'c/b/1.master': 'B-master' });
  const dir = memoryDirectory();
  let keys = ['c/a/1', 'c/b/1'];
  const metadata: MetadataSnapshotter = { kind: 'sqlite', snapshot: async () => ({ keys, data: Promise.resolve(bytes(keys.join())), tool: 'test' }) };
  expect((await runBackup({ dir, metadata, originals, prune: true })).pruned).toEqual({ files: 0, bytes: 0 });
  keys = ['c/a/1'];
  const events: string[] = [];
  const { write, remove } = dir;
  dir.write = async (path, data) => {
    if (path === 'manifest.json' && events.includes('fail')) throw new Error('disk full');
    events.push(`write ${path}`);
    return write(path, data);
  };
  dir.remove = async (path) => {
    events.push(`remove ${path}`);
    return remove(path);
  };

  // The manifest write fails: the previous backup stays whole, B's content included.
  events.push('fail');
  await expect(runBackup({ dir, metadata, originals, prune: true })).rejects.toThrow(/disk full/);
  expect(events.filter((e) => e.startsWith('remove'))).toEqual([]);
  expect((await verifyBackup(dir)).problems).toEqual([]);

  events.length = 0;
  const report = await runBackup({ dir, metadata, originals, prune: true });
  const gone = [blobPath(sha256(bytes('B'))), blobPath(sha256(bytes('B-master')))].sort();
  expect(report.pruned).toEqual({ files: 2, bytes: 'B'.length + 'B-master'.length });
  const manifestAt = events.indexOf('write manifest.json');
  expect(manifestAt).toBeGreaterThan(-1);
  expect(events.findIndex((e) => e.startsWith('remove'))).toBeGreaterThan(manifestAt);
  expect(gone.every((path) => !dir.files.has(path))).toBe(true);
  expect(dir.files.has(blobPath(sha256(bytes('A'))))).toBe(true);
  expect((await verifyBackup(dir)).problems).toEqual([]);
});

test('a removal that fails stops the prune and is reported, not thrown: the backup written is whole', async () => {
  const originals = memoryStore({ 'c/a/1': 'A', 'c/b/1': 'B', 'c/c/1': 'C' });
  const dir = memoryDirectory();
  let keys = ['c/a/1', 'c/b/1', 'c/c/1'];
  const metadata: MetadataSnapshotter = { kind: 'sqlite', snapshot: async () => ({ keys, data: Promise.resolve(bytes(keys.join())), tool: 'test' }) };
  await runBackup({ dir, metadata, originals });
  keys = ['c/a/1'];
  dir.remove = async () => {
    throw new Error('read-only file system');
  };
  const report = await runBackup({ dir, metadata, originals, prune: true, concurrency: 1 });
  expect(report.pruned).toEqual({ files: 0, bytes: 0, failed: 'read-only file system' });
  expect((await verifyBackup(dir)).problems).toEqual([]);
  expect(parseManifest(new TextDecoder().decode(dir.files.get('manifest.json')!)).originals).toEqual({ 'c/a/1': sha256(bytes('A')) });
});
