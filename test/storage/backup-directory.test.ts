import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobPath, type BackupManifest } from '../../src/core/backup/manifest';
import { pruneBackup } from '../../src/core/backup/prune';
import { createBackupDirectory } from '../../src/storage/backup-directory';

// A backup directory lists only what is its own: a prune must never reach through a symbolic
// link into files another backup (or anything else) keeps.

const root = mkdtempSync(join(tmpdir(), 'imgapi-backup-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HASH = 'ab'.padEnd(64, '0');
/** A manifest that lists nothing: everything named as content is unlisted. */
const EMPTY: BackupManifest = { format: 'imgapi-backup', version: 1, createdAt: new Date().toISOString(), database: { kind: 'sqlite', path: 'database/none.db' }, files: [], originals: {} };

function place(dir: string, path: string): string {
  const file = join(dir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, 'kept elsewhere');
  return file;
}

test.each([
  ['blobs', blobPath(HASH)],
  ['blobs/sha256', blobPath(HASH)],
  ['database', `database/${HASH}.db`],
])('a linked %s folder is not listed, and a prune removes nothing behind it', async (linked, content) => {
  const backup = mkdtempSync(join(root, 'backup-'));
  const outside = mkdtempSync(join(root, 'outside-'));
  // The outside folder holds what would sit behind the link, under the same names.
  const behind = place(outside, content.slice(linked.length + 1));
  mkdirSync(join(backup, linked, '..'), { recursive: true });
  symlinkSync(outside, join(backup, linked));
  expect(existsSync(join(backup, content))).toBe(true);

  const dir = createBackupDirectory(backup);
  expect(await dir.list(linked.startsWith('database') ? 'database' : 'blobs/sha256')).toEqual([]);
  expect(await pruneBackup(dir, EMPTY)).toEqual({ files: 0, bytes: 0 });
  expect(existsSync(behind)).toBe(true);
});

test('a real folder is listed, with a linked file inside it left out', async () => {
  const backup = mkdtempSync(join(root, 'backup-'));
  const own = place(backup, blobPath(HASH));
  const elsewhere = place(root, 'elsewhere.bin');
  const linkedName = blobPath('cd'.padEnd(64, '0'));
  mkdirSync(join(backup, linkedName, '..'), { recursive: true });
  symlinkSync(elsewhere, join(backup, linkedName));
  const dir = createBackupDirectory(backup);
  expect(await dir.list('blobs/sha256')).toEqual([{ path: blobPath(HASH), size: 'kept elsewhere'.length }]);
  expect(await pruneBackup(dir, EMPTY)).toEqual({ files: 1, bytes: 'kept elsewhere'.length });
  expect([existsSync(own), existsSync(elsewhere)]).toEqual([false, true]);
});
