import type { SQL } from 'bun';
import type { OutboxMessage, OutboxWrite } from '../core/outbox/ports';
import type { ImageRecord, TrashRepository, TrashStamp } from '../core/ports';
import { writeOutbox } from './postgres-outbox';
import { insertImageRow } from './postgres-images';
import { lockClientQuota, storedTotals } from './postgres-quotas';
import type { StoredGuard } from '../core/quotas';
import { IMAGE_SELECT, toImage, type ImageCounts, type ImageRow } from './rows';
import { toTrashed, trashedRef, type TrashRow } from './trash-rows';


/** Writes trash rows for images whose rows the caller deletes in the same transaction. */
export async function writeTrash(tx: SQL, images: readonly ImageRecord[], stamp: TrashStamp): Promise<void> {
  for (const image of images) {
    await tx`INSERT INTO trashed_images (id, client_id, record, trashed_at, purge_at)
      VALUES (${image.id}, ${image.clientId}, ${JSON.stringify(image)}, ${stamp.trashedAt}, ${stamp.purgeAt})`;
  }
}

export function createPostgresTrashRepository(sql: SQL, counts: ImageCounts): TrashRepository {
  /** Deletes the trash row and, only if this call deleted it, runs `then` in the same transaction. */
  const take = (clientId: string, id: string, then: (tx: SQL) => Promise<unknown>) =>
    sql.begin(async (tx) => {
      const taken = await tx`DELETE FROM trashed_images WHERE client_id = ${clientId} AND id = ${id}`;
      if (taken.count === 0) return false;
      await then(tx);
      return true;
    });

  return {
    async trash(clientId: string, id: string, stamp: TrashStamp, outbox?: OutboxWrite<ImageRecord>) {
      const image = await sql.begin(async (tx) => {
        // FOR UPDATE: a concurrent PATCH or replace waits, so the trashed record is the last one.
        const [row] = await tx.unsafe<ImageRow[]>(`${IMAGE_SELECT} WHERE i.client_id = $1 AND i.id = $2 FOR UPDATE OF i`, [clientId, id]);
        if (!row) return null;
        const found = toImage(row);
        await writeTrash(tx, [found], stamp);
        await tx`DELETE FROM images WHERE client_id = ${clientId} AND id = ${id}`;
        if (outbox) await writeOutbox(tx, outbox(found));
        return found;
      });
      counts.changed(clientId);
      return image;
    },
    async get(clientId, id) {
      const [row] = await sql<TrashRow[]>`SELECT record, trashed_at, purge_at FROM trashed_images WHERE client_id = ${clientId} AND id = ${id}`;
      return row ? toTrashed(row) : null;
    },
    async list(clientId, limit, offset) {
      const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM trashed_images WHERE client_id = ${clientId}`;
      const rows = await sql<TrashRow[]>`SELECT record, trashed_at, purge_at FROM trashed_images WHERE client_id = ${clientId}
        ORDER BY trashed_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`;
      return { items: rows.map(toTrashed), total: count!.n };
    },
    async restore(image: ImageRecord, outbox: readonly OutboxMessage[] = [], guard?: StoredGuard) {
      const restored = await take(image.clientId, image.id, async (tx) => {
        if (guard) await lockClientQuota(tx, image.clientId);
        await insertImageRow(tx, image);
        if (guard) guard(await storedTotals(tx, image.clientId));
        await writeOutbox(tx, outbox);
      });
      counts.changed(image.clientId);
      return restored;
    },
    async remove(clientId: string, id: string, outbox: readonly OutboxMessage[] = []) {
      return take(clientId, id, (tx) => writeOutbox(tx, outbox));
    },
    async expired(now, limit) {
      const rows = await sql<TrashRow[]>`SELECT record, trashed_at, purge_at FROM trashed_images WHERE purge_at <= ${now} ORDER BY purge_at, id LIMIT ${limit}`;
      return rows.map(toTrashed);
    },
    async listAllRefs() {
      const rows = await sql<{ record: string }[]>`SELECT record FROM trashed_images`;
      return rows.map(trashedRef);
    },
  };
}
