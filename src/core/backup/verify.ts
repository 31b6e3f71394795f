import { blobPath, MANIFEST, MAX_MANIFEST_BYTES, parseManifest, sha256, type BackupManifest } from './manifest';
import type { BackupDirectory } from './ports';

export interface VerifyReport {
  manifest: BackupManifest | null;
  files: number;
  bytes: number;
  /** One line per problem, naming the file; empty when the backup is whole. */
  problems: string[];
}

/** Re-reads every file of a backup and checks its size and SHA-256 against the manifest. */
export async function verifyBackup(dir: BackupDirectory): Promise<VerifyReport> {
  const size = await dir.size(MANIFEST);
  if (size !== null && size > MAX_MANIFEST_BYTES) {
    return { manifest: null, files: 0, bytes: 0, problems: [`${MANIFEST}: ${size} bytes, more than any backup's manifest (${MAX_MANIFEST_BYTES}); not read`] };
  }
  const text = size === null ? null : await dir.read(MANIFEST);
  if (!text) return { manifest: null, files: 0, bytes: 0, problems: [`${MANIFEST}: missing (not a backup directory?)`] };
  let manifest: BackupManifest;
  try {
    manifest = parseManifest(new TextDecoder().decode(text));
  } catch (error) {
    return { manifest: null, files: 0, bytes: 0, problems: [(error as Error).message] };
  }
  const problems: string[] = [];
  let bytes = 0;
  for (const file of manifest.files) {
    // The size first: a file much larger than the manifest says is not read into memory.
    const size = await dir.size(file.path);
    if (size === null) {
      problems.push(`${file.path}: missing`);
      continue;
    }
    if (size !== file.size) {
      problems.push(`${file.path}: ${size} bytes, the manifest says ${file.size}`);
      continue;
    }
    const data = await dir.read(file.path);
    if (!data) {
      problems.push(`${file.path}: missing`);
      continue;
    }
    bytes += data.byteLength;
    if (data.byteLength !== file.size) problems.push(`${file.path}: ${data.byteLength} bytes, the manifest says ${file.size}`);
    else if (sha256(data) !== file.sha256) problems.push(`${file.path}: SHA-256 differs from the manifest`);
  }
  const listed = new Set(manifest.files.map((file) => file.path));
  for (const [key, hash] of Object.entries(manifest.originals)) {
    if (!listed.has(blobPath(hash))) problems.push(`original ${key}: its content ${blobPath(hash)} is not among the manifest's files`);
  }
  return { manifest, files: manifest.files.length, bytes, problems };
}
