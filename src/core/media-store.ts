import { createHash } from 'node:crypto';
import { imagePrefix } from './blob-keys';
import { byteSize } from './byte-size';
import { AppError } from './errors';
import { makeHeicMaster } from './heic/heic-master';
import { probeImage, type ProbedImage, type ProbeLimits } from './image-probe';
import type { Limiter } from './limiter';
import { decodeThumbnail, placeholderOf, type Placeholder, type Thumbnail } from './placeholder';
import { svgThumbnail } from './placeholder-source';
import type { BlobStore, ImageRecord } from './ports';
import { sanitizeSvg } from './svg/sanitize-svg';
import { looksLikeSvg } from './svg/svg-prolog';

export interface MediaStores {
  originals: BlobStore;
  variants: BlobStore;
}

export interface MediaLimits extends ProbeLimits {
  maxUploadBytes: number;
  /** Decoding a HEIC for its working master is transform work: same slots, same deadline. */
  transformTimeoutSeconds: number;
}

export interface CheckedUpload extends ProbedImage {
  /** Size of what is stored as the original. */
  bytes: number;
  /** SHA-256 of the uploaded file, as the client has it (sync tools compare it with theirs). */
  contentHash: string;
  /** What is stored as the original: the upload itself, or for an SVG its sanitized document. */
  stored: Uint8Array;
  /** The working master delivery reads instead of an original libvips cannot decode (HEIC). */
  master: Uint8Array | null;
  placeholder: Placeholder;
}

/**
 * Size limit, type from the bytes, pixel and frame limits, content hash: everything an upload
 * must pass, what it is stored as, and its placeholder. An SVG is kept only as the document the
 * sanitizer rebuilt; a HEIC is kept byte-exact, with a working master decoded once here.
 */
export async function checkUpload(data: Uint8Array, limits: MediaLimits, transforms: Limiter, owner = ''): Promise<CheckedUpload> {
  if (data.byteLength > limits.maxUploadBytes) {
    throw new AppError('too_large', `File is larger than the limit of ${byteSize(limits.maxUploadBytes)}`);
  }
  if (data.byteLength === 0) throw new AppError('unsupported_media_type', 'File is empty');
  const contentHash = createHash('sha256').update(data).digest('hex');
  const deadlineFromNow = () => Date.now() + limits.transformTimeoutSeconds * 1000;
  const withPlaceholder = async <T>(checked: T, thumbnail: Thumbnail) => ({ ...checked, placeholder: await placeholderOf(thumbnail) });
  if (looksLikeSvg(data)) {
    const svg = sanitizeSvg(data);
    const probed = { format: 'svg', width: svg.width, height: svg.height, hasAlpha: true, frames: 1 } as const;
    // A renderer worker per upload: in a transform slot, like HEIC's decoder, so parallel uploads cannot multiply them.
    const thumbnail = await transforms.run(() => svgThumbnail(svg.document, svg, deadlineFromNow()), owner);
    return withPlaceholder({ ...probed, bytes: svg.document.byteLength, contentHash, stored: svg.document, master: null }, thumbnail);
  }
  const { thumbnail, ...probed } = await probeImage(data, limits);
  if (thumbnail) return withPlaceholder({ ...probed, bytes: data.byteLength, contentHash, stored: data, master: null }, thumbnail);
  const made = await transforms.run(async () => {
    const deadline = deadlineFromNow();
    const heic = await makeHeicMaster(data, { maxPixels: limits.maxPixels, deadline });
    return { ...heic, thumbnail: await decodeThumbnail(heic.master, { maxPixels: limits.maxPixels, deadline }) };
  }, owner);
  const checked = { ...probed, width: made.width, height: made.height, hasAlpha: made.hasAlpha, bytes: data.byteLength, contentHash, stored: data, master: made.master };
  return withPlaceholder(checked, made.thumbnail);
}

/**
 * Removes an image's files after its row is gone. Rows go first: a crash in between leaves
 * orphan files (harmless, swept by `doctor`), never a row pointing at a missing file.
 */
export async function removeImageFiles(stores: MediaStores, image: ImageRecord): Promise<void> {
  await stores.originals.deletePrefix(imagePrefix(image));
  await stores.variants.deletePrefix(imagePrefix(image));
}
