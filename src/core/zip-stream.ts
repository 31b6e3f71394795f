import { Zip, ZipPassThrough } from 'fflate';
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  /** The entry's path inside the archive, already safe (see `archiveNames`). */
  name: string;
  /** Read when the archive reaches the entry: one file in memory at a time, never the archive. */
  read(): Promise<Uint8Array>;
  modifiedAt?: Date;
}

const UNICODE_PATH = 0x7075;

/**
 * The name again in Info-ZIP's Unicode Path field: Info-ZIP's `unzip` reads a non-ASCII name
 * from it, ignoring the UTF-8 flag that other tools (and fflate) go by.
 */
function unicodePath(name: string): Record<number, Uint8Array> | undefined {
  if (/^[\x20-\x7e]*$/.test(name)) return undefined;
  const utf8 = new TextEncoder().encode(name);
  const field = new Uint8Array(5 + utf8.length);
  field[0] = 1;
  new DataView(field.buffer).setUint32(1, crc32(utf8), true);
  field.set(utf8, 5);
  return { [UNICODE_PATH]: field };
}

/**
 * A ZIP archive as a byte stream, one entry per pull: a slow reader holds back the reads.
 * Entries are stored, not deflated: images are compressed already, and deflating them again
 * costs CPU for a percent or two.
 */
export function zipStream(entries: readonly ZipEntry[]): ReadableStream<Uint8Array> {
  let next = 0;
  let zip: Zip;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error);
        if (chunk.length > 0) controller.enqueue(chunk);
        if (final) controller.close();
      });
    },
    async pull() {
      if (next === entries.length) return next++ === entries.length ? zip.end() : undefined;
      const entry = entries[next++]!;
      const data = await entry.read();
      const file = new ZipPassThrough(entry.name);
      if (entry.modifiedAt) file.mtime = entry.modifiedAt;
      file.extra = unicodePath(entry.name);
      zip.add(file);
      file.push(data, true);
    },
    cancel() {
      zip.terminate();
    },
  });
}
