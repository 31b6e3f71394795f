import { invalid } from './errors';
import { transformAtWidth } from './preset-widths';
import type { ImageRecord, PresetRecord } from './ports';
import { parseTransform } from './transform/parse';
import { planTransform } from './transform/plan';
import type { Transform } from './transform/registry';
import { URL_EXTENSIONS, type OutputFormat } from './transform/types';
import { versionQuery } from './url-signer';

/** The formats a `<picture>` offers, best first; the last is the `<img>` every browser shows. */
const PICTURE_FORMATS = ['avif', 'webp', 'jpeg'] as const satisfies readonly OutputFormat[];
type PictureFormat = (typeof PICTURE_FORMATS)[number];

export interface Embed {
  /** Of the largest width, with the preset's aspect: what `width`/`height` say to avoid layout shift. */
  width: number;
  height: number;
  srcset: Record<PictureFormat, string>;
  img: string;
  picture: string;
}

export interface EmbedInput {
  /** Scheme, host and port delivery URLs start with. */
  base: string;
  image: Pick<ImageRecord, 'id' | 'clientId' | 'width' | 'height' | 'frames' | 'version' | 'format'>;
  preset: Pick<PresetRecord, 'name' | 'params' | 'widths'>;
  /** The `sizes` attribute, as given: escaped, never refused. */
  sizes: string;
  /** `#rrggbb`, painted while the image loads. */
  placeholderColor?: string | null;
  alt?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;' };
/** For attribute values in double quotes (and text): every character that could end or open markup. */
export const escapeHtml = (text: string) => text.replace(/[&"'<>]/g, (c) => ESCAPES[c]!);

const COLOR = /^#[0-9a-f]{6}$/i;

/**
 * Markup for a width-set preset: a srcset per format (each width's real output width as its
 * descriptor; widths the image is too small for give the same pixels and are left out) and
 * the `<img>` and `<picture>` using them. The format comes from each URL's extension, so a
 * preset with a fixed `f` cannot serve all three and is refused; `f_auto` is let through (its
 * URLs then answer what each browser accepts best, whatever the extension).
 */
export function buildEmbed(input: EmbedInput): Embed {
  const { image, preset } = input;
  if (!preset.widths) throw invalid(`Preset "${preset.name}" has no widths; an embed needs a width-set preset (create one with widths)`);
  const transform = parseTransform(preset.params);
  if (transform.f !== undefined && transform.f !== 'auto') {
    throw invalid(`Preset "${preset.name}" fixes the format (f_${transform.f}); an embed offers AVIF, WebP and JPEG, so use a preset without f`);
  }
  const source = { ...image, vector: image.format === 'svg' };
  const steps = distinctOutputs(transform, preset.widths, (t) => planTransform(t, source, 'jpeg'));
  const largest = steps[steps.length - 1]!;
  const url = (width: number, format: PictureFormat) =>
    `${input.base}/t/${image.clientId}/preset:${preset.name}/w_${width}/${image.id}.${URL_EXTENSIONS[format]}${versionQuery(image.version)}`;
  const srcsetOf = (format: PictureFormat) => steps.map((s) => `${url(s.width, format)} ${s.output.width}w`).join(', ');
  const srcset = Object.fromEntries(PICTURE_FORMATS.map((f) => [f, srcsetOf(f)])) as Record<PictureFormat, string>;

  const sizes = escapeHtml(input.sizes);
  const color = input.placeholderColor && COLOR.test(input.placeholderColor) ? ` style="background-color:${input.placeholderColor.toLowerCase()}"` : '';
  const img =
    `<img src="${escapeHtml(url(largest.width, 'jpeg'))}" srcset="${escapeHtml(srcset.jpeg)}" sizes="${sizes}"` +
    ` width="${largest.output.width}" height="${largest.output.height}" alt="${escapeHtml(input.alt ?? '')}" loading="lazy" decoding="async"${color}>`;
  const sources = PICTURE_FORMATS.slice(0, -1).map((f) => `<source type="image/${f}" srcset="${escapeHtml(srcset[f])}" sizes="${sizes}">`);
  return { width: largest.output.width, height: largest.output.height, srcset, img, picture: `<picture>${sources.join('')}${img}</picture>` };
}

/**
 * The preset's widths with the output each gives, ascending; a width whose output equals the
 * one before (a raster source is never enlarged) adds nothing to a srcset and is dropped.
 */
function distinctOutputs(transform: Transform, widths: readonly number[], plan: (t: Transform) => { width: number; height: number }) {
  const steps: { width: number; output: { width: number; height: number } }[] = [];
  for (const width of widths) {
    const output = plan(transformAtWidth(transform, width));
    if (steps.length && steps[steps.length - 1]!.output.width === output.width) continue;
    steps.push({ width, output });
  }
  return steps;
}
