import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BackupDirectory } from '../core/backup/ports';
import { newId } from '../core/ids';
import { writeDurably } from './durable-write';

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
      await writeDurably(target, data, { tmp: `${target}.${newId()}.part`, mode: 0o600 });
    },
    async remove(path) {
      await rm(pathOf(path), { force: true });
    },
  };
}
