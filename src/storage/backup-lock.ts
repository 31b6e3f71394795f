import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { conflict } from '../core/errors';

/** In the backup directory, beside the manifest; not a name the backup layout or its prune uses. */
export const BACKUP_LOCK = '.imgapi-backup.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

function readOwner(text: string): LockOwner | null {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.startedAt === 'string' ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

/** A process of this machine that is gone: its lock is left over from a crash or a kill. */
function gone(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Holds the backup directory for one backup at a time: two runs would share the SQLite
 * snapshot's scratch file, and one's --prune could remove content the other's manifest is about
 * to list. Created exclusively; a lock whose process on this machine is gone is taken over.
 * Returns the release.
 */
export async function lockBackupDirectory(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, BACKUP_LOCK);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() } satisfies LockOwner));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(await readFile(path, 'utf8').catch(() => ''));
    if (owner && gone(owner) && attempt === 0) {
      await rm(path, { force: true });
      continue;
    }
    const who = owner ? `process ${owner.pid} on ${owner.host}, since ${owner.startedAt}` : 'an unreadable lock';
    throw conflict(`Another backup is being written into this directory (${who}); if none is running, delete ${BACKUP_LOCK} there and run again`);
  }
}
