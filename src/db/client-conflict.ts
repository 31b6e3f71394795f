import { conflict } from '../core/errors';
import type { ClientRecord } from '../core/ports';

/** The unique index on lower(name) (SQLite migration 012, PostgreSQL 010): both name it so in their messages. */
const CLIENT_NAME_INDEX = 'clients_name_lower';

/**
 * A unique violation on a client write as the 409 naming what clashed, its name or its id;
 * any other error as it was. The name clash is the one a second node racing this one's
 * in-process check produces.
 */
export function clientConflict(error: unknown, uniqueViolation: boolean, client: Pick<ClientRecord, 'id' | 'name'>): unknown {
  if (!uniqueViolation) return error;
  if ((error as Error).message.includes(CLIENT_NAME_INDEX)) return conflict(`A client named "${client.name}" already exists (names are unique ignoring case)`);
  return conflict(`Client "${client.id}" already exists`);
}
