export const FIT_MODES = ['fit', 'fill', 'cover', 'contain', 'inside'] as const;
export type FitMode = (typeof FIT_MODES)[number];

export const OUTPUT_FORMATS = ['webp', 'jpeg', 'png', 'avif', 'gif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type FormatChoice = OutputFormat | 'auto';
/** Formats with an encoder quality (PNG is lossless, GIF a palette). */
export type LossyFormat = Exclude<OutputFormat, 'png' | 'gif'>;
export const isLossy = (format: OutputFormat): format is LossyFormat => format !== 'png' && format !== 'gif';
/** Outputs that can hold an animation; every other format gives one still frame. */
export const ANIMATED_FORMATS: ReadonlySet<OutputFormat> = new Set(['webp', 'gif']);

export type { Transform } from './registry';

export const MAX_DIMENSION = 8192;
export const MAX_TRANSFORM_LENGTH = 512;

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  webp: 'image/webp',
  jpeg: 'image/jpeg',
  png: 'image/png',
  avif: 'image/avif',
  gif: 'image/gif',
};

/** Generated URLs use `.jpg` for JPEG (SPEC §5). */
export const URL_EXTENSIONS: Record<OutputFormat, string> = {
  webp: 'webp',
  jpeg: 'jpg',
  png: 'png',
  avif: 'avif',
  gif: 'gif',
};
