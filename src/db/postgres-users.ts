import type { SQL } from 'bun';
import type { InviteRepository, PasswordResetRepository, SessionRepository, UserRecord, UserRepository } from '../core/ports';
import { insertUnique } from './postgres-accounts';
import { toInvite, toReset, toUser, type InviteRow, type ResetRow, type UserRow } from './rows';

async function insertUser(tx: SQL, u: UserRecord): Promise<void> {
  await insertUnique(
    () => tx`INSERT INTO users (id, username, password_hash, role, disabled_at, created_at)
             VALUES (${u.id}, ${u.username}, ${u.passwordHash}, ${u.role}, ${u.disabledAt}, ${u.createdAt})`,
    `User "${u.username}" already exists (user names are unique ignoring case)`,
  );
  await grant(tx, u.id, u.clientIds);
}

// Only clients that exist are granted: one deleted since the invitation was written is left out.
async function grant(tx: SQL, userId: string, clientIds: readonly string[]): Promise<void> {
  for (const clientId of clientIds) {
    await tx`INSERT INTO user_clients (user_id, client_id) SELECT ${userId}, id FROM clients WHERE id = ${clientId} ON CONFLICT DO NOTHING`;
  }
}

const isEnabledOwner = (role: string, disabledAt: string | null) => role === 'owner' && disabledAt === null;

export function createPostgresUserRepository(sql: SQL): UserRepository {
  const clientIds = async (userId: string) =>
    (await sql<{ client_id: string }[]>`SELECT client_id FROM user_clients WHERE user_id = ${userId} ORDER BY client_id`).map((r) => r.client_id);
  const withClients = async (row: UserRow | undefined) => (row ? toUser(row, await clientIds(row.id)) : null);
  return {
    async insert(u) {
      await sql.begin((tx) => insertUser(tx, u));
    },
    async findByUsername(username) {
      const [row] = await sql<UserRow[]>`SELECT * FROM users WHERE username = ${username}`;
      return withClients(row);
    },
    async get(id) {
      const [row] = await sql<UserRow[]>`SELECT * FROM users WHERE id = ${id}`;
      return withClients(row);
    },
    async list() {
      const grants = new Map<string, string[]>();
      for (const g of await sql<{ user_id: string; client_id: string }[]>`SELECT user_id, client_id FROM user_clients ORDER BY client_id`) {
        grants.set(g.user_id, [...(grants.get(g.user_id) ?? []), g.client_id]);
      }
      const rows = await sql<UserRow[]>`SELECT * FROM users ORDER BY created_at, id`;
      return rows.map((row) => toUser(row, grants.get(row.id) ?? []));
    },
    async count() {
      const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM users`;
      return row!.n;
    },
    clientIds,
    async update(id, change) {
      return sql.begin(async (tx) => {
        const [row] = await tx`SELECT 1 FROM users WHERE id = ${id} FOR UPDATE`;
        if (!row) return false;
        if (change.role !== undefined) await tx`UPDATE users SET role = ${change.role} WHERE id = ${id}`;
        if (change.disabledAt !== undefined) await tx`UPDATE users SET disabled_at = ${change.disabledAt} WHERE id = ${id}`;
        if (change.passwordHash !== undefined) await tx`UPDATE users SET password_hash = ${change.passwordHash} WHERE id = ${id}`;
        return true;
      });
    },
    async updateAccess(id, change) {
      return sql.begin(async (tx): Promise<'updated' | 'not_found' | 'last_owner'> => {
        // Every enabled owner and the user locked, in id order (no deadlock between two such
        // changes): a second node waits here, then counts without the owner this one demoted.
        const rows = await tx<UserRow[]>`
          SELECT * FROM users WHERE (role = 'owner' AND disabled_at IS NULL) OR id = ${id} ORDER BY id FOR UPDATE`;
        const user = rows.find((r) => r.id === id);
        if (!user) return 'not_found';
        const role = change.role ?? user.role;
        const disabledAt = change.disabledAt === undefined ? user.disabled_at : change.disabledAt;
        const others = rows.filter((r) => r.id !== id && isEnabledOwner(r.role, r.disabled_at)).length;
        if (isEnabledOwner(user.role, user.disabled_at) && !isEnabledOwner(role, disabledAt) && others === 0) return 'last_owner';
        await tx`UPDATE users SET role = ${role}, disabled_at = ${disabledAt} WHERE id = ${id}`;
        return 'updated';
      });
    },
    async setClients(userId, ids) {
      await sql.begin(async (tx) => {
        await tx`DELETE FROM user_clients WHERE user_id = ${userId}`;
        await grant(tx, userId, ids);
      });
    },
    async grant(userId, clientId) {
      await grant(sql, userId, [clientId]);
    },
    async revoke(userId, clientId) {
      return (await sql`DELETE FROM user_clients WHERE user_id = ${userId} AND client_id = ${clientId}`).count > 0;
    },
  };
}

export function createPostgresSessionRepository(sql: SQL): SessionRepository {
  return {
    async insert(tokenHash, userId, createdAt, expiresAt) {
      await sql`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (${tokenHash}, ${userId}, ${createdAt}, ${expiresAt})`;
    },
    async find(tokenHash, now) {
      const [row] = await sql<{ user_id: string; username: string; role: string; expires_at: string }[]>`
        SELECT s.user_id, u.username, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ${tokenHash} AND s.expires_at > ${now} AND u.disabled_at IS NULL`;
      return row ? { userId: row.user_id, username: row.username, role: row.role as UserRecord['role'], expiresAt: row.expires_at } : null;
    },
    async delete(tokenHash) {
      await sql`DELETE FROM sessions WHERE token_hash = ${tokenHash}`;
    },
    async deleteExpired(now) {
      await sql`DELETE FROM sessions WHERE expires_at <= ${now}`;
    },
    async deleteForUser(userId, exceptTokenHash) {
      await sql`DELETE FROM sessions WHERE user_id = ${userId} AND token_hash != ${exceptTokenHash ?? ''}`;
    },
  };
}

export function createPostgresInviteRepository(sql: SQL): InviteRepository {
  return {
    async insert(i, tokenHash) {
      await sql`INSERT INTO invites (id, token_hash, role, client_ids, created_by, created_at, expires_at, used_at)
                VALUES (${i.id}, ${tokenHash}, ${i.role}, ${JSON.stringify(i.clientIds)}, ${i.createdBy}, ${i.createdAt}, ${i.expiresAt}, ${i.usedAt})`;
    },
    async findByHash(tokenHash) {
      const [row] = await sql<InviteRow[]>`SELECT * FROM invites WHERE token_hash = ${tokenHash}`;
      return row ? toInvite(row) : null;
    },
    async listPending(now) {
      return (await sql<InviteRow[]>`SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ${now} ORDER BY created_at, id`).map(toInvite);
    },
    async accept(tokenHash, now, user) {
      return sql.begin(async (tx) => {
        const [row] = await tx<InviteRow[]>`
          UPDATE invites SET used_at = ${now} WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now} RETURNING *`;
        if (!row) return false;
        const invite = toInvite(row);
        await insertUser(tx, { ...user, role: invite.role, clientIds: invite.clientIds });
        return true;
      });
    },
    async delete(id) {
      return (await sql`DELETE FROM invites WHERE id = ${id} AND used_at IS NULL`).count > 0;
    },
  };
}

export function createPostgresPasswordResetRepository(sql: SQL): PasswordResetRepository {
  return {
    async insert(r, tokenHash) {
      await sql`INSERT INTO password_resets (token_hash, user_id, created_at, expires_at, used_at)
                VALUES (${tokenHash}, ${r.userId}, ${r.createdAt}, ${r.expiresAt}, ${r.usedAt})`;
    },
    async findByHash(tokenHash) {
      const [row] = await sql<ResetRow[]>`SELECT * FROM password_resets WHERE token_hash = ${tokenHash}`;
      return row ? toReset(row) : null;
    },
    async accept(tokenHash, now, passwordHash) {
      return sql.begin(async (tx) => {
        const [row] = await tx<{ user_id: string }[]>`
          UPDATE password_resets SET used_at = ${now} WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now} RETURNING user_id`;
        if (!row) return null;
        await tx`UPDATE users SET password_hash = ${passwordHash} WHERE id = ${row.user_id}`;
        await tx`DELETE FROM sessions WHERE user_id = ${row.user_id}`;
        return row.user_id;
      });
    },
  };
}
