import type { Database } from 'bun:sqlite';
import type { ImageRecord, TrashRepository, TrashStamp } from '../core/ports';
import type { OutboxMessage, OutboxWrite } from '../core/outbox/ports';
import { writeOutbox } from './sqlite-outbox';
import { insertImageRow } from './sqlite-images';
import { storedTotals } from './sqlite-quotas';
import type { StoredGuard } from '../core/quotas';
import { IMAGE_SELECT, toImage, type ImageCounts, type ImageRow } from './rows';
import { TRASH_COLUMNS, toTrashed, trashedRef, type TrashRow } from './trash-rows';

/** Writes trash rows for images whose rows the caller deletes in the same transaction. */
export function writeTrash(db: Database, images: readonly ImageRecord[], stamp: TrashStamp): void {
  const insert = db.query('INSERT INTO trashed_images (id, client_id, record, trashed_at, purge_at) VALUES (?, ?, ?, ?, ?)');
  for (const image of images) insert.run(image.id, image.clientId, JSON.stringify(image), stamp.trashedAt, stamp.purgeAt);
}

export function createSqliteTrashRepository(db: Database, counts: ImageCounts): TrashRepository {
  const byId = db.query<TrashRow, [string, string]>(`SELECT ${TRASH_COLUMNS} FROM trashed_images WHERE client_id = ? AND id = ?`);
  const imageById = db.query<ImageRow, [string, string]>(`${IMAGE_SELECT} WHERE i.client_id = ? AND i.id = ?`);

  const trash = db.transaction((clientId: string, id: string, stamp: TrashStamp, outbox?: OutboxWrite<ImageRecord>) => {
    const row = imageById.get(clientId, id);
    if (!row) return null;
    const image = toImage(row);
    writeTrash(db, [image], stamp);
    db.query('DELETE FROM images WHERE client_id = ? AND id = ?').run(clientId, id);
    if (outbox) writeOutbox(db, outbox(image));
    return image;
  });

  const restore = db.transaction((image: ImageRecord, outbox: readonly OutboxMessage[], guard?: StoredGuard) => {
    if (db.query('DELETE FROM trashed_images WHERE client_id = ? AND id = ?').run(image.clientId, image.id).changes === 0) return false;
    insertImageRow(db, image);
    guard?.(storedTotals(db, image.clientId));
    writeOutbox(db, outbox);
    return true;
  });

  const remove = db.transaction((clientId: string, id: string, outbox: readonly OutboxMessage[]) => {
    if (db.query('DELETE FROM trashed_images WHERE client_id = ? AND id = ?').run(clientId, id).changes === 0) return false;
    writeOutbox(db, outbox);
    return true;
  });

  return {
    async trash(clientId, id, stamp, outbox) {
      const image = trash(clientId, id, stamp, outbox);
      counts.changed(clientId);
      return image;
    },
    async get(clientId, id) {
      const row = byId.get(clientId, id);
      return row ? toTrashed(row) : null;
    },
    async list(clientId, limit, offset) {
      const total = db.query<{ n: number }, [string]>('SELECT count(*) AS n FROM trashed_images WHERE client_id = ?').get(clientId)!.n;
      const items = db
        .query<TrashRow, [string, number, number]>(
          `SELECT ${TRASH_COLUMNS} FROM trashed_images WHERE client_id = ? ORDER BY trashed_at DESC, id DESC LIMIT ? OFFSET ?`,
        )
        .all(clientId, limit, offset)
        .map(toTrashed);
      return { items, total };
    },
    async restore(image, outbox = [], guard) {
      // Quota-checked: the write lock at once, as for uploads (see sqlite-images.ts).
      const restored = guard ? restore.immediate(image, outbox, guard) : restore(image, outbox);
      counts.changed(image.clientId);
      return restored;
    },
    async remove(clientId, id, outbox = []) {
      return remove(clientId, id, outbox);
    },
    async expired(now, limit) {
      return db
        .query<TrashRow, [string, number]>(`SELECT ${TRASH_COLUMNS} FROM trashed_images WHERE purge_at <= ? ORDER BY purge_at, id LIMIT ?`)
        .all(now, limit)
        .map(toTrashed);
    },
    async listAllRefs() {
      return db
        .query<{ record: string }, []>('SELECT record FROM trashed_images')
        .all()
        .map(trashedRef);
    },
  };
}
