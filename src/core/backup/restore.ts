import { AppError } from '../errors';
import type { BlobStore } from '../ports';
import { blobPath, sha256 } from './manifest';
import type { BackupDirectory, DatabaseKind } from './ports';
import { verifyBackup } from './verify';

export interface RestoreReport {
  originals: number;
  bytes: number;
}

/**
 * Verifies the whole backup before anything is written, then puts back every original under
 * its store key and, last, the database: a restore cut short leaves no database, so no server
 * starts on half the originals. The caller checks that the target is empty.
 */
export async function restoreBackup(deps: {
  dir: BackupDirectory;
  originals: BlobStore;
  /** What the target installation runs on: a backup of the other kind is refused before anything is written. */
  databaseKind: DatabaseKind;
  /** Throws when `writeDatabase` could not take this copy (a tool missing or too old), before any original is written. */
  checkDatabase?(data: Uint8Array): Promise<void>;
  writeDatabase(data: Uint8Array): Promise<void>;
}): Promise<RestoreReport> {
  const { dir, originals } = deps;
  const verified = await verifyBackup(dir);
  if (!verified.manifest || verified.problems.length > 0) {
    throw new AppError('invalid_input', `The backup does not verify; nothing was restored:\n  ${verified.problems.join('\n  ')}`);
  }
  const { manifest } = verified;
  if (manifest.database.kind !== deps.databaseKind) {
    const needs = manifest.database.kind === 'postgresql' ? 'with IMGAPI_DATABASE_URL naming an empty PostgreSQL database' : 'without IMGAPI_DATABASE_URL (then `imgapi migrate` copies it into PostgreSQL)';
    throw new AppError('invalid_input', `The backup holds a ${manifest.database.kind} database; restore it ${needs}. Nothing was restored`);
  }
  const database = await dir.read(manifest.database.path);
  const databaseEntry = manifest.files.find((file) => file.path === manifest.database.path)!;
  if (!database || sha256(database) !== databaseEntry.sha256) {
    throw new AppError('invalid_input', `${manifest.database.path} changed during the restore; nothing was restored`);
  }
  await deps.checkDatabase?.(database);
  let bytes = 0;
  for (const [key, hash] of Object.entries(manifest.originals)) {
    const data = await dir.read(blobPath(hash));
    if (!data || sha256(data) !== hash) throw new AppError('invalid_input', `${blobPath(hash)} changed during the restore`);
    await originals.put(key, data);
    bytes += data.byteLength;
  }
  await deps.writeDatabase(database);
  return { originals: Object.keys(manifest.originals).length, bytes };
}
