import { resolve } from 'node:path';
import type { BackupDirectory } from '../core/backup/ports';
import { createBackupDirectory } from './backup-directory';
import { createS3BackupDirectory } from './s3-backup-directory';
import { describeLocation, parseStorageUrl } from './s3-location';

export interface BackupTarget {
  dir: BackupDirectory;
  /** For messages: the path, or the bucket URL without its credentials. */
  description: string;
  /** A local directory's absolute path; null for a bucket. */
  localPath: string | null;
}

/**
 * `<dir>` or `s3://bucket/prefix?endpoint=…&region=…`. A bucket URL takes its credentials from
 * the URL or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in `env`. Any other scheme is refused
 * rather than taken for a directory named `https:`.
 */
export function openBackupTarget(text: string, env: Record<string, string | undefined>): BackupTarget {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    if (!/^s3:\/\//i.test(text)) throw new Error(`The backup location must be a directory or an s3://bucket/prefix URL (got ${text.slice(0, text.indexOf(':'))}://…)`);
    const location = parseStorageUrl(text, env, 'the backup URL');
    if (!location.prefix) throw new Error('the backup URL names no prefix: s3://bucket/prefix (a backup keeps to its own prefix)');
    if (location.prefix.split('/').some((part) => part === '.' || part === '..' || part === '')) throw new Error('the backup URL: the prefix has an empty, "." or ".." segment');
    if (!location.accessKeyId || !location.secretAccessKey) {
      throw new Error('the backup URL: no credentials (put them in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or in the URL as s3://key:secret@bucket/prefix)');
    }
    return { dir: createS3BackupDirectory(location), description: describeLocation(location), localPath: null };
  }
  const path = resolve(text);
  return { dir: createBackupDirectory(path), description: path, localPath: path };
}
