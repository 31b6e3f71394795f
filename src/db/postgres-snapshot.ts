import { SQL } from 'bun';
import type { MetadataSnapshotter } from '../core/backup/ports';
import { pgToolVersion, runPgTool } from './pg-tools';

/**
 * pg_dump of the very snapshot the originals keys are read in: a REPEATABLE READ transaction
 * exports its snapshot, reads the keys, and holds it open while `pg_dump --snapshot` dumps
 * exactly that state. So the dump refers to the keys the backup copies, none more, while the
 * nodes go on writing. (A pg_dump run separately, before or after, would be a different
 * moment: an original replaced or purged in between would be missing from one side.) The keys
 * are handed over as soon as they are read, so the originals are copied while pg_dump runs.
 */
export function createPostgresSnapshotter(databaseUrl: string): MetadataSnapshotter {
  return {
    kind: 'postgresql',
    async snapshot() {
      const tool = `pg_dump ${await pgToolVersion('pg_dump')} --format=custom (in the snapshot the originals were listed in)`;
      const sql = new SQL({ url: databaseUrl, max: 1, connectionTimeout: 10 });
      const listed = Promise.withResolvers<string[]>();
      const data = sql
        .begin(async (tx) => {
          await tx.unsafe('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          const [{ id }] = await tx`SELECT pg_export_snapshot() AS id`;
          const rows: { key: string | null }[] = await tx`
            SELECT original_key AS key FROM images
            UNION SELECT record::json->>'originalKey' FROM trashed_images`;
          listed.resolve(rows.map((row) => row.key).filter((key): key is string => typeof key === 'string' && key !== ''));
          return runPgTool('pg_dump', ['--format=custom', `--snapshot=${id}`], databaseUrl);
        })
        .finally(() => sql.close());
      // A failure before the keys are read (no connection, no such table) is the snapshot's own.
      data.catch((error) => listed.reject(error));
      return { keys: await listed.promise, data, tool };
    },
  };
}
