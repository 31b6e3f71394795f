import { SQL } from 'bun';
import { AppError } from '../core/errors';
import { runPgTool, withoutPassword } from './pg-tools';

/** A restore goes only into a database without tables, views or sequences of its own. */
export async function checkEmptyDatabase(databaseUrl: string): Promise<void> {
  const sql = new SQL({ url: databaseUrl, max: 1, connectionTimeout: 10 });
  try {
    const rows: { name: string }[] = await sql`
      SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      ORDER BY 1 LIMIT 4`;
    if (rows.length > 0) {
      const names = rows.slice(0, 3).map((row) => row.name).join(', ') + (rows.length > 3 ? ', …' : '');
      throw new AppError('conflict', `The database ${withoutPassword(databaseUrl).url} is not empty (${names}): restore only into a new, empty database (createdb)`);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('unavailable', `PostgreSQL at ${new URL(databaseUrl).host}: ${(error as Error).message}`);
  } finally {
    await sql.close();
  }
}

/** One transaction: a pg_restore that fails leaves the database as empty as it was. */
export async function restorePostgresDump(databaseUrl: string, dump: Uint8Array): Promise<void> {
  await runPgTool('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges'], databaseUrl, dump);
}

/** `pg_restore --list` reads the archive's table of contents: no tool, or one too old for the dump, shows here. */
export async function checkPostgresDump(dump: Uint8Array): Promise<void> {
  await runPgTool('pg_restore', ['--list'], null, dump);
}
