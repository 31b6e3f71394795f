import { PageQueryFields, pagingOf } from './paging';
import { t, type Static } from 'elysia';
import { AUDIT_ACTIONS, AUDIT_SUBJECTS, type AuditAction } from '../core/audit/actions';
import type { AuditLog } from '../core/audit/audit-log';
import type { AuditEntry, AuditTarget } from '../core/audit/ports';
import { Integer } from './integer';
import type { Caller } from './services';

const nullableString = (description?: string) => t.Union([t.String(), t.Null()], description ? { description } : {});

export const AuditEntryView = t.Object(
  {
    time: t.String({ format: 'date-time' }),
    actor: t.Object(
      {
        kind: t.Union([t.Literal('user'), t.Literal('key'), t.Literal('local'), t.Literal('system')], {
          description: 'user: a dashboard session; key: an API key; local: the CLI on the data directory; system: imgapi itself (trash expiry)',
        }),
        id: nullableString("The user's or API key's id; null for local and system"),
        name: t.String({ description: "The username, the key's name, cli or system" }),
      },
      { title: 'AuditActor' },
    ),
    clientId: nullableString('The client changed; null for installation-wide changes (users)'),
    action: t.String({ description: `One of: ${AUDIT_ACTIONS.join(', ')}` }),
    target: t.Object(
      {
        id: nullableString(),
        name: nullableString("A path (image, folder), a name (preset, key, client, user), a URL's origin (webhook, HTTP purge hook), kind and zone (purge target)"),
      },
      { title: 'AuditTarget' },
    ),
    address: nullableString('The remote address the server saw; null for the CLI in local mode and for system'),
  },
  { title: 'AuditEntry' },
);
export type AuditEntryView = Static<typeof AuditEntryView>;

export const AuditPage = t.Object(
  { items: t.Array(AuditEntryView), total: Integer(), page: Integer(), pageSize: Integer() },
  { title: 'AuditPage' },
);
export type AuditPage = Static<typeof AuditPage>;

export const AuditQuery = t.Object({
  clientId: t.Optional(t.String({ maxLength: 200, description: "Only this client's entries (an API key: its own only; any other: 404)" })),
  action: t.Optional(t.String({ maxLength: 200, description: `An action (image.upload) or a subject (${AUDIT_SUBJECTS.join(', ')}): each of its actions` })),
  actor: t.Optional(t.String({ maxLength: 200, description: "An actor's id, its name (ignoring case), or a kind: user, key, local, system" })),
  from: t.Optional(t.String({ description: 'At or after: a date (2026-03-01, UTC) or a date-time with a zone' })),
  to: t.Optional(t.String({ description: 'At or before: a date (through its last millisecond, UTC) or a date-time with a zone; not before from' })),
  ...PageQueryFields,
});
export type AuditQuery = Static<typeof AuditQuery>;

/** Whose entries a reader may see: an API key its client's, the machine's operator and owners every client's (null). */
export interface AuditReader {
  visibleClients: readonly string[] | null;
}

const present = (e: AuditEntry): AuditEntryView => ({
  time: e.time,
  actor: { kind: e.actor.kind, id: e.actor.id, name: e.actor.name },
  clientId: e.clientId,
  action: e.action,
  target: { id: e.target.id, name: e.target.name },
  address: e.address,
});

/** Records a change made by a caller for its client. Never throws (see `createAuditLog`). */
export const auditRecorder = (audit: Pick<AuditLog, 'record'>) => (caller: Caller, action: AuditAction, target: Partial<AuditTarget>) =>
  audit.record({ actor: caller.actor, clientId: caller.clientId, action, target, address: caller.address });

/**
 * A URL as the log names a webhook or hook: its origin only. Tokens travel in user info, the
 * query and often the path (chat hooks), and the log outlives the webhook.
 */
export function urlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '';
  }
}

/** The audit log: the use case behind `GET /api/v1/audit` and `imgapi audit`. */
export function auditApi(services: { audit: AuditLog }) {
  return {
    async list(reader: AuditReader, query: AuditQuery): Promise<AuditPage> {
      const page = await services.audit.list(reader.visibleClients, {
        clientId: query.clientId,
        action: query.action,
        actor: query.actor,
        from: query.from,
        to: query.to,
        ...pagingOf(query),
      });
      return { ...page, items: page.items.map(present) };
    },
  };
}
