import { masterKeyOf } from './blob-keys';
import type { MediaStores } from './media-store';
import type { Repositories } from './ports';

export interface DoctorReport {
  images: number;
  /** Rows whose original file is gone: cannot be repaired, only reported. */
  missingOriginals: { clientId: string; imageId: string }[];
  orphanOriginals: string[];
  orphanVariants: string[];
  tempFiles: number;
  repaired: boolean;
  /** Images stored before placeholders existed: `doctor --backfill` computes theirs. */
  withoutPlaceholder: number;
}

// A write in flight lives in .tmp for milliseconds; an hour-old one was abandoned by a crash.
// Likewise an original is stored a moment before its row commits (on any node): only an
// unreferenced original older than this is an orphan rather than an upload in progress.
const TEMP_AGE_MS = 60 * 60 * 1000;
// Files the stores keep for themselves, not blobs of images.
const OWN_FILES = new Set(['health']);

/**
 * Checks the database against the stores. Repairs only what is safe: files nothing refers to
 * (orphan originals, variants of deleted images or old versions, abandoned temp files).
 */
export function createDoctor(deps: { repos: Pick<Repositories, 'images' | 'trash'>; stores: MediaStores }) {
  return {
    async run(options: { repair: boolean }): Promise<DoctorReport> {
      const { originals, variants } = deps.stores;
      const refs = await deps.repos.images.listAllRefs();
      // A trashed image keeps its files (and variants) until it is purged: not orphans.
      const kept = [...refs, ...(await deps.repos.trash.listAllRefs())];
      const originalKeys = new Set(kept.flatMap((r) => [r.originalKey, masterKeyOf(r.originalKey)]));
      const currentVariantDirs = new Set(kept.map((r) => `${r.clientId}/${r.id}/v${r.version}`));

      const missingOriginals: DoctorReport['missingOriginals'] = [];
      for (const ref of refs) {
        if (!(await originals.exists(ref.originalKey))) missingOriginals.push({ clientId: ref.clientId, imageId: ref.id });
      }
      const settled = Date.now() - TEMP_AGE_MS;
      const orphanOriginals = (await originals.listWithSizes())
        .filter((file) => !originalKeys.has(file.key) && !OWN_FILES.has(file.key) && file.mtimeMs < settled)
        .map((file) => file.key);
      const orphanVariants = (await variants.list()).filter((key) => !currentVariantDirs.has(key.split('/').slice(0, 3).join('/')));

      let tempFiles = 0;
      if (options.repair) {
        for (const key of orphanOriginals) await originals.delete(key);
        for (const key of orphanVariants) await variants.delete(key);
        tempFiles = (await originals.sweepTemp(TEMP_AGE_MS)) + (await variants.sweepTemp(TEMP_AGE_MS));
      }
      const withoutPlaceholder = await deps.repos.images.countWithoutPlaceholder();
      return { images: refs.length, missingOriginals, orphanOriginals, orphanVariants, tempFiles, repaired: options.repair, withoutPlaceholder };
    },
  };
}
