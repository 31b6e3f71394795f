import { t, type Static } from 'elysia';
import { AppError, invalid } from '../core/errors';
import type { InviteRecord, UserRecord } from '../core/ports';
import { managesUsers, type SessionUser } from '../core/roles';
import type { AuditAction } from '../core/audit/actions';
import { userActor, type Actor, type ApiServices } from './services';

export const Role = t.Union(
  [t.Literal('owner'), t.Literal('admin'), t.Literal('member'), t.Literal('viewer')],
  { description: 'owner: everything, every client, users · admin: every client, no users · member: the clients granted · viewer: read and copy URLs of the clients granted' },
);
const ClientIds = t.Array(t.String({ maxLength: 64 }), { maxItems: 1000, description: 'The clients a member or viewer reaches (owners and admins reach every client)' });

export const UserView = t.Object(
  {
    id: t.String(),
    username: t.String(),
    role: Role,
    clientIds: ClientIds,
    disabled: t.Boolean(),
    apiKeys: t.Integer({ minimum: 0, description: 'API keys this user made (in the dashboard) that still work, on every client' }),
    createdAt: t.String({ format: 'date-time' }),
  },
  { title: 'User' },
);
export type UserView = Static<typeof UserView>;

export const InviteView = t.Object(
  {
    id: t.String(),
    role: Role,
    clientIds: ClientIds,
    createdAt: t.String({ format: 'date-time' }),
    expiresAt: t.String({ format: 'date-time' }),
  },
  { title: 'Invite' },
);
export type InviteView = Static<typeof InviteView>;

export const UserList = t.Object({ items: t.Array(UserView), invites: t.Array(InviteView, { description: 'Invitations not yet used nor expired' }) }, { title: 'UserList' });
export const InviteBody = t.Object({ role: Role, clientIds: t.Optional(ClientIds) }, { additionalProperties: false });
export const OneTimeLink = t.Object(
  {
    url: t.String({ description: 'The one-time link, shown this once (only a hash of its token is stored)' }),
    expiresAt: t.String({ format: 'date-time' }),
  },
  { title: 'OneTimeLink' },
);
export const CreatedInvite = t.Object({ invite: InviteView, url: OneTimeLink.properties.url, expiresAt: OneTimeLink.properties.expiresAt }, { title: 'CreatedInvite' });
export const UserPatch = t.Object(
  {
    role: t.Optional(Role),
    clientIds: t.Optional(ClientIds),
    disabled: t.Optional(t.Boolean({ description: 'true: cannot log in, every session ends at once' })),
    revokeKeys: t.Optional(t.Literal(true, { description: 'Revoke every API key this user made, on every client (keys belong to their client and otherwise outlive the user)' })),
  },
  // An unknown field is refused by the route (knownFields, naming it) and an empty change by
  // change(): a typo must not look like a change that worked.
  { description: 'At least one of role, clientIds, disabled and revokeKeys; any other field is a 400' },
);
const Token = t.String({ maxLength: 200, description: 'The token from the one-time link (after #/invite/ or #/reset/)' });
const Username = t.String({ maxLength: 200, description: '1–64 letters, digits or _ . @ -' });
const Password = t.String({ maxLength: 1024, description: 'At least 8 characters' });
export const AcceptInviteBody = t.Object({ token: Token, username: Username, password: Password }, { additionalProperties: false });
export const AcceptResetBody = t.Object({ token: Token, password: Password }, { additionalProperties: false });
export const ChangePasswordBody = t.Object({ currentPassword: t.String({ maxLength: 1024 }), newPassword: Password }, { additionalProperties: false });
export const Welcomed = t.Object({ username: t.String(), role: Role }, { title: 'AcceptedLink' });

export const UserParams = t.Object({ id: t.String({ maxLength: 64, description: 'User id' }) });
export const GrantParams = t.Object({ id: t.String({ maxLength: 64, description: 'User id' }), clientId: t.String({ maxLength: 64 }) });

/**
 * Who manages users: a dashboard session (an owner's, checked here), or the CLI on the data
 * directory (`session: null`, the machine's operator). `actor` and `address` are what an
 * audit log records; `base` is where the one-time links point.
 */
export interface UserManager {
  actor: Actor;
  address: string | null;
  base: string | null;
  session: (SessionUser & { tokenHash?: string }) | null;
}

export const presentUser = (u: UserRecord, keyCounts: ReadonlyMap<string, number>): UserView => ({
  id: u.id,
  username: u.username,
  role: u.role,
  clientIds: u.role === 'member' || u.role === 'viewer' ? u.clientIds : [],
  disabled: u.disabledAt !== null,
  apiKeys: keyCounts.get(u.id) ?? 0,
  createdAt: u.createdAt,
});
export const presentInvite = (i: InviteRecord): InviteView => ({ id: i.id, role: i.role, clientIds: i.clientIds, createdAt: i.createdAt, expiresAt: i.expiresAt });

/** The dashboard's pages for the links: the hash keeps the token out of every server log. */
export const inviteUrl = (base: string, token: string) => `${base.replace(/\/+$/, '')}/#/invite/${token}`;
export const resetUrl = (base: string, token: string) => `${base.replace(/\/+$/, '')}/#/reset/${token}`;

/**
 * An invitation in the audit log: it has no user name until accepted (then `user.create`
 * names the user), so its role is what tells one from another, next to its id.
 */
const inviteName = (i: InviteRecord) => `${i.role} invitation`;

function ownersOnly(by: UserManager): void {
  if (by.session && !managesUsers(by.session.role)) throw new AppError('forbidden', 'Only owners manage users');
}

function linkBase(by: UserManager): string {
  if (!by.base) throw new AppError('invalid_input', 'No public URL to build the link with: pass --public-url or set IMGAPI_PUBLIC_URL');
  return by.base;
}

/** Dashboard users and their roles: the use cases of /api/v1/users and `imgapi user`. */
export function usersApi(services: Pick<ApiServices, 'users' | 'audit' | 'accounts'>) {
  const { users, accounts } = services;
  /** Users are installation-wide (clientId null) but for a grant of one client. Never a password, token or link. */
  const audit = (by: Pick<UserManager, 'actor' | 'address'>, action: AuditAction, target: { id: string; name: string | null }, clientId: string | null = null) =>
    services.audit.record({ actor: by.actor, clientId, action, target, address: by.address });
  const named = (user: UserView) => ({ id: user.id, name: user.username });
  const present = async (user: UserRecord) => presentUser(user, await accounts.keyCountsByMaker());
  /** Each key the user made, revoked and logged under its own client. */
  async function revokeKeysOf(by: UserManager, userId: string): Promise<void> {
    for (const key of await accounts.keysMadeBy(userId)) {
      // Revoked meanwhile by someone else (a second click, another owner): gone all the same.
      const revoked = await accounts.revokeKey(key.clientId, key.id).then(
        () => true,
        (error: unknown) => (error instanceof AppError && error.code === 'not_found' ? false : Promise.reject(error)),
      );
      if (revoked) await audit(by, 'key.revoke', { id: key.id, name: key.name }, key.clientId);
    }
  }
  return {
    async list(by: UserManager) {
      ownersOnly(by);
      const [items, invites, keyCounts] = await Promise.all([users.list(), users.pendingInvites(), accounts.keyCountsByMaker()]);
      return { items: items.map((u) => presentUser(u, keyCounts)), invites: invites.map(presentInvite) };
    },
    async create(by: UserManager, input: { username: string; password: string; role?: UserRecord['role']; clientIds?: readonly string[] }) {
      ownersOnly(by);
      const user = await present(await users.create(input));
      await audit(by, 'user.create', named(user));
      return user;
    },
    async invite(by: UserManager, input: Static<typeof InviteBody>) {
      ownersOnly(by);
      const base = linkBase(by);
      const { invite, token } = await users.invite({ role: input.role, clientIds: input.clientIds ?? [], createdBy: by.session?.userId ?? null });
      await audit(by, 'user.invite', { id: invite.id, name: inviteName(invite) });
      return { invite: presentInvite(invite), url: inviteUrl(base, token), expiresAt: invite.expiresAt };
    },
    async withdrawInvite(by: UserManager, id: string) {
      ownersOnly(by);
      const pending = (await users.pendingInvites()).find((i) => i.id === id);
      await users.withdrawInvite(id);
      await audit(by, 'user.uninvite', { id, name: pending ? inviteName(pending) : null });
    },
    async change(by: UserManager, userId: string, patch: Static<typeof UserPatch>) {
      ownersOnly(by);
      if (Object.keys(patch).length === 0) throw invalid('Nothing to change: give role, clientIds, disabled or revokeKeys');
      const { revokeKeys, ...change } = patch;
      // The user's own changes first (a refused one, such as the last owner, revokes nothing).
      const changed = Object.keys(change).length > 0 ? await users.change(userId, change, by.session?.userId ?? null) : await users.get(userId);
      const actions: AuditAction[] = [];
      if (patch.role !== undefined) actions.push('user.role');
      if (patch.clientIds !== undefined) actions.push('user.grant');
      if (patch.disabled !== undefined) actions.push(patch.disabled ? 'user.disable' : 'user.enable');
      for (const action of actions) await audit(by, action, named(presentUser(changed, new Map())));
      if (revokeKeys) await revokeKeysOf(by, userId);
      return present(changed);
    },
    async grant(by: UserManager, userId: string, clientId: string) {
      ownersOnly(by);
      const user = await present(await users.grant(userId, clientId));
      await audit(by, 'user.grant', named(user), clientId);
      return user;
    },
    async revoke(by: UserManager, userId: string, clientId: string) {
      ownersOnly(by);
      const user = await present(await users.revoke(userId, clientId));
      await audit(by, 'user.ungrant', named(user), clientId);
      return user;
    },
    async issueReset(by: UserManager, userId: string) {
      ownersOnly(by);
      const base = linkBase(by);
      const { token, expiresAt } = await users.issueReset(userId);
      await audit(by, 'user.reset', { id: userId, name: (await users.list()).find((u) => u.id === userId)?.username ?? null });
      return { url: resetUrl(base, token), expiresAt };
    },
    /** Anyone logged in, for themselves: needs the current password; their other sessions end. */
    async changeOwnPassword(by: UserManager, body: Static<typeof ChangePasswordBody>) {
      if (!by.session) throw new AppError('unauthorized', 'Log in first');
      await users.changePassword(by.session.userId, body.currentPassword, body.newPassword, by.session.tokenHash);
      await audit(by, 'user.password', { id: by.session.userId, name: by.session.username });
    },
    /** From the link, without a session. */
    async acceptInvite(body: Static<typeof AcceptInviteBody>, from: { address: string | null } = { address: null }) {
      const user = await users.acceptInvite(body.token, body.username, body.password, from.address);
      await audit({ actor: userActor(user.id, user.username), address: from.address }, 'user.create', { id: user.id, name: user.username });
      return { username: user.username, role: user.role };
    },
    async acceptReset(body: Static<typeof AcceptResetBody>, from: { address: string | null } = { address: null }) {
      const user = await users.acceptReset(body.token, body.password, from.address);
      await audit({ actor: userActor(user.id, user.username), address: from.address }, 'user.password', { id: user.id, name: user.username });
      return { username: user.username, role: user.role };
    },
  };
}
