import { byteSize } from './byte-size';
import { downloadName } from './download-name';
import { AppError } from './errors';
import type { ImageService } from './images';
import { LIMITS } from './limits';
import { sanitizeFileName } from './names';
import type { BlobStore } from './ports';
import { zipStream } from './zip-stream';
import { checkIds } from './bulk-images';

export interface ImageArchiveDeps {
  images: Pick<ImageService, 'get'>;
  originals: Pick<BlobStore, 'get'>;
  /** Bytes of originals one archive may hold; LIMITS.zipBytes unless a test wants it small. */
  maxBytes?: number;
}

// Characters Windows refuses in a file name: an archive made here is unpacked everywhere.
const WINDOWS_RESERVED = /[<>:"|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** One entry name: a base name only (no `../`, no absolute path, no drive), safe on every system. */
function entryName(originalName: string): string {
  let name = sanitizeFileName(originalName).replace(WINDOWS_RESERVED, '_').replace(/^\.+/, '').replace(/[. ]+$/, '');
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  return name === '' ? 'image' : name;
}

/**
 * Entry names for the images' original names, in order: sanitized, then made distinct ignoring
 * case (as macOS and Windows compare them): `a.jpg`, `a (2).jpg`, `a (3).jpg`.
 */
export function archiveNames(originalNames: readonly string[]): string[] {
  const taken = new Set<string>();
  return originalNames.map((original) => {
    const name = entryName(original);
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

/** A ZIP of several images' originals, as uploaded (the current version of each). */
export function createImageArchive(deps: ImageArchiveDeps) {
  const maxBytes = deps.maxBytes ?? LIMITS.zipBytes;
  return {
    /**
     * Every id is resolved and the size checked before the first byte goes out, so an unknown
     * id (or another client's) or an archive past the limit is a clear error, not a cut stream.
     */
    async zip(clientId: string, ids: readonly string[]): Promise<{ stream: ReadableStream<Uint8Array>; count: number; bytes: number }> {
      const distinct = checkIds(ids);
      const images = [];
      for (const id of distinct) {
        try {
          images.push(await deps.images.get(clientId, id));
        } catch (error) {
          if (error instanceof AppError && error.code === 'not_found') throw new AppError('not_found', `Image ${id} not found`);
          throw error;
        }
      }
      const bytes = images.reduce((sum, image) => sum + image.bytes, 0);
      if (bytes > maxBytes) {
        throw new AppError('too_large', `These originals add up to ${byteSize(bytes)}; one ZIP holds at most ${byteSize(maxBytes)}: download them in parts`);
      }
      const names = archiveNames(images.map(downloadName));
      const entries = images.map((image, i) => ({
        name: names[i]!,
        modifiedAt: new Date(image.updatedAt),
        async read() {
          const data = await deps.originals.get(image.originalKey);
          if (!data) throw new AppError('internal', `The original of ${image.id} is missing from storage (imgapi doctor)`);
          return data;
        },
      }));
      return { stream: zipStream(entries), count: images.length, bytes };
    },
  };
}

export type ImageArchive = ReturnType<typeof createImageArchive>;

