import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BackupDirectory } from '../core/backup/ports';
import { newId } from '../core/ids';

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** A backup as plain files under `root`; writes are fsynced and renamed into place. */
export function createBackupDirectory(root: string): BackupDirectory {
  const pathOf = (path: string) => {
    if (path.startsWith('/') || path.split('/').includes('..')) throw new Error(`Not a path inside the backup: ${path}`);
    return join(root, path);
  };
  return {
    async size(path) {
      try {
        const info = await stat(pathOf(path));
        return info.isFile() ? info.size : null;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async read(path) {
      try {
        return new Uint8Array(await readFile(pathOf(path)));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async write(path, data) {
      const target = pathOf(path);
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.${newId()}.part`;
      try {
        const handle = await open(tmp, 'wx', 0o600);
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tmp, target);
        await syncDirectory(dirname(target));
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
    },
    async remove(path) {
      await rm(pathOf(path), { force: true });
    },
  };
}
