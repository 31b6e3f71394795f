import { masterKeyOf } from '../blob-keys';
import { AppError } from '../errors';
import type { BlobStore } from '../ports';
import { blobPath, DATABASE, MANIFEST, sha256, type BackupManifest } from './manifest';
import type { BackupDirectory, MetadataSnapshotter } from './ports';

export interface BackupReport {
  /** Originals store keys in the backup (masters included). */
  originals: number;
  /** Content files this run wrote; the rest were in the backup already. */
  written: number;
  kept: number;
  bytesWritten: number;
  /** Snapshots taken: more than one when the data changed under the first. */
  snapshots: number;
}

const PARTIAL_DATABASE = `${DATABASE}.partial`;

/**
 * An online backup: a metadata snapshot first, then exactly the originals that snapshot
 * refers to. An original is stored before its row commits and deleted only after its row has
 * moved on, so every key of the snapshot is on disk when the snapshot is taken; one can
 * vanish only when a replace, permanent delete or trash purge commits after it. Then this
 * snapshot is no longer worth keeping whole, and a fresh one is taken (it is later, so it
 * still holds every change acknowledged before the backup began); blobs already copied stay.
 */
export async function runBackup(deps: {
  dir: BackupDirectory;
  metadata: MetadataSnapshotter;
  originals: BlobStore;
  now?: () => Date;
  maxSnapshots?: number;
}): Promise<BackupReport> {
  const { dir, metadata, originals } = deps;
  const maxSnapshots = deps.maxSnapshots ?? 5;
  const known = new Map<string, number>();
  const report = { written: 0, kept: 0, bytesWritten: 0 };

  async function storeContent(data: Uint8Array): Promise<string> {
    const hash = sha256(data);
    if (known.has(hash)) return hash;
    const path = blobPath(hash);
    if ((await dir.size(path)) === data.byteLength) {
      report.kept++;
    } else {
      await dir.write(path, data);
      report.written++;
      report.bytesWritten += data.byteLength;
    }
    known.set(hash, data.byteLength);
    return hash;
  }

  for (let snapshots = 1; snapshots <= maxSnapshots; snapshots++) {
    await dir.remove(PARTIAL_DATABASE);
    const keys = await metadata.snapshot(PARTIAL_DATABASE);
    const mapping: Record<string, string> = {};
    let vanished: string | null = null;
    for (const key of keys) {
      // The master first: it is written before the original and deleted after it, so when the
      // original is still there afterwards, a master that was absent never existed.
      const master = await originals.get(masterKeyOf(key));
      const data = await originals.get(key);
      if (!data) {
        vanished = key;
        break;
      }
      mapping[key] = await storeContent(data);
      if (master) mapping[masterKeyOf(key)] = await storeContent(master);
    }
    if (vanished !== null) continue;

    const database = await dir.read(PARTIAL_DATABASE);
    if (!database) throw new AppError('internal', 'The metadata snapshot was not written');
    const manifest: BackupManifest = {
      format: 'imgapi-backup',
      version: 1,
      createdAt: (deps.now?.() ?? new Date()).toISOString(),
      database: { kind: 'sqlite', path: DATABASE },
      files: [
        { path: DATABASE, sha256: sha256(database), size: database.byteLength },
        ...[...new Set(Object.values(mapping))].sort().map((hash) => ({ path: blobPath(hash), sha256: hash, size: known.get(hash)! })),
      ],
      originals: Object.fromEntries(Object.entries(mapping).sort(([a], [b]) => a.localeCompare(b))),
    };
    // The old manifest stays valid until this rename: a crash leaves the previous backup whole.
    await dir.rename(PARTIAL_DATABASE, DATABASE);
    await dir.write(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 1)}\n`));
    return { originals: Object.keys(mapping).length, ...report, snapshots };
  }
  await dir.remove(PARTIAL_DATABASE);
  throw new AppError('unavailable', `Originals kept changing under ${maxSnapshots} snapshots in a row; run the backup again when writes are quieter`);
}
