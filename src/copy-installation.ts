import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { copyRowsToPostgres, type TableReport } from './db/copy-to-postgres';
import { openPostgres } from './db/postgres';
import { openSqlite } from './db/sqlite';
import { copyBlobs, type BlobCopyReport, type BlobToCopy } from './storage/copy-blobs';
import { createFsBlobStore } from './storage/fs-blob-store';
import { createS3BlobStore } from './storage/s3-blob-store';
import type { S3Location } from './storage/s3-location';

export interface MigrationOptions {
  /** The single-node installation: SQLite and files in this data directory. */
  dataDir: string;
  toDatabase: string | null;
  toStorage: S3Location | null;
  concurrency: number;
  onOriginals?: (count: number, bytes: number) => { advance(bytes: number): void };
}

export interface MigrationReport {
  tables: TableReport[] | null;
  originals: BlobCopyReport | null;
  ok: boolean;
}

/**
 * Copies a single-node installation into PostgreSQL and/or a bucket: every row, every
 * original an image refers to (variants are a cache and are made again on demand).
 * Safe to run again: it resumes, and each run ends by verifying counts and hashes.
 */
export async function migrateInstallation(options: MigrationOptions): Promise<MigrationReport> {
  const file = join(options.dataDir, 'imgapi.db');
  if (!existsSync(file)) throw new Error(`No installation in ${options.dataDir} (no imgapi.db): name it with --data`);
  const db = openSqlite(file);
  try {
    let tables: TableReport[] | null = null;
    if (options.toDatabase) {
      const sql = await openPostgres(options.toDatabase, { max: 4 });
      try {
        tables = await copyRowsToPostgres(db, sql);
      } finally {
        await sql.close();
      }
    }
    let originals: BlobCopyReport | null = null;
    if (options.toStorage) {
      const blobs = db
        .query<{ original_key: string; bytes: number; content_hash: string }, []>('SELECT original_key, bytes, content_hash FROM images ORDER BY created_at')
        .all()
        .map((r): BlobToCopy => ({ key: r.original_key, bytes: r.bytes, sha256: r.content_hash }));
      const progress = options.onOriginals?.(blobs.length, blobs.reduce((sum, b) => sum + b.bytes, 0));
      originals = await copyBlobs(blobs, createFsBlobStore({ root: join(options.dataDir, 'originals') }), createS3BlobStore(options.toStorage, 'originals'), {
        concurrency: options.concurrency,
        onProgress: (blob) => progress?.advance(blob.bytes),
      });
    }
    const ok = (tables ?? []).every((t) => t.verified === t.source) && (originals?.failures.length ?? 0) === 0;
    return { tables, originals, ok };
  } finally {
    db.close();
  }
}
