import { presetDeliveryPath } from './delivery-path';
import { invalid } from './errors';
import type { ImageRecord, PresetRecord } from './ports';
import { widthSteps } from './preset-widths';
import { parseTransform } from './transform/parse';
import { sourceInfoOf } from './transform/plan';
import type { OutputFormat } from './transform/types';
import { versionQuery } from './url-signer';

/** The formats a `<picture>` offers, best first; the last is the `<img>` every browser shows. */
export const PICTURE_FORMATS = ['avif', 'webp', 'jpeg'] as const satisfies readonly OutputFormat[];
export type PictureFormat = (typeof PICTURE_FORMATS)[number];

/** One image through a width-set preset: what a page's srcsets and `<img>` need. */
export interface ResponsiveSet {
  /** Of the largest output, with the preset's aspect: what `width`/`height` say against layout shift. */
  width: number;
  height: number;
  srcset: Record<PictureFormat, string>;
  /** The largest JPEG: an `<img>`'s `src`. */
  src: string;
}

/**
 * The srcset of each format for an image through a width-set preset: unsigned URLs at the
 * preset's widths, each described by the width it really delivers (see `widthSteps`). The
 * format comes from each URL's extension, so a preset with a fixed `f` cannot serve all three
 * and is refused; `f_auto` is let through (its URLs answer what each browser accepts best).
 */
export function responsiveSet(
  base: string,
  image: Pick<ImageRecord, 'id' | 'clientId' | 'width' | 'height' | 'frames' | 'version' | 'format' | 'focalPoint'>,
  preset: Pick<PresetRecord, 'name' | 'params' | 'widths'>,
): ResponsiveSet {
  if (!preset.widths) throw invalid(`Preset "${preset.name}" has no widths; an embed needs a width-set preset (create one with widths)`);
  const transform = parseTransform(preset.params);
  if (transform.f !== undefined && transform.f !== 'auto') {
    throw invalid(`Preset "${preset.name}" fixes the format (f_${transform.f}); an embed offers AVIF, WebP and JPEG, so use a preset without f`);
  }
  const steps = widthSteps(transform, preset.widths, sourceInfoOf(image));
  const url = (width: number, format: PictureFormat) =>
    base + presetDeliveryPath(image.clientId, preset.name, image.id, format, width) + versionQuery(image.version);
  const srcsetOf = (format: PictureFormat) => steps.map((step) => `${url(step.width, format)} ${step.output.width}w`).join(', ');
  const largest = steps[steps.length - 1]!;
  return {
    width: largest.output.width,
    height: largest.output.height,
    srcset: Object.fromEntries(PICTURE_FORMATS.map((format) => [format, srcsetOf(format)])) as Record<PictureFormat, string>,
    src: url(largest.width, 'jpeg'),
  };
}
