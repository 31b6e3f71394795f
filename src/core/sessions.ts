import { createHash, randomBytes } from 'node:crypto';
import { AppError } from './errors';
import { createLoginThrottle } from './login-throttle';
import type { Repositories, SessionRecord } from './ports';

const SESSION_TTL_MS = 7 * 24 * 3600_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Dashboard sessions: username + password (argon2id) in, an opaque cookie token out. */
export function createSessionService(deps: {
  repos: Pick<Repositories, 'users' | 'sessions'>;
  verifyPassword: (username: string, password: string) => Promise<boolean>;
  now: () => string;
}) {
  const { repos, now } = deps;
  const throttle = createLoginThrottle();

  return {
    async login(username: string, password: string, clientAddress: string): Promise<{ token: string; username: string; expiresAt: string }> {
      const keys = [`user:${username.toLowerCase()}`, `ip:${clientAddress}`];
      throttle.check(keys);
      const user = await repos.users.findByUsername(username);
      if (!user || !(await deps.verifyPassword(username, password))) {
        throttle.failed(keys);
        throw new AppError('unauthorized', 'Wrong username or password');
      }
      throttle.succeeded(keys);
      const token = randomBytes(32).toString('base64url');
      const createdAt = now();
      const expiresAt = new Date(Date.parse(createdAt) + SESSION_TTL_MS).toISOString();
      await repos.sessions.deleteExpired(createdAt);
      await repos.sessions.insert(hashToken(token), user.id, createdAt, expiresAt);
      return { token, username: user.username, expiresAt };
    },

    async verify(token: string | undefined): Promise<SessionRecord | null> {
      if (!token || token.length > 100) return null;
      return repos.sessions.find(hashToken(token), now());
    },

    async logout(token: string | undefined): Promise<void> {
      if (token) await repos.sessions.delete(hashToken(token));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
