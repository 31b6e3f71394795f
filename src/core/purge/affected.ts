import { presetDeliveryPath } from '../delivery-path';
import type { PresetRecord } from '../ports';
import { parseTransform } from '../transform/parse';
import type { OutputFormat } from '../transform/types';
import { clientTag, imageTag } from './tags';
import { trimBase, type PurgeEvent, type PurgeScope } from './types';

/** What a purge message carries from the change to the fan-out (written in the change's transaction). */
export type PurgeCause =
  | { event: Extract<PurgeEvent, `image.${string}`>; images: { id: string; version: number }[] }
  | { event: Extract<PurgeEvent, `preset.${string}`>; preset: string };

/** Extensions a preset URL may end in: its own format's, or any when it has none (or f_auto). */
const ANY_FORMAT: OutputFormat[] = ['webp', 'jpeg', 'png', 'avif'];

function presetFormats(preset: PresetRecord): OutputFormat[] {
  const { f } = parseTransform(preset.params);
  return f === undefined || f === 'auto' ? ANY_FORMAT : [f];
}

/**
 * The tags and URLs a change makes stale. An image change: its `img-<id>` tag, and the URLs of
 * every preset for it (each width, each extension the preset answers), bare and with the
 * `?v=<version>` generated URLs carry. A preset change: `client-<id>` (its URLs span every image
 * of the client) and, for URL purges, the preset's path as a prefix (`…/preset:<name>/*`).
 * Signed URLs with free-form transforms cannot be listed: only tags reach them. URLs need the
 * public delivery base (IMGAPI_PUBLIC_URL); without it a purge names tags only. Every URL is
 * listed, however many: the fan-out splits a large scope into bounded rows (`splitScope`).
 */
export function affectedScope(clientId: string, cause: PurgeCause, presets: readonly PresetRecord[], publicBase: string | null): PurgeScope {
  const base = publicBase === null ? null : trimBase(publicBase);
  if ('preset' in cause) {
    return {
      event: cause.event,
      clientId,
      imageId: null,
      tags: [clientTag(clientId)],
      urls: base === null ? [] : [`${base}/t/${clientId}/preset:${cause.preset}/*`],
    };
  }
  const urls: string[] = [];
  if (base !== null) {
    for (const image of cause.images) {
      for (const preset of presets) {
        for (const format of presetFormats(preset)) {
          for (const width of preset.widths ?? [undefined]) {
            const url = base + presetDeliveryPath(clientId, preset.name, image.id, format, width);
            urls.push(url, `${url}?v=${image.version}`);
          }
        }
      }
    }
  }
  return {
    event: cause.event,
    clientId,
    imageId: cause.images.length === 1 ? cause.images[0]!.id : null,
    tags: cause.images.map((image) => imageTag(image.id)),
    urls,
  };
}
