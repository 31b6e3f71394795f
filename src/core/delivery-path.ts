import { AppError, notFound } from './errors';
import type { OutputFormat, Transform } from './transform/types';
import { URL_EXTENSIONS } from './transform/types';
import { canonicalTransform } from './transform/parse';
import { EXTENSION_LIST } from './transform/format';
import { signPath } from './signing';

/** `/t/<clientId>/<auth>/<rest>` taken apart; nothing is validated beyond its shape. */
export interface DeliveryPath {
  clientId: string;
  auth: { kind: 'signature'; signature: string } | { kind: 'preset'; name: string };
  /** Everything after the auth segment, exactly as requested: what the signature covers. */
  rest: string;
  /** The transform segment, '' when absent. */
  transform: string;
  imageId: string;
  extension: string;
}

const PRESET_PREFIX = /^preset(:|%3a)/i;
const IMAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Parses the path after `/t/`. Malformed shapes are 404 (no such resource), bad extensions 400. */
export function parseDeliveryPath(path: string): DeliveryPath {
  const first = path.indexOf('/');
  const second = first < 0 ? -1 : path.indexOf('/', first + 1);
  if (first <= 0 || second < 0) throw notFound('Image');
  const clientId = path.slice(0, first);
  const authSegment = path.slice(first + 1, second);
  const rest = path.slice(second + 1);

  const parts = rest.split('/');
  if (parts.length > 2) throw notFound('Image');
  const file = parts[parts.length - 1]!;
  const transform = parts.length === 2 ? decodeURIComponentSafe(parts[0]!) : '';
  const dot = file.lastIndexOf('.');
  if (dot < 0) throw new AppError('invalid_input', `Delivery URL must end in one of ${EXTENSION_LIST}`);
  const imageId = file.slice(0, dot);
  if (!IMAGE_ID.test(imageId)) throw notFound('Image');
  const extension = file.slice(dot + 1).toLowerCase();

  const preset = PRESET_PREFIX.exec(authSegment);
  const auth: DeliveryPath['auth'] = preset
    ? { kind: 'preset', name: authSegment.slice(preset[0].length) }
    : { kind: 'signature', signature: authSegment };
  return { clientId, auth, rest, transform, imageId, extension };
}

function decodeURIComponentSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError('invalid_input', 'Transform segment is not valid percent-encoding');
  }
}

/** The signed delivery path for an image, with the transform in canonical form. */
export function signedDeliveryPath(
  client: { id: string; signingSecret: string },
  imageId: string,
  transform: Transform,
  format: OutputFormat,
): string {
  const canonical = canonicalTransform(transform);
  const rest = `${canonical ? `${canonical}/` : ''}${imageId}.${URL_EXTENSIONS[format]}`;
  return `/t/${client.id}/${signPath(client.signingSecret, client.id, rest)}/${rest}`;
}

/** The unsigned path of an image through a preset, at one of its widths when given. */
export function presetDeliveryPath(clientId: string, preset: string, imageId: string, format: OutputFormat, width?: number): string {
  return `/t/${clientId}/preset:${preset}/${width === undefined ? '' : `w_${width}/`}${imageId}.${URL_EXTENSIONS[format]}`;
}
