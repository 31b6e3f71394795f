import { createHash } from 'node:crypto';
import type { DatabaseKind } from './ports';

/**
 * A backup (a directory, or a prefix in a bucket):
 *
 *   manifest.json              this file's shape, written last
 *   database/<sha256>.db       the metadata snapshot: a plain SQLite file, or
 *   database/<sha256>.dump     a `pg_dump --format=custom` archive (PostgreSQL), named by content
 *   blobs/sha256/ab/abcd…      originals (and HEIC working masters) by content
 *
 * Blobs are named by their SHA-256, so a later backup into the same place writes only what
 * is new; `originals` maps each store key to the content it had.
 */
export interface BackupManifest {
  format: 'imgapi-backup';
  version: 1;
  createdAt: string;
  /** `tool`: how the snapshot was made (the pg_dump command line, no secrets). */
  database: { kind: DatabaseKind; path: string; tool?: string };
  /** Every file of the backup but the manifest itself. */
  files: { path: string; sha256: string; size: number }[];
  /** Originals store key → SHA-256 of its content (a file under blobs/). */
  originals: Record<string, string>;
}

export const MANIFEST = 'manifest.json';
/** Larger than a manifest of millions of originals; a bigger one is refused before it is read. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

const EXTENSION: Record<DatabaseKind, string> = { sqlite: 'db', postgresql: 'dump' };
/** Named by content, so the manifest's write alone switches from one backup to the next. */
export const databasePath = (kind: DatabaseKind, hash: string) => `database/${hash}.${EXTENSION[kind]}`;

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export const blobPath = (hash: string) => `blobs/sha256/${hash.slice(0, 2)}/${hash}`;

const HEX64 = /^[0-9a-f]{64}$/;
// The stores check keys again; a manifest is read from outside, so its keys are checked here first.
const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.,-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.,-]*)*$/;
const MAX_KEY_LENGTH = 1024;

const shown = (text: string) => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);

/** The only paths a backup has: a content file named by its own hash. */
function checkFilePath(path: string, hash: string): void {
  if (path === blobPath(hash)) return;
  if (path === databasePath('sqlite', hash) || path === databasePath('postgresql', hash)) return;
  throw new Error(`manifest.json: ${shown(path)} is not a file of a backup (blobs/sha256/<ab>/<sha256> or database/<sha256>.db|.dump, named by its own SHA-256)`);
}

/** The manifest as written, or an error naming what is wrong with it. */
export function parseManifest(text: string): BackupManifest {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('manifest.json is not JSON');
  }
  if (value?.format !== 'imgapi-backup' || value.version !== 1) throw new Error('manifest.json is not an imgapi backup manifest (version 1)');
  if (!Array.isArray(value.files) || typeof value.originals !== 'object' || value.originals === null || Array.isArray(value.originals) || typeof value.database?.path !== 'string') {
    throw new Error('manifest.json lacks files, originals or database');
  }
  if (!(value.database.kind in EXTENSION)) throw new Error(`manifest.json: unknown database kind ${shown(String(value.database.kind))}`);
  if (value.database.tool !== undefined && typeof value.database.tool !== 'string') throw new Error('manifest.json: database.tool is not a text');
  for (const file of value.files) {
    if (typeof file?.path !== 'string' || typeof file.sha256 !== 'string' || !HEX64.test(file.sha256) || !Number.isSafeInteger(file.size) || file.size < 0) {
      throw new Error(`manifest.json: bad file entry ${shown(JSON.stringify(file) ?? String(file))} (a path, a lowercase hex SHA-256 and a size)`);
    }
    checkFilePath(file.path, file.sha256);
  }
  const database = value.files.find((file: { path: string }) => file.path === value.database.path);
  if (!database || value.database.path !== databasePath(value.database.kind, database.sha256)) {
    throw new Error(`manifest.json: the database ${shown(value.database.path)} is not one of its files of kind ${value.database.kind}`);
  }
  for (const [key, hash] of Object.entries(value.originals)) {
    if (key.length > MAX_KEY_LENGTH || !SAFE_KEY.test(key) || key.split('/').some((part) => part.startsWith('.'))) throw new Error(`manifest.json: bad originals key ${shown(key)}`);
    if (typeof hash !== 'string' || !HEX64.test(hash)) throw new Error(`manifest.json: bad hash for ${shown(key)}`);
  }
  return value as BackupManifest;
}
