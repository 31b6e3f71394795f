/**
 * The audit log's vocabulary: `<subject>.<verb>`, stable (filters, scripts and the README rely
 * on it). A new kind of change adds one line here; nothing else lists them.
 */
export const AUDIT_ACTIONS = [
  'image.upload',
  'image.replace',
  /** A PATCH: name, folder, focal point, tags, alt or meta; a bulk move, tag or untag. */
  'image.update',
  /** To the trash. */
  'image.delete',
  'image.restore',
  /** Deleted for good by someone (`?permanent=true`, a bulk delete with permanent, or from the trash). */
  'image.purge',
  /** Deleted for good by the trash's expiry job (actor `system`). */
  'image.expire',
  'folder.create',
  'folder.rename',
  'folder.delete',
  'preset.create',
  'preset.update',
  'preset.delete',
  'preset.warm',
  'key.create',
  'key.revoke',
  'secret.rotate',
  'webhook.create',
  'webhook.delete',
  'purge-target.create',
  'purge-target.delete',
  'client.create',
  'client.rename',
  'client.delete',
  /** Quotas set or changed (owners and admins). */
  'client.quota',
  /** Made by an owner or the CLI, or by accepting an invitation (actor: the new user). */
  'user.create',
  'user.invite',
  /** A pending invitation withdrawn. */
  'user.uninvite',
  'user.role',
  /** Clients granted: one (clientId set) or the whole list replaced (clientId null). */
  'user.grant',
  'user.ungrant',
  'user.disable',
  'user.enable',
  /** A password-reset link issued (never the link). */
  'user.reset',
  /** A password changed: by its user, or through a reset link. */
  'user.password',
  'user.delete',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The subjects (`image`, `preset`…): a filter on one matches each of its actions. */
export const AUDIT_SUBJECTS = [...new Set(AUDIT_ACTIONS.map((action) => action.slice(0, action.indexOf('.'))))];
