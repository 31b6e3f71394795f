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
    rename: async (from, to) => {
      files.set(to, files.get(from)!);
      files.delete(from);
    },
    remove: async (path) => {
      files.delete(path);
    },
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
    async snapshot(path) {
      snapshots++;
      await dir.write(path, bytes(`db ${JSON.stringify(rows)}`));
      const keys = Object.values(rows);
      if (snapshots === 1) {
        // A replace commits right after the snapshot: the new file, the row, then the old file goes.
        await originals.put('c/a/2', bytes('A2'));
        rows.a = 'c/a/2';
        await originals.delete('c/a/1');
      }
      return keys;
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
  await restoreBackup({ dir, originals: target, writeDatabase: async (data) => void (database = data) });
  expect([...target.blobs.keys()].sort()).toEqual(['c/a/2', 'c/b/1', 'c/b/1.master']);
  expect(database).not.toBeNull();
});

test('originals that keep vanishing under every snapshot: it gives up rather than write a backup missing one', async () => {
  const dir = memoryDirectory();
  const originals = memoryStore({ 'c/a/1': 'A1' });
  const metadata: MetadataSnapshotter = {
    async snapshot(path) {
      await dir.write(path, bytes('db'));
      return ['c/a/gone'];
    },
  };
  await expect(runBackup({ dir, metadata, originals, maxSnapshots: 3 })).rejects.toThrow(/3 snapshots/);
  expect(dir.files.has('manifest.json')).toBe(false);
});

test('verify names a missing file, a wrong size and a wrong hash; restore then writes nothing', async () => {
  const dir = memoryDirectory();
  const originals = memoryStore({ 'c/a/1': 'one', 'c/b/1': 'two', 'c/c/1': 'three' });
  const metadata: MetadataSnapshotter = {
    async snapshot(path) {
      await dir.write(path, bytes('db'));
      return ['c/a/1', 'c/b/1', 'c/c/1'];
    },
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
  await expect(restoreBackup({ dir, originals: target, writeDatabase: async () => {} })).rejects.toThrow(/nothing was restored/);
  expect(target.blobs.size).toBe(0);
});
