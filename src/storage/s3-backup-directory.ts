import type { BackupDirectory } from '../core/backup/ports';
import { createS3BlobStore } from './s3-blob-store';
import type { S3Location } from './s3-location';

/**
 * A backup under a bucket prefix, the same layout as on disk. A PUT is atomic, so each file is
 * whole or absent. Sizes come from one listing of the prefix, kept current by this process's
 * own writes: a second backup learns what is already there with a few LIST calls, not a HEAD
 * per original.
 */
export function createS3BackupDirectory(location: S3Location): BackupDirectory {
  // The store puts its objects under `<prefix>/<area>`: here the area is the prefix itself.
  const store = createS3BlobStore({ ...location, prefix: '' }, location.prefix);
  let sizes: Promise<Map<string, number>> | null = null;
  const listed = () => (sizes ??= store.listWithSizes().then((objects) => new Map(objects.map((o) => [o.key, o.size]))));
  return {
    async size(path) {
      return (await listed()).get(path) ?? null;
    },
    read: (path) => store.get(path),
    async write(path, data) {
      await store.put(path, data);
      (await listed()).set(path, data.byteLength);
    },
    async remove(path) {
      await store.delete(path);
      (await listed()).delete(path);
    },
    async list(prefix) {
      // The listing this process began with and its own writes since: an object another
      // process puts meanwhile is not listed, so it is never taken for unused.
      return [...(await listed())].filter(([path]) => path.startsWith(`${prefix}/`)).map(([path, size]) => ({ path, size }));
    },
  };
}
