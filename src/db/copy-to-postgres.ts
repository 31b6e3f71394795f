import type { Database } from 'bun:sqlite';
import type { SQL } from 'bun';

/**
 * Tables in an order that satisfies their foreign keys, each with its key, row order, and the
 * columns verification compares besides the key (an image must point at the same original and
 * keep its focal point, placeholder, tags, alt text and metadata).
 */
const TABLES = [
  { name: 'clients', key: 'id', order: 'created_at, id', compared: ['signing_secret', 'previous_signing_secret', 'previous_secret_valid_until'] },
  { name: 'users', key: 'id', order: 'created_at, id', compared: ['password_hash', 'role', 'disabled_at'] },
  { name: 'sessions', key: 'token_hash', order: 'token_hash', compared: [] },
  // The clients granted to members and viewers; invitations and reset links (hashed) still pending work after the move.
  { name: 'user_clients', key: 'user_id, client_id', order: 'user_id, client_id', compared: [] },
  { name: 'invites', key: 'id', order: 'created_at, id', compared: ['token_hash', 'used_at'] },
  { name: 'password_resets', key: 'token_hash', order: 'created_at, token_hash', compared: ['used_at'] },
  { name: 'api_keys', key: 'id', order: 'created_at, id', compared: ['key_hash'] },
  // A parent's path is a prefix of its children's, so it sorts (and is inserted) first.
  { name: 'folders', key: 'id', order: 'path', compared: ['path'] },
  { name: 'images', key: 'id', order: 'created_at, id', compared: ['version', 'original_key', 'content_hash', 'focal_x', 'focal_y', 'frames', 'placeholder', 'tags', 'alt', 'meta', 'search_lower'] },
  // Trashed images keep their whole record (and so their original's key) until purged.
  { name: 'trashed_images', key: 'id', order: 'trashed_at, id', compared: ['record', 'purge_at'] },
  { name: 'presets', key: 'id', order: 'created_at, id', compared: ['params', 'widths', 'eager', 'formats'] },
  // Eager variants still to compute (and what was computed): the nodes work them off after the move.
  { name: 'eager_jobs', key: 'id', order: 'created_at, id', compared: ['state', 'path'] },
  { name: 'webhook_endpoints', key: 'id', order: 'created_at, id', compared: ['url', 'secret', 'enabled'] },
  // CDN purge targets, their tokens with them (a purge must send them).
  { name: 'purge_targets', key: 'id', order: 'created_at, id', compared: ['kind', 'config'] },
  // Each client's limits (images, bytes, upload size, transforms a minute).
  { name: 'client_quotas', key: 'client_id', order: 'client_id', compared: ['max_images', 'max_bytes', 'max_upload_bytes', 'max_transforms_per_minute'] },
  // Who changed what (keyed by its sequence, so a second run overwrites rather than doubles).
  { name: 'audit_log', key: 'seq', order: 'seq', compared: ['time', 'actor_kind', 'actor_id', 'client_id', 'action', 'target_id', 'address'] },
  // Deliveries and purges not yet sent: the nodes send them after the move (attempt logs stay behind).
  { name: 'outbox', key: 'id', order: 'created_at, id', compared: ['attempts'] },
  // Each client's traffic per day (the usage page's history).
  { name: 'usage_days', key: 'client_id, day', order: 'client_id, day', compared: ['deliveries', 'bytes_served', 'hits', 'misses', 'transforms', 'uploads'] },
] as const;

const BATCH = 500;

export interface TableReport {
  table: string;
  source: number;
  /** Source rows found in the target afterwards, with the same compared columns. */
  verified: number;
}

type Row = Record<string, unknown>;

function sourceRows(db: Database, table: (typeof TABLES)[number]): Row[] {
  const rows = db.query<Row, []>(`SELECT * FROM ${table.name} ORDER BY ${table.order}`).all();
  // SQLite keeps booleans as 0/1.
  if (table.name === 'images') for (const row of rows) row.has_alpha = row.has_alpha === 1;
  if (table.name === 'presets') for (const row of rows) row.eager = row.eager === 1;
  if (table.name === 'webhook_endpoints') for (const row of rows) row.enabled = row.enabled === 1;
  return rows;
}

/**
 * Refuses a target that already holds another installation (a client under the same id with
 * another secret, or clients the source lacks): merging two would mix their keys and users.
 * A target holding an earlier, partial copy of this source is fine: the copy resumes.
 */
async function checkTarget(db: Database, sql: SQL): Promise<void> {
  const source = new Map(db.query<{ id: string; signing_secret: string }, []>('SELECT id, signing_secret FROM clients').all().map((c) => [c.id, c.signing_secret]));
  const target = await sql<{ id: string; signing_secret: string }[]>`SELECT id, signing_secret FROM clients`;
  const foreign = target.filter((c) => source.get(c.id) !== c.signing_secret).map((c) => c.id);
  if (foreign.length > 0) {
    throw new Error(
      `The target database already holds another installation (clients: ${foreign.join(', ')}). ` +
        'Migrate into an empty database, before starting any node on it.',
    );
  }
}

/**
 * Copies every row into PostgreSQL in one transaction (all or nothing), inserting or
 * overwriting by key, so running it again after a failure or after more changes on the
 * source picks up where things stand. Then checks every source row is there.
 */
export async function copyRowsToPostgres(db: Database, sql: SQL): Promise<TableReport[]> {
  await checkTarget(db, sql);
  const tables = TABLES.map((table) => ({ table, rows: sourceRows(db, table) }));
  await sql.begin(async (tx) => {
    for (const { table, rows } of tables) {
      if (rows.length === 0) continue;
      const keys = table.key.split(', ');
      const columns = Object.keys(rows[0]!).filter((c) => !keys.includes(c));
      const update = columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
      for (let i = 0; i < rows.length; i += BATCH) {
        await tx`INSERT INTO ${tx(table.name)} ${tx(rows.slice(i, i + BATCH))}
          ON CONFLICT (${tx.unsafe(keys.map((k) => `"${k}"`).join(', '))}) ${tx.unsafe(update ? `DO UPDATE SET ${update}` : 'DO NOTHING')}`;
      }
    }
    // The audit log's sequence continues after the copied entries, or the nodes' first entries would clash with them.
    await tx`SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), COALESCE((SELECT max(seq) FROM audit_log), 0) + 1, false)`;
  });
  const reports: TableReport[] = [];
  for (const { table, rows } of tables) {
    const columns = [...table.key.split(', '), ...table.compared];
    // PostgreSQL's BIGINT comes back as text or a bigint where SQLite had a number: compare by value.
    const fingerprint = (row: Row) => JSON.stringify(columns.map((c) => (typeof row[c] === 'number' || typeof row[c] === 'bigint' ? String(row[c]) : row[c])));
    const target = new Set((await sql.unsafe<Row[]>(`SELECT ${columns.join(', ')} FROM ${table.name}`)).map(fingerprint));
    reports.push({ table: table.name, source: rows.length, verified: rows.filter((row) => target.has(fingerprint(row))).length });
  }
  return reports;
}
