import type { OutboxMessage } from '../core/outbox/ports';
import { writeOutbox } from './postgres-outbox';
import { writeEagerJobs } from './postgres-eager-jobs';
import type { SQL } from 'bun';
import type { EagerJobsWrite, ImageQuery, ImageRecord, ImageRepository } from '../core/ports';
import { containsPattern } from './postgres';
import { lockClientQuota, storedTotals } from './postgres-quotas';
import type { StoredGuard } from '../core/quotas';
import { filterConditions, orderTerms, sortOrder } from './image-listing';
import { countKey, createImageCounts, IMAGE_SELECT, labelColumns, placeholderColumn, subtreeArgs, toImage, type ImageCounts, type ImageRow } from './rows';

const ANCHOR_EVERY = 1000;
const SPARSE_MATCHES = 2000;

/** The sort key of the row at a remembered position of a listing. */
interface Anchor {
  /** The order's key column (BIGINT bytes arrive as a string). */
  k: string | number;
  id: string;
}

/** Numbered parameters for a query assembled from parts. */
function parameters() {
  const values: unknown[] = [];
  return { values, add: (value: unknown) => `$${values.push(value)}` };
}

/** The WHERE clause of a listing: its scope and name filter. */
function listCondition(query: ImageQuery, p: ReturnType<typeof parameters>): string {
  const { scope } = query;
  const parts: string[] = [];
  if (scope.kind === 'folder' && !scope.recursive) {
    // The folder was looked up within the client, so its id alone selects the client's images.
    parts.push(`i.folder_id = ${p.add(scope.folder.id)}`);
  } else {
    const client = p.add(query.clientId);
    parts.push(`i.client_id = ${client}`);
    if (scope.kind === 'root') parts.push('i.folder_id IS NULL');
    if (scope.kind === 'folder') {
      const [path, from, to] = subtreeArgs(scope.folder.path).map(p.add);
      parts.push(`i.folder_id IN (SELECT id FROM folders WHERE client_id = ${client} AND (path = ${path} OR (path >= ${from} AND path < ${to})))`);
    }
  }
  // pg_trgm's GIN index answers LIKE '%…%' for three characters or more.
  if (query.nameContains) parts.push(`i.search_lower LIKE ${p.add(containsPattern(query.nameContains))}`);
  // Containment on the tags as jsonb: what the images_tags GIN index answers.
  if (query.tag !== undefined) parts.push(`i.tags::jsonb @> jsonb_build_array(${p.add(query.tag)}::text)`);
  parts.push(...filterConditions(query.filters, p.add));
  return parts.join(' AND ');
}

/** Writes a new image row (an upload, or a restore from the trash) on `db`, a transaction or the pool. */
export function insertImageRow(db: SQL, img: ImageRecord): Promise<{ count: number }> {
  const [tags, alt, meta, search] = labelColumns(img);
  return db`INSERT INTO images (id, client_id, folder_id, original_name, name_lower, format, width, height, bytes,
      has_alpha, frames, content_hash, original_key, version, focal_x, focal_y, placeholder, tags, alt, meta, search_lower, created_at, updated_at)
    VALUES (${img.id}, ${img.clientId}, ${img.folderId}, ${img.originalName}, ${img.originalName.toLowerCase()}, ${img.format},
      ${img.width}, ${img.height}, ${img.bytes}, ${img.hasAlpha}, ${img.frames}, ${img.contentHash}, ${img.originalKey}, ${img.version},
      ${img.focalPoint?.x ?? null}, ${img.focalPoint?.y ?? null}, ${placeholderColumn(img.placeholder)}, ${tags}, ${alt}, ${meta}, ${search},
      ${img.createdAt}, ${img.updatedAt})`;
}

export function createPostgresImageRepository(sql: SQL, counts: ImageCounts = createImageCounts()): ImageRepository {
  /** Runs the change and writes its outbox rows (and eager jobs) in one transaction; the rows only if it changed something. */
  // A quota `guard` sees the client's totals after the change and may refuse it (rolled back);
  // the client's quota lock, taken first, makes such writes of one client take turns on every node.
  const inTransaction = async (
    outbox: readonly OutboxMessage[],
    change: (db: SQL) => Promise<{ count: number }>,
    eager?: { image: ImageRecord; write: EagerJobsWrite },
    guard?: { clientId: string; check: StoredGuard },
  ) =>
    outbox.length === 0 && !eager && !guard
      ? change(sql)
      : sql.begin(async (tx) => {
          if (guard) await lockClientQuota(tx, guard.clientId);
          const result = await change(tx);
          if (result.count > 0 && guard) guard.check(await storedTotals(tx, guard.clientId));
          if (result.count > 0) await writeOutbox(tx, outbox);
          if (result.count > 0 && eager) await writeEagerJobs(tx, eager.image, eager.write);
          return result;
        });
  return {
    async insert(img, outbox = [], eager, guard) {
      await inTransaction(outbox, (db) => insertImageRow(db, img), eager && { image: img, write: eager }, guard && { clientId: img.clientId, check: guard });
      counts.changed(img.clientId);
    },

    async get(clientId, id) {
      const [row] = await sql.unsafe<ImageRow[]>(`${IMAGE_SELECT} WHERE i.client_id = $1 AND i.id = $2`, [clientId, id]);
      return row ? toImage(row) : null;
    },

    async list(query) {
      const p = parameters();
      let where = listCondition(query, p);
      const key = countKey(query);
      const order = sortOrder(query.sort);
      const sortKey = order.text ? `${order.column} COLLATE "C"` : order.column;
      const total = await counts.remember(query.clientId, key, async () => {
        const [row] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM images i WHERE ${where}`, p.values);
        return row!.n;
      });
      // A deep page starts from the nearest remembered position before it, so PostgreSQL walks
      // at most ANCHOR_EVERY index entries rather than every one before the page.
      let offset = query.offset;
      const hop = Math.floor(offset / ANCHOR_EVERY);
      if (hop > 0 && offset < total) {
        const anchors = await counts.remember(query.clientId, `anchors\n${query.sort ?? 'newest'}\n${key}`, async () =>
          sql.unsafe<Anchor[]>(
            `SELECT k, id FROM (SELECT ${sortKey} AS k, i.id, row_number() OVER (ORDER BY ${orderTerms(sortKey, 'i.id', order)}) AS n
               FROM images i WHERE ${where}) ranked WHERE n % ${ANCHOR_EVERY} = 0 ORDER BY n`,
            p.values,
          ),
        );
        const anchor = anchors[hop - 1];
        if (anchor) {
          where += ` AND (${sortKey}, i.id) ${order.descending ? '<' : '>'} (${p.add(anchor.k)}, ${p.add(anchor.id)})`;
          offset -= hop * ANCHOR_EVERY;
        }
      }
      // Few name matches: collect them from the trigram index and sort those, rather than let the
      // planner walk the client's newest-first index filtering every row (its guess of how many
      // rows a LIKE matches is poor; the remembered total is exact).
      const candidates =
        query.nameContains && total <= SPARSE_MATCHES
          ? `WITH matches AS MATERIALIZED (SELECT i.id, i.created_at, i.name_lower, i.bytes, i.width FROM images i WHERE ${where}), page AS (SELECT i.id, ${sortKey} AS k FROM matches i`
          : `WITH page AS (SELECT i.id, ${sortKey} AS k FROM images i WHERE ${where}`;
      // The page is found on the index alone, then only its rows are read and joined.
      const rows = await sql.unsafe<ImageRow[]>(
        `${candidates} ORDER BY ${orderTerms(sortKey, 'i.id', order)} LIMIT ${p.add(query.limit)} OFFSET ${p.add(offset)})
         ${IMAGE_SELECT} JOIN page ON page.id = i.id ORDER BY ${orderTerms('page.k', 'page.id', order)}`,
        p.values,
      );
      return { items: rows.map(toImage), total };
    },

    async update(img, expectedVersion, outbox = [], eager, guard) {
      const [tags, alt, meta, search] = labelColumns(img);
      const result = await inTransaction(outbox, (db) => db`UPDATE images SET folder_id = ${img.folderId}, original_name = ${img.originalName},
          name_lower = ${img.originalName.toLowerCase()}, format = ${img.format}, width = ${img.width}, height = ${img.height},
          bytes = ${img.bytes}, has_alpha = ${img.hasAlpha}, frames = ${img.frames}, content_hash = ${img.contentHash}, original_key = ${img.originalKey},
          version = ${img.version}, focal_x = ${img.focalPoint?.x ?? null}, focal_y = ${img.focalPoint?.y ?? null},
          tags = ${tags}, alt = ${alt}, meta = ${meta}, search_lower = ${search},
          placeholder = CASE WHEN version = ${img.version} THEN COALESCE(${placeholderColumn(img.placeholder)}, placeholder) ELSE ${placeholderColumn(img.placeholder)} END,
          updated_at = ${img.updatedAt}
        WHERE client_id = ${img.clientId} AND id = ${img.id} AND version = ${expectedVersion}`, eager && { image: img, write: eager }, guard && { clientId: img.clientId, check: guard });
      counts.changed(img.clientId);
      return result.count > 0;
    },

    async delete(clientId, id, outbox = []) {
      counts.changed(clientId);
      return (await inTransaction(outbox, (db) => db`DELETE FROM images WHERE client_id = ${clientId} AND id = ${id}`)).count > 0;
    },

    async listAllRefs() {
      const rows = await sql<{ client_id: string; id: string; version: number; original_key: string }[]>`
        SELECT client_id, id, version, original_key FROM images`;
      return rows.map((r) => ({ clientId: r.client_id, id: r.id, version: r.version, originalKey: r.original_key }));
    },

    async listWithoutPlaceholder(afterId, limit) {
      const rows = await sql.unsafe<ImageRow[]>(`${IMAGE_SELECT} WHERE i.placeholder IS NULL AND i.id > $1 ORDER BY i.id LIMIT $2`, [afterId, limit]);
      return rows.map(toImage);
    },

    async countWithoutPlaceholder() {
      const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM images WHERE placeholder IS NULL`;
      return row!.n;
    },

    async setPlaceholder(img, placeholder) {
      const result = await sql`UPDATE images SET placeholder = ${placeholderColumn(placeholder)}
        WHERE client_id = ${img.clientId} AND id = ${img.id} AND version = ${img.version} AND placeholder IS NULL`;
      return result.count > 0;
    },
  };
}
