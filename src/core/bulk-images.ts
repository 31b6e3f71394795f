import { AppError, invalid } from './errors';
import { normalizeTags } from './image-labels';
import type { ImageService } from './images';
import { LIMITS } from './limits';
import { parseFolderPath } from './names';

export const BULK_ACTIONS = ['move', 'delete', 'tag', 'untag'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Ids are 22 characters; a longer string names no image, and is not echoed back at length. */
export const MAX_ID_CHARS = 64;

export interface BulkRequest {
  ids: readonly string[];
  action: BulkAction;
  /** `move`: the folder path ('' for the root), created if missing. */
  folder?: string;
  /** `tag` / `untag`: the tags added to or removed from each image. */
  tags?: readonly string[];
  /** `delete`: past the trash, at once. */
  permanent?: boolean;
}

export interface BulkResult {
  id: string;
  ok: boolean;
  error?: { code: string; message: string };
}

const FOREIGN_FIELDS: Record<BulkAction, readonly ('folder' | 'tags' | 'permanent')[]> = {
  move: ['tags', 'permanent'],
  delete: ['folder', 'tags'],
  tag: ['folder', 'permanent'],
  untag: ['folder', 'permanent'],
};

/** A request's ids, checked, once each, in the order first given. */
export function checkIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || ids.length === 0) throw invalid('ids must be a non-empty array of image ids');
  if (ids.length > LIMITS.bulkIds) throw invalid(`ids may name at most ${LIMITS.bulkIds} images; got ${ids.length}`);
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_CHARS) throw invalid(`ids must be strings of 1 to ${MAX_ID_CHARS} characters`);
  }
  return [...new Set(ids)];
}

/**
 * The whole request is checked before any image changes, so a bad one changes nothing. Returns
 * its ids as `checkIds` does.
 */
export function checkBulkRequest(request: BulkRequest): string[] {
  const { action } = request;
  const ids = checkIds(request.ids);
  if (!(BULK_ACTIONS as readonly string[]).includes(action)) throw invalid(`action must be one of ${BULK_ACTIONS.join(', ')}`);
  // Another action's field means the caller wanted something else (tags sent with delete).
  const foreign = FOREIGN_FIELDS[action].filter((field) => request[field] !== undefined);
  if (foreign.length > 0) throw invalid(`${action} takes no ${foreign.join(' or ')}`);
  if (action === 'move') {
    if (typeof request.folder !== 'string') throw invalid('move needs folder: the folder path ("" for the root)');
    parseFolderPath(request.folder);
  }
  if (action === 'tag' || action === 'untag') {
    if (!Array.isArray(request.tags) || request.tags.length === 0 || !request.tags.every((tag) => typeof tag === 'string')) {
      throw invalid(`${action} needs tags: a non-empty array of tags`);
    }
    normalizeTags(request.tags);
  }
  return ids;
}

/** One image's change: the same use case, and so the same transaction and events, as a single request. */
function changeOne(images: ImageService, clientId: string, id: string, request: BulkRequest): Promise<unknown> {
  switch (request.action) {
    case 'move':
      return images.update(clientId, id, { folder: request.folder });
    case 'delete':
      return images.delete(clientId, id, { permanent: request.permanent === true });
    case 'tag':
      return images.update(clientId, id, { addTags: request.tags });
    case 'untag':
      return images.update(clientId, id, { removeTags: request.tags });
  }
}

/**
 * Applies one action to many images, each atomically on its own: an image is either fully
 * changed or untouched, and one image's refusal (unknown id, another client's, a limit) is its
 * result, not the request's. Any other error stops the run: it is not about one image.
 */
export async function bulkChange(images: ImageService, clientId: string, request: BulkRequest): Promise<BulkResult[]> {
  const ids = checkBulkRequest(request);
  const results: BulkResult[] = [];
  for (const id of ids) {
    try {
      await changeOne(images, clientId, id, request);
      results.push({ id, ok: true });
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'unavailable') throw error;
      results.push({ id, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return results;
}
