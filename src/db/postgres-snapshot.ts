import { SQL } from 'bun';
import type { MetadataSnapshotter } from '../core/backup/ports';
import { pgToolVersion, runPgTool } from './pg-tools';

/**
 * pg_dump of the very snapshot the originals keys are read in: a REPEATABLE READ transaction
 * exports its snapshot, reads the keys, and holds it open while `pg_dump --snapshot` dumps
 * exactly that state. So the dump refers to the keys the backup copies, none more, while the
 * nodes go on writing. (A pg_dump run separately, before or after, would be a different
 * moment: an original replaced or purged in between would be missing from one side.)
 */
export function createPostgresSnapshotter(databaseUrl: string): MetadataSnapshotter {
  return {
    kind: 'postgresql',
    async snapshot() {
      const sql = new SQL({ url: databaseUrl, max: 1, connectionTimeout: 10 });
      try {
        const version = await pgToolVersion('pg_dump');
        return await sql.begin(async (tx) => {
          await tx.unsafe('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          const [{ id }] = await tx`SELECT pg_export_snapshot() AS id`;
          const rows: { key: string | null }[] = await tx`
            SELECT original_key AS key FROM images
            UNION SELECT record::json->>'originalKey' FROM trashed_images`;
          const keys = rows.map((row) => row.key).filter((key): key is string => typeof key === 'string' && key !== '');
          const args = ['--format=custom', `--snapshot=${id}`];
          const data = await runPgTool('pg_dump', args, databaseUrl);
          return { data, keys, tool: `pg_dump ${version} --format=custom (the snapshot the originals were listed in)` };
        });
      } finally {
        await sql.close();
      }
    },
  };
}
