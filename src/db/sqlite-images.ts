import type { OutboxMessage } from '../core/outbox/ports';
import { writeOutbox } from './sqlite-outbox';
import { writeEagerJobs } from './sqlite-eager-jobs';
import type { Database, SQLQueryBindings } from 'bun:sqlite';
import { isOutOfSpace, outOfSpace } from '../core/errors';
import type { EagerJobsWrite, ImageQuery, ImageRecord, ImageRepository } from '../core/ports';
import { filterConditions, orderTerms, sortOrder } from './image-listing';
import { countKey, createImageCounts, IMAGE_SELECT, labelColumns, placeholderColumn, subtreeArgs, toImage, type ImageCounts, type ImageRow } from './rows';
import { trigramPhrase } from './sqlite';
import { storedTotals } from './sqlite-quotas';
import type { StoredGuard } from '../core/quotas';

/** SQL condition selecting a folder and everything below it by materialized path. */
export const SUBTREE = '(path = ? OR (path >= ? AND path < ?))';

function scopeCondition(query: ImageQuery): { sql: string; args: SQLQueryBindings[] } {
  const { scope, clientId } = query;
  switch (scope.kind) {
    case 'all':
      return { sql: 'i.client_id = ?', args: [clientId] };
    case 'root':
      return { sql: 'i.client_id = ? AND i.folder_id IS NULL', args: [clientId] };
    case 'folder':
      // The folder was looked up within the client, so its id alone selects the client's images.
      if (!scope.recursive) return { sql: 'i.folder_id = ?', args: [scope.folder.id] };
      return {
        sql: `i.client_id = ? AND i.folder_id IN (SELECT id FROM folders WHERE client_id = ? AND ${SUBTREE})`,
        args: [clientId, clientId, ...subtreeArgs(scope.folder.path)],
      };
  }
}

/** Writes a new image row (an upload, or a restore from the trash); the caller holds any transaction. */
export function insertImageRow(db: Database, img: ImageRecord): { changes: number } {
  return db.query(
    `INSERT INTO images (id, client_id, folder_id, original_name, name_lower, format, width, height, bytes,
       has_alpha, frames, content_hash, original_key, version, focal_x, focal_y, placeholder, tags, alt, meta, search_lower, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    img.id, img.clientId, img.folderId, img.originalName, img.originalName.toLowerCase(), img.format,
    img.width, img.height, img.bytes, img.hasAlpha ? 1 : 0, img.frames, img.contentHash, img.originalKey, img.version,
    img.focalPoint?.x ?? null, img.focalPoint?.y ?? null, placeholderColumn(img.placeholder), ...labelColumns(img), img.createdAt, img.updatedAt,
  );
}

// Above this many name matches (in all clients), walking the client's newest-first index and
// filtering is cheaper than sorting every match.
const DENSE_MATCHES = 2_000;

export function createSqliteImageRepository(db: Database, counts: ImageCounts = createImageCounts()): ImageRepository {
  /**
   * Runs the change and writes its outbox rows (and eager jobs) in one transaction; the rows only if it changed something.
   * A quota `guard` sees the client's totals after the change and may refuse it: the transaction
   * then takes the write lock at once (IMMEDIATE), so another process's write cannot slip between count and commit.
   */
  const inTransaction = (
    outbox: readonly OutboxMessage[],
    change: () => { changes: number },
    eager?: { image: ImageRecord; write: EagerJobsWrite },
    guard?: { clientId: string; check: StoredGuard },
  ) => {
    if (outbox.length === 0 && !eager && !guard) return change();
    const run = db.transaction(() => {
      const result = change();
      if (result.changes > 0 && guard) guard.check(storedTotals(db, guard.clientId));
      if (result.changes > 0) writeOutbox(db, outbox);
      if (result.changes > 0 && eager) writeEagerJobs(db, eager.image, eager.write);
      return result;
    });
    return guard ? run.immediate() : run();
  };
  const globalMatches = db.query<{ n: number }, [string]>('SELECT count(*) AS n FROM images_text_fts WHERE images_text_fts MATCH ?');
  const byId = db.query<ImageRow, [string, string]>(`${IMAGE_SELECT} WHERE i.client_id = ? AND i.id = ?`);
  return {
    async insert(img, outbox = [], eager, guard) {
      try {
        inTransaction(outbox, () => insertImageRow(db, img), eager && { image: img, write: eager }, guard && { clientId: img.clientId, check: guard });
      } catch (error) {
        throw isOutOfSpace(error) ? outOfSpace(error) : error;
      }
      counts.changed(img.clientId);
    },

    async get(clientId, id) {
      const row = byId.get(clientId, id);
      return row ? toImage(row) : null;
    },

    async list(query) {
      const scope = scopeCondition(query);
      let from = 'images i';
      let where = scope.sql;
      let args = [...scope.args];
      if (query.nameContains) {
        const phrase = trigramPhrase(query.nameContains);
        if (phrase && globalMatches.get(phrase)!.n <= DENSE_MATCHES) {
          // Few matches: start from them (CROSS JOIN fixes that order) rather than scanning the client.
          from = 'images_text_fts f CROSS JOIN images i ON i.rowid = f.rowid';
          where = `f.images_text_fts MATCH ? AND ${where}`;
          args = [phrase, ...args];
        } else if (phrase) {
          where += ' AND i.rowid IN (SELECT rowid FROM images_text_fts WHERE images_text_fts MATCH ?)';
          args.push(phrase);
        } else {
          where += ' AND instr(i.search_lower, ?) > 0';
          args.push(query.nameContains);
        }
      }
      if (query.tag !== undefined) {
        where += ' AND i.id IN (SELECT image_id FROM image_tags WHERE client_id = ? AND tag = ?)';
        args.push(query.clientId, query.tag);
      }
      for (const condition of filterConditions(query.filters, (value) => (args.push(value), '?'))) where += ` AND ${condition}`;
      // The time orders break ties by rowid, as their (client_id, created_at) indexes do; the others by id.
      const order = sortOrder(query.sort);
      const orderBy = orderTerms(order.column, order.column === 'i.created_at' ? 'i.rowid' : 'i.id', order);
      const total = await counts.remember(query.clientId, countKey(query), () =>
        db.query<{ n: number }, SQLQueryBindings[]>(`SELECT count(*) AS n FROM ${from} WHERE ${where}`).get(...args)!.n,
      );
      // Page through the index alone (rowids), then read just the page's rows: a deep OFFSET
      // then skips index entries, not whole rows and their folder joins.
      const page = db
        .query<{ rowid: number }, SQLQueryBindings[]>(`SELECT i.rowid FROM ${from} WHERE ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
        .all(...args, query.limit, query.offset)
        .map((r) => r.rowid);
      if (page.length === 0) return { items: [], total };
      const rows = db.query<ImageRow & { rowid: number }, number[]>(`${IMAGE_SELECT.replace('SELECT i.*', 'SELECT i.rowid, i.*')} WHERE i.rowid IN (${page.map(() => '?').join(',')})`).all(...page);
      const byRowid = new Map(rows.map((r) => [r.rowid, r]));
      return { items: page.map((rowid) => toImage(byRowid.get(rowid)!)), total };
    },

    async update(img, expectedVersion, outbox = [], eager, guard) {
      const result = inTransaction(outbox, () => db.query(
        `UPDATE images SET folder_id = ?, original_name = ?, name_lower = ?, format = ?, width = ?, height = ?, bytes = ?,
           has_alpha = ?, frames = ?, content_hash = ?, original_key = ?, version = ?, focal_x = ?, focal_y = ?,
           tags = ?, alt = ?, meta = ?, search_lower = ?,
           -- A PATCH (same version) carries the placeholder it read: one that doctor --backfill
           -- wrote since must stay. A replace (new version) writes its own.
           placeholder = CASE WHEN version = ? THEN COALESCE(?, placeholder) ELSE ? END,
           updated_at = ?
         WHERE client_id = ? AND id = ? AND version = ?`,
      ).run(
        img.folderId, img.originalName, img.originalName.toLowerCase(), img.format, img.width, img.height, img.bytes,
        img.hasAlpha ? 1 : 0, img.frames, img.contentHash, img.originalKey, img.version, img.focalPoint?.x ?? null,
        img.focalPoint?.y ?? null, ...labelColumns(img), img.version, placeholderColumn(img.placeholder), placeholderColumn(img.placeholder), img.updatedAt, img.clientId, img.id, expectedVersion,
      ), eager && { image: img, write: eager }, guard && { clientId: img.clientId, check: guard });
      counts.changed(img.clientId);
      return result.changes > 0;
    },

    async delete(clientId, id, outbox = []) {
      counts.changed(clientId);
      return inTransaction(outbox, () => db.query('DELETE FROM images WHERE client_id = ? AND id = ?').run(clientId, id)).changes > 0;
    },

    async listAllRefs() {
      return db
        .query<{ client_id: string; id: string; version: number; original_key: string }, []>(
          'SELECT client_id, id, version, original_key FROM images',
        )
        .all()
        .map((r) => ({ clientId: r.client_id, id: r.id, version: r.version, originalKey: r.original_key }));
    },

    async listWithoutPlaceholder(afterId, limit) {
      return db
        .query<ImageRow, [string, number]>(`${IMAGE_SELECT} WHERE i.placeholder IS NULL AND i.id > ? ORDER BY i.id LIMIT ?`)
        .all(afterId, limit)
        .map(toImage);
    },

    async countWithoutPlaceholder() {
      return db.query<{ n: number }, []>('SELECT count(*) AS n FROM images WHERE placeholder IS NULL').get()!.n;
    },

    async setPlaceholder(img, placeholder) {
      try {
        return (
          db
            .query('UPDATE images SET placeholder = ? WHERE client_id = ? AND id = ? AND version = ? AND placeholder IS NULL')
            .run(placeholderColumn(placeholder), img.clientId, img.id, img.version).changes > 0
        );
      } catch (error) {
        throw isOutOfSpace(error) ? outOfSpace(error) : error;
      }
    },
  };
}
