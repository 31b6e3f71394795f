import { randomBytes } from 'node:crypto';
import { AppError } from './errors';
import { createLoginThrottle } from './login-throttle';
import type { Repositories, SessionRecord } from './ports';
import { reachesEveryClient, type SessionUser } from './roles';
import { hashToken } from './users';

const SESSION_TTL_MS = 7 * 24 * 3600_000;

/** A live session: its user with role and granted clients, and the hash of its token (never the token). */
export interface LiveSession extends SessionUser {
  expiresAt: string;
  tokenHash: string;
}

/** Dashboard sessions: username + password (argon2id) in, an opaque cookie token out. */
export function createSessionService(deps: {
  repos: Pick<Repositories, 'users' | 'sessions'>;
  verifyPassword: (username: string, password: string) => Promise<boolean>;
  now: () => string;
}) {
  const { repos, now } = deps;
  const throttle = createLoginThrottle();

  async function live(record: SessionRecord, tokenHash: string): Promise<LiveSession> {
    // Owners and admins reach every client; a member's grants are read on every request, so a
    // revoked client is gone from their next request on.
    const clientIds = reachesEveryClient(record.role) ? null : await repos.users.clientIds(record.userId);
    return { userId: record.userId, username: record.username, role: record.role, clientIds, expiresAt: record.expiresAt, tokenHash };
  }

  return {
    async login(username: string, password: string, clientAddress: string): Promise<{ token: string; username: string; expiresAt: string }> {
      const keys = [`user:${username.toLowerCase()}`, `ip:${clientAddress}`];
      throttle.check(keys);
      const user = await repos.users.findByUsername(username);
      // Verified whether or not the name exists (an unknown one against a stand-in hash), so
      // the answer's time does not tell which user names exist.
      const verified = await deps.verifyPassword(username, password);
      if (!user || !verified) {
        throttle.failed(keys);
        throw new AppError('unauthorized', 'Wrong username or password');
      }
      // Said only to whoever knows the password: a disabled name is no secret to them.
      if (user.disabledAt) throw new AppError('forbidden', 'This user is disabled; ask an owner to enable it');
      throttle.succeeded(keys);
      const token = randomBytes(32).toString('base64url');
      const createdAt = now();
      const expiresAt = new Date(Date.parse(createdAt) + SESSION_TTL_MS).toISOString();
      await repos.sessions.deleteExpired(createdAt);
      await repos.sessions.insert(hashToken(token), user.id, createdAt, expiresAt);
      return { token, username: user.username, expiresAt };
    },

    async verify(token: string | undefined): Promise<LiveSession | null> {
      if (!token || token.length > 100) return null;
      const tokenHash = hashToken(token);
      const record = await repos.sessions.find(tokenHash, now());
      return record ? live(record, tokenHash) : null;
    },

    async logout(token: string | undefined): Promise<void> {
      if (token) await repos.sessions.delete(hashToken(token));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
