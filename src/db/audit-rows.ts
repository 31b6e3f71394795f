import type { AuditAction } from '../core/audit/actions';
import type { AuditActor, AuditEntry, AuditQuery } from '../core/audit/ports';

export interface AuditRow {
  time: string;
  actor_kind: AuditActor['kind'];
  actor_id: string | null;
  actor_name: string;
  client_id: string | null;
  action: AuditAction;
  target_id: string | null;
  target_name: string | null;
  address: string | null;
}

export const AUDIT_COLUMNS = 'time, actor_kind, actor_id, actor_name, actor_name_lower, client_id, action, target_id, target_name, address';

/** An entry as the values of AUDIT_COLUMNS, in order. */
export const auditValues = (e: AuditEntry) => [
  e.time,
  e.actor.kind,
  e.actor.id,
  e.actor.name,
  e.actor.name.toLowerCase(),
  e.clientId,
  e.action,
  e.target.id,
  e.target.name,
  e.address,
];

export const toAuditEntry = (r: AuditRow): AuditEntry => ({
  time: r.time,
  actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
  clientId: r.client_id,
  action: r.action,
  target: { id: r.target_id, name: r.target_name },
  address: r.address,
});

/**
 * The query's filters as SQL conditions; `bind` adds a parameter and returns its placeholder
 * (`?` for SQLite, `$n` for PostgreSQL), so both databases share one wording.
 */
export function auditConditions(q: AuditQuery, bind: (value: string) => string): string {
  const parts: string[] = [];
  if (q.visibleClients !== null) {
    parts.push(q.visibleClients.length === 0 ? '1 = 0' : `client_id IN (${q.visibleClients.map(bind).join(', ')})`);
  }
  if (q.clientId !== undefined) parts.push(`client_id = ${bind(q.clientId)}`);
  if (q.actions !== undefined) parts.push(`action IN (${q.actions.map(bind).join(', ')})`);
  if (q.actor !== undefined) {
    parts.push(`(actor_id = ${bind(q.actor)} OR actor_name_lower = ${bind(q.actor.toLowerCase())} OR actor_kind = ${bind(q.actor)})`);
  }
  // Times are stored as UTC ISO 8601 text of one length: text order is time order.
  if (q.from !== undefined) parts.push(`time >= ${bind(q.from)}`);
  if (q.to !== undefined) parts.push(`time <= ${bind(q.to)}`);
  return parts.length > 0 ? parts.join(' AND ') : '1 = 1';
}
