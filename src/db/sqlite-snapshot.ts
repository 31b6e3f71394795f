import { Database } from 'bun:sqlite';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MetadataSnapshotter } from '../core/backup/ports';

/**
 * `VACUUM INTO` on its own connection: one read transaction, so the copy is exactly the
 * database as some commit left it, while a server on the same file goes on writing (WAL).
 * The keys come from the copy, never from the live file, so they match the snapshot.
 */
export function createSqliteSnapshotter(liveFile: string, fileInBackup: (path: string) => string): MetadataSnapshotter {
  return {
    async snapshot(path) {
      if (!existsSync(liveFile)) throw new Error(`No database at ${liveFile}: name the data directory with --data`);
      const target = fileInBackup(path);
      mkdirSync(dirname(target), { recursive: true });
      const live = new Database(liveFile, { strict: true });
      try {
        live.exec('PRAGMA busy_timeout = 5000');
        live.query('VACUUM INTO ?').run(target);
      } finally {
        live.close();
      }
      const copy = new Database(target, { readonly: true, strict: true });
      try {
        const rows = copy
          .query<{ key: string | null }, []>(
            `SELECT original_key AS key FROM images
             UNION SELECT json_extract(record, '$.originalKey') FROM trashed_images`,
          )
          .all();
        return rows.map((row) => row.key).filter((key): key is string => typeof key === 'string' && key !== '');
      } finally {
        copy.close();
      }
    },
  };
}
