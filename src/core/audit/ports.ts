import type { AuditAction } from './actions';

/** Who made a change: a dashboard user, an API key, the CLI on the data directory, or imgapi itself (expiry). */
export interface AuditActor {
  kind: 'user' | 'key' | 'local' | 'system';
  /** The user's or key's id; null for `local` and `system`. */
  id: string | null;
  name: string;
}

/** What a change was made to: an id and a name people read (a path, a preset's name, a URL's host). */
export interface AuditTarget {
  id: string | null;
  name: string | null;
}

export interface AuditEntry {
  /** UTC ISO 8601 with milliseconds. */
  time: string;
  actor: AuditActor;
  /** The client the change belongs to; null for installation-wide changes (users). */
  clientId: string | null;
  action: AuditAction;
  target: AuditTarget;
  /** The remote address the server saw; null for the CLI's local mode and for `system`. */
  address: string | null;
}

export interface AuditQuery {
  /** The clients the reader may see; null: every client and installation-wide entries. */
  visibleClients: readonly string[] | null;
  clientId?: string;
  /** Exact actions (one, or every action of a subject). */
  actions?: readonly AuditAction[];
  /** An actor's id, or its name ignoring case, or a kind (`key`, `user`, `local`, `system`). */
  actor?: string;
  /** Inclusive bounds on `time`. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export interface AuditRepository {
  insert(entries: readonly AuditEntry[]): Promise<void>;
  /** Newest first (entries of one moment in the reverse order they were written), with the total the filters match. */
  list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }>;
  /** Removes the entries older than `time`; how many. */
  deleteBefore(time: string): Promise<number>;
}
