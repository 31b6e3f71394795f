import type { SourceFormat } from './image-probe';

/** The extensions each stored format is known by; the first is the one given to a name. */
const EXTENSIONS: Record<SourceFormat, readonly string[]> = {
  jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  png: ['png'],
  webp: ['webp'],
  avif: ['avif'],
  gif: ['gif'],
  tiff: ['tif', 'tiff'],
  heif: ['heif', 'heic', 'hif'],
  heic: ['heic', 'heif', 'hif'],
  svg: ['svg'],
};
const IMAGE_EXTENSIONS = new Set(Object.values(EXTENSIONS).flat());

/**
 * The file name a download of the original is saved under: its name, with an extension that
 * matches the bytes. A replace may change the format and keep the name (logo.png now a GIF):
 * saved as logo.png, the file would open in the wrong program or not at all.
 */
export function downloadName(image: { originalName: string; format: string }): string {
  // The dashboard has the format as text: one it does not know keeps the name as it is.
  const own = (EXTENSIONS as Partial<Record<string, readonly string[]>>)[image.format];
  if (!own) return image.originalName;
  const dot = image.originalName.lastIndexOf('.');
  const ext = dot > 0 ? image.originalName.slice(dot + 1).toLowerCase() : '';
  // Only an image extension that says another format is swapped: a name without one (or with
  // a dot of its own, "notes.v2") is kept as the uploader chose it.
  if (own.includes(ext) || !IMAGE_EXTENSIONS.has(ext)) return image.originalName;
  return `${image.originalName.slice(0, dot)}.${own[0]}`;
}
