import { Database } from 'bun:sqlite';
import init from './migrations/001_init.sql' with { type: 'text' };
import sessions from './migrations/002_sessions.sql' with { type: 'text' };
import search from './migrations/003_search_and_paging.sql' with { type: 'text' };
import focalPoint from './migrations/004_focal_point.sql' with { type: 'text' };
import frames from './migrations/005_frames.sql' with { type: 'text' };
import presetWidths from './migrations/006_preset_widths.sql' with { type: 'text' };
import placeholder from './migrations/007_placeholder.sql' with { type: 'text' };
import secretRotation from './migrations/008_secret_rotation.sql' with { type: 'text' };
import eagerVariants from './migrations/009_eager_variants.sql' with { type: 'text' };
import outboxWebhooks from './migrations/010_outbox_webhooks.sql' with { type: 'text' };
import purgeTargets from './migrations/011_purge_targets.sql' with { type: 'text' };
import clientNames from './migrations/012_client_names.sql' with { type: 'text' };
import tagsAltMeta from './migrations/013_tags_alt_meta.sql' with { type: 'text' };
import trash from './migrations/014_trash.sql' with { type: 'text' };
import listingIndexes from './migrations/015_listing_indexes.sql' with { type: 'text' };
import usersRoles from './migrations/016_users_roles.sql' with { type: 'text' };
import usageDays from './migrations/017_usage_days.sql' with { type: 'text' };
import clientQuotas from './migrations/018_client_quotas.sql' with { type: 'text' };
import auditLog from './migrations/019_audit_log.sql' with { type: 'text' };
import keyCreators from './migrations/020_key_creators.sql' with { type: 'text' };
import userNames from './migrations/021_user_names.sql' with { type: 'text' };

/** Versioned migrations, embedded as text so they ship inside the single executable. */
const MIGRATIONS: readonly { version: number; sql: string }[] = [
  { version: 1, sql: init },
  { version: 2, sql: sessions },
  { version: 3, sql: search },
  { version: 4, sql: focalPoint },
  { version: 5, sql: frames },
  { version: 6, sql: presetWidths },
  { version: 7, sql: placeholder },
  { version: 8, sql: secretRotation },
  { version: 9, sql: eagerVariants },
  { version: 10, sql: outboxWebhooks },
  { version: 11, sql: purgeTargets },
  { version: 12, sql: clientNames },
  { version: 13, sql: tagsAltMeta },
  { version: 14, sql: trash },
  { version: 15, sql: listingIndexes },
  { version: 16, sql: usersRoles },
  { version: 17, sql: usageDays },
  { version: 18, sql: clientQuotas },
  { version: 19, sql: auditLog },
  { version: 20, sql: keyCreators },
  { version: 21, sql: userNames },
];

export function openSqlite(file: string): Database {
  const db = new Database(file, { create: true, strict: true });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db.query<{ version: number }, []>('SELECT version FROM schema_migrations').all().map((row) => row.version),
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        migration.version,
        new Date().toISOString(),
      );
    })();
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message);
}

/**
 * The MATCH expression for a substring, or null when the trigram index cannot answer it
 * (fewer than 3 characters): the text is quoted, so FTS syntax in user input is literal.
 */
export function trigramPhrase(text: string): string | null {
  return [...text].length >= 3 ? `"${text.replaceAll('"', '""')}"` : null;
}

/**
 * Calls `onChange` when another connection (another process: the CLI in local mode, `doctor`)
 * has committed to the database. SQLite's data_version moves only for other connections'
 * commits, so this process's own writes never trigger it. Returns a stop function.
 */
export function watchExternalCommits(db: Database, onChange: () => void, intervalMs = 500): () => void {
  const version = db.query<{ data_version: number }, []>('PRAGMA data_version');
  let last = version.get()!.data_version;
  const timer = setInterval(() => {
    const current = version.get()!.data_version;
    if (current !== last) {
      last = current;
      onChange();
    }
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
