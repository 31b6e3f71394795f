import type { AccountService } from './accounts';
import { presetDeliveryPath, signedDeliveryPath } from './delivery-path';
import { invalid } from './errors';
import { transformAtWidth, validatePresetWidths, widthSteps } from './preset-widths';
import type { ImageService } from './images';
import type { PresetService } from './presets';
import { canonicalTransform, parseTransform } from './transform/parse';
import { sourceInfoOf } from './transform/plan';
import { MAX_EXPIRY } from './transform/ops/expiry';
import type { Transform } from './transform/registry';
import type { FormatChoice, OutputFormat } from './transform/types';

/** The longest an expiring URL may be signed for: ten years. */
export const MAX_EXPIRES_IN = 10 * 366 * 24 * 3600;

/** How long a signed URL lives: seconds from now, or an instant (ISO 8601); neither: for ever. */
export interface ExpiryRequest {
  expiresIn?: number;
  expiresAt?: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The `exp_` a request asks for (unix seconds), or undefined; a time not in the future is 400. */
export function expiryOf(request: ExpiryRequest, nowMs: number): number | undefined {
  const { expiresIn, expiresAt } = request;
  if (expiresIn !== undefined && expiresAt !== undefined) throw invalid('Give expiresIn or expiresAt, not both');
  const now = Math.floor(nowMs / 1000);
  if (expiresIn !== undefined) {
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
      throw invalid(`expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (ten years)`);
    }
    return now + expiresIn;
  }
  if (expiresAt === undefined) return undefined;
  const at = ISO_TIME.test(expiresAt) ? Date.parse(expiresAt) : NaN;
  if (Number.isNaN(at)) throw invalid('expiresAt must be an ISO 8601 time with a zone, e.g. 2030-01-31T12:00:00Z');
  const exp = Math.floor(at / 1000);
  if (exp <= now) throw invalid('expiresAt must be in the future');
  if (exp > Math.min(MAX_EXPIRY, now + MAX_EXPIRES_IN)) throw invalid('expiresAt must be within ten years');
  return exp;
}

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
  /** The URL's `exp_`, unix seconds; absent for a URL that never expires. */
  expiresAt?: number;
}

/** The cache-busting query every generated delivery URL carries (SPEC: `?v=<version>`). */
export const versionQuery = (version: number) => `?v=${version}`;

/** Without a concrete format a URL ends in .webp: full-size WebP, as the seed promises. */
const extensionFormat = (f: FormatChoice | undefined): OutputFormat => (f === undefined || f === 'auto' ? 'webp' : f);

/** Delivery URLs for the sign endpoint, the CLI and the dashboard: signed, or by preset. */
export function createUrlSigner(deps: {
  accounts: Pick<AccountService, 'currentClient'>;
  images: Pick<ImageService, 'get'>;
  presets: Pick<PresetService, 'getByName'>;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  return {
    async sign(
      clientId: string,
      input: { imageId: string; transform?: string; preset?: string; widths?: readonly unknown[] } & ExpiryRequest,
    ): Promise<SignedPath> {
      if (input.transform !== undefined && input.preset !== undefined) throw invalid('Give a transform or a preset, not both');
      const exp = expiryOf(input, now());
      if (exp !== undefined && input.preset !== undefined) throw invalid('A preset URL is unsigned, so it cannot expire: sign a transform instead');
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
      const transform = withExpiry(parseTransform(input.transform ?? ''), exp);
      const format = extensionFormat(transform.f);
      const client = await deps.accounts.currentClient(clientId);
      const widths = input.widths && validatePresetWidths(input.widths, transform, 'A srcset');
      return {
        path: signedDeliveryPath(client, input.imageId, transform, format) + query,
        canonical: canonicalTransform(transform),
        format: transform.f === 'auto' ? 'auto' : format,
        ...(transform.exp !== undefined && { expiresAt: transform.exp }),
        // Described like an embed's: by the width each URL really delivers, a width past the image's own left out.
        ...(widths && {
          srcset: widthSteps(transform, widths, sourceInfoOf(image)).map((step) => ({
            width: step.output.width,
            path: signedDeliveryPath(client, input.imageId, transformAtWidth(transform, step.width), format) + query,
          })),
        }),
      };
    },
  };
}

function withExpiry(transform: Transform, exp: number | undefined): Transform {
  if (exp === undefined) return transform;
  if (transform.exp !== undefined) throw invalid('The transform has exp_ already: give it there or as expiresIn/expiresAt, not both');
  return { ...transform, exp };
}

export type UrlSigner = ReturnType<typeof createUrlSigner>;
