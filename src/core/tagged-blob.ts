/** A few facts about a stored blob that only computing it revealed (the quality `q_auto` chose). */
export type BlobTags = Readonly<Record<string, string>>;

// NUL "IMGTAG" 0x01: after the JSON and its length, the last 8 bytes of a tagged blob.
const MAGIC = Uint8Array.of(0x00, 0x49, 0x4d, 0x47, 0x54, 0x41, 0x47, 0x01);
const LENGTH_BYTES = 4;
const MAX_TAG_BYTES = 4096;

/**
 * The blob as stored: its bytes, then the tags as JSON, their length (4 bytes, big-endian) and
 * a magic number. Kept in the same file so the tags are written, copied to other nodes and
 * evicted with the bytes in one operation, and read with them at no extra cost; every image
 * format we serve ignores bytes after its end, and the trailer is never served anyway.
 */
export function withTags(body: Uint8Array, tags: BlobTags): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(tags));
  if (json.byteLength > MAX_TAG_BYTES) throw new Error(`Blob tags are limited to ${MAX_TAG_BYTES} bytes`);
  const stored = new Uint8Array(body.byteLength + json.byteLength + LENGTH_BYTES + MAGIC.byteLength);
  stored.set(body);
  stored.set(json, body.byteLength);
  new DataView(stored.buffer).setUint32(body.byteLength + json.byteLength, json.byteLength);
  stored.set(MAGIC, stored.byteLength - MAGIC.byteLength);
  return stored;
}

/** The body (a view, no copy) and its tags; a blob without a valid trailer is all body. */
export function splitTags(stored: Uint8Array): { body: Uint8Array; tags: BlobTags | null } {
  const untagged = { body: stored, tags: null };
  const end = stored.byteLength - MAGIC.byteLength;
  if (end < LENGTH_BYTES || !MAGIC.every((byte, i) => stored[end + i] === byte)) return untagged;
  const length = new DataView(stored.buffer, stored.byteOffset, stored.byteLength).getUint32(end - LENGTH_BYTES);
  const start = end - LENGTH_BYTES - length;
  if (length > MAX_TAG_BYTES || start < 0) return untagged;
  try {
    const tags: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(stored.subarray(start, end - LENGTH_BYTES)));
    if (!tags || typeof tags !== 'object' || Array.isArray(tags) || !Object.values(tags).every((v) => typeof v === 'string')) return untagged;
    return { body: stored.subarray(0, start), tags: tags as BlobTags };
  } catch {
    return untagged;
  }
}
