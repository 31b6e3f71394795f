import { mkdir, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { runBackup, type BackupReport } from './core/backup/backup';
import { restoreBackup, type RestoreReport } from './core/backup/restore';
import { verifyBackup, type VerifyReport } from './core/backup/verify';
import { AppError } from './core/errors';
import { newId } from './core/ids';
import type { BlobStore } from './core/ports';
import { createPostgresSnapshotter } from './db/postgres-snapshot';
import { checkEmptyDatabase, checkPostgresDump, restorePostgresDump } from './db/postgres-restore';
import { createSqliteSnapshotter } from './db/sqlite-snapshot';
import { lockBackupDirectory } from './storage/backup-lock';
import type { BackupTarget } from './storage/backup-target';
import { writeDurably } from './storage/durable-write';
import { createFsBlobStore } from './storage/fs-blob-store';
import { createS3BlobStore } from './storage/s3-blob-store';
import { describeLocation, type S3Location } from './storage/s3-location';

/** Where an installation keeps its metadata and originals: the slice of the config a backup needs. */
export interface Installation {
  dataDir: string;
  databaseUrl: string | null;
  storage: S3Location | null;
}

const databaseFile = (dataDir: string) => join(dataDir, 'imgapi.db');

/** The originals themselves: the bucket's, never a node's local copies. */
const originalsStore = (installation: Installation): BlobStore =>
  installation.storage ? createS3BlobStore(installation.storage, 'originals') : createFsBlobStore({ root: join(installation.dataDir, 'originals') });

/**
 * Backs an installation up, online: SQLite by `VACUUM INTO`, PostgreSQL by `pg_dump` of the
 * snapshot the originals are listed in; originals from the data directory or the bucket.
 */
export async function backupInstallation(installation: Installation, target: BackupTarget, options: { prune?: boolean } = {}): Promise<BackupReport> {
  const misplaced = target.localPath ? await misplacedBackup(installation.dataDir, target.localPath) : null;
  if (misplaced) throw new AppError('invalid_input', misplaced);
  if (target.localPath) await mkdir(target.localPath, { recursive: true });
  // A bucket has no exclusive create to lock with: overlapping runs into one prefix are the user's to avoid (README).
  const release = target.localPath ? await lockBackupDirectory(target.localPath) : async () => {};
  try {
    // The SQLite copy is made beside where it goes (the backup directory), or in the data directory for a bucket.
    const scratch = target.localPath ? join(target.localPath, 'database', 'snapshot.partial') : join(installation.dataDir, `.backup-snapshot-${newId()}.db`);
    return await runBackup({
      dir: target.dir,
      metadata: installation.databaseUrl ? createPostgresSnapshotter(installation.databaseUrl) : createSqliteSnapshotter(databaseFile(installation.dataDir), scratch),
      originals: originalsStore(installation),
      prune: options.prune,
    });
  } finally {
    await release();
  }
}

/** The path with symbolic links resolved as far as it exists (a backup directory may not exist yet). */
async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch (error) {
    const parent = dirname(absolute);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === absolute) return absolute;
    return join(await realPathOf(parent), basename(absolute));
  }
}

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * Why a backup directory is no place for this installation's backup, or null: inside the data
 * directory a backup would be lost with it (and copied into the next backup), and a backup
 * directory holding the data directory mixes the live files with the backup's.
 */
export async function misplacedBackup(dataDir: string, backupDir: string): Promise<string | null> {
  const [data, backup] = await Promise.all([realPathOf(dataDir), realPathOf(backupDir)]);
  if (data === backup) return `${backupDir} is the data directory itself: back it up somewhere else (another disk, or a bucket)`;
  if (within(backup, data)) return `${backupDir} is inside the data directory ${dataDir}: back it up somewhere else (another disk, or a bucket)`;
  if (within(data, backup)) return `${backupDir} holds the data directory ${dataDir}: back it up into a directory of its own, outside the data directory`;
  return null;
}

export const verifyBackupTarget = (target: BackupTarget): Promise<VerifyReport> => verifyBackup(target.dir);

async function checkEmptyDirectory(dataDir: string): Promise<void> {
  const entries = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new AppError('conflict', `${dataDir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): restore only into an empty or new data directory`);
  }
}

/**
 * Restores into an installation that holds nothing yet: the data directory (when the database
 * or the originals live there), the bucket's originals/ and the PostgreSQL database must be
 * empty, all checked before anything is written.
 */
export async function restoreInstallation(installation: Installation, target: BackupTarget): Promise<RestoreReport> {
  const { dataDir, databaseUrl, storage } = installation;
  if (!databaseUrl || !storage) await checkEmptyDirectory(dataDir);
  const originals = originalsStore(installation);
  if (storage && (await originals.list()).length > 0) {
    throw new AppError('conflict', `${describeLocation(storage)} already holds originals: restore only into an empty bucket prefix`);
  }
  if (databaseUrl) await checkEmptyDatabase(databaseUrl);
  return restoreBackup({
    dir: target.dir,
    originals,
    databaseKind: databaseUrl ? 'postgresql' : 'sqlite',
    checkDatabase: databaseUrl ? checkPostgresDump : undefined,
    writeDatabase: databaseUrl ? (dump) => restorePostgresDump(databaseUrl, dump) : (data) => writeSqliteFile(dataDir, data),
  });
}

async function writeSqliteFile(dataDir: string, data: Uint8Array): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const target = databaseFile(dataDir);
  await writeDurably(target, data, { tmp: `${target}.restoring`, mode: 0o600 });
}
