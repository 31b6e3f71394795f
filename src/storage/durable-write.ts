import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsync of the directory makes the rename itself durable, not just the file's bytes. */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Puts `data` at `target` so that a crash leaves the old file or the new one, never half of
 * one: written to `tmp` (a new file), fsynced, renamed into place, the directory fsynced.
 * `tmp` is removed when anything fails.
 */
export async function writeDurably(target: string, data: Uint8Array, options: { tmp: string; mode: number }): Promise<void> {
  const { tmp, mode } = options;
  try {
    const handle = await open(tmp, 'wx', mode);
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
}
