import { createHash } from 'node:crypto';

/**
 * A backup directory:
 *
 *   manifest.json            this file's shape, written last
 *   database/<sha256>.db     the metadata snapshot (a plain SQLite file), named by content
 *   blobs/sha256/ab/abcd…    originals (and HEIC working masters) by content
 *
 * Blobs are named by their SHA-256, so a later backup into the same directory writes only
 * what is new; `originals` maps each store key to the content it had.
 */
export interface BackupManifest {
  format: 'imgapi-backup';
  version: 1;
  createdAt: string;
  database: { kind: 'sqlite'; path: string };
  /** Every file of the backup but the manifest itself. */
  files: { path: string; sha256: string; size: number }[];
  /** Originals store key → SHA-256 of its content (a file under blobs/). */
  originals: Record<string, string>;
}

export const MANIFEST = 'manifest.json';
/** Named by content, so the manifest's rename alone switches from one backup to the next. */
export const databasePath = (hash: string) => `database/${hash}.db`;

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export const blobPath = (hash: string) => `blobs/sha256/${hash.slice(0, 2)}/${hash}`;

const HEX64 = /^[0-9a-f]{64}$/;

/** The manifest as written, or an error naming what is wrong with it. */
export function parseManifest(text: string): BackupManifest {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('manifest.json is not JSON');
  }
  if (value?.format !== 'imgapi-backup' || value.version !== 1) throw new Error('manifest.json is not an imgapi backup manifest (version 1)');
  if (!Array.isArray(value.files) || typeof value.originals !== 'object' || value.originals === null || typeof value.database?.path !== 'string') {
    throw new Error('manifest.json lacks files, originals or database');
  }
  for (const file of value.files) {
    if (typeof file?.path !== 'string' || !HEX64.test(file.sha256) || !Number.isSafeInteger(file.size)) throw new Error(`manifest.json: bad file entry ${JSON.stringify(file)}`);
    if (file.path.startsWith('/') || file.path.split('/').includes('..')) throw new Error(`manifest.json: path outside the backup: ${file.path}`);
  }
  for (const [key, hash] of Object.entries(value.originals)) {
    if (typeof hash !== 'string' || !HEX64.test(hash)) throw new Error(`manifest.json: bad hash for ${key}`);
  }
  return value as BackupManifest;
}
