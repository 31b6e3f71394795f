import { createHash } from 'node:crypto';
import { imagePrefix } from './blob-keys';
import { AppError } from './errors';
import { probeImage, type ProbedImage, type ProbeLimits } from './image-probe';
import type { BlobStore, ImageRecord } from './ports';

export interface MediaStores {
  originals: BlobStore;
  variants: BlobStore;
}

export interface MediaLimits extends ProbeLimits {
  maxUploadBytes: number;
}

export interface CheckedUpload extends ProbedImage {
  bytes: number;
  contentHash: string;
}

/** Size limit, type from the bytes, pixel limit, content hash: everything an upload must pass. */
export async function checkUpload(data: Uint8Array, limits: MediaLimits): Promise<CheckedUpload> {
  if (data.byteLength > limits.maxUploadBytes) {
    throw new AppError('too_large', `File is larger than the limit of ${limits.maxUploadBytes} bytes`);
  }
  if (data.byteLength === 0) throw new AppError('unsupported_media_type', 'File is empty');
  const probed = await probeImage(data, limits);
  return { ...probed, bytes: data.byteLength, contentHash: createHash('sha256').update(data).digest('hex') };
}

/**
 * Removes an image's files after its row is gone. Rows go first: a crash in between leaves
 * orphan files (harmless, swept by `doctor`), never a row pointing at a missing file.
 */
export async function removeImageFiles(stores: MediaStores, image: ImageRecord): Promise<void> {
  await stores.originals.deletePrefix(imagePrefix(image));
  await stores.variants.deletePrefix(imagePrefix(image));
}
