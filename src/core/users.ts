import { createHash, randomBytes } from 'node:crypto';
import { AppError, conflict, invalid, notFound } from './errors';
import { newId } from './ids';
import type { InviteRecord, Repositories, UserRecord } from './ports';
import { isClientId } from './names';
import { parseRole, type Role } from './roles';

export const INVITE_TTL_MS = 7 * 24 * 3600_000;
export const RESET_TTL_MS = 24 * 3600_000;
/** More would be a list no one reads, and a row of JSON without bound. */
const MAX_GRANTS = 1000;

export interface UserChange {
  role?: Role;
  clientIds?: readonly string[];
  disabled?: boolean;
}

export interface UserDeps {
  repos: Pick<Repositories, 'users' | 'sessions' | 'invites' | 'passwordResets' | 'clients'>;
  now: () => string;
}

// Tokens carry 256 random bits: a fast hash is as strong as a slow one and allows lookup by hash.
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export function validateUsername(username: string): string {
  const name = username.trim();
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) throw invalid('Username must be 1–64 letters, digits or _ . @ -');
  return name;
}

export function validatePassword(password: string): string {
  if (password.length < 8) throw invalid('Password must be at least 8 characters');
  if (password.length > 1024) throw invalid('Password must be at most 1024 characters');
  return password;
}

export const hashPassword = (password: string) => Bun.password.hash(validatePassword(password), { algorithm: 'argon2id' });

/** A token from a link: base64url of 32 bytes, else it cannot be ours. */
const looksLikeToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/**
 * Dashboard users: creating, inviting, roles, granted clients, disabling, password resets.
 * Who may do what is the API's business (src/api/users.ts); this keeps the installation sound:
 * always one enabled owner, tokens used once and only until they expire.
 */
export function createUserService(deps: UserDeps) {
  const { repos, now } = deps;

  // Last-owner checks and the writes they guard run one at a time in this process, so two
  // owners demoting each other at once cannot both pass.
  let lock: Promise<unknown> = Promise.resolve();
  function serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = lock.then(run, run);
    lock = next.catch(() => undefined);
    return next;
  }

  async function get(id: string): Promise<UserRecord> {
    const user = id.length <= 64 ? await repos.users.get(id) : null;
    if (!user) throw notFound('User');
    return user;
  }

  async function byName(username: string): Promise<UserRecord> {
    const user = username.length <= 64 ? await repos.users.findByUsername(username) : null;
    if (!user) throw notFound(`User "${username.slice(0, 64)}"`);
    return user;
  }

  /** The ids as given, each an existing client (else a 404 naming it), without repeats. */
  async function existingClients(clientIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(clientIds)];
    if (unique.length > MAX_GRANTS) throw invalid(`At most ${MAX_GRANTS} clients may be granted`);
    for (const id of unique) {
      if (!isClientId(id) || !(await repos.clients.get(id))) throw new AppError('not_found', `Client "${String(id).slice(0, 64)}" not found`);
    }
    return unique;
  }

  /** Refuses a change that would leave no enabled owner. */
  async function keepAnOwner(user: UserRecord, after: { role: Role; disabled: boolean }): Promise<void> {
    const staysOwner = after.role === 'owner' && !after.disabled;
    if (user.role !== 'owner' || user.disabledAt !== null || staysOwner) return;
    const owners = (await repos.users.list()).filter((u) => u.role === 'owner' && u.disabledAt === null);
    if (owners.length <= 1) throw conflict('This is the last enabled owner: make another user owner first');
  }

  async function create(input: { username: string; password: string; role?: Role; clientIds?: readonly string[] }): Promise<UserRecord> {
    const record: UserRecord = {
      id: newId(),
      username: validateUsername(input.username),
      passwordHash: await hashPassword(input.password),
      role: input.role ?? 'owner',
      clientIds: await existingClients(input.clientIds ?? []),
      disabledAt: null,
      createdAt: now(),
    };
    await repos.users.insert(record);
    return record;
  }

  async function invite(input: { role: Role; clientIds: readonly string[]; createdBy: string | null }): Promise<{ invite: InviteRecord; token: string }> {
    const createdAt = now();
    const record: InviteRecord = {
      id: newId(),
      role: parseRole(input.role),
      clientIds: await existingClients(input.clientIds),
      createdBy: input.createdBy,
      createdAt,
      expiresAt: new Date(Date.parse(createdAt) + INVITE_TTL_MS).toISOString(),
      usedAt: null,
    };
    const token = newToken();
    await repos.invites.insert(record, hashToken(token));
    return { invite: record, token };
  }

  /** Why a token cannot be used: unknown (404), already used (409) or expired (410). */
  function unusable(what: string, record: { usedAt: string | null; expiresAt: string } | null): AppError {
    if (!record) return notFound(what);
    if (record.usedAt) return conflict(`This ${what.toLowerCase()} was already used; ask for a new one`);
    return new AppError('expired', `This ${what.toLowerCase()} has expired; ask for a new one`);
  }

  async function acceptInvite(token: string, username: string, password: string): Promise<UserRecord> {
    const name = validateUsername(username);
    const passwordHash = await hashPassword(password);
    const hash = looksLikeToken(token) ? hashToken(token) : null;
    const pending = hash ? await repos.invites.findByHash(hash) : null;
    if (!hash || !pending) throw unusable('Invitation link', null);
    const at = now();
    const user = { id: newId(), username: name, passwordHash, disabledAt: null, createdAt: at };
    if (!(await repos.invites.accept(hash, at, user))) throw unusable('Invitation link', await repos.invites.findByHash(hash));
    return get(user.id);
  }

  /**
   * Role, granted clients and disabled, all checked before anything is written: an unknown
   * client, disabling oneself (`by`) or leaving no enabled owner changes nothing. Disabling ends
   * every session of the user at once.
   */
  async function change(userId: string, wanted: UserChange, by: string | null = null): Promise<UserRecord> {
    const role = wanted.role === undefined ? undefined : parseRole(wanted.role);
    const clientIds = wanted.clientIds === undefined ? undefined : await existingClients(wanted.clientIds);
    return serialized(async () => {
      const user = await get(userId);
      const disabled = wanted.disabled ?? user.disabledAt !== null;
      if (disabled && user.disabledAt === null && by === user.id) throw conflict('You cannot disable yourself');
      await keepAnOwner(user, { role: role ?? user.role, disabled });
      const disabledAt = disabled === (user.disabledAt !== null) ? undefined : disabled ? now() : null;
      if (role !== undefined || disabledAt !== undefined) await repos.users.update(user.id, { role, disabledAt });
      if (clientIds !== undefined) await repos.users.setClients(user.id, clientIds);
      if (disabledAt) await repos.sessions.deleteForUser(user.id);
      return get(user.id);
    });
  }

  async function grant(userId: string, clientId: string): Promise<UserRecord> {
    const user = await get(userId);
    return change(user.id, { clientIds: [...user.clientIds, clientId] });
  }

  async function revoke(userId: string, clientId: string): Promise<UserRecord> {
    const user = await get(userId);
    if (!user.clientIds.includes(clientId)) throw notFound(`Client "${clientId.slice(0, 64)}" granted to "${user.username}"`);
    return change(user.id, { clientIds: user.clientIds.filter((id) => id !== clientId) });
  }

  async function issueReset(userId: string): Promise<{ token: string; expiresAt: string }> {
    const user = await get(userId);
    if (user.disabledAt) throw conflict(`User "${user.username}" is disabled: enable them first`);
    const createdAt = now();
    const expiresAt = new Date(Date.parse(createdAt) + RESET_TTL_MS).toISOString();
    const token = newToken();
    await repos.passwordResets.insert({ userId: user.id, createdAt, expiresAt, usedAt: null }, hashToken(token));
    return { token, expiresAt };
  }

  /** Sets the new password and ends every session of the user. */
  async function acceptReset(token: string, password: string): Promise<UserRecord> {
    const passwordHash = await hashPassword(password);
    const hash = looksLikeToken(token) ? hashToken(token) : null;
    if (!hash || !(await repos.passwordResets.findByHash(hash))) throw unusable('Password reset link', null);
    const userId = await repos.passwordResets.accept(hash, now(), passwordHash);
    if (!userId) throw unusable('Password reset link', await repos.passwordResets.findByHash(hash));
    return get(userId);
  }

  /** Needs the current password; ends the user's other sessions, keeping `keepSession` (a token hash). */
  async function changePassword(userId: string, current: string, next: string, keepSession?: string): Promise<void> {
    const user = await get(userId);
    const passwordHash = await hashPassword(next);
    if (!(await Bun.password.verify(current, user.passwordHash))) throw new AppError('forbidden', 'The current password is wrong');
    await repos.users.update(user.id, { passwordHash });
    await repos.sessions.deleteForUser(user.id, keepSession);
  }

  return {
    get,
    byName,
    create,
    list: () => repos.users.list(),
    pendingInvites: () => repos.invites.listPending(now()),
    invite,
    async withdrawInvite(id: string): Promise<void> {
      if (id.length > 64 || !(await repos.invites.delete(id))) throw notFound('Invitation');
    },
    acceptInvite,
    change,
    grant,
    revoke,
    issueReset,
    acceptReset,
    changePassword,
  };
}

export type UserService = ReturnType<typeof createUserService>;
