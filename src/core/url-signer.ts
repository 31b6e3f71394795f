import type { AccountService } from './accounts';
import { presetDeliveryPath, signedDeliveryPath } from './delivery-path';
import { invalid } from './errors';
import { transformAtWidth, validatePresetWidths, widthSteps } from './preset-widths';
import type { ImageService } from './images';
import type { PresetService } from './presets';
import { canonicalTransform, parseTransform } from './transform/parse';
import type { FormatChoice, OutputFormat } from './transform/types';

export interface SignedPath {
  /**
   * Path from the server root, `/t/<clientId>/…?v=<version>`. The query is outside the signed
   * part and ignored by the server: it only makes a replaced image's URLs new to browsers and CDNs.
   */
  path: string;
  canonical: string;
  format: FormatChoice;
  /** With `widths`: the transform at each width (`w` replaced, `h` in proportion), signed. */
  srcset?: { width: number; path: string }[];
}

/** The cache-busting query every generated delivery URL carries (SPEC: `?v=<version>`). */
export const versionQuery = (version: number) => `?v=${version}`;

/** Without a concrete format a URL ends in .webp: full-size WebP, as the seed promises. */
const extensionFormat = (f: FormatChoice | undefined): OutputFormat => (f === undefined || f === 'auto' ? 'webp' : f);

/** Delivery URLs for the sign endpoint, the CLI and the dashboard: signed, or by preset. */
export function createUrlSigner(deps: {
  accounts: Pick<AccountService, 'getClient'>;
  images: Pick<ImageService, 'get'>;
  presets: Pick<PresetService, 'getByName'>;
}) {
  return {
    async sign(clientId: string, input: { imageId: string; transform?: string; preset?: string; widths?: readonly unknown[] }): Promise<SignedPath> {
      if (input.transform !== undefined && input.preset !== undefined) throw invalid('Give a transform or a preset, not both');
      if (input.widths !== undefined && input.preset !== undefined) {
        throw invalid("widths go with a transform; a width-set preset's srcset comes from GET /images/:id/embed");
      }
      const image = await deps.images.get(clientId, input.imageId);
      const query = versionQuery(image.version);
      if (input.preset !== undefined) {
        const preset = await deps.presets.getByName(clientId, input.preset);
        const { f } = parseTransform(preset.params);
        const format = extensionFormat(f);
        return {
          path: presetDeliveryPath(clientId, preset.name, input.imageId, format) + query,
          canonical: preset.params,
          format: f === 'auto' ? 'auto' : format,
        };
      }
      const transform = parseTransform(input.transform ?? '');
      const format = extensionFormat(transform.f);
      const client = await deps.accounts.getClient(clientId);
      const widths = input.widths && validatePresetWidths(input.widths, transform, 'A srcset');
      return {
        path: signedDeliveryPath(client, input.imageId, transform, format) + query,
        canonical: canonicalTransform(transform),
        format: transform.f === 'auto' ? 'auto' : format,
        // Described like an embed's: by the width each URL really delivers, a width past the image's own left out.
        ...(widths && {
          srcset: widthSteps(transform, widths, { ...image, vector: image.format === 'svg' }).map((step) => ({
            width: step.output.width,
            path: signedDeliveryPath(client, input.imageId, transformAtWidth(transform, step.width), format) + query,
          })),
        }),
      };
    },
  };
}

export type UrlSigner = ReturnType<typeof createUrlSigner>;
