import { blobPath, databasePath, type BackupManifest } from './manifest';
import type { BackupDirectory } from './ports';

export interface PruneReport {
  files: number;
  bytes: number;
}

const HASH_NAME = /^[0-9a-f]{64}$/;

/**
 * Only a file named as this layout names content (blobs/sha256/<ab>/<sha256>,
 * database/<sha256>.db|.dump) is ever removed: the manifest, the snapshot scratch file,
 * a write's `.part` and whatever else a user keeps beside the backup are not ours to delete.
 */
function isContentFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (path.startsWith('blobs/')) return HASH_NAME.test(name) && path === blobPath(name);
  const hash = name.replace(/\.(db|dump)$/, '');
  return HASH_NAME.test(hash) && (path === databasePath('sqlite', hash) || path === databasePath('postgresql', hash));
}

/**
 * Removes the content files `manifest` does not list. Run only once that manifest is written:
 * until then the previous one may still need them, and a prune cut short leaves every file
 * the written manifest lists.
 */
export async function pruneBackup(dir: BackupDirectory, manifest: BackupManifest, concurrency = 8): Promise<PruneReport> {
  const listed = new Set(manifest.files.map((file) => file.path));
  const unused = (await Promise.all(['blobs/sha256', 'database'].map((folder) => dir.list(folder))))
    .flat()
    .filter((file) => isContentFile(file.path) && !listed.has(file.path));
  const report = { files: 0, bytes: 0 };
  let next = 0;
  const worker = async () => {
    while (next < unused.length) {
      const file = unused[next++]!;
      await dir.remove(file.path);
      report.files++;
      report.bytes += file.size;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, unused.length) }, worker));
  return report;
}
