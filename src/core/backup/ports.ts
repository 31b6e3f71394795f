/** The backup directory, by paths relative to it ('/'-separated). */
export interface BackupDirectory {
  /** Size in bytes, or null when there is no such file. */
  size(path: string): Promise<number | null>;
  read(path: string): Promise<Uint8Array | null>;
  /** Durable and atomic: the file is whole under `path` or not there. */
  write(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/** Takes a consistent copy of the metadata database. */
export interface MetadataSnapshotter {
  /**
   * Writes one transaction-consistent snapshot to `path` in the backup directory and returns
   * every originals store key a row in that snapshot refers to (images and the trash).
   */
  snapshot(path: string): Promise<string[]>;
}
