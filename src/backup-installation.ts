import { mkdir, open, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup, type BackupReport } from './core/backup/backup';
import { restoreBackup, type RestoreReport } from './core/backup/restore';
import { verifyBackup, type VerifyReport } from './core/backup/verify';
import { AppError } from './core/errors';
import { createSqliteSnapshotter } from './db/sqlite-snapshot';
import { createBackupDirectory } from './storage/backup-directory';
import { createFsBlobStore } from './storage/fs-blob-store';

/** What a data directory's installation keeps where: the SQLite file and the originals. */
const databaseFile = (dataDir: string) => join(dataDir, 'imgapi.db');
const originalsStore = (dataDir: string) => createFsBlobStore({ root: join(dataDir, 'originals') });

/** Backs up a single-node installation (SQLite and files) into `backupDir`, online. */
export async function backupInstallation(options: { dataDir: string; backupDir: string }): Promise<BackupReport> {
  await mkdir(options.backupDir, { recursive: true });
  return runBackup({
    dir: createBackupDirectory(options.backupDir),
    metadata: createSqliteSnapshotter(databaseFile(options.dataDir), (path) => join(options.backupDir, path)),
    originals: originalsStore(options.dataDir),
  });
}

export const verifyBackupDirectory = (backupDir: string): Promise<VerifyReport> => verifyBackup(createBackupDirectory(backupDir));

/** Restores into a data directory that does not exist yet or is empty; refuses any other. */
export async function restoreInstallation(options: { dataDir: string; backupDir: string }): Promise<RestoreReport> {
  const entries = await readdir(options.dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new AppError('conflict', `${options.dataDir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): restore only into an empty or new data directory`);
  }
  return restoreBackup({
    dir: createBackupDirectory(options.backupDir),
    originals: originalsStore(options.dataDir),
    async writeDatabase(data) {
      await mkdir(options.dataDir, { recursive: true });
      const target = databaseFile(options.dataDir);
      const tmp = `${target}.restoring`;
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
      const dir = await open(options.dataDir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    },
  });
}
