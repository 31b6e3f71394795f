import { newId } from './ids';
import type { ImageRecord } from './ports';

/**
 * Blob keys, built from ids and numbers only — never from a name a user typed.
 * Originals get a fresh key per version; variants live under the image's version.
 */
export const newOriginalKey = (clientId: string, imageId: string) => `${clientId}/${imageId}/${newId()}`;

/**
 * The working master beside an original that libvips cannot read (HEIC): made once at upload,
 * what delivery transforms from. Under the original's key, so it goes wherever the original goes.
 */
export const masterKeyOf = (originalKey: string) => `${originalKey}.master`;

/** Everything stored for one image, in either store: its originals or its variants. */
export const imagePrefix = (image: Pick<ImageRecord, 'clientId' | 'id'>) => `${image.clientId}/${image.id}`;

export const variantBlobKey = (image: Pick<ImageRecord, 'clientId' | 'id' | 'version'>, variantKey: string) =>
  `${variantsOfVersionPrefix(image)}/${variantKey}`;

export const variantsOfVersionPrefix = (image: Pick<ImageRecord, 'clientId' | 'id' | 'version'>) =>
  `${imagePrefix(image)}/v${image.version}`;
