import { lstat, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
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
    async list(prefix) {
      const found: { path: string; size: number }[] = [];
      // Symbolic links are neither followed nor listed: what they point to is not the backup's.
      // readdir follows links in the path it is given, so the prefix's own folders are checked
      // first (a `blobs` linked to a store another backup shares would be pruned through).
      const parts = prefix.split('/').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) {
        const info = await lstat(pathOf(parts.slice(0, i).join('/'))).catch((error) => (isMissing(error) ? null : Promise.reject(error)));
        if (!info?.isDirectory()) return found;
      }
      const walk = async (relative: string) => {
        let entries;
        try {
          entries = await readdir(pathOf(relative), { withFileTypes: true });
        } catch (error) {
          if (isMissing(error)) return;
          throw error;
        }
        for (const entry of entries) {
          const path = `${relative}/${entry.name}`;
          if (entry.isDirectory()) await walk(path);
          else if (entry.isFile()) {
            const info = await lstat(pathOf(path)).catch((error) => (isMissing(error) ? null : Promise.reject(error)));
            if (info?.isFile()) found.push({ path, size: info.size });
          }
        }
      };
      await walk(prefix);
      return found;
    },
  };
}
