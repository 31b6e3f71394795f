import { join } from 'node:path';
import type { ChangeBus } from '../core/change-feed';
import type { Repositories } from '../core/ports';
import { openPostgres } from './postgres';
import { createPostgresChangeBus } from './postgres-change-bus';
import { createPostgresRepositories } from './postgres-repositories';
import { createImageCounts, type ImageCounts } from './rows';
import { openSqlite, watchExternalCommits } from './sqlite';
import { createSqliteRepositories } from './sqlite-repositories';

/** The metadata database, whichever it is, behind the repositories and a change bus. */
export interface MetadataStore {
  /** `sqlite:<file>` or `postgres://host/db` (no password), for logs. */
  description: string;
  repos: Repositories;
  /** Remembered listing totals; the context tells them what other processes changed. */
  counts: ImageCounts;
  bus: ChangeBus;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openMetadata(options: { databaseUrl: string | null; dataDir: string }): Promise<MetadataStore> {
  const counts = createImageCounts();
  if (options.databaseUrl) {
    const sql = await openPostgres(options.databaseUrl);
    const url = new URL(options.databaseUrl);
    return {
      description: `postgres://${url.host}${url.pathname}`,
      repos: createPostgresRepositories(sql, counts),
      counts,
      bus: createPostgresChangeBus(sql),
      ping: async () => {
        await sql`SELECT 1`;
      },
      close: () => sql.close(),
    };
  }
  const file = join(options.dataDir, 'imgapi.db');
  const db = openSqlite(file);
  return {
    description: `sqlite:${file}`,
    repos: createSqliteRepositories(db, counts),
    counts,
    bus: {
      // Other processes on this file see commits through SQLite itself; there is nothing to send.
      publish: async () => {},
      subscribe: async (onChange) => {
        const stop = watchExternalCommits(db, () => onChange({ kind: 'external' }));
        return async () => stop();
      },
    },
    ping: async () => {
      db.query('SELECT 1').get();
    },
    close: async () => db.close(),
  };
}
