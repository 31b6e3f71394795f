import { PICTURE_FORMATS, type ResponsiveSet } from '../core/embed';

const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;' };
/** For attribute values in double quotes (and text): every character that could end or open markup. */
export const escapeHtml = (text: string) => text.replace(/[&"'<>]/g, (c) => ESCAPES[c]!);

const COLOR = /^#[0-9a-f]{6}$/i;

/**
 * The `<img>` (JPEG) and the `<picture>` that offers AVIF and WebP before it, with
 * width/height against layout shift, lazy loading and the placeholder colour painted until the
 * image arrives. Every attribute value is escaped: `sizes` comes from the caller as it is.
 */
export function embedMarkup(set: ResponsiveSet, options: { sizes: string; alt?: string; placeholderColor?: string | null }): { img: string; picture: string } {
  const sizes = escapeHtml(options.sizes);
  const color = options.placeholderColor && COLOR.test(options.placeholderColor) ? ` style="background-color:${options.placeholderColor.toLowerCase()}"` : '';
  const img =
    `<img src="${escapeHtml(set.src)}" srcset="${escapeHtml(set.srcset.jpeg)}" sizes="${sizes}" width="${set.width}" height="${set.height}"` +
    ` alt="${escapeHtml(options.alt ?? '')}" loading="lazy" decoding="async"${color}>`;
  const sources = PICTURE_FORMATS.slice(0, -1).map((format) => `<source type="image/${format}" srcset="${escapeHtml(set.srcset[format])}" sizes="${sizes}">`);
  return { img, picture: `<picture>${sources.join('')}${img}</picture>` };
}
