import type { Database } from 'bun:sqlite';
import { conflict } from '../core/errors';
import type { InviteRepository, PasswordResetRepository, SessionRepository, UserRecord, UserRepository } from '../core/ports';
import { toInvite, toReset, toUser, type InviteRow, type ResetRow, type UserRow } from './rows';
import { isUniqueViolation } from './sqlite';

// Only clients that exist are granted: one deleted since the invitation was written is left out.
const GRANT = 'INSERT OR IGNORE INTO user_clients (user_id, client_id) SELECT ?, id FROM clients WHERE id = ?';

function insertUser(db: Database, u: UserRecord): void {
  try {
    db.query('INSERT INTO users (id, username, password_hash, role, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      u.id, u.username, u.passwordHash, u.role, u.disabledAt, u.createdAt,
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`User "${u.username}" already exists (user names are unique ignoring case)`);
    throw error;
  }
  for (const clientId of u.clientIds) db.query(GRANT).run(u.id, clientId);
}

const isEnabledOwner = (role: string, disabledAt: string | null) => role === 'owner' && disabledAt === null;

export function createSqliteUserRepository(db: Database): UserRepository {
  const clientIds = (userId: string) =>
    db.query<{ client_id: string }, [string]>('SELECT client_id FROM user_clients WHERE user_id = ? ORDER BY client_id').all(userId).map((r) => r.client_id);
  const withClients = (row: UserRow | null) => (row ? toUser(row, clientIds(row.id)) : null);
  return {
    async insert(u) {
      db.transaction(() => insertUser(db, u))();
    },
    async findByUsername(username) {
      return withClients(db.query<UserRow, [string]>('SELECT * FROM users WHERE username = ?').get(username));
    },
    async get(id) {
      return withClients(db.query<UserRow, [string]>('SELECT * FROM users WHERE id = ?').get(id));
    },
    async list() {
      const grants = new Map<string, string[]>();
      for (const g of db.query<{ user_id: string; client_id: string }, []>('SELECT user_id, client_id FROM user_clients ORDER BY client_id').all()) {
        grants.set(g.user_id, [...(grants.get(g.user_id) ?? []), g.client_id]);
      }
      return db.query<UserRow, []>('SELECT * FROM users ORDER BY created_at, id').all().map((row) => toUser(row, grants.get(row.id) ?? []));
    },
    async count() {
      return db.query<{ n: number }, []>('SELECT count(*) AS n FROM users').get()!.n;
    },
    async clientIds(userId) {
      return clientIds(userId);
    },
    async update(id, change) {
      const sets: string[] = [];
      const values: (string | null)[] = [];
      if (change.role !== undefined) sets.push('role = ?'), values.push(change.role);
      if (change.disabledAt !== undefined) sets.push('disabled_at = ?'), values.push(change.disabledAt);
      if (change.passwordHash !== undefined) sets.push('password_hash = ?'), values.push(change.passwordHash);
      if (sets.length === 0) return !!db.query('SELECT 1 FROM users WHERE id = ?').get(id);
      return db.query(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id).changes > 0;
    },
    async updateAccess(id, change) {
      // IMMEDIATE: the write lock is taken before the owners are counted, so another process
      // (a second server, the CLI) counts after this one wrote, not before.
      const run = db.transaction((): 'updated' | 'not_found' | 'last_owner' => {
        const user = db.query<UserRow, [string]>('SELECT * FROM users WHERE id = ?').get(id);
        if (!user) return 'not_found';
        const role = change.role ?? user.role;
        const disabledAt = change.disabledAt === undefined ? user.disabled_at : change.disabledAt;
        if (isEnabledOwner(user.role, user.disabled_at) && !isEnabledOwner(role, disabledAt)) {
          const others = db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM users WHERE role = 'owner' AND disabled_at IS NULL AND id != ?").get(id)!.n;
          if (others === 0) return 'last_owner';
        }
        db.query('UPDATE users SET role = ?, disabled_at = ? WHERE id = ?').run(role, disabledAt, id);
        return 'updated';
      });
      return run.immediate();
    },
    async setClients(userId, ids) {
      db.transaction(() => {
        db.query('DELETE FROM user_clients WHERE user_id = ?').run(userId);
        for (const clientId of ids) db.query(GRANT).run(userId, clientId);
      })();
    },
    async grant(userId, clientId) {
      db.query(GRANT).run(userId, clientId);
    },
    async revoke(userId, clientId) {
      return db.query('DELETE FROM user_clients WHERE user_id = ? AND client_id = ?').run(userId, clientId).changes > 0;
    },
  };
}

export function createSqliteSessionRepository(db: Database): SessionRepository {
  const find = db.query<{ user_id: string; username: string; role: string; expires_at: string }, [string, string]>(
    `SELECT s.user_id, u.username, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
  );
  return {
    async insert(tokenHash, userId, createdAt, expiresAt) {
      db.query('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(tokenHash, userId, createdAt, expiresAt);
    },
    async find(tokenHash, now) {
      const row = find.get(tokenHash, now);
      return row ? { userId: row.user_id, username: row.username, role: row.role as UserRecord['role'], expiresAt: row.expires_at } : null;
    },
    async delete(tokenHash) {
      db.query('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
    },
    async deleteExpired(now) {
      db.query('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    },
    async deleteForUser(userId, exceptTokenHash) {
      db.query('DELETE FROM sessions WHERE user_id = ? AND token_hash != ?').run(userId, exceptTokenHash ?? '');
    },
  };
}

export function createSqliteInviteRepository(db: Database): InviteRepository {
  return {
    async insert(i, tokenHash) {
      db.query('INSERT INTO invites (id, token_hash, role, client_ids, created_by, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        i.id, tokenHash, i.role, JSON.stringify(i.clientIds), i.createdBy, i.createdAt, i.expiresAt, i.usedAt,
      );
    },
    async findByHash(tokenHash) {
      const row = db.query<InviteRow, [string]>('SELECT * FROM invites WHERE token_hash = ?').get(tokenHash);
      return row ? toInvite(row) : null;
    },
    async listPending(now) {
      return db.query<InviteRow, [string]>('SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at, id').all(now).map(toInvite);
    },
    async accept(tokenHash, now, user) {
      return db.transaction(() => {
        const row = db.query<InviteRow, [string, string, string]>(
          'UPDATE invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING *',
        ).get(now, tokenHash, now);
        if (!row) return false;
        const invite = toInvite(row);
        insertUser(db, { ...user, role: invite.role, clientIds: invite.clientIds });
        return true;
      })();
    },
    async delete(id) {
      return db.query('DELETE FROM invites WHERE id = ? AND used_at IS NULL').run(id).changes > 0;
    },
  };
}

export function createSqlitePasswordResetRepository(db: Database): PasswordResetRepository {
  return {
    async insert(r, tokenHash) {
      db.query('INSERT INTO password_resets (token_hash, user_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?)').run(
        tokenHash, r.userId, r.createdAt, r.expiresAt, r.usedAt,
      );
    },
    async findByHash(tokenHash) {
      const row = db.query<ResetRow, [string]>('SELECT * FROM password_resets WHERE token_hash = ?').get(tokenHash);
      return row ? toReset(row) : null;
    },
    async accept(tokenHash, now, passwordHash) {
      return db.transaction(() => {
        const row = db.query<{ user_id: string }, [string, string, string]>(
          'UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id',
        ).get(now, tokenHash, now);
        if (!row) return null;
        db.query('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, row.user_id);
        db.query('DELETE FROM sessions WHERE user_id = ?').run(row.user_id);
        return row.user_id;
      })();
    },
  };
}
