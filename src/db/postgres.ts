import { SQL } from 'bun';
import { AppError } from '../core/errors';
import init from './migrations/postgres/001_init.sql' with { type: 'text' };
import focalPoint from './migrations/postgres/002_focal_point.sql' with { type: 'text' };
import frames from './migrations/postgres/003_frames.sql' with { type: 'text' };
import presetWidths from './migrations/postgres/004_preset_widths.sql' with { type: 'text' };
import placeholder from './migrations/postgres/005_placeholder.sql' with { type: 'text' };
import secretRotation from './migrations/postgres/006_secret_rotation.sql' with { type: 'text' };
import eagerVariants from './migrations/postgres/007_eager_variants.sql' with { type: 'text' };
import outboxWebhooks from './migrations/postgres/008_outbox_webhooks.sql' with { type: 'text' };
import purgeTargets from './migrations/postgres/009_purge_targets.sql' with { type: 'text' };
import clientNames from './migrations/postgres/010_client_names.sql' with { type: 'text' };
import tagsAltMeta from './migrations/postgres/011_tags_alt_meta.sql' with { type: 'text' };
import trash from './migrations/postgres/012_trash.sql' with { type: 'text' };
import listingIndexes from './migrations/postgres/013_listing_indexes.sql' with { type: 'text' };
import usersRoles from './migrations/postgres/014_users_roles.sql' with { type: 'text' };
import usageDays from './migrations/postgres/015_usage_days.sql' with { type: 'text' };
import clientQuotas from './migrations/postgres/016_client_quotas.sql' with { type: 'text' };
import auditLog from './migrations/postgres/017_audit_log.sql' with { type: 'text' };
import keyCreators from './migrations/postgres/018_key_creators.sql' with { type: 'text' };
import transformBudgets from './migrations/postgres/019_transform_budgets.sql' with { type: 'text' };
import userNames from './migrations/postgres/020_user_names.sql' with { type: 'text' };

/** Versioned migrations for PostgreSQL, beside the SQLite ones and embedded the same way. */
const MIGRATIONS: readonly { version: number; sql: string }[] = [
  { version: 1, sql: init },
  { version: 2, sql: focalPoint },
  { version: 3, sql: frames },
  { version: 4, sql: presetWidths },
  { version: 5, sql: placeholder },
  { version: 6, sql: secretRotation },
  { version: 7, sql: eagerVariants },
  { version: 8, sql: outboxWebhooks },
  { version: 9, sql: purgeTargets },
  { version: 10, sql: clientNames },
  { version: 11, sql: tagsAltMeta },
  { version: 12, sql: trash },
  { version: 13, sql: listingIndexes },
  { version: 14, sql: usersRoles },
  { version: 15, sql: usageDays },
  { version: 16, sql: clientQuotas },
  { version: 17, sql: auditLog },
  { version: 18, sql: keyCreators },
  { version: 19, sql: transformBudgets },
  { version: 20, sql: userNames },
];

// Any constant shared by every node: nodes starting together migrate one after another.
const MIGRATION_LOCK = 0x1a6a9;

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<SQL> {
  const sql = new SQL({ url, max: options.max ?? 20, idleTimeout: 60, connectionTimeout: 10 });
  try {
    await migrate(sql);
  } catch (error) {
    await sql.close();
    const where = new URL(url);
    throw new Error(`PostgreSQL at ${where.host}${where.pathname}: ${(error as Error).message}`, { cause: error });
  }
  return sql;
}

/** A lost or refused connection as a 503 that says so; a query's own errors pass unchanged. */
export function reportUnreachable(error: unknown): unknown {
  const code = (error as { code?: string })?.code ?? '';
  if (!(error instanceof SQL.PostgresError) || !code.startsWith('ERR_POSTGRES_CONNECTION')) return error;
  return new AppError('unavailable', `The database is unreachable: ${error.message}`, { cause: error, details: { retryAfterSeconds: 5 } });
}

async function migrate(sql: SQL): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`;
    const applied = new Set((await tx`SELECT version FROM schema_migrations`).map((row: { version: number }) => row.version));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await tx.unsafe(migration.sql);
      await tx`INSERT INTO schema_migrations (version, applied_at) VALUES (${migration.version}, ${new Date().toISOString()})`;
    }
  });
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof SQL.PostgresError && error.errno === '23505';
}

/** A LIKE pattern matching `text` anywhere, its wildcards taken literally (escape character `\`). */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
