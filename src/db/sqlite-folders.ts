import type { OutboxWrite } from '../core/outbox/ports';
import { writeOutbox } from './sqlite-outbox';
import type { Database } from 'bun:sqlite';
import { conflict, notFound } from '../core/errors';
import { checkFolderPathLength, codePoints, tooManyFolders } from '../core/limits';
import type { FolderRecord, FolderRepository, FolderWithCount, ImageRecord, TrashStamp } from '../core/ports';
import { FOLDER_COLUMNS, IMAGE_SELECT, renamedPath, subtreeArgs, toFolder, toImage, type FolderRow, type ImageCounts, type ImageRow } from './rows';
import { SUBTREE } from './sqlite-images';
import { writeTrash } from './sqlite-trash';
import { isUniqueViolation, trigramPhrase } from './sqlite';

export function createSqliteFolderRepository(db: Database, counts: ImageCounts): FolderRepository {
  const byId = db.query<FolderRow, [string, string]>(`SELECT ${FOLDER_COLUMNS} FROM folders WHERE client_id = ? AND id = ?`);
  const byPath = db.query<FolderRow, [string, string]>(`SELECT ${FOLDER_COLUMNS} FROM folders WHERE client_id = ? AND path = ?`);
  const insert = db.query(
    'INSERT INTO folders (id, client_id, parent_id, name, path, name_lower, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );

  const countOf = db.query<{ n: number }, [string]>('SELECT count(*) AS n FROM folders WHERE client_id = ?');
  const longestUnder = db.query<{ n: number | null }, [string, string, string, string]>(
    'SELECT max(length(path)) AS n FROM folders WHERE client_id = ? AND (path = ? OR (path >= ? AND path < ?))',
  );

  const ensurePath = db.transaction((clientId: string, segments: readonly string[], newId: () => string, now: string, maxFolders: number, outbox?: OutboxWrite<FolderRecord[]>) => {
    let parent: FolderRecord | null = null;
    let created = false;
    const made: FolderRecord[] = [];
    for (const [level, name] of segments.entries()) {
      const path: string = parent ? `${parent.path}/${name}` : name;
      const existing = byPath.get(clientId, path);
      if (existing) {
        parent = toFolder(existing);
        created = false;
        continue;
      }
      if (!created && countOf.get(clientId)!.n + segments.length - level > maxFolders) throw tooManyFolders(maxFolders);
      const folder: FolderRecord = { id: newId(), clientId, parentId: parent?.id ?? null, name, path, createdAt: now };
      insert.run(folder.id, clientId, folder.parentId, name, path, name.toLowerCase(), now);
      parent = folder;
      created = true;
      made.push(folder);
    }
    if (outbox && made.length > 0) writeOutbox(db, outbox(made));
    return { folder: parent!, created };
  });

  const rename = db.transaction((clientId: string, id: string, name: string, outbox?: OutboxWrite<{ folder: FolderRecord; previous: FolderRecord }>): FolderRecord => {
    const row = byId.get(clientId, id);
    if (!row) throw notFound('Folder');
    const folder = toFolder(row);
    const newPath = renamedPath(folder.path, name);
    if (newPath === folder.path) return folder;
    const longest = longestUnder.get(clientId, ...subtreeArgs(folder.path))!.n ?? 0;
    checkFolderPathLength(longest - codePoints(folder.path) + codePoints(newPath));
    try {
      db.query('UPDATE folders SET name = ?, name_lower = ?, path = ? WHERE id = ?').run(name, name.toLowerCase(), newPath, id);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A folder named "${name}" already exists there`);
      throw error;
    }
    const [, from, to] = subtreeArgs(folder.path);
    db.query('UPDATE folders SET path = ? || substr(path, ?) WHERE client_id = ? AND path >= ? AND path < ?')
      .run(newPath, folder.path.length + 1, clientId, from, to);
    const renamed = { ...folder, name, path: newPath };
    if (outbox) writeOutbox(db, outbox({ folder: renamed, previous: folder }));
    return renamed;
  });

  const remove = db.transaction((clientId: string, id: string, outbox?: OutboxWrite<{ folder: FolderRecord; images: ImageRecord[] }>, trash?: TrashStamp) => {
    const row = byId.get(clientId, id);
    if (!row) throw notFound('Folder');
    const images = db
      .query<ImageRow, string[]>(
        `${IMAGE_SELECT} WHERE i.client_id = ? AND i.folder_id IN (SELECT id FROM folders WHERE client_id = ? AND ${SUBTREE})`,
      )
      .all(clientId, clientId, ...subtreeArgs(row.path))
      .map(toImage);
    if (trash) writeTrash(db, images, trash);
    // Sub-folders and their images go by ON DELETE CASCADE.
    db.query('DELETE FROM folders WHERE id = ?').run(id);
    if (outbox) writeOutbox(db, outbox({ folder: toFolder(row), images }));
    counts.changed(clientId);
    return images;
  });

  return {
    async get(clientId, id) {
      const row = byId.get(clientId, id);
      return row ? toFolder(row) : null;
    },
    async getByPath(clientId, path) {
      const row = byPath.get(clientId, path);
      return row ? toFolder(row) : null;
    },
    async ensurePath(clientId, segments, newId, now, maxFolders, outbox) {
      return ensurePath(clientId, segments, newId, now, maxFolders, outbox);
    },
    async listWithCounts(clientId) {
      return db
        .query<FolderRow & { image_count: number }, [string]>(
          `SELECT ${FOLDER_COLUMNS}, (SELECT count(*) FROM images i WHERE i.folder_id = folders.id) AS image_count
           FROM folders WHERE client_id = ? ORDER BY path`,
        )
        .all(clientId)
        .map((r): FolderWithCount => ({ ...toFolder(r), imageCount: r.image_count }));
    },
    async rename(clientId, id, name, outbox) {
      return rename(clientId, id, name, outbox);
    },
    async delete(clientId, id, outbox, trash) {
      return remove(clientId, id, outbox, trash);
    },
    async search(clientId, nameContains, limit) {
      const phrase = trigramPhrase(nameContains);
      const match = phrase ? 'rowid IN (SELECT rowid FROM folders_name_fts WHERE folders_name_fts MATCH ?)' : 'instr(name_lower, ?) > 0';
      return db
        .query<FolderRow, [string, string, number]>(`SELECT ${FOLDER_COLUMNS} FROM folders WHERE client_id = ? AND ${match} ORDER BY path LIMIT ?`)
        .all(clientId, phrase ?? nameContains, limit)
        .map(toFolder);
    },
  };
}
