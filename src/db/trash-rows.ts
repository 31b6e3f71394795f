import type { ImageRecord, TrashedImage } from '../core/ports';

/** A trash row as both databases return it. */
export interface TrashRow {
  record: string;
  trashed_at: string;
  purge_at: string;
}

export const TRASH_COLUMNS = 'record, trashed_at, purge_at';

export const toTrashed = (r: TrashRow): TrashedImage => ({ image: JSON.parse(r.record) as ImageRecord, trashedAt: r.trashed_at, purgeAt: r.purge_at });

/** What `doctor` needs of a trashed image: its files are kept, not orphans. */
export function trashedRef(r: Pick<TrashRow, 'record'>): Pick<ImageRecord, 'clientId' | 'id' | 'version' | 'originalKey'> {
  const image = JSON.parse(r.record) as ImageRecord;
  return { clientId: image.clientId, id: image.id, version: image.version, originalKey: image.originalKey };
}
