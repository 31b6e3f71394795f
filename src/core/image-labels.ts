/**
 * Tags, alt text and custom metadata: what people write about an image. Checked and
 * normalized here, once, for the API, the CLI, bulk tagging and CSV import alike.
 */
import { invalid } from './errors';
import { DECEPTIVE, LONE_SURROGATE } from './names';

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;
export const MAX_ALT_LENGTH = 500;
/** Of the metadata as compact JSON, in UTF-8 bytes. */
export const MAX_META_BYTES = 4096;
export const MAX_META_KEY_LENGTH = 100;

/** A metadata value: flat, so every value has one obvious text form (dashboard, CSV). */
export type MetaValue = string | number | boolean | null;
export type ImageMeta = Record<string, MetaValue>;

// C0 and C1 controls and DEL; tab, CR and LF count as whitespace where whitespace is allowed.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const describe = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** They separate tags in lists people type (CLI, dashboard) and in CSV cells, so no tag holds one. */
export const TAG_SEPARATORS = /[,;]/;

/**
 * A tag as stored and matched: trimmed, lower-cased, inner whitespace as one space. Throws
 * for an empty or over-long tag or one with control characters or a separator.
 */
export function normalizeTag(raw: string): string {
  if (CONTROL.test(raw)) throw invalid(`Tag ${describe(raw)} contains a control character`);
  if (TAG_SEPARATORS.test(raw)) throw invalid(`Tag ${describe(raw)} contains "," or ";", which separate tags`);
  // As for client names: a tag that shows as another (bidi, invisible, `e` + accent beside `é`)
  // or that no URL can carry (a lone surrogate) could never be told apart or filtered on.
  if (LONE_SURROGATE.test(raw)) throw invalid('A tag is not valid Unicode text');
  if (new RegExp(DECEPTIVE.source, 'u').test(raw)) throw invalid(`Tag ${describe(raw)} contains a bidi or invisible character`);
  const tag = raw.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
  if (tag === '') throw invalid('A tag must not be empty');
  if ([...tag].length > MAX_TAG_LENGTH) throw invalid(`Tag ${describe(tag)} is longer than ${MAX_TAG_LENGTH} characters`);
  return tag;
}

/** Normalized and deduplicated, first occurrence first; at most MAX_TAGS. */
export function normalizeTags(raw: readonly string[]): string[] {
  return atMostMaxTags([...new Set(raw.map(normalizeTag))]);
}

function atMostMaxTags(tags: string[]): string[] {
  if (tags.length > MAX_TAGS) throw invalid(`An image has at most ${MAX_TAGS} tags (got ${tags.length})`);
  return tags;
}

/**
 * `current` with `add` and without `remove` (both normalized first); the result must fit
 * MAX_TAGS. The current tags were normalized when stored and stay as they are: one stored
 * under older rules does not make every later edit of the image a 400.
 */
export function editTags(current: readonly string[], change: { add?: readonly string[]; remove?: readonly string[] }): string[] {
  const removed = new Set((change.remove ?? []).map(normalizeTag));
  return atMostMaxTags([...new Set([...current, ...(change.add ?? []).map(normalizeTag)])].filter((tag) => !removed.has(tag)));
}

export function checkAlt(alt: string): string {
  if (CONTROL.test(alt)) throw invalid('alt contains a control character');
  if ([...alt].length > MAX_ALT_LENGTH) throw invalid(`alt is longer than ${MAX_ALT_LENGTH} characters`);
  return alt;
}

/** A plain object of at most MAX_META_BYTES whose values are strings, finite numbers, booleans or null. */
export function checkMeta(meta: unknown): ImageMeta {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw invalid('meta must be a JSON object');
  for (const [key, value] of Object.entries(meta)) {
    if (key === '' || [...key].length > MAX_META_KEY_LENGTH) throw invalid(`meta keys must be 1 to ${MAX_META_KEY_LENGTH} characters`);
    if (CONTROL.test(key)) throw invalid(`meta key ${describe(key)} contains a control character`);
    // Copied into a plain object on its way to storage, it would set the prototype, not a key: lost unsaid.
    if (key === '__proto__') throw invalid('meta key "__proto__" is reserved');
    // A lone surrogate is no Unicode: stored, it made every listing of the image JSON that
    // strict parsers (jq) refuse.
    if (LONE_SURROGATE.test(key)) throw invalid('A meta key is not valid Unicode text');
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) throw invalid(`meta.${describe(key)} is not valid Unicode text`);
    const scalar = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!scalar) throw invalid(`meta.${key} must be a string, number, boolean or null (metadata is flat)`);
  }
  const bytes = new TextEncoder().encode(JSON.stringify(meta)).length;
  if (bytes > MAX_META_BYTES) throw invalid(`meta is ${bytes} bytes as JSON; at most ${MAX_META_BYTES}`);
  return { ...(meta as ImageMeta) };
}

/** What `q` searches besides the name: one lower-cased text, fields apart on separate lines. */
export const searchText = (image: { originalName: string; alt: string; tags: readonly string[] }) =>
  [image.originalName, image.alt, ...image.tags].join('\n').toLowerCase();
