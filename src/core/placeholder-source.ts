import { masterKeyOf } from './blob-keys';
import { AppError } from './errors';
import { makeHeicMaster } from './heic/heic-master';
import { decodeThumbnail, THUMBNAIL_SIDE, type Thumbnail } from './placeholder';
import type { BlobStore, ImageRecord } from './ports';
import { renderSvg } from './svg/render-svg';

/** A vector is drawn straight at the thumbnail's size, whatever its own (a 16 px icon too). */
export async function svgThumbnail(document: Uint8Array, size: { width: number; height: number }, deadline: number): Promise<Thumbnail> {
  const scale = THUMBNAIL_SIDE / Math.max(size.width, size.height);
  const side = (length: number) => Math.min(THUMBNAIL_SIDE, Math.max(1, Math.floor(length * scale + 1e-6)));
  return renderSvg(document, side(size.width), side(size.height), { deadline });
}

/**
 * The thumbnail of a stored image, for images stored before placeholders existed: read from
 * the file delivery reads (a HEIC's working master, decoded again from the original if lost;
 * an SVG's sanitized document).
 */
export async function storedThumbnail(
  image: Pick<ImageRecord, 'format' | 'width' | 'height' | 'originalKey'>,
  originals: BlobStore,
  opts: { maxPixels: number; deadline: number },
): Promise<Thumbnail> {
  const read = async (key: string) => {
    const bytes = await originals.get(key);
    if (bytes === null) throw new AppError('not_found', `The original file ${image.originalKey} is missing`);
    return bytes;
  };
  if (image.format === 'svg') return svgThumbnail(await read(image.originalKey), image, opts.deadline);
  if (image.format !== 'heic') return decodeThumbnail(await read(image.originalKey), opts);
  const master = (await originals.get(masterKeyOf(image.originalKey))) ?? (await makeHeicMaster(await read(image.originalKey), opts)).master;
  return decodeThumbnail(master, opts);
}
