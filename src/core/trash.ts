import { noChangeOutbox, type ChangeSubscriber } from './outbox/change-events';
import type { ChangeFeed } from './change-feed';
import { conflict, notFound } from './errors';
import { storedGuard, type QuotaService } from './quotas';
import type { FolderService } from './folders';
import { removeImageFiles, type MediaStores } from './media-store';
import { checkPaging } from './paging';
import type { ImageRecord, Repositories, TrashedImage, TrashStamp } from './ports';
import type { AuditLog } from './audit/audit-log';

/** The expiry job as the audit log names it. */
const SYSTEM = { kind: 'system', id: null, name: 'system' } as const;

const DAY_MS = 86_400_000;
/** Trashed images one pass of the expiry job deletes before it looks again. */
const PURGE_BATCH = 100;

export interface TrashDeps {
  repos: Pick<Repositories, 'trash' | 'images' | 'folders'>;
  feed: ChangeFeed;
  folders: Pick<FolderService, 'ensure'>;
  stores: MediaStores;
  now: () => string;
  /** How long a trashed image is kept (IMGAPI_TRASH_DAYS, in ms); 0: deletes go for good at once. */
  retentionMs: number;
  outbox?: ChangeSubscriber;
  /** Where the expiry job records what it deleted. */
  audit?: Pick<AuditLog, 'record'>;
  /** A restore counts as an upload against the client's image and byte limits (403 quota_exceeded). */
  quotas?: Pick<QuotaService, 'of'>;
}

/**
 * The trash. A trashed image leaves the images table in the transaction that trashes it, so
 * listings, search, folder counts and delivery miss it without a condition of their own; the
 * change feed makes every node's delivery caches forget it, as for a delete. Its files stay
 * until it is purged: by `?permanent=true`, or by the expiry job once `purgeAt` has passed.
 */
export function createTrash(deps: TrashDeps) {
  const { repos, feed, stores, now, retentionMs } = deps;
  const outbox = deps.outbox ?? noChangeOutbox;
  const changed = (image: ImageRecord) => feed.publish({ kind: 'image', clientId: image.clientId, imageId: image.id });

  /** Deletes a trashed image's row and then its files: gone for good (`image.deleted`). */
  async function purge(trashed: TrashedImage): Promise<boolean> {
    const { image } = trashed;
    const messages = outbox({ type: 'image.deleted', clientId: image.clientId, at: now(), image });
    // Another node's job (or a restore) may have taken it first: only the one that deleted the row removes the files.
    if (!(await repos.trash.remove(image.clientId, image.id, messages))) return false;
    await removeImageFiles(stores, image);
    return true;
  }

  /** When an image trashed now is kept until; null when there is no trash. */
  function stamp(): TrashStamp | null {
    if (retentionMs <= 0) return null;
    const trashedAt = now();
    return { trashedAt, purgeAt: new Date(Date.parse(trashedAt) + retentionMs).toISOString() };
  }

  return {
    /** False when deletes go for good at once (IMGAPI_TRASH_DAYS=0). */
    enabled: retentionMs > 0,
    stamp,

    async move(clientId: string, id: string): Promise<void> {
      const at = stamp();
      if (!at) throw new Error('The trash is off (IMGAPI_TRASH_DAYS=0)');
      const image = await repos.trash.trash(clientId, id, at, (trashed) => outbox({ type: 'image.trashed', clientId, at: at.trashedAt, image: trashed }));
      if (!image) throw notFound('Image');
      await changed(image);
    },

    /** A trashed image, or null when it is not in the trash. */
    get: (clientId: string, id: string): Promise<TrashedImage | null> => repos.trash.get(clientId, id),

    /** Deletes a trashed image for good; false when it is not in the trash. */
    async purgeOne(clientId: string, id: string): Promise<boolean> {
      const trashed = await repos.trash.get(clientId, id);
      return trashed ? purge(trashed) : false;
    },

    async list(clientId: string, page: number, pageSize: number) {
      checkPaging(page, pageSize);
      const { items, total } = await repos.trash.list(clientId, pageSize, (page - 1) * pageSize);
      return { items, total, page, pageSize };
    },

    /**
     * Puts the image back in its folder: the same folder if it still exists (renamed or not),
     * else its path, created again. 404 once it is gone for good, 409 when it is not trashed.
     */
    async restore(clientId: string, id: string): Promise<ImageRecord> {
      const trashed = await repos.trash.get(clientId, id);
      if (!trashed) {
        if (await repos.images.get(clientId, id)) throw conflict('The image is not in the trash');
        throw notFound('Image');
      }
      const { image } = trashed;
      const kept = image.folderId ? await repos.folders.get(clientId, image.folderId) : null;
      const folder = kept ?? (await deps.folders.ensure(clientId, image.folderPath)).folder;
      const restored: ImageRecord = { ...image, folderId: folder?.id ?? null, folderPath: folder?.path ?? '' };
      const messages = outbox({ type: 'image.restored', clientId, at: now(), image: restored });
      const quotas = await deps.quotas?.of(clientId);
      const guard = quotas && storedGuard(quotas, { images: 1, bytesBefore: 0, bytesAfter: image.bytes, restoring: true });
      if (!(await repos.trash.restore(restored, messages, guard))) throw notFound('Image');
      await changed(restored);
      return restored;
    },

    /** One pass of the expiry job: deletes for good what is due, on whichever node gets each first. */
    async purgeExpired(): Promise<number> {
      let purged = 0;
      for (;;) {
        const due = await repos.trash.expired(now(), PURGE_BATCH);
        for (const trashed of due) {
          if (!(await purge(trashed))) continue;
          purged++;
          const { image } = trashed;
          const name = image.folderPath ? `${image.folderPath}/${image.originalName}` : image.originalName;
          await deps.audit?.record({ actor: SYSTEM, clientId: image.clientId, action: 'image.expire', target: { id: image.id, name }, address: null });
        }
        if (due.length < PURGE_BATCH) return purged;
      }
    },
  };
}

export type Trash = ReturnType<typeof createTrash>;

export const trashRetentionMs = (days: number) => days * DAY_MS;
