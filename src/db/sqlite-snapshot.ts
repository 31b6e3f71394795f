import { Database } from 'bun:sqlite';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MetadataSnapshotter } from '../core/backup/ports';

/**
 * `VACUUM INTO` on its own connection: one read transaction, so the copy is exactly the
 * database as some commit left it, while a server on the same file goes on writing (WAL).
 * The keys come from the copy, never from the live file, so they match the snapshot. The copy
 * is made at `scratchFile` (removed again) and returned as bytes.
 */
export function createSqliteSnapshotter(liveFile: string, scratchFile: string): MetadataSnapshotter {
  return {
    kind: 'sqlite',
    async snapshot() {
      if (!existsSync(liveFile)) throw new Error(`No database at ${liveFile}: name the data directory with --data`);
      mkdirSync(dirname(scratchFile), { recursive: true });
      rmSync(scratchFile, { force: true });
      try {
        const live = new Database(liveFile, { strict: true });
        try {
          live.exec('PRAGMA busy_timeout = 5000');
          live.query('VACUUM INTO ?').run(scratchFile);
        } finally {
          live.close();
        }
        const copy = new Database(scratchFile, { readonly: true, strict: true });
        let keys: string[];
        try {
          const rows = copy
            .query<{ key: string | null }, []>(
              `SELECT original_key AS key FROM images
               UNION SELECT json_extract(record, '$.originalKey') FROM trashed_images`,
            )
            .all();
          keys = rows.map((row) => row.key).filter((key): key is string => typeof key === 'string' && key !== '');
        } finally {
          copy.close();
        }
        return { data: Promise.resolve(new Uint8Array(readFileSync(scratchFile))), keys, tool: 'VACUUM INTO' };
      } finally {
        rmSync(scratchFile, { force: true });
      }
    },
  };
}
