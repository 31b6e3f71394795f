import { invalid, notFound } from '../errors';
import { dateBound } from '../listing-filters';
import { checkPaging, DEFAULT_PAGE_SIZE } from '../paging';
import { AUDIT_ACTIONS, AUDIT_SUBJECTS, type AuditAction } from './actions';
import type { AuditActor, AuditEntry, AuditRepository, AuditTarget } from './ports';

const DAY_MS = 86_400_000;
/** Longer than any id, name or path a target or actor has: a filter past it is a mistake. */
const MAX_FILTER_CHARS = 200;

/** One change to record: who, for which client, what, to what, from where. Never a secret. */
export interface AuditRecord {
  actor: AuditActor;
  clientId: string | null;
  action: AuditAction;
  target: Partial<AuditTarget>;
  address: string | null;
}

/** A reader's filters as the API and the CLI receive them: text, checked here once. */
export interface AuditListParams {
  clientId?: string;
  /** An action (`image.upload`) or a subject (`image`: each of its actions). */
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export interface AuditLogDeps {
  repo: AuditRepository;
  now: () => string;
  /** How long entries are kept (IMGAPI_AUDIT_DAYS, in ms). */
  retentionMs: number;
  /** Told when an entry could not be written (the change itself stands). */
  onError?: (error: unknown, records: readonly AuditRecord[]) => void;
}

const logFailure = (error: unknown, records: readonly AuditRecord[]) =>
  console.error(JSON.stringify({ level: 'error', msg: 'audit write failed', actions: records.map((r) => r.action), error: String(error) }));

function actionsOf(text: string | undefined): AuditAction[] | undefined {
  if (text === undefined) return undefined;
  if ((AUDIT_ACTIONS as readonly string[]).includes(text)) return [text as AuditAction];
  if (AUDIT_SUBJECTS.includes(text)) return AUDIT_ACTIONS.filter((action) => action.startsWith(`${text}.`));
  throw invalid(`action must be an action (${AUDIT_ACTIONS[0]}, …) or a subject (${AUDIT_SUBJECTS.join(', ')}), not "${text.slice(0, 40)}"`);
}

function filterText(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  if (text.length === 0 || text.length > MAX_FILTER_CHARS) throw invalid(`${name} must be 1 to ${MAX_FILTER_CHARS} characters`);
  return text;
}

/**
 * The audit log. An entry is written right after its change commits, in its own statement:
 * a change never waits on a second transaction's lock, and a failed audit write (disk full, a
 * lost connection) is reported as an error line and never undoes or fails the change. So the
 * log may miss an entry in that rare case, and never holds one for a change that did not happen.
 */
export function createAuditLog(deps: AuditLogDeps) {
  const { repo, now, retentionMs } = deps;
  const onError = deps.onError ?? logFailure;

  return {
    retentionMs,
    /** Records one change or several (a bulk action: one entry per image); never throws. */
    async record(input: AuditRecord | readonly AuditRecord[]): Promise<void> {
      const records = Array.isArray(input) ? (input as readonly AuditRecord[]) : [input as AuditRecord];
      if (records.length === 0) return;
      const time = now();
      const entries: AuditEntry[] = records.map((r) => ({
        time,
        actor: { kind: r.actor.kind, id: r.actor.id, name: r.actor.name },
        clientId: r.clientId,
        action: r.action,
        target: { id: r.target.id ?? null, name: r.target.name ?? null },
        address: r.address,
      }));
      try {
        await repo.insert(entries);
      } catch (error) {
        onError(error, records);
      }
    },

    /**
     * A page of entries, newest first. `visibleClients`: whom the reader may see (null: all);
     * a clientId outside them is a 404, as another client's ids are everywhere.
     */
    async list(visibleClients: readonly string[] | null, params: AuditListParams) {
      const page = params.page ?? 1;
      const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
      checkPaging(page, pageSize);
      const clientId = filterText(params.clientId, 'clientId');
      if (clientId !== undefined && visibleClients !== null && !visibleClients.includes(clientId)) throw notFound('Client');
      const from = dateBound(params.from, 'from');
      const to = dateBound(params.to, 'to');
      if (from !== undefined && to !== undefined && from > to) throw invalid(`from (${params.from}) must not be after to (${params.to})`);
      const { items, total } = await repo.list({
        visibleClients,
        clientId,
        actions: actionsOf(params.action),
        actor: filterText(params.actor, 'actor'),
        from,
        to,
        limit: pageSize,
        offset: (page - 1) * pageSize,
      });
      return { items, total, page, pageSize };
    },

    /** Drops what is past its days; how many went. */
    prune(): Promise<number> {
      return repo.deleteBefore(new Date(Date.parse(now()) - retentionMs).toISOString());
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

export const auditRetentionMs = (days: number) => days * DAY_MS;
