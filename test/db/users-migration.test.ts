import { afterAll, describe, expect, test } from 'bun:test';
import { SQL } from 'bun';
import { Database } from 'bun:sqlite';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Repositories } from '../../src/core/ports';
import { openPostgres } from '../../src/db/postgres';
import { createPostgresRepositories } from '../../src/db/postgres-repositories';
import { createImageCounts } from '../../src/db/rows';
import { openSqlite } from '../../src/db/sqlite';
import { createSqliteRepositories } from '../../src/db/sqlite-repositories';
import { freshDatabase } from '../helpers/postgres';

/**
 * Upgrading an installation from before roles (issue 18 §1): its users had every power, so
 * they become owners, enabled, their sessions still good.
 */
const MIGRATIONS = join(import.meta.dir, '../../src/db/migrations');
const before = (dir: string, lastVersion: number) =>
  readdirSync(dir)
    .filter((f) => /^\d{3}_.*\.sql$/.test(f) && Number(f.slice(0, 3)) <= lastVersion)
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), sql: readFileSync(join(dir, f), 'utf8') }));

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function expectOwner(repos: Repositories): Promise<void> {
  expect(await repos.users.findByUsername('old-admin')).toEqual({
    id: 'u1', username: 'old-admin', passwordHash: 'h', role: 'owner', clientIds: [], disabledAt: null, createdAt: '2026-01-01T00:00:00.000Z',
  });
  expect(await repos.sessions.find('old-session', '2026-01-02T00:00:00.000Z')).toEqual({ userId: 'u1', username: 'old-admin', role: 'owner', expiresAt: '2026-02-01T00:00:00.000Z' });
}

const OLD_ROWS = [
  "INSERT INTO users (id, username, password_hash, created_at) VALUES ('u1', 'old-admin', 'h', '2026-01-01T00:00:00.000Z')",
  "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('old-session', 'u1', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z')",
];

describe('upgrading to roles', () => {
  test('SQLite: a user from before migration 016 is an enabled owner after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgapi-roles-migration-'));
    dirs.push(dir);
    const file = join(dir, 'imgapi.db');
    const old = new Database(file, { create: true });
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const m of before(MIGRATIONS, 15)) {
      old.exec(m.sql);
      old.query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, 'then');
    }
    for (const row of OLD_ROWS) old.exec(row);
    old.close();
    const db = openSqlite(file);
    await expectOwner(createSqliteRepositories(db));
    db.close();
  });

  test('PostgreSQL: a user from before migration 014 is an enabled owner after it', async () => {
    const url = await freshDatabase();
    const old = new SQL({ url, max: 1 });
    await old`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`;
    for (const m of before(join(MIGRATIONS, 'postgres'), 13)) {
      await old.unsafe(m.sql);
      await old`INSERT INTO schema_migrations (version, applied_at) VALUES (${m.version}, 'then')`;
    }
    for (const row of OLD_ROWS) await old.unsafe(row);
    await old.close();
    const sql = await openPostgres(url, { max: 2 });
    await expectOwner(createPostgresRepositories(sql, createImageCounts()));
    await sql.close();
  });
});
