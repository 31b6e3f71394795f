import { masterKeyOf } from '../blob-keys';
import { AppError } from '../errors';
import type { BlobStore } from '../ports';
import { blobPath, databasePath, MANIFEST, MAX_MANIFEST_BYTES, parseManifest, sha256, type BackupManifest } from './manifest';
import type { BackupDirectory, MetadataSnapshotter } from './ports';
import { pruneBackup, type PruneReport } from './prune';

export interface BackupReport {
  /** Originals store keys in the backup (masters included). */
  originals: number;
  /** Content files this run wrote; the rest were in the backup already. */
  written: number;
  kept: number;
  bytesWritten: number;
  /** Snapshots taken: more than one when the data changed under the first. */
  snapshots: number;
  /** With `prune`: the content files no longer listed, removed after the manifest was written. */
  pruned?: PruneReport;
}

/**
 * An online backup: a metadata snapshot first, then exactly the originals that snapshot
 * refers to. An original is stored before its row commits and deleted only after its row has
 * moved on, so every key of the snapshot is on disk when the snapshot is taken; one can
 * vanish only when a replace, permanent delete or trash purge commits after it. Then this
 * snapshot is no longer worth keeping whole, and a fresh one is taken (it is later, so it
 * still holds every change acknowledged before the backup began); what was copied stays, and
 * only keys new since are read, so each retry's window is short.
 */
export async function runBackup(deps: {
  dir: BackupDirectory;
  metadata: MetadataSnapshotter;
  originals: BlobStore;
  now?: () => Date;
  maxSnapshots?: number;
  /** Originals read at once (default 8). */
  concurrency?: number;
  /** Remove the content files the new manifest does not list (originals deleted since earlier backups). */
  prune?: boolean;
}): Promise<BackupReport> {
  const { dir, metadata, originals } = deps;
  const maxSnapshots = deps.maxSnapshots ?? 10;
  const concurrency = deps.concurrency ?? 8;
  const known = new Map<string, number>();
  const report = { written: 0, kept: 0, bytesWritten: 0 };

  /** One write per content, however many keys (or workers at once) hold it. */
  const stored = new Map<string, Promise<void>>();
  async function storeContent(data: Uint8Array): Promise<string> {
    const hash = sha256(data);
    let done = stored.get(hash);
    if (!done) {
      done = (async () => {
        const path = blobPath(hash);
        if ((await dir.size(path)) === data.byteLength) {
          report.kept++;
        } else {
          await dir.write(path, data);
          report.written++;
          report.bytesWritten += data.byteLength;
        }
        known.set(hash, data.byteLength);
      })();
      stored.set(hash, done);
    }
    await done;
    return hash;
  }

  /** Content the backup holds already, at the size the previous manifest gave it: kept without reading the source. */
  async function holds(content: { hash: string; size: number }): Promise<boolean> {
    if (!stored.has(content.hash)) {
      if ((await dir.size(blobPath(content.hash))) !== content.size) return false;
      if (!stored.has(content.hash)) {
        stored.set(content.hash, Promise.resolve());
        known.set(content.hash, content.size);
        report.kept++;
      }
    }
    await stored.get(content.hash);
    return true;
  }

  // A key's content never changes (a new version gets a new key), so what one snapshot's pass
  // copied stands for the next: a retry reads only the keys that are new since. For the same
  // reason the previous backup's keys are not read again from the source (a bucket need not
  // send every original every night): only keys new since that backup are.
  const copied = new Map<string, { original: string; master: string | null }>();
  const before = await previousOriginals(dir);
  for (let snapshots = 1; snapshots <= maxSnapshots; snapshots++) {
    const snapshot = await metadata.snapshot();
    // Awaited below in every case; until then a failure must not count as unhandled.
    snapshot.data.catch(() => {});
    const keys = snapshot.keys;
    let vanished = false;
    // Several originals in flight; one key's master and original in order (see below).
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        if (copied.has(key)) continue;
        const earlier = before.get(key);
        if (earlier && (await holds(earlier.original)) && (!earlier.master || (await holds(earlier.master)))) {
          copied.set(key, { original: earlier.original.hash, master: earlier.master?.hash ?? null });
          continue;
        }
        // The master first: it is written before the original and deleted after it, so when the
        // original is still there afterwards, a master that was absent never existed.
        const master = await originals.get(masterKeyOf(key));
        const data = await originals.get(key);
        if (!data) {
          vanished = true;
          continue;
        }
        copied.set(key, { original: await storeContent(data), master: master ? await storeContent(master) : null });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
    // Even when this snapshot is dropped: its dump ends (and its transaction with it) before the next begins.
    const data = await snapshot.data;
    if (vanished) continue;
    const mapping: Record<string, string> = {};
    for (const key of keys) {
      const entry = copied.get(key)!;
      mapping[key] = entry.original;
      if (entry.master) mapping[masterKeyOf(key)] = entry.master;
    }

    const databaseHash = sha256(data);
    const databaseFile = databasePath(metadata.kind, databaseHash);
    const manifest: BackupManifest = {
      format: 'imgapi-backup',
      version: 1,
      createdAt: (deps.now?.() ?? new Date()).toISOString(),
      database: { kind: metadata.kind, path: databaseFile, tool: snapshot.tool },
      files: [
        { path: databaseFile, sha256: databaseHash, size: data.byteLength },
        ...[...new Set(Object.values(mapping))].sort().map((hash) => ({ path: blobPath(hash), sha256: hash, size: known.get(hash)! })),
      ],
      originals: Object.fromEntries(Object.entries(mapping).sort(([a], [b]) => a.localeCompare(b))),
    };
    const previous = await previousDatabase(dir);
    // Until the manifest is written the previous backup stays whole: its database is another file.
    if ((await dir.size(databaseFile)) !== data.byteLength) await dir.write(databaseFile, data);
    await dir.write(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 1)}\n`));
    // The backup is complete from here on: a snapshot left behind is only space (--prune takes it later).
    if (previous && previous !== databaseFile) await dir.remove(previous).catch(() => undefined);
    const pruned = deps.prune ? await pruneBackup(dir, manifest, concurrency) : undefined;
    return { originals: Object.keys(mapping).length, ...report, snapshots, ...(pruned ? { pruned } : {}) };
  }
  throw new AppError('unavailable', `Originals kept changing under ${maxSnapshots} snapshots in a row; run the backup again when writes are quieter`);
}

async function previousDatabase(dir: BackupDirectory): Promise<string | null> {
  const text = await dir.read(MANIFEST);
  if (!text) return null;
  try {
    return parseManifest(new TextDecoder().decode(text)).database.path;
  } catch {
    return null;
  }
}

type Content = { hash: string; size: number };

/** The previous manifest's originals (key → content, and its master's), if it parses; else none. */
async function previousOriginals(dir: BackupDirectory): Promise<Map<string, { original: Content; master: Content | null }>> {
  const found = new Map<string, { original: Content; master: Content | null }>();
  if (((await dir.size(MANIFEST)) ?? Infinity) > MAX_MANIFEST_BYTES) return found;
  const text = await dir.read(MANIFEST);
  if (!text) return found;
  let manifest: BackupManifest;
  try {
    manifest = parseManifest(new TextDecoder().decode(text));
  } catch {
    return found;
  }
  const sizes = new Map(manifest.files.map((file) => [file.sha256, file.size]));
  const content = (hash: string | undefined): Content | null => (hash && sizes.has(hash) ? { hash, size: sizes.get(hash)! } : null);
  for (const [key, hash] of Object.entries(manifest.originals)) {
    const original = content(hash);
    if (!original || key.endsWith('.master')) continue;
    const masterHash = manifest.originals[masterKeyOf(key)];
    const master = content(masterHash);
    // A master the manifest names but does not list: not to be trusted, read the source again.
    if (masterHash && !master) continue;
    found.set(key, { original, master });
  }
  return found;
}
