import { blobPath, databasePath, type BackupManifest } from './manifest';
import type { BackupDirectory } from './ports';

export interface PruneReport {
  files: number;
  bytes: number;
  /** Why the prune stopped early (the backup itself is whole: only unlisted files are ever removed). */
  failed?: string;
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
  const report: PruneReport = { files: 0, bytes: 0 };
  let next = 0;
  // A removal that fails stops the prune and is reported, not thrown: the backup it follows is
  // complete, and must not read as failed.
  const worker = async () => {
    while (next < unused.length && report.failed === undefined) {
      const file = unused[next++]!;
      try {
        await dir.remove(file.path);
      } catch (error) {
        report.failed ??= error instanceof Error ? error.message : String(error);
        return;
      }
      report.files++;
      report.bytes += file.size;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, unused.length) }, worker));
  return report;
}
