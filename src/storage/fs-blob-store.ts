import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { isOutOfSpace, outOfSpace } from '../core/errors';
import { newId } from '../core/ids';
import type { BlobStore } from '../core/ports';
import { checkBlobKey } from './blob-key';
import { writeDurably } from './durable-write';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * Blobs as files under `root`. Writes go to `<root>/.tmp/`, are fsynced, then renamed into
 * place, so a crash never leaves a half-written file under a real key.
 */
export function createFsBlobStore(options: { root: string }): BlobStore {
  const { root } = options;
  const tmpDir = join(root, '.tmp');

  const pathOf = (key: string): string => join(root, checkBlobKey(key));

  async function listWithSizes(): Promise<{ key: string; size: number; mtimeMs: number }[]> {
    let entries: string[];
    try {
      entries = await readdir(root, { recursive: true });
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const files: { key: string; size: number; mtimeMs: number }[] = [];
    for (const entry of entries) {
      const key = entry.split(sep).join('/');
      if (key.startsWith('.tmp')) continue;
      const info = await stat(join(root, entry)).catch(() => null);
      if (info?.isFile()) files.push({ key, size: info.size, mtimeMs: info.mtimeMs });
    }
    return files;
  }

  return {
    async put(key, data) {
      const target = pathOf(key);
      const tmp = join(tmpDir, `${newId()}.part`);
      try {
        await mkdir(tmpDir, { recursive: true });
        await mkdir(dirname(target), { recursive: true });
        await writeDurably(target, data, { tmp, mode: 0o644 });
      } catch (error) {
        throw isOutOfSpace(error) ? outOfSpace(error) : error;
      }
    },

    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    localPath: pathOf,

    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async delete(key) {
      await rm(pathOf(key), { force: true });
    },

    async deletePrefix(prefix) {
      await rm(pathOf(prefix), { recursive: true, force: true });
    },

    async list() {
      return (await listWithSizes()).map((file) => file.key);
    },

    listWithSizes,


    async sweepTemp(olderThanMs) {
      let names: string[];
      try {
        names = await readdir(tmpDir);
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      let removed = 0;
      for (const name of names) {
        const path = join(tmpDir, name);
        if (Date.now() - (await stat(path)).mtimeMs < olderThanMs) continue;
        await rm(path, { force: true });
        removed++;
      }
      return removed;
    },
  };
}
