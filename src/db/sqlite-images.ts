import type { Database, SQLQueryBindings } from 'bun:sqlite';
import type { SourceFormat } from '../core/image-probe';
import type { ImageQuery, ImageRecord, ImageRepository } from '../core/ports';

export interface ImageRow {
  id: string;
  client_id: string;
  folder_id: string | null;
  folder_path: string;
  original_name: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
  has_alpha: number;
  content_hash: string;
  original_key: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export const IMAGE_SELECT =
  "SELECT i.*, coalesce(f.path, '') AS folder_path FROM images i LEFT JOIN folders f ON f.id = i.folder_id";

export const toImage = (r: ImageRow): ImageRecord => ({
  id: r.id,
  clientId: r.client_id,
  folderId: r.folder_id,
  folderPath: r.folder_path,
  originalName: r.original_name,
  format: r.format as SourceFormat,
  width: r.width,
  height: r.height,
  bytes: r.bytes,
  hasAlpha: r.has_alpha === 1,
  contentHash: r.content_hash,
  originalKey: r.original_key,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** SQL condition selecting a folder and everything below it by materialized path. */
export const SUBTREE = '(path = ? OR (path >= ? AND path < ?))';
export const subtreeArgs = (path: string): [string, string, string] => [path, `${path}/`, `${path}0`];

function scopeCondition(query: ImageQuery): { sql: string; args: SQLQueryBindings[] } {
  const { scope, clientId } = query;
  switch (scope.kind) {
    case 'all':
      return { sql: 'i.client_id = ?', args: [clientId] };
    case 'root':
      return { sql: 'i.client_id = ? AND i.folder_id IS NULL', args: [clientId] };
    case 'folder':
      if (!scope.recursive) return { sql: 'i.client_id = ? AND i.folder_id = ?', args: [clientId, scope.folder.id] };
      return {
        sql: `i.client_id = ? AND i.folder_id IN (SELECT id FROM folders WHERE client_id = ? AND ${SUBTREE})`,
        args: [clientId, clientId, ...subtreeArgs(scope.folder.path)],
      };
  }
}

export function createSqliteImageRepository(db: Database): ImageRepository {
  const byId = db.query<ImageRow, [string, string]>(`${IMAGE_SELECT} WHERE i.client_id = ? AND i.id = ?`);
  return {
    async insert(img) {
      db.query(
        `INSERT INTO images (id, client_id, folder_id, original_name, name_lower, format, width, height, bytes,
           has_alpha, content_hash, original_key, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        img.id, img.clientId, img.folderId, img.originalName, img.originalName.toLowerCase(), img.format,
        img.width, img.height, img.bytes, img.hasAlpha ? 1 : 0, img.contentHash, img.originalKey, img.version,
        img.createdAt, img.updatedAt,
      );
    },

    async get(clientId, id) {
      const row = byId.get(clientId, id);
      return row ? toImage(row) : null;
    },

    async list(query) {
      const scope = scopeCondition(query);
      let where = scope.sql;
      const args = [...scope.args];
      if (query.nameContains) {
        where += ' AND instr(i.name_lower, ?) > 0';
        args.push(query.nameContains);
      }
      const total = db.query<{ n: number }, SQLQueryBindings[]>(`SELECT count(*) AS n FROM images i WHERE ${where}`).get(...args)!.n;
      const items = db
        .query<ImageRow, SQLQueryBindings[]>(`${IMAGE_SELECT} WHERE ${where} ORDER BY i.created_at DESC, i.rowid DESC LIMIT ? OFFSET ?`)
        .all(...args, query.limit, query.offset)
        .map(toImage);
      return { items, total };
    },

    async update(img, expectedVersion) {
      const result = db.query(
        `UPDATE images SET folder_id = ?, original_name = ?, name_lower = ?, format = ?, width = ?, height = ?, bytes = ?,
           has_alpha = ?, content_hash = ?, original_key = ?, version = ?, updated_at = ?
         WHERE client_id = ? AND id = ? AND version = ?`,
      ).run(
        img.folderId, img.originalName, img.originalName.toLowerCase(), img.format, img.width, img.height, img.bytes,
        img.hasAlpha ? 1 : 0, img.contentHash, img.originalKey, img.version, img.updatedAt, img.clientId, img.id,
        expectedVersion,
      );
      return result.changes > 0;
    },

    async delete(clientId, id) {
      return db.query('DELETE FROM images WHERE client_id = ? AND id = ?').run(clientId, id).changes > 0;
    },

    async listAllRefs() {
      return db
        .query<{ client_id: string; id: string; version: number; original_key: string }, []>(
          'SELECT client_id, id, version, original_key FROM images',
        )
        .all()
        .map((r) => ({ clientId: r.client_id, id: r.id, version: r.version, originalKey: r.original_key }));
    },
  };
}
