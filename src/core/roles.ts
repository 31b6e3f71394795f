import { invalid } from './errors';

/**
 * What a dashboard user may do. Owners and admins reach every client; members and viewers only
 * the clients granted to them. Only owners manage users; viewers read and copy URLs only.
 */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export function parseRole(value: string): Role {
  if (!isRole(value)) throw invalid(`Role must be one of ${ROLES.join(', ')} (got "${String(value).slice(0, 40)}")`);
  return value;
}

/** Owners and admins work on every client; members and viewers on those granted. */
export const reachesEveryClient = (role: Role) => role === 'owner' || role === 'admin';
export const managesUsers = (role: Role) => role === 'owner';
/** Creating, renaming and deleting clients (and their quotas): instance-level, like users. */
export const managesClients = (role: Role) => role === 'owner' || role === 'admin';
export const isReadOnly = (role: Role) => role === 'viewer';

/** A user as a request sees it: who, what role, and the clients granted (null: every client). */
export interface SessionUser {
  userId: string;
  username: string;
  role: Role;
  clientIds: string[] | null;
}

/** May this user act for this client at all? Otherwise the client does not exist for them. */
export const reaches = (user: Pick<SessionUser, 'clientIds'>, clientId: string) => user.clientIds === null || user.clientIds.includes(clientId);
