import { createLimiter } from './limiter';
import { placeholderOf } from './placeholder';
import { storedThumbnail } from './placeholder-source';
import type { BlobStore, ImageRecord, Repositories } from './ports';

export interface BackfillProgress {
  /** Images without a placeholder when the run started. */
  total: number;
  filled: number;
  /** Replaced (or filled by another run) meanwhile: the new version brought its own. */
  skipped: number;
  failed: { clientId: string; imageId: string; message: string }[];
}

export interface BackfillDeps {
  repos: Pick<Repositories, 'images'>;
  originals: BlobStore;
  limits: { maxPixels: number; transformTimeoutSeconds: number };
  /** Images computed at once. */
  concurrency: number;
}

/**
 * Gives images stored before placeholders existed their placeholder, from their stored file.
 * Resumable by construction: it only reads rows whose placeholder is null, in batches by id, and
 * writes each as it is made, so an interrupted run leaves finished rows finished and the next
 * run starts on the rest. A row is written only if it is still the version that was read.
 * Running servers need not hear of it: nothing they cache for delivery depends on a placeholder.
 */
export function createPlaceholderBackfill(deps: BackfillDeps) {
  const { repos, originals, limits } = deps;

  async function fill(image: ImageRecord): Promise<boolean> {
    const deadline = Date.now() + limits.transformTimeoutSeconds * 1000;
    const thumbnail = await storedThumbnail(image, originals, { maxPixels: limits.maxPixels, deadline });
    return repos.images.setPlaceholder(image, await placeholderOf(thumbnail));
  }

  return {
    countMissing: () => repos.images.countWithoutPlaceholder(),

    async run(options: { batchSize?: number; onProgress?: (progress: BackfillProgress) => void; signal?: AbortSignal } = {}): Promise<BackfillProgress> {
      const batchSize = options.batchSize ?? 100;
      const slots = createLimiter(deps.concurrency);
      const progress: BackfillProgress = { total: await repos.images.countWithoutPlaceholder(), filled: 0, skipped: 0, failed: [] };
      // After the last id seen, so an image that fails is tried once per run, not for ever.
      let after = '';
      while (!options.signal?.aborted) {
        const batch = await repos.images.listWithoutPlaceholder(after, batchSize);
        if (batch.length === 0) break;
        after = batch.at(-1)!.id;
        await Promise.all(
          batch.map((image) =>
            slots.run(async () => {
              try {
                if (await fill(image)) progress.filled++;
                else progress.skipped++;
              } catch (error) {
                progress.failed.push({ clientId: image.clientId, imageId: image.id, message: (error as Error).message });
              }
            }),
          ),
        );
        options.onProgress?.({ ...progress, failed: [...progress.failed] });
      }
      return progress;
    },
  };
}

export type PlaceholderBackfill = ReturnType<typeof createPlaceholderBackfill>;
