// imgapi/url: delivery URLs for front-ends and back-ends. Plain ESM with no dependencies and no
// Node built-ins (WebCrypto, TextEncoder, btoa), so it runs unbuilt in Node ≥ 20, Bun, Deno,
// Cloudflare Workers and browsers. Types: ./index.d.ts.

/** Output format → the URL extension the server itself writes (`/sign` ends f_jpeg in .jpg). */
const EXTENSIONS = { webp: 'webp', jpeg: 'jpg', jpg: 'jpg', png: 'png', avif: 'avif', gif: 'gif' };

/**
 * The server's canonical key order (src/core/transform/registry.ts; a test keeps the two equal).
 * Duplicated because a zero-dependency module cannot import the server's registry.
 */
export const CANONICAL_KEYS = Object.freeze(['w', 'h', 'c', 'f', 'q', 'dpr', 'g', 'cr', 'a', 'flip', 'trim', 'b', 'blur', 'sharpen', 'e', 'fr', 'exp']);

const MAX_WIDTH = 8192;
const SEGMENT = /^([a-z]+)_([A-Za-z0-9_.:]+)$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const DATA_URI = /^data:image\/(webp|png|jpeg);base64,[A-Za-z0-9+/=]+$/;

const describe = (value) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function requireText(value, name) {
  if (typeof value !== 'string' || value === '') throw new TypeError(`Expected a non-empty string for ${name} but received ${describe(value)}`);
  return value;
}

function baseOf(baseUrl) {
  return requireText(baseUrl, 'baseUrl').replace(/\/+$/, '');
}

function extensionOf(format) {
  if (format === 'auto') {
    throw new TypeError(
      "Expected an output format for format but received \"auto\": a URL needs a real extension; put f_auto in the transform or preset and give any format (the server negotiates from Accept)",
    );
  }
  if (typeof format !== 'string' || !Object.hasOwn(EXTENSIONS, format)) {
    throw new TypeError(`Expected one of webp, jpeg, jpg, png, avif, gif for format but received ${describe(format)}`);
  }
  return EXTENSIONS[format];
}

/** `?v=<version>` (the image's, from its object): a replaced image's URLs are then new to caches that keep a year. */
function versionQuery(version) {
  if (version === undefined) return '';
  if (!(Number.isInteger(version) && version >= 1)) throw new TypeError(`Expected a positive integer for version but received ${describe(version)}`);
  return `?v=${version}`;
}

function checkWidth(width) {
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    throw new TypeError(`Expected an integer between 1 and ${MAX_WIDTH} for width but received ${describe(width)}`);
  }
  return width;
}

/**
 * `/t/<clientId>/preset:<name>[/w_<N>]/<imageId>.<ext>`: unsigned, so safe in a browser.
 * With `width` the preset must be a width-set preset listing that width; `version` (the image's)
 * adds `?v=<version>`, as every URL the server hands out does.
 */
export function presetUrl({ baseUrl, clientId, imageId, preset, width, format, version }) {
  const base = baseOf(baseUrl);
  const client = encodeURIComponent(requireText(clientId, 'clientId'));
  const name = encodeURIComponent(requireText(preset, 'preset'));
  const file = `${encodeURIComponent(requireText(imageId, 'imageId'))}.${extensionOf(format)}`;
  const size = width === undefined ? '' : `w_${checkWidth(width)}/`;
  return `${base}/t/${client}/preset:${name}/${size}${file}${versionQuery(version)}`;
}

/** `"<url> 320w, <url> 640w"` for a width-set preset, widths ascending and deduplicated. */
export function presetSrcset({ baseUrl, clientId, imageId, preset, widths, format, version }) {
  if (!Array.isArray(widths) || widths.length === 0) {
    throw new TypeError(`Expected a non-empty array of widths for widths but received ${describe(widths)}`);
  }
  const sorted = [...new Set(widths.map(checkWidth))].sort((a, b) => a - b);
  return sorted.map((width) => `${presetUrl({ baseUrl, clientId, imageId, preset, width, format, version })} ${width}w`).join(', ');
}

/**
 * Keys reordered into the server's canonical order; values kept as written. Refuses what can
 * never be a transform (unknown or repeated keys, characters that would leave the path segment).
 */
function canonicalKeyOrder(transform) {
  if (transform === undefined || transform === '') return '';
  if (typeof transform !== 'string') throw new TypeError(`Expected a string for transform but received ${describe(transform)}`);
  const byKey = new Map();
  for (const segment of transform.split(',')) {
    const match = SEGMENT.exec(segment);
    if (!match) throw new TypeError(`Expected key_value segments for transform but received ${JSON.stringify(segment)}`);
    const key = match[1];
    if (!CANONICAL_KEYS.includes(key)) throw new TypeError(`Expected one of ${CANONICAL_KEYS.join(', ')} for a transform key but received ${JSON.stringify(key)}`);
    if (byKey.has(key)) throw new TypeError(`Expected each transform key once but received ${JSON.stringify(key)} twice`);
    byKey.set(key, segment);
  }
  return CANONICAL_KEYS.filter((key) => byKey.has(key)).map((key) => byKey.get(key)).join(',');
}

function base64url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function signature(secret, message) {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(message));
  return base64url(new Uint8Array(mac, 0, 16));
}

/** The format a signed URL's extension names: the transform's concrete `f`, else `format`, else webp (as /sign). */
function signedExtension(canonical, format) {
  const f = /(?:^|,)f_([a-z]+)(?:,|$)/.exec(canonical)?.[1];
  if (f === undefined || f === 'auto') return extensionOf(format ?? 'webp');
  const fromTransform = extensionOf(f);
  if (format !== undefined && extensionOf(format) !== fromTransform) {
    throw new TypeError(`Expected format to agree with the transform's f_${f} but received ${describe(format)}`);
  }
  return fromTransform;
}

/** The longest `expiresIn` the server signs: ten years, as `/sign`. */
const MAX_EXPIRES_IN = 10 * 366 * 24 * 3600;

/** The transform with `exp_<now + expiresIn>` added (inside the signed part, so it cannot be stripped). */
function withExpiry(transform, expiresIn) {
  if (expiresIn === undefined) return transform;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    throw new TypeError(`Expected an integer number of seconds between 1 and ${MAX_EXPIRES_IN} for expiresIn but received ${describe(expiresIn)}`);
  }
  const exp = `exp_${Math.floor(Date.now() / 1000) + expiresIn}`;
  if (transform === undefined || transform === '') return exp;
  if (typeof transform === 'string' && /(?:^|,)exp_/.test(transform)) {
    throw new TypeError('Expected exp_ in the transform or expiresIn, not both, but received both');
  }
  return typeof transform === 'string' ? `${transform},${exp}` : transform;
}

/**
 * A signed URL, as `POST /api/v1/sign { imageId, transform }` returns it when the transform's
 * values are written canonically and `version` is the image's version. Needs the client's
 * signing secret: call it on a server, never in a browser.
 */
export async function signedUrl({ baseUrl, clientId, secret, imageId, transform, format, version, expiresIn }) {
  const base = baseOf(baseUrl);
  const client = encodeURIComponent(requireText(clientId, 'clientId'));
  requireText(secret, 'secret');
  const canonical = canonicalKeyOrder(withExpiry(transform, expiresIn));
  const file = `${encodeURIComponent(requireText(imageId, 'imageId'))}.${signedExtension(canonical, format)}`;
  const query = versionQuery(version);
  const rest = canonical ? `${canonical}/${file}` : file;
  return `${base}/t/${client}/${await signature(secret, `${client}/${rest}`)}/${rest}${query}`;
}

/**
 * CSS for a placeholder behind an image while it loads. Only a `#rrggbb` colour and a base64
 * WebP, PNG or JPEG data URI get through; anything else is dropped, so the result is safe in a
 * style attribute. `thumbhash` and `blurhash` are not used (they need a decoder).
 */
export function placeholderStyle(placeholder) {
  if (placeholder === null || typeof placeholder !== 'object') return '';
  const declarations = [];
  const { color, dataUri } = placeholder;
  if (typeof color === 'string' && COLOR.test(color)) declarations.push(`background-color:${color.toLowerCase()}`);
  if (typeof dataUri === 'string' && DATA_URI.test(dataUri)) declarations.push(`background-image:url(${dataUri})`, 'background-size:cover');
  return declarations.join(';');
}
