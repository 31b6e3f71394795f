import { noChangeOutbox, type ChangeSubscriber } from './outbox/change-events';
import { masterKeyOf, newOriginalKey, variantsOfVersionPrefix } from './blob-keys';
import type { ChangeFeed } from './change-feed';
import { AppError, invalid, notFound } from './errors';
import { checkFocalPoint, sameFocalPoint } from './focal-point';
import { checkAlt, checkMeta, editTags, normalizeTag, normalizeTags } from './image-labels';
import type { FolderService } from './folders';
import { newId } from './ids';
import type { Limiter } from './limiter';
import { storedGuard, type QuotaService } from './quotas';
import { checkUpload, removeImageFiles, type CheckedUpload, type MediaLimits, type MediaStores } from './media-store';
import { hasControlCharacter, sanitizeFileName } from './names';
import { parseListing, type ListingParams } from './listing-filters';
import { checkPaging } from './paging';
import type { Trash } from './trash';
import type { EagerJobsWrite, FocalPoint, FolderScope, ImageRecord, Repositories } from './ports';

export interface ImageDeps {
  repos: Pick<Repositories, 'images'>;
  feed: ChangeFeed;
  folders: FolderService;
  stores: MediaStores;
  limits: MediaLimits;
  /** The transform slots delivery uses too: a HEIC upload decodes in one of them. */
  transforms: Limiter;
  now: () => string;
  /** Outbox rows (webhooks, purges) each change writes in its own transaction. */
  outbox?: ChangeSubscriber;
  /** The eager presets' variants of a new version, written with its row (see `eager-variants.ts`). */
  eager?: { jobsFor(image: ImageRecord): Promise<EagerJobsWrite>; committed(write: EagerJobsWrite): void };
  /** The client's limits: an upload or replace over one is refused (403 quota_exceeded) and stores nothing. */
  quotas?: Pick<QuotaService, 'beforeUpload'>;
  /** Where a delete without `permanent` puts the image (none, or off: deletes go for good). */
  trash?: Pick<Trash, 'enabled' | 'move' | 'purgeOne'>;
  /** Counts each original received, new or a replacement (the usage page's uploads). */
  usage?: { uploaded(clientId: string): void };
}

/** What `update` changes; absent fields stay. `tags` replaces the set; `addTags`/`removeTags` edit it (bulk tagging). */
export interface ImagePatch {
  originalName?: string;
  folder?: string;
  focalPoint?: FocalPoint | null;
  tags?: readonly string[];
  addTags?: readonly string[];
  removeTags?: readonly string[];
  alt?: string;
  meta?: unknown;
}

/** The tags, alt text and metadata after a patch, each checked (see `image-labels.ts`). */
function labelsPatched(current: ImageRecord, patch: ImagePatch): Pick<ImageRecord, 'tags' | 'alt' | 'meta'> {
  let tags = patch.tags === undefined ? current.tags : normalizeTags(patch.tags);
  if (patch.addTags !== undefined || patch.removeTags !== undefined) tags = editTags(tags, { add: patch.addTags, remove: patch.removeTags });
  return {
    tags,
    alt: patch.alt === undefined ? current.alt : checkAlt(patch.alt),
    meta: patch.meta === undefined ? current.meta : checkMeta(patch.meta),
  };
}

export interface ListImagesInput extends ListingParams {
  /** undefined or '': every image; '/': the root only; a path: that folder. */
  folder?: string;
  recursive?: boolean;
  q?: string;
  /** Only images with this tag (normalized like a stored one). */
  tag?: string;
  page: number;
  pageSize: number;
}


/** The fields of an image record that come from its file. */
const fileFields = (c: CheckedUpload) => ({
  format: c.format,
  width: c.width,
  height: c.height,
  bytes: c.bytes,
  hasAlpha: c.hasAlpha,
  frames: c.frames,
  contentHash: c.contentHash,
  placeholder: c.placeholder,
});

/**
 * What a search looks for. Names, tags and alt text hold no control character, so one in a
 * search could only match nothing; it is refused instead of reaching the database, where a NUL
 * ends SQLite's full-text query early and is no text at all to PostgreSQL (both were a 500).
 */
export function searchTerm(q: string): string {
  if (hasControlCharacter(q)) throw invalid('q must not contain control characters');
  return q.toLowerCase();
}

export function createImageService(deps: ImageDeps) {
  const { repos, folders, stores, limits, now, feed, transforms } = deps;
  const outbox = deps.outbox ?? noChangeOutbox;
  const changed = (image: ImageRecord) => feed.publish({ kind: 'image', clientId: image.clientId, imageId: image.id });

  async function get(clientId: string, id: string): Promise<ImageRecord> {
    const image = await repos.images.get(clientId, id);
    if (!image) throw notFound('Image');
    return image;
  }

  async function scopeOf(clientId: string, folder: string | undefined, recursive: boolean): Promise<FolderScope> {
    if (folder === undefined || folder === '') return { kind: 'all' };
    if (/^\/+$/.test(folder)) return { kind: 'root' };
    return { kind: 'folder', folder: await folders.getByPath(clientId, folder), recursive };
  }

  /**
   * Writes the row only after the original (and its working master) are durably in place;
   * undoes the files if the row fails.
   */
  async function storeThenCommit(key: string, checked: CheckedUpload, commit: () => Promise<void>): Promise<void> {
    const files = (checked.master ? [[masterKeyOf(key), checked.master] as const] : []).concat([[key, checked.stored] as const]);
    try {
      for (const [fileKey, data] of files) await stores.originals.put(fileKey, data);
      await commit();
    } catch (error) {
      for (const [fileKey] of files) await stores.originals.delete(fileKey);
      throw error;
    }
  }

  /** An old version's files, once no row points at them. */
  async function removeOriginal(key: string): Promise<void> {
    await stores.originals.delete(key);
    await stores.originals.delete(masterKeyOf(key));
  }

  return {
    get,

    async upload(clientId: string, input: { data: Uint8Array; fileName?: string; folder?: string }): Promise<ImageRecord> {
      const quotas = await deps.quotas?.beforeUpload(clientId, input.data.byteLength);
      const checked = await checkUpload(input.data, limits, transforms, clientId);
      const { folder } = await folders.ensure(clientId, input.folder ?? '');
      const id = newId();
      const at = now();
      const image: ImageRecord = {
        id,
        clientId,
        folderId: folder?.id ?? null,
        folderPath: folder?.path ?? '',
        originalName: sanitizeFileName(input.fileName, `image.${checked.format === 'jpeg' ? 'jpg' : checked.format}`),
        ...fileFields(checked),
        originalKey: newOriginalKey(clientId, id),
        version: 1,
        focalPoint: null,
        tags: [],
        alt: '',
        meta: {},
        createdAt: at,
        updatedAt: at,
      };
      const eagerJobs = await deps.eager?.jobsFor(image);
      const guard = quotas && storedGuard(quotas, { images: 1, bytesBefore: 0, bytesAfter: checked.bytes });
      await storeThenCommit(image.originalKey, checked, () =>
        repos.images.insert(image, outbox({ type: 'image.created', clientId, at: image.createdAt, image }), eagerJobs, guard),
      );
      deps.usage?.uploaded(clientId);
      // Nothing cached knows this id yet, but listing totals on every node must move.
      await changed(image);
      if (eagerJobs) deps.eager?.committed(eagerJobs);
      return image;
    },

    /**
     * New pixels under the same id and URLs: version + 1, so ETags and variant keys change. The
     * focal point stays: it is a fraction of the image, as meaningful for a retouched file.
     */
    async replace(clientId: string, id: string, data: Uint8Array): Promise<ImageRecord> {
      const current = await get(clientId, id);
      const quotas = await deps.quotas?.beforeUpload(clientId, data.byteLength, { bytes: current.bytes });
      const checked = await checkUpload(data, limits, transforms, clientId);
      const guard = quotas && storedGuard(quotas, { images: 0, bytesBefore: current.bytes, bytesAfter: checked.bytes });
      const next: ImageRecord = {
        ...current,
        ...fileFields(checked),
        originalKey: newOriginalKey(clientId, id),
        version: current.version + 1,
        updatedAt: now(),
      };
      // The old version's jobs are superseded (its variants are purged below): the same transaction drops them.
      const eagerJobs = await deps.eager?.jobsFor(next);
      await storeThenCommit(next.originalKey, checked, async () => {
        const messages = outbox({ type: 'image.replaced', clientId, at: next.updatedAt, image: next, previous: current });
        if (!(await repos.images.update(next, current.version, messages, eagerJobs, guard))) {
          throw new AppError('conflict', 'The image was changed by another request; retry');
        }
      });
      deps.usage?.uploaded(clientId);
      await changed(next);
      if (eagerJobs) deps.eager?.committed(eagerJobs);
      await removeOriginal(current.originalKey);
      await stores.variants.deletePrefix(variantsOfVersionPrefix(current));
      return next;
    },

    async update(
      clientId: string,
      id: string,
      patch: ImagePatch,
    ): Promise<ImageRecord> {
      const current = await get(clientId, id);
      let next: ImageRecord = { ...current, ...labelsPatched(current, patch), updatedAt: now() };
      if (patch.focalPoint !== undefined) next.focalPoint = checkFocalPoint(patch.focalPoint);
      if (patch.originalName !== undefined) {
        if (patch.originalName.trim() === '') throw invalid('originalName must not be empty');
        next.originalName = sanitizeFileName(patch.originalName);
      }
      if (patch.folder !== undefined) {
        const { folder } = await folders.ensure(clientId, patch.folder);
        next = { ...next, folderId: folder?.id ?? null, folderPath: folder?.path ?? '' };
      }
      const messages = outbox({ type: 'image.updated', clientId, at: next.updatedAt, image: next, previous: current });
      if (!(await repos.images.update(next, current.version, messages))) {
        throw new AppError('conflict', 'The image was changed by another request; retry');
      }
      await changed(next);
      // Crops of the old point have keys no request makes any more. Stores purge by prefix only, so
      // the version's other variants go too: made again on demand, with the same keys and ETags.
      if (!sameFocalPoint(current.focalPoint, next.focalPoint)) await stores.variants.deletePrefix(variantsOfVersionPrefix(next));
      return next;
    },

    /** Moves the image to the trash; `permanent` deletes it (or a trashed one) for good at once. */
    async delete(clientId: string, id: string, options: { permanent?: boolean } = {}): Promise<void> {
      if (!options.permanent && deps.trash?.enabled) return deps.trash.move(clientId, id);
      const image = await repos.images.get(clientId, id);
      if (!image) {
        if (options.permanent && (await deps.trash?.purgeOne(clientId, id))) return;
        throw notFound('Image');
      }
      if (!(await repos.images.delete(clientId, id, outbox({ type: 'image.deleted', clientId, at: now(), image })))) throw notFound('Image');
      await changed(image);
      await removeImageFiles(stores, image);
    },

    async list(clientId: string, input: ListImagesInput) {
      checkPaging(input.page, input.pageSize);
      const { sort, filters } = parseListing(input);
      const scope = await scopeOf(clientId, input.folder, input.recursive === true);
      const { items, total } = await repos.images.list({
        clientId,
        scope,
        sort,
        filters,
        nameContains: input.q ? searchTerm(input.q) : undefined,
        tag: input.tag ? normalizeTag(input.tag) : undefined,
        limit: input.pageSize,
        offset: (input.page - 1) * input.pageSize,
      });
      return { items, total, page: input.page, pageSize: input.pageSize };
    },

    async search(clientId: string, q: string, limit: number): Promise<ImageRecord[]> {
      const { items } = await repos.images.list({ clientId, scope: { kind: 'all' }, nameContains: searchTerm(q), limit, offset: 0 });
      return items;
    },
  };
}

export type ImageService = ReturnType<typeof createImageService>;
