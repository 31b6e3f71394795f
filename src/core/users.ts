import { createHash, randomBytes } from 'node:crypto';
import { AppError, conflict, invalid, notFound } from './errors';
import { newId } from './ids';
import { createLoginThrottle } from './login-throttle';
import type { InviteRecord, Repositories, UserRecord } from './ports';
import { isClientId } from './names';
import { parseRole, reachesEveryClient, type Role } from './roles';

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

/**
 * What a log-in as an unknown user is checked against, so it costs the argon2 work of a wrong
 * password and timing tells nothing. A constant (hashPassword's cost: a test holds them equal):
 * made at the first log-in, it doubled that log-in's argon2 work, the most of its time.
 */
export const UNKNOWN_USER_HASH = '$argon2id$v=19$m=65536,t=2,p=1$wOqBze197lZaJRa+XmByJvEZpQ9wYMT0hrs+AfZYFY8$z/sFDeSiVaCggB74MRuUGNNKRgRHm6fRvVSCcaV1cb8';

/** A token from a link: base64url of 32 bytes, else it cannot be ours. */
const looksLikeToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/**
 * Dashboard users: creating, inviting, roles, granted clients, disabling, password resets.
 * Who may do what is the API's business (src/api/users.ts); this keeps the installation sound:
 * always one enabled owner, tokens used once and only until they expire.
 */
export function createUserService(deps: UserDeps) {
  const { repos, now } = deps;
  // Unknown link tokens per address and wrong current passwords per user, counted as failed logins are.
  const throttle = createLoginThrottle();

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

  /**
   * `Admin` beside `admin` would read as the same person in the users list and the audit log
   * (whose actor filter ignores case): a name is taken whatever its case. Checked before the
   * insert, whose unique index still refuses an exact repeat made meanwhile.
   */
  async function refuseTakenName(name: string): Promise<void> {
    const taken = (await repos.users.list()).find((u) => u.username.toLowerCase() === name.toLowerCase());
    if (taken) throw conflict(`User "${taken.username}" already exists (user names are unique ignoring case)`);
  }

  async function create(input: { username: string; password: string; role?: Role; clientIds?: readonly string[] }): Promise<UserRecord> {
    await refuseTakenName(validateUsername(input.username));
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
    const role = parseRole(input.role);
    // Owners and admins reach every client: a list would be dropped without a word.
    if (reachesEveryClient(role) && input.clientIds.length > 0) throw invalid(`clientIds: an ${role} reaches every client; grant clients to a member or viewer only`);
    const createdAt = now();
    const record: InviteRecord = {
      id: newId(),
      role,
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

  /**
   * The hash of a token whose row is usable now, else why not — all before any password is
   * hashed, so a made-up token costs a lookup, never an argon2 hash. A well-formed unknown
   * token counts as a failed login of `address` (a malformed one costs nothing to refuse).
   */
  async function usableToken<R extends { usedAt: string | null; expiresAt: string }>(
    what: string,
    token: string,
    address: string | null,
    find: (hash: string) => Promise<R | null>,
  ): Promise<string> {
    const keys = [`ip:${address ?? 'unknown'}`];
    throttle.check(keys);
    if (!looksLikeToken(token)) throw unusable(what, null);
    const hash = hashToken(token);
    const record = await find(hash);
    if (!record) {
      throttle.failed(keys);
      throw unusable(what, null);
    }
    if (record.usedAt || record.expiresAt <= now()) throw unusable(what, record);
    return hash;
  }

  async function acceptInvite(token: string, username: string, password: string, address: string | null = null): Promise<UserRecord> {
    const name = validateUsername(username);
    validatePassword(password);
    const hash = await usableToken('Invitation link', token, address, (h) => repos.invites.findByHash(h));
    // After the token: only someone holding a link learns which names exist.
    await refuseTakenName(name);
    const passwordHash = await hashPassword(password);
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
    const user = await get(userId);
    // As for an invitation: a list an owner or admin would not use is refused, not kept unseen.
    const finalRole = role ?? user.role;
    if (clientIds !== undefined && clientIds.length > 0 && reachesEveryClient(finalRole)) throw invalid(`clientIds: an ${finalRole} reaches every client; grant clients to a member or viewer only`);
    const disabled = wanted.disabled ?? user.disabledAt !== null;
    if (disabled && user.disabledAt === null && by === user.id) throw conflict('You cannot disable yourself');
    const disabledAt = disabled === (user.disabledAt !== null) ? undefined : disabled ? now() : null;
    if (role !== undefined || disabledAt !== undefined) {
      // The last-owner check is the database's, in the transaction that writes: two nodes (or
      // the CLI next to a server) demoting two different owners at once cannot both pass.
      const outcome = await repos.users.updateAccess(user.id, { role, disabledAt });
      if (outcome === 'not_found') throw notFound('User');
      if (outcome === 'last_owner') throw conflict('This is the last enabled owner: make another user owner first');
    }
    if (clientIds !== undefined) await repos.users.setClients(user.id, clientIds);
    // An owner or admin reaches every client, so grants are not shown for one: kept, they came
    // back unseen with a later demotion. A demoted user starts with none, granted afresh.
    else if (role !== undefined && reachesEveryClient(role) && user.clientIds.length > 0) await repos.users.setClients(user.id, []);
    if (disabledAt) await repos.sessions.deleteForUser(user.id);
    return get(user.id);
  }

  /** One row added: two grants at once both stay (no read-modify-write of the list). */
  async function grant(userId: string, clientId: string): Promise<UserRecord> {
    const user = await get(userId);
    if (reachesEveryClient(user.role)) throw invalid(`"${user.username}" is an ${user.role} and reaches every client; grant clients to a member or viewer only`);
    await existingClients([clientId]);
    if (!user.clientIds.includes(clientId) && user.clientIds.length >= MAX_GRANTS) throw invalid(`At most ${MAX_GRANTS} clients may be granted`);
    await repos.users.grant(user.id, clientId);
    return get(user.id);
  }

  async function revoke(userId: string, clientId: string): Promise<UserRecord> {
    const user = await get(userId);
    if (clientId.length > 64 || !(await repos.users.revoke(user.id, clientId))) throw notFound(`Client "${clientId.slice(0, 64)}" granted to "${user.username}"`);
    return get(user.id);
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
  async function acceptReset(token: string, password: string, address: string | null = null): Promise<UserRecord> {
    validatePassword(password);
    const hash = await usableToken('Password reset link', token, address, (h) => repos.passwordResets.findByHash(h));
    const passwordHash = await hashPassword(password);
    const userId = await repos.passwordResets.accept(hash, now(), passwordHash);
    if (!userId) throw unusable('Password reset link', await repos.passwordResets.findByHash(hash));
    return get(userId);
  }

  /**
   * Needs the current password, checked before the new one is hashed; wrong ones count as failed
   * logins of the user (429 once locked). Ends the user's other sessions, keeping `keepSession` (a token hash).
   */
  async function changePassword(userId: string, current: string, next: string, keepSession?: string): Promise<void> {
    const keys = [`user:${userId}`];
    throttle.check(keys);
    const user = await get(userId);
    validatePassword(next);
    if (!(await Bun.password.verify(current, user.passwordHash))) {
      throttle.failed(keys);
      throw new AppError('forbidden', 'The current password is wrong');
    }
    throttle.succeeded(keys);
    const passwordHash = await hashPassword(next);
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
