import { writeOutbox } from './postgres-outbox';
import { writeTrash } from './postgres-trash';
import type { SQL } from 'bun';
import { conflict, notFound } from '../core/errors';
import { checkFolderPathLength, codePoints, tooManyFolders } from '../core/limits';
import type { FolderRecord, FolderRepository, FolderWithCount } from '../core/ports';
import { containsPattern, isUniqueViolation } from './postgres';
import { FOLDER_COLUMNS, IMAGE_SELECT, renamedPath, subtreeArgs, toFolder, toImage, type FolderRow, type ImageCounts, type ImageRow } from './rows';

export function createPostgresFolderRepository(sql: SQL, counts: ImageCounts): FolderRepository {
  const byId = async (db: SQL, clientId: string, id: string) =>
    (await db.unsafe<FolderRow[]>(`SELECT ${FOLDER_COLUMNS} FROM folders WHERE client_id = $1 AND id = $2`, [clientId, id]))[0];
  const byPath = async (db: SQL, clientId: string, path: string) =>
    (await db.unsafe<FolderRow[]>(`SELECT ${FOLDER_COLUMNS} FROM folders WHERE client_id = $1 AND path = $2`, [clientId, path]))[0];

  return {
    async get(clientId, id) {
      const row = await byId(sql, clientId, id);
      return row ? toFolder(row) : null;
    },
    async getByPath(clientId, path) {
      const row = await byPath(sql, clientId, path);
      return row ? toFolder(row) : null;
    },
    async ensurePath(clientId, segments, newId, now, maxFolders, outbox) {
      return sql.begin(async (tx) => {
        let parent: FolderRecord | null = null;
        let created = false;
        const made: FolderRecord[] = [];
        let counted = false;
        for (const [level, name] of segments.entries()) {
          const path: string = parent ? `${parent.path}/${name}` : name;
          if (!counted) {
            const existing = await byPath(tx, clientId, path);
            if (existing) {
              parent = toFolder(existing);
              created = false;
              continue;
            }
            // One creator per client at a time from here to commit, so the count stays true.
            await tx`SELECT pg_advisory_xact_lock(hashtext(${`folders:${clientId}`}))`;
            const [count] = await tx.unsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM folders WHERE client_id = $1', [clientId]);
            if (count!.n + segments.length - level > maxFolders) throw tooManyFolders(maxFolders);
            counted = true;
          }
          // Another node may create the same level at the same moment: the unique path decides.
          const [inserted] = await tx.unsafe<FolderRow[]>(
            `INSERT INTO folders (id, client_id, parent_id, name, path, name_lower, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (client_id, path) DO NOTHING RETURNING ${FOLDER_COLUMNS}`,
            [newId(), clientId, parent?.id ?? null, name, path, name.toLowerCase(), now],
          );
          created = inserted !== undefined;
          parent = toFolder(inserted ?? (await byPath(tx, clientId, path))!);
          if (created) made.push(parent);
        }
        if (outbox && made.length > 0) await writeOutbox(tx, outbox(made));
        return { folder: parent!, created };
      });
    },
    async listWithCounts(clientId) {
      const rows = await sql.unsafe<(FolderRow & { image_count: number })[]>(
        `SELECT ${FOLDER_COLUMNS}, (SELECT count(*)::int FROM images i WHERE i.folder_id = folders.id) AS image_count
         FROM folders WHERE client_id = $1 ORDER BY path`,
        [clientId],
      );
      return rows.map((r): FolderWithCount => ({ ...toFolder(r), imageCount: r.image_count }));
    },
    async rename(clientId, id, name, outbox) {
      return sql.begin(async (tx) => {
        const row = await byId(tx, clientId, id);
        if (!row) throw notFound('Folder');
        const folder = toFolder(row);
        const newPath = renamedPath(folder.path, name);
        if (newPath === folder.path) return folder;
        const [longest] = await tx.unsafe<{ n: number | null }[]>(
          'SELECT max(length(path))::int AS n FROM folders WHERE client_id = $1 AND (path = $2 OR (path >= $3 AND path < $4))',
          [clientId, ...subtreeArgs(folder.path)],
        );
        checkFolderPathLength((longest?.n ?? 0) - codePoints(folder.path) + codePoints(newPath));
        try {
          await tx`UPDATE folders SET name = ${name}, name_lower = ${name.toLowerCase()}, path = ${newPath} WHERE id = ${id}`;
        } catch (error) {
          if (isUniqueViolation(error)) throw conflict(`A folder named "${name}" already exists there`);
          throw error;
        }
        const [, from, to] = subtreeArgs(folder.path);
        await tx`UPDATE folders SET path = ${newPath} || substr(path, ${folder.path.length + 1})
          WHERE client_id = ${clientId} AND path >= ${from} AND path < ${to}`;
        const renamed = { ...folder, name, path: newPath };
        if (outbox) await writeOutbox(tx, outbox({ folder: renamed, previous: folder }));
        return renamed;
      });
    },
    async delete(clientId, id, outbox, trash) {
      const images = await sql.begin(async (tx) => {
        const row = await byId(tx, clientId, id);
        if (!row) throw notFound('Folder');
        const [path, from, to] = subtreeArgs(row.path);
        const rows = await tx.unsafe<ImageRow[]>(
          `${IMAGE_SELECT} WHERE i.client_id = $1 AND i.folder_id IN
             (SELECT id FROM folders WHERE client_id = $1 AND (path = $2 OR (path >= $3 AND path < $4)))`,
          [clientId, path, from, to],
        );
        const deleted = rows.map(toImage);
        if (trash) await writeTrash(tx, deleted, trash);
        // Sub-folders and their images go by ON DELETE CASCADE.
        await tx`DELETE FROM folders WHERE id = ${id}`;
        if (outbox) await writeOutbox(tx, outbox({ folder: toFolder(row), images: deleted }));
        return deleted;
      });
      counts.changed(clientId);
      return images;
    },
    async search(clientId, nameContains, limit) {
      const rows = await sql.unsafe<FolderRow[]>(
        `SELECT ${FOLDER_COLUMNS} FROM folders WHERE client_id = $1 AND name_lower LIKE $2 ORDER BY path LIMIT $3`,
        [clientId, containsPattern(nameContains), limit],
      );
      return rows.map(toFolder);
    },
  };
}
