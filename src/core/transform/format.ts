import { AppError } from '../errors';
import type { FormatChoice, OutputFormat, Transform } from './types';

const EXTENSION_FORMATS: Record<string, OutputFormat> = {
  webp: 'webp',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  avif: 'avif',
  gif: 'gif',
};

/** "webp, jpg, jpeg, png, avif or gif": what a delivery URL may end in, for error messages. */
export const EXTENSION_LIST = Object.keys(EXTENSION_FORMATS).join(', ').replace(/, (\w+)$/, ' or $1');

export function formatOfExtension(ext: string): OutputFormat {
  const format = Object.hasOwn(EXTENSION_FORMATS, ext) ? EXTENSION_FORMATS[ext] : undefined;
  if (!format) throw new AppError('invalid_input', `Unsupported extension ".${ext}" (expected ${EXTENSION_LIST})`);
  return format;
}

/** Does an Accept header name this media type with a non-zero quality? */
function accepts(accept: string, mediaType: string): boolean {
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().split(';');
    if (type?.trim().toLowerCase() !== mediaType) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** True when the client states no image preference of its own (absent, `*\/*`, `image/*`). */
function hasNoImagePreference(accept: string): boolean {
  return !/image\/(?!\*)/i.test(accept);
}

/** What f_auto needs to know of the source. */
export interface NegotiationSource {
  readonly hasAlpha: boolean;
  /** An animated source whose animation the output is to keep (no `fr`). */
  readonly animated: boolean;
}

/**
 * f_auto: AVIF, then WebP, then JPEG (PNG when the source has alpha), as the
 * request's Accept allows; WebP when the client states no preference (the seed's promise).
 * An animation stays one: animated WebP when accepted, else GIF.
 */
export function negotiateFormat(accept: string | null | undefined, source: NegotiationSource): OutputFormat {
  const header = accept ?? '';
  if (source.animated) return accepts(header, 'image/webp') || hasNoImagePreference(header) ? 'webp' : 'gif';
  if (accepts(header, 'image/avif')) return 'avif';
  if (accepts(header, 'image/webp') || hasNoImagePreference(header)) return 'webp';
  return source.hasAlpha ? 'png' : 'jpeg';
}

/**
 * The output format of a delivery request. Without `f` the extension decides; a concrete
 * `f` must agree with the extension; `f_auto` accepts any extension and negotiates.
 */
export function resolveOutputFormat(
  transform: Transform,
  extension: string,
  accept: string | null | undefined,
  source: NegotiationSource,
): OutputFormat {
  const fromExtension = formatOfExtension(extension);
  const choice: FormatChoice | undefined = transform.f;
  if (choice === undefined) return fromExtension;
  if (choice === 'auto') return negotiateFormat(accept, source);
  if (choice !== fromExtension) {
    throw new AppError('invalid_input', `Extension ".${extension}" does not match the transform's format f_${choice}`);
  }
  return choice;
}
