/** What a client stores now: its library's images and their originals. */
export interface ClientStored {
  /** Images in its library (not those in the trash). */
  images: number;
  /** Bytes of their originals, as uploaded. */
  originalsBytes: number;
}

/** What one client's traffic added up to on one UTC day. */
export interface UsageCounts {
  /** Successful `/t/` responses (200 or 304; HEAD included). */
  deliveries: number;
  /** Response body bytes sent by them (none for a 304 or a HEAD). */
  bytesServed: number;
  /** Deliveries answered from a cache tier (memory, disk or the shared bucket). */
  hits: number;
  /** Deliveries that waited for a transform (their own or one already running). */
  misses: number;
  /** Variants computed (a miss's transform, an eager preset's), each once however many waited. */
  transforms: number;
  /** Originals received: new images and replacements. */
  uploads: number;
}

export interface UsageDay extends UsageCounts {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
}

/** One client's counts on one day, as a flush adds them. */
export interface UsageDelta extends UsageDay {
  clientId: string;
}

export const COUNTER_NAMES = ['deliveries', 'bytesServed', 'hits', 'misses', 'transforms', 'uploads'] as const satisfies readonly (keyof UsageCounts)[];

export const zeroCounts = (): UsageCounts => ({ deliveries: 0, bytesServed: 0, hits: 0, misses: 0, transforms: 0, uploads: 0 });

export interface UsageRepository {
  ofClient(clientId: string): Promise<ClientStored>;
  /**
   * Adds each delta to its client's day (`x = x + excluded.x`), all in one transaction: several
   * nodes flushing into one database add up, and a failed flush added nothing.
   */
  addDays(deltas: readonly UsageDelta[]): Promise<void>;
  /** The client's days from `from` to `to` (inclusive) that have a row, oldest first. */
  days(clientId: string, from: string, to: string): Promise<UsageDay[]>;
}
