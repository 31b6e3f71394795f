// An <img> with srcset and a placeholder, for Astro, unpic-style components or any HTML template.
import { placeholderStyle, presetSrcset, presetUrl } from 'imgapi/url';

const WIDTHS = [320, 640, 960, 1200]; // the preset's widths
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function responsiveImg({ baseUrl, clientId, image, alt, sizes = '100vw' }) {
  const common = { baseUrl, clientId, imageId: image.id, preset: 'responsive', format: 'webp', version: image.version };
  const src = presetUrl({ ...common, width: WIDTHS.at(-1) });
  const srcset = presetSrcset({ ...common, widths: WIDTHS });
  return `<img src="${escape(src)}" srcset="${escape(srcset)}" sizes="${escape(sizes)}" width="${escape(image.width)}" height="${escape(image.height)}"`
    + ` alt="${escape(alt)}" style="${placeholderStyle(image.placeholder)}" loading="lazy" decoding="async">`;
}
