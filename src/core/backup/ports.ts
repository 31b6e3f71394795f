/** Where a backup lives (a directory or a bucket prefix), by paths relative to it ('/'-separated). */
export interface BackupDirectory {
  /** Size in bytes, or null when there is no such file. */
  size(path: string): Promise<number | null>;
  read(path: string): Promise<Uint8Array | null>;
  /** Durable and atomic: the file is whole under `path` or not there. */
  write(path: string, data: Uint8Array): Promise<void>;
  remove(path: string): Promise<void>;
  /** Every file under the folder `prefix` ('/'-separated, no trailing slash), with its size. */
  list(prefix: string): Promise<{ path: string; size: number }[]>;
}

export type DatabaseKind = 'sqlite' | 'postgresql';

/** One transaction-consistent copy of the metadata and the originals keys it refers to. */
export interface MetadataSnapshot {
  /** Every originals store key a row of this snapshot refers to (images and the trash). */
  keys: string[];
  /**
   * The copy itself. It may still be in the making (pg_dump runs on in the snapshot) while
   * the originals are copied: they can vanish from the moment the keys are listed, so that
   * copy starts at once.
   */
  data: Promise<Uint8Array>;
  /** How it was made, for the manifest (e.g. pg_dump and its version, never a secret). */
  tool: string;
}

/** Takes a consistent copy of the metadata database. */
export interface MetadataSnapshotter {
  kind: DatabaseKind;
  snapshot(): Promise<MetadataSnapshot>;
}
